/// Why a frame was not decoded: the capture counts each kind and goes on.
public enum FrameError: Error, Hashable, Sendable {
    /// The frame ends inside a header.
    case truncated
    /// Not IPv4 or IPv6 (ARP, …): the EtherType.
    case notIP(UInt16)
    /// Neither TCP nor UDP (ICMP, …): the IP protocol number.
    case otherProtocol(UInt8)
    /// A fragment after the first: it has no TCP or UDP header.
    case laterFragment
    /// A header whose lengths contradict each other.
    case malformed
}
