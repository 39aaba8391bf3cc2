import Glibc

/// A file sockscope reads whole (a lesson recording): opened first, then looked at through its
/// descriptor, never by name twice — a name swapped between a stat() and an open() for a FIFO or
/// /dev/zero would hang or eat memory. Only a regular file is read, and at most `limit` bytes.
public enum InputFile {
    public enum Failure: Error, Equatable {
        case system(String, Int32)
        case notRegular(String)
        case tooLarge(String, limit: Int)

        public var text: String {
            switch self {
            case .system(let path, let code): "\(path): \(String(cString: strerror(code)))"
            case .notRegular(let path): "\(path) is not a regular file"
            case .tooLarge(let path, let limit): "\(path) is larger than \(limit >> 20) MiB, more than a lesson recording can be"
            }
        }
    }

    public static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        // O_NONBLOCK: opening a FIFO for reading does not wait for a writer; O_NOCTTY: a terminal
        // named here never becomes ours.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system(path, errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.system(path, errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular(path)) }
        guard info.st_size <= limit else { return .failure(.tooLarge(path, limit: limit)) }
        // The size is a hint: a file still being written grows. Read to the end, but never
        // past the limit.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(.system(path, errno)) }
            if n == 0 { return .success(bytes) }
            bytes += chunk[0..<n]
            guard bytes.count <= limit else { return .failure(.tooLarge(path, limit: limit)) }
        }
    }
}
