import Testing
import TestSupport

/// The man page, the completions and --help stay true to the binary.
struct DocsTests {
    @Test func manPageLintsClean() async throws {
        try await offPool { () throws in
            let result = try Child.run(["mandoc", "-Tlint", "-Wwarning", Paths.packageRoot + "/man/sockscope.1"])
            #expect(result.code == 0)
            #expect(result.child.stdoutText.isEmpty && result.child.stderrText.isEmpty)
        }
    }

    @Test(arguments: [("bash", "sockscope.bash"), ("zsh", "_sockscope"), ("fish", "sockscope.fish")])
    func completionsAreCurrent(shell: String, file: String) async throws {
        try await offPool { () throws in
            let generated = try Child.run([Paths.sockscope, "--generate-completion-script", shell])
            #expect(generated.code == 0)
            let committed = readFile(Paths.packageRoot + "/completions/" + file)
            #expect(generated.child.stdout == committed, "completions/\(file) is stale: run 'make completions'")
        }
    }

    /// The page reads on an ASCII terminal too (`mandoc -Tascii`, as `man` on a C locale): no
    /// glyph it cannot show (`<?>`), and no quotes nested into a tangle of backquotes.
    @Test func manPageReadsInASCII() async throws {
        try await offPool { () throws in
            let result = try Child.run(["mandoc", "-Tascii", Paths.packageRoot + "/man/sockscope.1"])
            #expect(result.code == 0)
            let lines = result.child.stdoutText.split(separator: "\n")
            #expect(!lines.contains { $0.contains("<?>") }, "\(lines.filter { $0.contains("<?>") })")
            // A quotation opened again before it was closed: `a, `b''.
            let tangled = lines.filter { line in
                var open = false
                for character in line {
                    if character == "`" { if open { return true }; open = true }
                    if character == "'" { open = false }
                }
                return false
            }
            #expect(tangled.isEmpty, "\(tangled)")
        }
    }

    /// A newcomer's first commands name every subcommand: --help, and a bare `sockscope`.
    @Test func helpAndABareCommandNameTheLessons() async throws {
        try await offPool { () throws in
            let help = try Child.run([Paths.sockscope, "--help"]).child.stdoutText
            for command in ["states", "watch", "lesson", "replay", "proxy", "serve", "probe", "send"] { #expect(help.contains("'sockscope \(command)'"), "\(command)") }
            let bare = try Child.run([Paths.sockscope], stdin: .null)
            #expect(bare.code == 64 && bare.child.stderrText.contains("'sockscope lesson' the lessons"))
        }
    }

    @Test(arguments: [["--help"], ["-h"], ["help", "nc"], ["nc", "--help"], ["states", "--help"], ["help", "states"], ["--version"]])
    func helpExitsZeroOnStdout(arguments: [String]) async throws {
        try await offPool { () throws in
            let result = try Child.run([Paths.sockscope] + arguments)
            #expect(result.code == 0)
            #expect(!result.child.stdoutText.isEmpty && result.child.stderrText.isEmpty)
        }
    }

    /// `--help` shows nc's options and also names the screen (its keys, /help), `states` and
    /// `watch`, which nc's options alone would hide.
    @Test func helpNamesTheScreenStatesAndWatch() async throws {
        try await offPool { () throws in
            let help = try Child.run([Paths.sockscope, "--help"]).child.stdoutText
            for word in ["sockscope states", "sockscope watch", "/help", "F1", "ladder", "-l"] {
                #expect(help.contains(word), "--help lacks \(word)")
            }
        }
    }

    /// Every option in --help is documented in the man page.
    @Test(arguments: ["nc", "states", "watch", "lesson", "replay", "proxy", "serve", "probe", "send"])
    func manPageNamesEveryOption(subcommand: String) async throws {
        try await offPool { () throws in
            let help = try Child.run([Paths.sockscope, subcommand, "--help"]).child.stdoutText
            let man = String(decoding: readFile(Paths.packageRoot + "/man/sockscope.1"), as: UTF8.self)
            let flags = help.split(separator: "\n").compactMap { line -> String? in
                // Option rows are indented by two spaces; wrapped help text by more.
                guard line.hasPrefix("  -"), !line.hasPrefix("  -h,") else { return nil }
                // `--tui/--no-tui`: the man page names the pair as `Fl Fl tui , Fl Fl no-tui`.
                return line.dropFirst(2).split(separator: " ").first
                    .flatMap { $0.split(separator: "/").first }.map { String($0.filter { $0 != "," }) }
            }
            let least = ["nc": 20, "watch": 8, "states": 10, "lesson": 6, "replay": 5, "proxy": 12, "serve": 8, "probe": 6, "send": 8]
            #expect(flags.count >= least[subcommand, default: 1])
            for flag in flags {
                let name = flag.hasPrefix("--") ? "Fl Fl \(flag.dropFirst(2))" : "Fl \(flag.dropFirst())"
                #expect(man.contains(".It \(name)") || man.contains(", \(name)"), "man page lacks \(flag)")
            }
        }
    }
}
