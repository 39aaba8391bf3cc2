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
    @OptionGroup var outputs: LessonOutputOptions
    @Option(help: ArgumentHelp("Save the run (narration, segments, transitions, verdicts) to FILE as JSON lines, for 'sockscope replay'.",
                               valueName: "file"))
    var record: String?
    @Flag(help: "Predict, then see: before each step, each end's next state and the segment that brings it there are asked, then scored against the kernel (with --script, answers from standard input, one a line).")
    var quiz = false

    func validate() throws {
        if json && !script { throw ValidationError("--json needs --script") }
        if (script || json || record != nil || outputs.any || outputs.big || quiz) && name == nil {
            throw ValidationError("--script, --record, --ladder, --html, --handout, --quiz and --big need a lesson name")
        }
        if let record, record.isEmpty { throw ValidationError("--record needs a file name") }
    }

    func run() throws {
        var options = LessonMode.Options()
        options.name = name
        options.script = script
        options.json = json
        options.recordPath = record
        options.ladderPath = outputs.ladder
        options.htmlPath = outputs.html
        options.handoutPath = outputs.handout
        options.big = outputs.big
        options.quiz = quiz
        terminate(LessonMode(options: options, io: .process).run())
    }
}
