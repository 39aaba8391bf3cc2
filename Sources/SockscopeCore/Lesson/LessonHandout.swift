/// `lesson NAME --handout FILE` and `replay FILE --handout FILE` (issue 23): what a class takes
/// home, in Markdown (`.md`) or HTML (`.html`): each step with what it holds, the calls, the
/// checks and what came of it; the final ladder; a legend of the ladder's marks; and the states'
/// names as the kernel, RFC 9293 and the textbooks write them. Built from lesson events alone;
/// every text escaped for the format it is written in.
public enum LessonHandout {
    public enum Format: Sendable { case markdown, html }

    /// The format a file's name asks for: `.html`/`.htm` is HTML, anything else Markdown.
    public static func format(of path: String) -> Format {
        let lower = path.lowercased()
        return lower.hasSuffix(".html") || lower.hasSuffix(".htm") ? .html : .markdown
    }

    /// The ladder's marks, as the screen, the page and the SVG draw them.
    public static let legend: [(mark: String, meaning: String)] = [
        ("S", "SYN: asks to open a connection, with the sender's first sequence number"),
        ("S.", "SYN-ACK: the answer to a SYN, with the answerer's own SYN"),
        (".", "ACK alone: acknowledges what arrived, carries nothing"),
        ("P.", "data (PSH, ACK): bytes of the stream"),
        ("F.", "FIN (with ACK): the sender will send nothing more"),
        ("R", "RST: the connection is aborted (R. with ACK)"),
        ("✗", "a segment a hold dropped on arrival: the other end never saw it"),
        ("⟲", "a segment sent again (a retransmission)"),
    ]

    /// Each state as the kernel (and `ss`) names it, as RFC 9293 does, and as textbooks and
    /// tutorials often spell it.
    public static let names: [(kernel: String, rfc: String, textbook: String)] = [
        ("LISTEN", "LISTEN", "LISTEN"), ("SYN_SENT", "SYN-SENT", "SYN_SENT"), ("SYN_RECV", "SYN-RECEIVED", "SYN_RCVD"),
        ("ESTABLISHED", "ESTABLISHED", "ESTABLISHED"), ("FIN_WAIT1", "FIN-WAIT-1", "FIN_WAIT_1"), ("FIN_WAIT2", "FIN-WAIT-2", "FIN_WAIT_2"),
        ("CLOSE_WAIT", "CLOSE-WAIT", "CLOSE_WAIT"), ("CLOSING", "CLOSING", "CLOSING"), ("LAST_ACK", "LAST-ACK", "LAST_ACK"),
        ("TIME_WAIT", "TIME-WAIT", "TIME_WAIT"), ("CLOSE", "CLOSED", "CLOSED"),
        ("NEW_SYN_RECV", "SYN-RECEIVED (Linux's request socket)", "—"),
    ]

    /// `ladders`: each connection's ladder as text lines (the screen's drawing), for Markdown,
    /// given the model built here (once).
    public static func render(_ events: [LessonEvent], format: Format, ladders: (LessonScreenModel) -> [[String]] = { _ in [] }) -> String {
        var model = LessonScreenModel()
        var holdsByStep: [Int: [String]] = [:]
        for event in events {
            model.apply(event)
            if case .holds = event, let number = model.current?.number {
                holdsByStep[number] = Array(Set((holdsByStep[number] ?? []) + model.holds)).sorted()
            }
        }
        switch format {
        case .markdown: return markdown(model, holds: holdsByStep, ladders: ladders(model))
        case .html: return html(model, holds: holdsByStep)
        }
    }

    // MARK: Markdown

    static func markdown(_ model: LessonScreenModel, holds: [Int: [String]], ladders: [[String]]) -> String {
        var text = "# \(md(model.title.isEmpty ? model.name : model.title))\n\n"
        text += "A handout of `sockscope lesson \(code(model.name))`: \(model.steps.count) steps, real sockets, each state held"
        text += model.result.map { " — \($0.passed) of \($0.of) steps passed in this run.\n\n" } ?? ".\n\n"
        for step in model.steps {
            text += "## \(step.number). \(md(step.title))\n\n\(md(step.says))\n\n"
            if let held = holds[step.number], !held.isEmpty { text += "- **Holds:** \(held.map(md).joined(separator: ", "))\n" }
            if !step.actions.isEmpty { text += "- **Calls:** " + step.actions.map { "`\(code($0))`" }.joined(separator: ", ") + "\n" }
            for check in step.checks { text += "- \(check.passed ? "✓" : "✗") \(md(check.text))\n" }
            if let passed = step.passed { text += "- **\(passed ? "Passed" : "Failed")**" + (step.then.map { ": \(md($0))" } ?? "") + "\n" }
            text += "\n"
        }
        if !ladders.isEmpty {
            text += "## The ladder\n\n"
            for lines in ladders where !lines.isEmpty {
                // A fence longer than any run of backquotes in the lines.
                text += "```text\n" + lines.map { $0.replacingBackquotes() }.joined(separator: "\n") + "\n```\n\n"
            }
        }
        text += "## Legend\n\n| Mark | Meaning |\n|---|---|\n"
        for entry in legend { text += "| `\(entry.mark)` | \(entry.meaning) |\n" }
        text += "\n## The states' names\n\n| Linux (the kernel, ss) | RFC 9293 | Textbooks, tutorials |\n|---|---|---|\n"
        for name in names { text += "| \(name.kernel) | \(name.rfc) | \(name.textbook) |\n" }
        return text
    }

    /// Text for Markdown: escaped for the terminal first (a recording's can hold anything), then
    /// the characters Markdown or an HTML renderer would act on (`_` inside a word is left: the
    /// states' names read as they are, and CommonMark does not emphasise there).
    static func md(_ text: String) -> String {
        var out = ""
        for character in text.terminalSafe {
            switch character {
            case "\\", "`", "*", "[", "]", "<", ">", "|": out += "\\\(character)"
            default: out.append(character)
            }
        }
        return out
    }

    /// Text inside `…`: no backquote can end it early.
    static func code(_ text: String) -> String { text.terminalSafe.replacingBackquotes() }

    // MARK: HTML

    static func html(_ model: LessonScreenModel, holds: [Int: [String]]) -> String {
        let e = LessonPage.escape
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(e("sockscope lesson \(model.name): \(model.title)"))</title>
            <style>\(LessonPage.style)</style>
            </head>
            <body>
            <main>
            <h1>\(e(model.title.isEmpty ? model.name : model.title))</h1>
            <p class="how">A handout of <code>sockscope lesson \(e(model.name))</code>: \(model.steps.count) steps\(model.result.map { ", \($0.passed) of \($0.of) passed in this run" } ?? "").</p>

            """
        for step in model.steps {
            html += "<section class=\"step\"><h2>\(step.number). \(e(step.title))</h2>\n<p class=\"says\">\(e(step.says))</p>\n"
            if let held = holds[step.number], !held.isEmpty { html += "<p class=\"holds\">holding: \(e(held.joined(separator: ", ")))</p>\n" }
            if !step.actions.isEmpty { html += "<ul class=\"calls\">" + step.actions.map { "<li><code>\(e($0))</code></li>" }.joined() + "</ul>\n" }
            if !step.checks.isEmpty {
                html += "<ul class=\"checks\">" + step.checks.map { "<li class=\"\($0.passed ? "pass" : "fail")\">\($0.passed ? "✓" : "✗") \(e($0.text))</li>" }.joined() + "</ul>\n"
            }
            if let passed = step.passed {
                html += "<p class=\"verdict \(passed ? "pass" : "fail")\">\(passed ? "passed" : "failed")" + (step.then.map { ": \(e($0))" } ?? "") + "</p>\n"
            }
            html += "</section>\n"
        }
        let panels = model.svgPanels
        if !panels.isEmpty { html += "<h2>The ladder</h2>\n<div class=\"ladder\">\n\(LadderSVG.render(panels, standalone: false))</div>\n" }
        html += "<h2>Legend</h2>\n<table class=\"ends\"><tr><th>mark</th><th>meaning</th></tr>\n"
        for entry in legend { html += "<tr><td>\(e(entry.mark))</td><td>\(e(entry.meaning))</td></tr>\n" }
        html += "</table>\n<h2>The states' names</h2>\n<table class=\"ends\"><tr><th>Linux (the kernel, ss)</th><th>RFC 9293</th><th>Textbooks, tutorials</th></tr>\n"
        for name in names { html += "<tr><td>\(e(name.kernel))</td><td>\(e(name.rfc))</td><td>\(e(name.textbook))</td></tr>\n" }
        return html + "</table>\n</main>\n</body>\n</html>\n"
    }
}

extension String {
    /// Backquotes as primes: inside a Markdown code span or fence they would end it.
    func replacingBackquotes() -> String { String(map { $0 == "`" ? "ʹ" : $0 }) }
}
