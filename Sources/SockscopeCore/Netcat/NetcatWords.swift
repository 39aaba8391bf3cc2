/// The `-v` lines, worded exactly as OpenBSD nc (Debian 1.219) words them, because scripts and
/// test harnesses grep for them. Hosts arrive already formatted (name or number, per `-n`).
public enum NetcatWords {
    public static func listening(host: String, port: UInt16) -> String {
        "Listening on \(host) \(port)"
    }
    public static func listening(path: String) -> String { "Listening on \(path)" }

    public static func bound(host: String, port: UInt16) -> String { "Bound on \(host) \(port)" }
    public static func bound(path: String) -> String { "Bound on \(path)" }

    public static func received(host: String, port: UInt16) -> String {
        "Connection received on \(host) \(port)"
    }
    public static func received(path: String) -> String { "Connection received on \(path)" }

    /// nc names the host as typed and, when that differs from the address used, adds the
    /// address in parentheses: `localhost (127.0.0.1)`.
    public static func hostLabel(typed: String, address: String) -> String {
        typed == address ? typed : "\(typed) (\(address))"
    }

    /// `Connection to HOST PORT port [tcp/SERVICE] succeeded!`; SERVICE is `*` when unknown.
    public static func succeeded(
        typed: String, address: String, port: UInt16, proto: String, service: String?
    ) -> String {
        "Connection to \(hostLabel(typed: typed, address: address)) \(port) port [\(proto)/\(service ?? "*")] succeeded!"
    }

    /// `connect to HOST port PORT (tcp) failed: REASON` (printed after `sockscope: `).
    public static func connectFailed(
        typed: String, address: String, port: UInt16, proto: String, reason: String
    ) -> String {
        "connect to \(hostLabel(typed: typed, address: address)) port \(port) (\(proto)) failed: \(reason)"
    }

    /// `connect to HOST port PORT (tcp) timed out: Operation now in progress` is nc's -w line.
    public static func connectTimedOut(typed: String, address: String, port: UInt16, proto: String) -> String {
        "connect to \(hostLabel(typed: typed, address: address)) port \(port) (\(proto)) timed out: Operation now in progress"
    }

    /// nc's resolver failure: `getaddrinfo for host "HOST" port PORT: REASON`.
    public static func resolveFailed(host: String, port: UInt16, reason: String) -> String {
        "getaddrinfo for host \"\(host)\" port \(port): \(reason)"
    }

    /// Beyond nc: `-k` with more clients than `--max-conns`.
    public static func refusedOverLimit(host: String, port: UInt16, limit: Int) -> String {
        "Connection from \(host) \(port) closed: --max-conns \(limit) reached"
    }

    /// Beyond nc: `-v` states the end-of-input policy, the most misunderstood netcat behaviour.
    public static func endOfInputPolicy(_ policy: SessionPlan.EndOfInput, readsStdin: Bool) -> String {
        guard readsStdin else { return "Standard input: not read (-d)" }
        switch policy {
        case .keepOpen:
            return "On end of input: keep the connection open (use -N to send FIN, -q SECS to quit)"
        case .shutdownWrite:
            return "On end of input: shut down the write half (FIN), keep reading until the peer closes"
        case .quit(let secs):
            return "On end of input: shut down the write half (FIN), quit "
                + (secs == 0 ? "when the peer finishes" : "after \(Seconds.text(secs)) s with nothing received")
        }
    }
}
