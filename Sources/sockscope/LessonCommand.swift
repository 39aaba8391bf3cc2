import ArgumentParser
import SockscopeApp
import SockscopeCore

/// `sockscope lesson [NAME]`: the lessons, or one run with real sockets in a namespace of its own.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "List the TCP lessons, or run one with real sockets whose states are held step by step.",
        discussion: """
            Each lesson runs in a network namespace of its own, made and removed by sockscope, with \
            nft rules that hold a state by dropping segments on arrival. Needs root. Without NAME, \
            lists the lessons.
            """)

    @Argument(help: ArgumentHelp("The lesson to run.", valueName: "name"),
              completion: .list(LessonCatalog.all.map(\.name)))
    var name: String?
    @Flag(help: "Run without the screen, printing each step, the segments and states observed and the verdict.")
    var script = false
    @Flag(help: "With --script, one JSON object per line.") var json = false
    @Option(help: ArgumentHelp("Save the run (narration, segments, transitions, verdicts) to FILE as JSON lines, for 'sockscope replay'.",
                               valueName: "file"))
    var record: String?
    @Option(help: ArgumentHelp("When the lesson ends, draw every connection's ladder to FILE as SVG.", valueName: "file.svg"))
    var ladder: String?
    @Option(help: ArgumentHelp("When the lesson ends, write a self-contained page that steps through it to FILE (for a projector or a browser).",
                               valueName: "file.html"))
    var html: String?
    @Option(help: ArgumentHelp("Write a handout (the steps, checks, final ladder, legend and the states' names) to FILE: Markdown, or HTML for a .html name.",
                               valueName: "file"))
    var handout: String?
    @Flag(help: "On the screen, start in the projector view: the ladder has the screen, the ends and the step a line each (b toggles it).")
    var big = false
    @Flag(help: "Predict, then see: before each step, each end's next state and the segment that brings it there are asked, then scored against the kernel (with --script, answers from standard input, one a line).")
    var quiz = false

    func validate() throws {
        if json && !script { throw ValidationError("--json needs --script") }
        if (script || json || record != nil || ladder != nil || html != nil || handout != nil || quiz) && name == nil {
            throw ValidationError("--script, --record, --ladder, --html and --handout need a lesson name")
        }
        if let ladder, ladder.isEmpty { throw ValidationError("--ladder needs a file name") }
        if let html, html.isEmpty { throw ValidationError("--html needs a file name") }
        if let handout, handout.isEmpty { throw ValidationError("--handout needs a file name") }
        if let record, record.isEmpty { throw ValidationError("--record needs a file name") }
    }

    func run() throws {
        var options = LessonMode.Options()
        options.name = name
        options.script = script
        options.json = json
        options.recordPath = record
        options.ladderPath = ladder
        options.htmlPath = html
        options.handoutPath = handout
        options.big = big
        options.quiz = quiz
        terminate(LessonMode(options: options, io: .process).run())
    }
}
