import ArgumentParser

/// The root command. Without a subcommand name, the arguments are nc's (DESIGN.md: thin
/// subcommands, one file each).
struct Sockscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockscope",
        abstract: "A netcat that lets you see your sockets.",
        usage: """
            sockscope [-46CdklNnuUvz] [-i secs] [-p port] [-q secs] [-s addr] [-w secs]
                      [--hex-dump file] [--max-conns n] [--pcap file] [--ladder file.svg] [--tui | --no-tui]
                      [host] [port ...]
            sockscope states [--tcp] [--udp] [-4|-6] [--listening] [--state list] [--port n] [--json]
                             [--events [--segments] [--pcap file]]
            sockscope watch [--tcp] [--udp] [-4|-6] [--listening] [--state list] [--port n] [--interval secs] [--pcap file]
            sockscope lesson [name [--script [--json]] [--record file]]
            sockscope replay file [--script [--json]]
            sockscope proxy [-46nv] [-w secs] [--auth-file file] [--allow list] [--deny list] [--json] [host] port
            sockscope serve [NAME [-46nv] [--json] [--tls] [host] port]
            sockscope probe [-46n] [-c count] [-i secs] [-w secs] [--concurrency n] [--tls] [--send data] [--expect text] [-x proxy] [--json] host port
            sockscope send [-46nv] [-w secs] [--as name] [--progress] [--tls] [-x proxy [-X type]] [--json] file host port
            sockscope <subcommand> [options]
            """,
        discussion: "Without a subcommand, sockscope takes OpenBSD nc's options: see 'sockscope help nc' and sockscope(1).",
        version: "0.1.0",
        subcommands: [NetcatCommand.self, StatesCommand.self, WatchCommand.self, LessonCommand.self, ReplayCommand.self, ProxyCommand.self, ServeCommand.self, ProbeCommand.self, SendCommand.self],
        defaultSubcommand: NetcatCommand.self
    )

    /// Words that name a subcommand rather than start nc's arguments.
    static let subcommandNames: Set<String> = ["nc", "states", "watch", "lesson", "replay", "proxy", "serve", "probe", "send", "help"]
}
