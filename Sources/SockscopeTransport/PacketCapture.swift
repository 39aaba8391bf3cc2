import CLinux
import Glibc
import SockscopeCore

/// The frames arriving on one interface of this network namespace (DESIGN.md source 4): an
/// AF_PACKET socket that sees each segment on `lo` once, trimmed to `snapLength` bytes in the
/// kernel, stamped to the nanosecond. Needs root (CAP_NET_RAW). Checksums are not looked at:
/// frames sent on this host carry unfinished ones (offload).
public final class PacketCapture {
    /// Enough for Ethernet, IPv6 with a few extension headers and TCP with every option; the
    /// data itself is left out (a learner sees its length; the pcap holds the headers).
    public static let headerRoom = 256
    /// The most data a frame can carry on `lo` (its MTU is 64 KiB).
    public static let largestPayload = 65535
    /// Room for bursts: a bulk transfer on `lo` is about 30,000 frames a second.
    static let bufferBytes = 4 << 20

    public let descriptor: Int32
    /// The data bytes of each frame kept after its headers (`--pcap-payload`), and so the bytes
    /// of each frame the kernel keeps.
    public let payload: Int
    public var snapLength: Int { Self.headerRoom + payload }
    private var buffer: [UInt8]

    /// One frame as read: its bytes are valid only during the call that hands them over.
    public struct Frame {
        public var seconds: Int64
        public var nanoseconds: UInt32
        public var bytes: UnsafeRawBufferPointer
        public var originalLength: Int
        public var time: Double { Double(seconds) + Double(nanoseconds) / 1e9 }
    }

    /// Throws why capture is off, in words for the user (no root, no such interface).
    public init(interface: String = "lo", payload: Int = 0) throws(TransportError) {
        self.payload = min(max(0, payload), Self.largestPayload)
        buffer = [UInt8](repeating: 0, count: Self.headerRoom + self.payload)
        let index = if_nametoindex(interface)
        guard index > 0 else { throw TransportError("no interface \(interface) in this network namespace") }
        let fd = clinux_capture_open(Int32(index), UInt32(buffer.count), Int32(Self.bufferBytes))
        guard fd >= 0 else {
            let code = errno
            if code == EPERM || code == EACCES { throw TransportError("segments need root (an AF_PACKET capture needs CAP_NET_RAW)") }
            throw TransportError("cannot capture on \(interface): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Hands over the frames waiting, at most `limit` (the loop has other work); the count read.
    @discardableResult
    public func read(limit: Int = 4096, _ body: (Frame) -> Void) -> Int {
        var info = clinux_frame()
        var count = 0
        while count < limit {
            let got = buffer.withUnsafeMutableBufferPointer { clinux_capture_read(descriptor, $0.baseAddress, $0.count, &info) }
            guard got == 1 else { break }
            count += 1
            buffer.withUnsafeBytes { raw in
                body(Frame(seconds: info.seconds, nanoseconds: info.nanoseconds,
                           bytes: UnsafeRawBufferPointer(rebasing: raw[..<Int(info.captured_length)]),
                           originalLength: Int(info.original_length)))
            }
        }
        return count
    }

    /// Keeps in the kernel only TCP and UDP frames with either port in `ports` (all frames when
    /// empty), so that a busy loopback costs the reader nothing but our traffic.
    public func setPorts(_ ports: [UInt16]) {
        let program = CaptureFilter.program(ports: ports, snapLength: UInt32(snapLength)).map {
            clinux_bpf(code: $0.code, jt: $0.jumpTrue, jf: $0.jumpFalse, k: $0.k)
        }
        _ = program.withUnsafeBufferPointer { clinux_capture_set_filter(descriptor, $0.baseAddress, UInt16($0.count)) }
    }

    /// Frames the kernel dropped since the last call because the reader fell behind.
    public func drops() -> Int { max(0, clinux_capture_drops(descriptor)) }
}
