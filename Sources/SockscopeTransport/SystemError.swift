import Glibc

/// A failed system call: what was being done and the errno, shown as
/// `WHAT: strerror(errno)` (nc's style: `connect to … failed: Connection refused`).
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let code: Int32

    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var reason: String { String(cString: strerror(code)) }
    public var description: String { operation.isEmpty ? reason : "\(operation): \(reason)" }
}
