import ArgumentParser
import Glibc
import SockscopeApp
import SockscopeCore

// Entry point. Errors from the argument parser become one line, `sockscope: MESSAGE`, with the
// parser's exit code (64 for bad usage); help and completion scripts go to stdout with 0.

SystemIO.prepareProcess()

var arguments = Array(CommandLine.arguments.dropFirst())
if let first = arguments.first, Sockscope.subcommandNames.contains(first) {
    // Subcommands parse their own words.
} else {
    arguments = GetoptClusters.split(arguments, valueFlags: Planning.valueFlags, valueOptions: Planning.valueOptions)
    if let problem = Planning.problem(in: arguments) {
        Diagnostics(fd: 2, verbose: false).error(problem.message)
        exit(64)
    }
}

// `sockscope -h` shows nc's options, as `nc -h` does.
if arguments == ["-h"] || arguments == ["--help"] {
    print(Sockscope.helpMessage(for: NetcatCommand.self))
    exit(0)
}

do {
    var command = try Sockscope.parseAsRoot(arguments)
    if let netcat = command as? NetcatCommand { terminate(netcat.execute()) }
    try command.run()
    exit(0)
} catch {
    let code = Sockscope.exitCode(for: error)
    if code == .success {
        print(Sockscope.fullMessage(for: error))
        exit(0)
    }
    let message = Sockscope.message(for: error)
        .split(separator: "\n").map { $0.drop(while: { $0 == " " }) }
        .filter { !$0.isEmpty }.joined(separator: "; ")
    Diagnostics(fd: 2, verbose: false).error(message)
    exit(code.rawValue)
}
