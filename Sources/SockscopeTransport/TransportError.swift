/// A failure that already carries its final wording (resolver errors, policy refusals).
public struct TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
