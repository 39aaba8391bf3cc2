import CLinux
import Glibc
import SockscopeCore

/// The frames arriving on one interface of this network namespace (DESIGN.md source 4): an
/// AF_PACKET socket that sees each segment on `lo` once, trimmed to `snapLength` bytes in the
/// kernel, stamped to the nanosecond, and filtered there (`setPorts`). Frames land in a ring
/// mapped into this process: a burst is absorbed by it and read without a system call per
/// frame. TPACKET_V2, a slot per frame, rather than V3's blocks: a V3 block reaches the reader
/// only when full or after a timeout (1 ms at the least), and a segment read late explains
/// nothing (the RST behind an ending must be read before the ending; a lesson's step checks its
/// segment at once) — libpcap too uses V2 for tcpdump's --immediate-mode. Needs root
/// (CAP_NET_RAW). Checksums are not looked at: frames sent on this host carry unfinished ones.
public final class PacketCapture {
    /// Enough for Ethernet, IPv6 with a few extension headers and TCP with every option; the
    /// data itself is left out (a learner sees its length; the pcap holds the headers).
    public static let headerRoom = 256
    /// The most data a frame can carry on `lo` (its MTU is 64 KiB).
    public static let largestPayload = 65535
    /// The ring: by default 64 blocks of 256 KiB (16 MiB), a slot per frame. A block holds the
    /// largest frame kept (64 KiB of data with --pcap-payload); cut to their headers, the ring
    /// holds about 50,000 frames — a second of the busiest loopback burst measured
    /// (bench/capture.sh), while the reader catches up.
    static let blockBytes: UInt32 = 256 << 10, defaultBufferKB = 16 << 10

    public let descriptor: Int32
    private var ring = clinux_ring()
    /// The data bytes of each frame kept after its headers (`--pcap-payload`), and so the bytes
    /// of each frame the kernel keeps.
    public let payload: Int
    public var snapLength: Int { Self.headerRoom + payload }

    /// One frame as read: its bytes are valid only during the call that hands them over.
    public struct Frame {
        public var seconds: Int64
        public var nanoseconds: UInt32
        public var bytes: UnsafeRawBufferPointer
        public var originalLength: Int
        public var time: Double { Double(seconds) + Double(nanoseconds) / 1e9 }
    }

    /// Throws why capture is off, in words for the user (no root, no such interface).
    /// `bufferKB`: the ring's size, whole blocks, 4 at least and 4,096 at most (1 MiB to 1 GiB).
    public init(interface: String = "lo", payload: Int = 0, bufferKB: Int? = nil) throws(TransportError) {
        self.payload = min(max(0, payload), Self.largestPayload)
        let blocks = UInt32(min(max((bufferKB ?? Self.defaultBufferKB) / Int(Self.blockBytes >> 10), 4), 4096))
        let index = if_nametoindex(interface)
        guard index > 0 else { throw TransportError("no interface \(interface) in this network namespace") }
        let fd = clinux_capture_open(Int32(index), UInt32(Self.headerRoom + self.payload), Self.blockBytes, blocks, &ring)
        guard fd >= 0 else {
            let code = errno
            if code == EPERM || code == EACCES { throw TransportError("segments need root (an AF_PACKET capture needs CAP_NET_RAW)") }
            throw TransportError("cannot capture on \(interface): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit { clinux_capture_close(&ring) }

    /// Hands over the frames waiting, at most `limit` (the loop has other work); the count read.
    @discardableResult
    public func read(limit: Int = 4096, _ body: (Frame) -> Void) -> Int {
        var info = clinux_frame()
        var data: UnsafePointer<UInt8>?
        var count = 0
        while count < limit, clinux_ring_next(&ring, &info, &data) == 1, let data {
            count += 1
            body(Frame(seconds: info.seconds, nanoseconds: info.nanoseconds,
                       bytes: UnsafeRawBufferPointer(start: data, count: Int(info.captured_length)),
                       originalLength: Int(info.original_length)))
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
