import Glibc
import Testing
import TestSupport

/// `replay FILE --html page.html` (and `lesson NAME --html`): one self-contained page, tested in
/// headless Chromium run in a network namespace of its own (it can reach nothing): the first
/// step renders with its ladder not yet grown, → reveals the next row and, at the step's end,
/// the next step; ← goes back; the page refers to nothing outside itself.
@Suite(.serialized, .timeLimit(.minutes(2)),
       .enabled(if: Paths.which("chromium") && Paths.which("unshare") && getuid() == 0, "skipped: needs chromium, unshare and root"))
struct LessonPageTests {
    /// Loads `page` in an iframe of a page made for the test, presses `keys` in it, and returns
    /// what the page said then (`step rows-shown visible-sections outcome-hidden`).
    static func press(_ keys: [String], on page: String, in scratch: Scratch) throws -> String {
        let wrapper = scratch.file("press.html")
        let list = keys.map { "'\($0)'" }.joined(separator: ",")
        writeFile(wrapper, Array("""
            <!DOCTYPE html><html><body><iframe id="f" src="\(page.split(separator: "/").last ?? "")"></iframe><script>
            document.getElementById('f').onload = function () {
              var d = this.contentDocument;
              [\(list)].forEach(function (k) { d.dispatchEvent(new KeyboardEvent('keydown', {key: k})); });
              var visible = [].filter.call(d.querySelectorAll('section.step'), function (s) { return !s.hidden; }).map(function (s) { return s.id; });
              var shown = visible.length ? d.getElementById(visible[0]) : null;
              var rows = shown ? [].filter.call(shown.querySelectorAll('g.row'), function (g) { return g.style.visibility === 'visible'; }).length : -1;
              var outcome = shown ? shown.querySelector('.outcome').hidden : null;
              document.body.setAttribute('data-said', d.body.getAttribute('data-step') + ' ' + rows + ' ' + visible.join(',') + ' ' + outcome);
            };
            </script></body></html>
            """.utf8))
        let run = try Child.run(["unshare", "-n", "--", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                                 "--disable-background-networking", "--no-first-run", "--virtual-time-budget=5000",
                                 "--user-data-dir=" + scratch.file("profile"), "--dump-dom", "file://" + wrapper], timeout: 60)
        #expect(run.code == 0, "\(run.child.stderrText.suffix(500))")
        let dom = run.child.stdoutText
        guard let range = dom.range(of: "data-said=\"") else { return "nothing said: \(dom.prefix(300))" }
        return String(dom[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func thePageStepsThroughTheLesson() async throws {
        try await offPool { () throws in
            let scratch = Scratch()
            let page = scratch.file("close.html")
            let made = try Child.run([Paths.sockscope, "replay", ReplayFileTests.fixture, "--html", page])
            #expect(made.code == 0, "\(made.child.stderrText)")
            let html = String(decoding: readFile(page), as: UTF8.self)
            // Nothing outside itself: no script, style, font or image to fetch (the one URL is
            // SVG's namespace, a name, never fetched).
            for needle in ["<link", "src=", "@import", "//fonts", "https:"] { #expect(!html.contains(needle), "\(needle)") }
            // url() only for the page's own marker (`url(#head)`).
            #expect(html.split(separator: "url(").dropFirst().allSatisfy { $0.hasPrefix("#") })
            #expect(html.split(separator: "http://").count - 1 == html.split(separator: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
            // The first step renders, its ladder not yet grown and its outcome hidden.
            #expect(try Self.press([], on: page, in: scratch) == "1 0 step1 true")
            // → shows the next row; at the step's end its outcome; then the next step.
            #expect(try Self.press(["ArrowRight"], on: page, in: scratch) == "1 1 step1 true")
            let rows = Int(html.split(separator: "id=\"step1\" data-first=\"0\" data-rows=\"").dropFirst().first?.prefix { $0.isNumber } ?? "") ?? 0
            #expect(rows > 1)
            let end = try Self.press(Array(repeating: "ArrowRight", count: rows), on: page, in: scratch)
            #expect(end == "1 \(rows) step1 false", "\(end)")
            let second = try Self.press(Array(repeating: "ArrowRight", count: rows + 1), on: page, in: scratch)
            #expect(second == "2 \(rows) step2 true", "\(second)")
            // ← goes back to the first step's end.
            #expect(try Self.press(Array(repeating: "ArrowRight", count: rows + 1) + ["ArrowLeft"], on: page, in: scratch) == "1 \(rows) step1 false")
        }
    }
}
