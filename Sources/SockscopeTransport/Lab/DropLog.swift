import CLinux
import Glibc
import SockscopeCore

/// The segments the lesson's holds drop, as the kernel reports them: every hold rule ends in
/// `log group N drop`, and this socket is bound to group N of the lesson's namespace (nflog).
final class DropLog {
    static let group: UInt16 = 1
    let descriptor: Int32
    private var packets = [UInt8](repeating: 0, count: 65536)
    private var lengths = [Int](repeating: 0, count: 256)

    init() throws(TransportError) {
        let fd = clinux_nflog_open(Self.group, UInt32(PacketCapture.headerRoom))
        guard fd >= 0 else { throw TransportError("cannot listen to nflog group \(Self.group): \(String(cString: strerror(errno)))") }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The dropped packets waiting, decoded (a packet that does not decode is skipped).
    func read() -> [DecodedFrame] {
        var frames: [DecodedFrame] = []
        for _ in 0..<64 {
            let count = packets.withUnsafeMutableBytes { buffer in
                lengths.withUnsafeMutableBufferPointer { clinux_nflog_read(descriptor, buffer.baseAddress, buffer.count, $0.baseAddress, Int32($0.count)) }
            }
            if count < 0 && errno == ENOBUFS { continue }
            guard count > 0 else { break }
            packets.withUnsafeBytes { raw in
                var offset = 0
                for length in lengths[0..<Int(count)] {
                    if case .success(let frame) = FrameDecoder.decodePacket(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length])) {
                        frames.append(frame)
                    }
                    offset += length
                }
            }
        }
        return frames
    }
}
