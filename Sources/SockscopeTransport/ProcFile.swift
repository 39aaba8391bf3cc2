import Glibc

/// Reads a /proc file whole. They report size 0 and each read() returns about one page, so read
/// until read() returns 0 (shared/notes/measured-here.md).
public enum ProcFile {
    public static func read(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes, or nil when it cannot be opened or holds more than `limit`.
    public static func bytes(_ path: String, limit: Int = Int.max) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            guard bytes.count + n <= limit else { return nil }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    /// Writes `text` to a tracefs or /proc/sys file (which take one write); whether it took it.
    public static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Descriptor.writeAll(fd, text)
    }
}
