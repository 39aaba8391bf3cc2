/// `lesson NAME --html FILE` and `replay FILE --html FILE` (issue 23): one self-contained page —
/// no network, no outside script, font or style — that steps through a lesson for a projector or
/// a student with a browser and no terminal: a list of the steps; each step's narration, calls,
/// both ends' states, checks and verdict; and the ladder growing segment by segment (→ shows the
/// next row, then the next step; ← goes back; `#step=N` opens a step). Without script every step
/// is shown, one after the other, as a handout prints. Built from lesson events alone, live or
/// recorded; every text is escaped (a recording can hold anything).
public enum LessonPage {
    /// One step as the page shows it, with the ladder as it stands at its end.
    struct Step {
        var step: LessonScreenModel.Step
        var ends: [EndRow]
        var holds: [String]
        var svg: String
        /// Ladder rows shown before the step began, and at its end.
        var firstRow: Int
        var rowCount: Int
    }

    public static func render(_ events: [LessonEvent]) -> String {
        var model = LessonScreenModel()
        var steps: [Step] = []
        var rowsBefore = 0
        func close() {
            guard let current = model.current else { return }
            let panels = model.svgPanels
            let rows = panels.reduce(0) { $0 + $1.ladder.rows().count }
            steps.append(Step(step: current, ends: model.ends, holds: model.holds,
                              svg: panels.isEmpty ? "" : LadderSVG.render(panels, rowGroups: true, standalone: false),
                              firstRow: rowsBefore, rowCount: rows))
            rowsBefore = rows
        }
        for event in events {
            if case .step = event { close() }
            model.apply(event)
        }
        close()
        return page(model: model, steps: steps)
    }

    static func page(model: LessonScreenModel, steps: [Step]) -> String {
        let title = "sockscope lesson \(model.name): \(model.title)"
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>\(escape(model.title.isEmpty ? model.name : model.title))</h1>
            <p class="how">sockscope lesson <code>\(escape(model.name))</code> · \(steps.count) steps · → next segment or step, ← back</p></header>
            <nav><ol id="list">

            """
        for (index, step) in steps.enumerated() {
            let mark = step.step.passed.map { $0 ? " ✓" : " ✗" } ?? ""
            html += "<li><a href=\"#step=\(index + 1)\" data-step=\"\(index)\">\(escape(step.step.title))\(mark)</a></li>\n"
        }
        html += "</ol></nav>\n<main>\n"
        for (index, step) in steps.enumerated() {
            html += section(step, index: index, count: steps.count)
        }
        if let result = model.result {
            html += "<p class=\"result\">\(result.passed) of \(result.of) steps passed.</p>\n"
        }
        if let problem = model.problem { html += "<p class=\"problem\">\(escape(problem))</p>\n" }
        html += """
            </main>
            <footer><button id="prev" type="button">← back</button> <span id="where"></span> <button id="next" type="button">next →</button></footer>
            <script>\(script)</script>
            </body>
            </html>

            """
        return html
    }

    static func section(_ step: Step, index: Int, count: Int) -> String {
        var html = "<section class=\"step\" id=\"step\(index + 1)\" data-first=\"\(step.firstRow)\" data-rows=\"\(step.rowCount)\">\n"
        html += "<h2>Step \(step.step.number) of \(count): \(escape(step.step.title))</h2>\n"
        html += "<p class=\"says\">\(escape(step.step.says))</p>\n"
        if !step.step.actions.isEmpty {
            html += "<ul class=\"calls\">" + step.step.actions.map { "<li><code>\(escape($0))</code></li>" }.joined() + "</ul>\n"
        }
        if !step.holds.isEmpty { html += "<p class=\"holds\">holding: \(escape(step.holds.joined(separator: ", ")))</p>\n" }
        if !step.svg.isEmpty { html += "<div class=\"ladder\">\n\(step.svg)</div>\n" }
        // What the step came to — both ends' states, the checks, the verdict — shown once its
        // last row is (the script hides it while the ladder is still growing).
        html += "<div class=\"outcome\">\n"
        if !step.ends.isEmpty {
            html += "<table class=\"ends\"><tr><th>end</th><th>state</th><th>Send-Q</th><th>Recv-Q</th><th>timer</th></tr>\n"
            for end in step.ends {
                html += "<tr><td>\(escape(end.name))</td><td class=\"state\">\(escape(end.state))</td><td>\(end.sendQueue)</td>"
                    + "<td>\(end.recvQueue)</td><td>\(escape(end.timer))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !step.step.checks.isEmpty {
            html += "<ul class=\"checks\">" + step.step.checks.map { check in
                "<li class=\"\(check.passed ? "pass" : "fail")\">\(check.passed ? "✓" : "✗") \(escape(check.text))</li>"
            }.joined() + "</ul>\n"
        }
        if let passed = step.step.passed {
            html += "<p class=\"verdict \(passed ? "pass" : "fail")\">\(passed ? "passed" : "failed")"
                + (step.step.then.map { ": \(escape($0))" } ?? "") + "</p>\n"
        }
        return html + "</div>\n</section>\n"
    }

    /// Text for HTML: the five that mark up, and — as on the screen — control characters,
    /// bidirectional overrides and backslashes escaped (a recording's text is anyone's).
    static func escape(_ text: String) -> String { LadderSVG.escape(text.terminalSafe) }

    static let style = """
        body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
        header,main,footer{max-width:1000px;margin:0 auto;padding:0 1em}
        h1{font-size:1.5em;margin:.6em 0 .2em}.how{color:#666;margin:0 0 .5em}
        nav{max-width:1000px;margin:0 auto;padding:0 1em}nav ol{margin:.3em 0;padding-left:1.5em;columns:2}
        nav a{color:#06c;text-decoration:none}nav a.current{font-weight:bold;color:#000}
        section.step{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
        h2{font-size:1.2em;margin:.3em 0}.says{font-size:1.05em}
        code{font:14px monospace;background:#f0f0f0;padding:0 .2em}
        table.ends{border-collapse:collapse;margin:.4em 0}table.ends td,table.ends th{border:1px solid #ddd;padding:.1em .5em;font:14px monospace}
        td.state{color:#a33;font-weight:bold}.holds{color:#c00}
        .ladder svg{max-width:100%;height:auto;border:1px solid #eee}
        .checks{list-style:none;padding-left:0}.pass{color:#070}.fail{color:#c00}
        .verdict{font-weight:bold}
        footer{position:sticky;bottom:0;background:#fafafa;border-top:1px solid #ddd;padding:.5em 1em;text-align:center}
        button{font-size:1em;padding:.3em 1em}
        """

    /// The stepping: a position (step, rows shown); → reveals the step's next ladder row, then
    /// goes to the next step; ← goes back; the list and `#step=N` jump. Written for this page
    /// alone: no library, nothing fetched.
    static let script = """
        (function(){
        var steps=[].slice.call(document.querySelectorAll('section.step'));
        var links=[].slice.call(document.querySelectorAll('#list a'));
        if(!steps.length)return;
        var s=0,r=0;
        function first(i){return +steps[i].getAttribute('data-first');}
        function last(i){return +steps[i].getAttribute('data-rows');}
        function show(){
          steps.forEach(function(e,i){e.hidden=i!==s;});
          links.forEach(function(a,i){a.className=i===s?'current':'';});
          [].forEach.call(steps[s].querySelectorAll('g.row'),function(g){
            g.style.visibility=(+g.getAttribute('data-row'))<r?'visible':'hidden';});
          [].forEach.call(steps[s].querySelectorAll('.outcome'),function(o){o.hidden=r<last(s);});
          document.getElementById('where').textContent='step '+(s+1)+' of '+steps.length+
            (last(s)>first(s)?' · row '+(r-first(s))+' of '+(last(s)-first(s)):'');
          document.body.setAttribute('data-step',String(s+1));
          document.body.setAttribute('data-rows-shown',String(r));
        }
        function go(i){s=Math.max(0,Math.min(steps.length-1,i));r=first(s);show();}
        function next(){if(r<last(s)){r++;show();}else if(s<steps.length-1){go(s+1);}}
        function prev(){if(r>first(s)){r--;show();}else if(s>0){s--;r=last(s);show();}}
        document.addEventListener('keydown',function(e){
          if(e.key==='ArrowRight'||e.key===' '||e.key==='PageDown'){next();e.preventDefault();}
          else if(e.key==='ArrowLeft'||e.key==='PageUp'){prev();e.preventDefault();}
          else if(e.key==='Home'){go(0);}else if(e.key==='End'){go(steps.length-1);r=last(s);show();}});
        document.getElementById('next').onclick=next;
        document.getElementById('prev').onclick=prev;
        links.forEach(function(a,i){a.onclick=function(e){go(i);e.preventDefault();};});
        var m=/step=(\\d+)/.exec(location.hash);
        go(m?(+m[1])-1:0);
        })();
        """
}
