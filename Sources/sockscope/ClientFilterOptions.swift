import ArgumentParser

/// `--allow`, `--deny` and their files: which clients a listener (nc's -l, `proxy`) keeps.
struct ClientFilterOptions: ParsableArguments {
    @Option(name: .customLong("allow"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Keep only clients from these addresses or prefixes (comma-separated: 127.0.0.1,10.0.0.0/8); with -l.", valueName: "list"))
    var allow: [String] = []
    @Option(name: .customLong("deny"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Refuse clients from these addresses or prefixes; with -l.", valueName: "list"))
    var deny: [String] = []
    @Option(name: [.customLong("allow-file"), .customLong("allowfile")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("--allow's addresses and prefixes from FILE, one a line.", valueName: "file"))
    var allowFiles: [String] = []
    @Option(name: [.customLong("deny-file"), .customLong("denyfile")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("--deny's addresses and prefixes from FILE, one a line.", valueName: "file"))
    var denyFiles: [String] = []
}
