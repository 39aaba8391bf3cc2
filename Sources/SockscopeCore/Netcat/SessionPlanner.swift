/// Turns `NetcatOptions` into a `SessionPlan`, rejecting contradictions with nc's wording where
/// nc has one. Pure: service names are resolved through the injected lookup.
public enum SessionPlanner {
    public static func plan(
        _ options: NetcatOptions, service: (String) -> UInt16? = { _ in nil }
    ) throws(UsageError) -> SessionPlan {
        let o = options
        if o.listen && o.scan { throw UsageError("cannot use -z and -l") }
        if o.keepListening && !o.listen { throw UsageError("must use -l with -k") }
        if o.ipv4Only && o.ipv6Only { throw UsageError("cannot use -4 and -6") }
        if o.unixSocket {
            if o.ipv4Only { throw UsageError("cannot use -U with -4") }
            if o.ipv6Only { throw UsageError("cannot use -U with -6") }
            if o.sourcePort != nil { throw UsageError("cannot use -p with -U") }
            if o.scan { throw UsageError("cannot use -z with -U") }
        }
        if o.maxConnections < 1 { throw UsageError("--max-conns must be at least 1") }
        if o.hexDumpPath?.isEmpty == true { throw UsageError("--hex-dump: the file name is empty") }
        if o.pcapPath?.isEmpty == true { throw UsageError("--pcap: the file name is empty") }
        if o.json && o.scan { throw UsageError("--json: not with -z (a scan's results are nc's lines)") }
        if o.json && (o.pcapPath != nil || o.ladderPath != nil) {
            throw UsageError("--json: not with --pcap or --ladder, which need the screen")
        }
        if o.ladderPath?.isEmpty == true { throw UsageError("--ladder: the file name is empty") }
        if let payload = o.pcapPayload {
            if let problem = PcapPayload.problem(payload, pcap: o.pcapPath != nil) { throw UsageError(problem) }
        }
        if (o.pcapPath != nil || o.ladderPath != nil) && (o.unixSocket || o.scan) {
            throw UsageError("--pcap and --ladder capture TCP and UDP over IP: not with \(o.scan ? "-z" : "-U")")
        }
        if let q = o.quitAfterEOF, !q.isFinite { throw UsageError("-q: not a number of seconds: \(q)") }
        let tls = try tlsPlan(o)
        let timeout = try positiveSeconds(o.timeout, name: "timeout")
        let interval = try positiveSeconds(o.interval, name: "interval")

        let mode: SessionPlan.Mode = o.listen ? .listen : (o.scan ? .scan : .dial)
        let target = try makeTarget(o, mode: mode, service: service)
        var sourcePort: UInt16?
        if let text = o.sourcePort {
            sourcePort = try PortList.single(text, role: .listen, service: service)
        }

        var plan = SessionPlan(
            mode: mode, target: target, datagram: o.udp,
            family: o.ipv4Only ? .inet : (o.ipv6Only ? .inet6 : .any),
            keepListening: o.keepListening, numeric: o.numeric, verbose: o.verbose,
            endOfInput: endOfInput(o), timeout: timeout,
            sourceAddress: o.sourceAddress, sourcePort: mode == .listen ? nil : sourcePort,
            crlf: o.crlf, readStdin: !o.noStdin && mode != .scan, interval: interval,
            hexDumpPath: o.hexDumpPath, pcapPath: o.pcapPath, ladderPath: o.ladderPath, maxConnections: o.maxConnections)
        plan.pcapPayload = o.pcapPayload ?? 0
        plan.tls = tls
        plan.json = o.json
        if !o.allow.isEmpty || !o.deny.isEmpty {
            guard o.listen else { throw UsageError("--allow and --deny: for a listener (-l)") }
            plan.filter = try AddressFilter.from(allow: o.allow, deny: o.deny)
        }
        if o.sendOnly && (o.recvOnly || o.noStdin) { throw UsageError("--send-only: not with --recv-only or -d") }
        plan.sendOnly = o.sendOnly
        plan.progress = o.progress
        if o.recvOnly { plan.readStdin = false }
        plan.exec = try execCommand(o)
        if o.execStderr && plan.exec == nil { throw UsageError("--exec-stderr: with --exec or --sh-exec") }
        plan.execStderr = o.execStderr
        if o.broker || o.chat {
            guard o.listen else { throw UsageError("--broker and --chat: for a listener (-l)") }
            if o.udp || o.exec != nil || o.shellExec != nil { throw UsageError("--broker and --chat: not with -u or --exec") }
            plan.broker = o.chat ? .chat : .raw
            plan.keepListening = true  // clients come and go; the broker stays
            plan.readStdin = false
        }
        if plan.exec != nil {
            if o.udp || o.scan { throw UsageError("--exec: a program behind a TCP or Unix stream connection (not with -u or -z)") }
            plan.readStdin = false  // the program's output is what is sent
        }
        plan.proxies = try ProxyPlanner.hops(o)
        plan.proxyResolvesName = o.proxyDNS != "local"
        if !plan.proxies.isEmpty {
            if o.listen { throw UsageError("-x: a proxy is for dialing, not with -l") }
            if o.udp || o.unixSocket || o.scan { throw UsageError("-x: a proxy carries a TCP connection (not with -u, -U or -z)") }
        }
        return plan
    }

    /// --tls and its options: TLS over TCP, dialing (serving TLS with -l comes with certificates).
    static func tlsPlan(_ o: NetcatOptions) throws(UsageError) -> SessionPlan.TLS? {
        let named = o.tlsNoVerify || o.tlsCA != nil || o.tlsServername != nil || o.tlsKeyLog != nil || o.tlsCert != nil || o.tlsKey != nil
            || o.tlsALPN != nil || o.tlsMin != nil || o.tlsMax != nil || o.tlsVerifyClient
        guard o.tls else {
            if named { throw UsageError("the --tls-… options and --keylog need --tls") }
            return nil
        }
        if o.udp { throw UsageError("--tls: not with -u (TLS runs over TCP; DTLS is not supported)") }
        if o.scan { throw UsageError("--tls: not with -z (a scan sends no data)") }
        if o.listen && (o.tlsNoVerify || o.tlsServername != nil) {
            throw UsageError("--tls-no-verify and --tls-servername are for dialing")
        }
        if o.listen && o.tlsCA != nil && !o.tlsVerifyClient {
            throw UsageError("--tls-ca with -l names the clients' authorities: use it with --tls-verify-client")
        }
        if o.tlsVerifyClient && !o.listen { throw UsageError("--tls-verify-client is for -l (a server asking its clients for a certificate)") }
        for (option, version) in [("--tls-min", o.tlsMin), ("--tls-max", o.tlsMax)] {
            if let version, version != "1.2" && version != "1.3" { throw UsageError("\(option): 1.2 or 1.3") }
        }
        if o.tlsMin == "1.3" && o.tlsMax == "1.2" { throw UsageError("--tls-min 1.3 is above --tls-max 1.2") }
        if let alpn = o.tlsALPN {
            let names = alpn.split(separator: ",", omittingEmptySubsequences: false)
            if names.contains(where: { $0.isEmpty || $0.utf8.count > 255 }) || alpn.utf8.count + 1 > 255 {
                throw UsageError("--tls-alpn: names of 1 to 255 bytes, separated by commas, 254 bytes in all")
            }
        }
        if o.tlsKey != nil && o.tlsCert == nil { throw UsageError("--tls-key needs --tls-cert") }
        if o.tlsCert?.isEmpty == true || o.tlsKey?.isEmpty == true { throw UsageError("--tls-cert, --tls-key: the file name is empty") }
        if o.tlsCA?.isEmpty == true { throw UsageError("--tls-ca: the file name is empty") }
        if o.tlsKeyLog?.isEmpty == true { throw UsageError("--keylog: the file name is empty") }
        if let name = o.tlsServername, name.isEmpty || name.utf8.count > 253 {
            throw UsageError("--tls-servername: a host name of 1 to 253 bytes")
        }
        if o.tlsNoVerify && o.tlsCA != nil { throw UsageError("cannot use --tls-ca with --tls-no-verify") }
        var tls = SessionPlan.TLS(verify: !o.tlsNoVerify, caFile: o.tlsCA, servername: o.tlsServername, keyLogPath: o.tlsKeyLog,
                                  certFile: o.tlsCert, keyFile: o.tlsKey)
        tls.alpn = o.tlsALPN
        tls.minVersion = o.tlsMin
        tls.maxVersion = o.tlsMax
        tls.verifyClients = o.tlsVerifyClient
        return tls
    }

    static func endOfInput(_ o: NetcatOptions) -> SessionPlan.EndOfInput {
        // nc: a negative -q waits forever, i.e. behaves as if -q were absent.
        if let q = o.quitAfterEOF, q >= 0 { return .quit(after: q) }
        return o.shutdownOnEOF ? .shutdownWrite : .keepOpen
    }

    static func positiveSeconds(_ value: Double?, name: String) throws(UsageError) -> Double? {
        guard let value else { return nil }
        guard value.isFinite, value > 0 else { throw UsageError("\(name) invalid: \(value)") }
        return value
    }

    /// nc's positional grammar: `host port…` to dial or scan; `[host] port` (or `-p port
    /// [host]`) to listen; a path with -U.
    static func makeTarget(
        _ o: NetcatOptions, mode: SessionPlan.Mode, service: (String) -> UInt16?
    ) throws(UsageError) -> SessionPlan.Target {
        let args = o.positionals
        if o.unixSocket {
            guard let path = args.first else { throw UsageError("missing socket path") }
            guard args.count == 1 else { throw UsageError("too many arguments: \(args[1])") }
            guard !path.isEmpty, path != "@" else { throw UsageError("socket path is empty") }
            // sun_path holds 108 bytes including the terminating NUL.
            guard path.utf8.count <= 107 else { throw UsageError("socket path too long: \(path)") }
            return .unix(path: path)
        }
        switch mode {
        case .listen:
            var host: String?
            var portText: String
            if let p = o.sourcePort {
                // `nc -l -p PORT [host]`
                guard args.count <= 1 else { throw UsageError("too many arguments: \(args[1])") }
                host = args.first
                portText = p
            } else {
                guard let last = args.last else { throw UsageError("missing port number") }
                guard args.count <= 2 else { throw UsageError("too many arguments: \(args[2])") }
                host = args.count == 2 ? args[0] : nil
                portText = last
            }
            let ports = try PortList.parse(portText, role: .listen, service: service)
            guard ports.count == 1 else { throw UsageError("cannot listen on a port range: \(portText)") }
            return .inet(host: host, ports: ports)
        case .dial, .scan:
            guard let host = args.first else { throw UsageError("missing hostname and port ('sockscope --help' lists the options, 'sockscope states' the sockets, 'sockscope lesson' the lessons)") }
            guard args.count >= 2 else { throw UsageError("missing port number") }
            var ports: [UInt16] = []
            for text in args.dropFirst() {
                ports += try PortList.parse(text, role: .dial, service: service)
            }
            if mode == .dial && ports.count > 1 {
                throw UsageError("port ranges and lists need -z: \(args.dropFirst().joined(separator: " "))")
            }
            return .inet(host: host, ports: ports)
        }
    }

    /// -e PROG splits on blanks and runs PROG with no shell (ncat's --exec); -c CMD runs
    /// /bin/sh -c CMD (ncat's --sh-exec). One or the other.
    static func execCommand(_ o: NetcatOptions) throws(UsageError) -> [String]? {
        if o.exec != nil && o.shellExec != nil { throw UsageError("--exec and --sh-exec: one or the other") }
        if let exec = o.exec {
            let words = exec.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !words.isEmpty else { throw UsageError("--exec: no program") }
            return words
        }
        if let command = o.shellExec {
            guard !command.isEmpty else { throw UsageError("--sh-exec: no command") }
            return ["/bin/sh", "-c", command]
        }
        return nil
    }
}
