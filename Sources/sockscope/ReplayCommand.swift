import ArgumentParser
import SockscopeApp

/// `sockscope replay FILE`: a recorded lesson, played without root.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a lesson recorded with 'sockscope lesson NAME --record FILE', without root.",
        discussion: "On a terminal, the lesson's screen, one step per Space or Enter; otherwise, or with --script, the script's lines. With --ladder or --html, the pictures alone.")

    @Argument(help: ArgumentHelp("The recording.", valueName: "file"), completion: .file())
    var file: String
    @Flag(help: "Print the recorded steps, segments, states and verdicts instead of opening the screen.")
    var script = false
    @Flag(help: "With --script, one JSON object per line.") var json = false
    @OptionGroup var outputs: LessonOutputOptions

    func validate() throws {
        if json && !script { throw ValidationError("--json needs --script") }
        if file.isEmpty { throw ValidationError("replay needs a file name") }
    }

    func run() throws {
        var options = ReplayMode.Options()
        options.path = file
        options.script = script
        options.json = json
        options.ladderPath = outputs.ladder
        options.htmlPath = outputs.html
        options.handoutPath = outputs.handout
        options.big = outputs.big
        terminate(ReplayMode(options: options, io: .process).run())
    }
}
