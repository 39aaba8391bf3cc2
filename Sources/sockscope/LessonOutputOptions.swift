import ArgumentParser

/// What `lesson` and `replay` write besides their screen or lines: the SVG, the page, the
/// handout; and the screen's projector view.
struct LessonOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Draw every connection's ladder to FILE as SVG (replay: then stop, unless --script).", valueName: "file.svg"))
    var ladder: String?
    @Option(help: ArgumentHelp("Write a self-contained page that steps through the lesson to FILE, for a projector or a browser.",
                               valueName: "file.html"))
    var html: String?
    @Option(help: ArgumentHelp("Write a handout (the steps, checks, final ladder, legend and the states' names) to FILE: Markdown, or HTML for a .html name.",
                               valueName: "file"))
    var handout: String?
    @Flag(help: "On the screen, start in the projector view: the ladder has the screen, the ends and the step a line each (b toggles it).")
    var big = false

    var any: Bool { ladder != nil || html != nil || handout != nil }

    func validate() throws {
        for (option, path) in [("--ladder", ladder), ("--html", html), ("--handout", handout)] where path?.isEmpty == true {
            throw ValidationError("\(option) needs a file name")
        }
    }
}
