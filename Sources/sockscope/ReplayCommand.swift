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
    @Option(help: ArgumentHelp("Draw every connection's ladder to FILE as SVG (then stop, unless --script).", valueName: "file.svg"))
    var ladder: String?
    @Option(help: ArgumentHelp("Write a self-contained page that steps through the lesson to FILE (then stop, unless --script).", valueName: "file.html"))
    var html: String?
    @Option(help: ArgumentHelp("Write a handout (the steps, checks, final ladder, legend and the states' names) to FILE: Markdown, or HTML for a .html name.",
                               valueName: "file"))
    var handout: String?
    @Flag(help: "On the screen, start in the projector view: the ladder has the screen, the ends and the step a line each (b toggles it).")
    var big = false

    func validate() throws {
        if json && !script { throw ValidationError("--json needs --script") }
        if file.isEmpty { throw ValidationError("replay needs a file name") }
        if let ladder, ladder.isEmpty { throw ValidationError("--ladder needs a file name") }
        if let html, html.isEmpty { throw ValidationError("--html needs a file name") }
        if let handout, handout.isEmpty { throw ValidationError("--handout needs a file name") }
    }

    func run() throws {
        var options = ReplayMode.Options()
        options.path = file
        options.script = script
        options.json = json
        options.ladderPath = ladder
        options.htmlPath = html
        options.handoutPath = handout
        options.big = big
        terminate(ReplayMode(options: options, io: .process).run())
    }
}
