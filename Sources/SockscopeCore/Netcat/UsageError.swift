/// A mistake in the command line: shown as `sockscope: MESSAGE` with the usage exit code (64).
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
