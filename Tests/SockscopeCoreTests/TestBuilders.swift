import Testing
import TestSupport
@testable import SockscopeCore

/// Builders the Core suites share: tracepoint events, format files changed field by field,
/// table entries.
extension String {
    /// The format file with one field's size changed.
    func replacingSize(of field: String, with size: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.contains(" \(field);") else { return String(line) }
            return line.split(separator: "\t").map { $0.hasPrefix("size:") ? "size:\(size);" : String($0) }.joined(separator: "\t")
        }.joined(separator: "\n")
    }
}

func traceEvent(_ t: Double, socket: UInt64 = 1, _ local: UInt16, _ remote: UInt16, _ from: TCPState, _ to: TCPState,
                ipv6: Bool = false, cpu: Int = 0) -> TraceEvent {
    let lo = IPAddress(bytes: [127, 0, 0, 1])
    return TraceEvent(time: t, socket: socket, cpu: cpu, local: SocketEndpoint(address: lo, port: local),
                      remote: SocketEndpoint(address: lo, port: remote), ipv6: ipv6, from: from, to: to)
}

extension SocketEntry {
    /// The same object built as a JSONValue tree: the reference the fast writer must match.
    func json(owner: StatesTable.Owner?) -> JSONValue {
        .object([
            ("proto", .string(proto.rawValue)), ("state", .string(stateName)),
            ("local", .string(local.description)), ("remote", .string(remote.description)),
            ("recvQ", .int(Int(recvQueue))), ("sendQ", .int(Int(sendQueue))),
            ("timer", .string(timer.name)), ("expiresMs", expiresMs.map { .int($0) } ?? .null),
            ("retransmits", .int(Int(retransmits))), ("uid", .int(Int(uid))), ("inode", .int(Int(inode))),
            ("pid", owner.map { .int(Int($0.pid)) } ?? .null),
            ("command", owner.map { .string($0.command) } ?? .null),
        ])
    }
}
