import Testing
@testable import SockscopeCore

/// Builds options for table-driven tests.
func o(_ configure: (inout NetcatOptions) -> Void) -> NetcatOptions {
    var options = NetcatOptions()
    configure(&options)
    return options
}

struct SessionPlannerTests {
    func options(_ configure: (inout NetcatOptions) -> Void) -> NetcatOptions {
        var o = NetcatOptions()
        configure(&o)
        return o
    }

    @Test func dialListenAndScanTargets() throws {
        let dial = try SessionPlanner.plan(options { $0.positionals = ["example.org", "80"] })
        #expect(dial.mode == .dial && dial.target == .inet(host: "example.org", ports: [80]))
        let listen = try SessionPlanner.plan(options { $0.listen = true; $0.positionals = ["8080"] })
        #expect(listen.mode == .listen && listen.target == .inet(host: nil, ports: [8080]))
        let listenHost = try SessionPlanner.plan(options { $0.listen = true; $0.positionals = ["::1", "0"] })
        #expect(listenHost.target == .inet(host: "::1", ports: [0]))
        // nc's `-l -p PORT [host]`
        let legacy = try SessionPlanner.plan(options { $0.listen = true; $0.sourcePort = "9000"; $0.positionals = ["127.0.0.1"] })
        #expect(legacy.target == .inet(host: "127.0.0.1", ports: [9000]) && legacy.sourcePort == nil)
        let scan = try SessionPlanner.plan(options { $0.scan = true; $0.positionals = ["h", "20-21", "80"] })
        #expect(scan.mode == .scan && scan.target == .inet(host: "h", ports: [20, 21, 80]) && !scan.readStdin)
        let unix = try SessionPlanner.plan(options { $0.unixSocket = true; $0.positionals = ["@abstract"] })
        #expect(unix.target == .unix(path: "@abstract"))
    }

    @Test func endOfInputPolicy() throws {
        #expect(try SessionPlanner.plan(options { $0.positionals = ["h", "1"] }).endOfInput == .keepOpen)
        #expect(try SessionPlanner.plan(options { $0.positionals = ["h", "1"]; $0.shutdownOnEOF = true }).endOfInput == .shutdownWrite)
        #expect(try SessionPlanner.plan(options { $0.positionals = ["h", "1"]; $0.quitAfterEOF = 2 }).endOfInput == .quit(after: 2))
        #expect(try SessionPlanner.plan(options { $0.positionals = ["h", "1"]; $0.quitAfterEOF = -1 }).endOfInput == .keepOpen)
    }

    @Test(arguments: [
        (o { $0.listen = true; $0.scan = true; $0.positionals = ["1"] }, "cannot use -z and -l"),
        (o { $0.keepListening = true; $0.positionals = ["h", "1"] }, "must use -l with -k"),
        (o { $0.unixSocket = true; $0.ipv4Only = true; $0.positionals = ["/p"] }, "cannot use -U with -4"),
        (o { $0.unixSocket = true; $0.ipv6Only = true; $0.positionals = ["/p"] }, "cannot use -U with -6"),
        (o { $0.ipv4Only = true; $0.ipv6Only = true; $0.positionals = ["h", "1"] }, "cannot use -4 and -6"),
        (o { $0.positionals = [] }, "missing hostname and port ('sockscope --help' lists the options, 'sockscope states' the sockets, 'sockscope lesson' the lessons)"),
        (o { $0.positionals = ["h"] }, "missing port number"),
        (o { $0.positionals = ["h", "1-3"] }, "port ranges and lists need -z: 1-3"),
        (o { $0.listen = true; $0.positionals = ["a", "b", "1"] }, "too many arguments: 1"),
        (o { $0.listen = true; $0.positionals = ["1-2"] }, "cannot listen on a port range: 1-2"),
        (o { $0.positionals = ["h", "1"]; $0.timeout = 0 }, "timeout invalid: 0.0"),
        (o { $0.positionals = ["h", "1"]; $0.maxConnections = 0 }, "--max-conns must be at least 1"),
        (o { $0.unixSocket = true; $0.positionals = [String(repeating: "x", count: 108)] },
         "socket path too long: " + String(repeating: "x", count: 108)),
    ])
    func rejectsContradictions(options: NetcatOptions, message: String) {
        #expect(throws: UsageError(message)) { try SessionPlanner.plan(options) }
    }
}
