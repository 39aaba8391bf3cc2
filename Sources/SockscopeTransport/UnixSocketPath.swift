import Glibc

/// The file-system side of Unix sockets. OpenBSD nc unlinks whatever sits at a listener's path
/// before binding — a mistyped `-lU` path destroys a regular file (seen here with /etc/passwd).
/// sockscope never removes anything that is not a socket, and removes a socket only when nobody
/// answers on it (a stale one left by a killed server).
public enum UnixSocketPath {
    public static func isAbstract(_ path: String) -> Bool { path.hasPrefix("@") }

    /// Before connecting: a path that exists but is not a socket gets a clear message instead of
    /// "Connection refused".
    public static func checkDialable(_ path: String) throws(TransportError) {
        guard !isAbstract(path) else { return }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // connect() will say what is wrong
        if (info.st_mode & S_IFMT) != S_IFSOCK { throw TransportError("\(path): not a socket") }
    }

    /// Before binding: refuses non-sockets and live sockets; removes a stale socket.
    public static func prepareForBind(_ path: String, datagram: Bool) throws(TransportError) {
        guard !isAbstract(path) else { return }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw TransportError("\(path): exists and is not a socket; not removing it")
        }
        guard !isAnswered(path, datagram: datagram) else {
            throw TransportError("\(path): Address already in use")
        }
        unlink(path)
    }

    /// Whether a socket is bound to `path`, in the Unix socket table of any network namespace:
    /// the file system is shared, the tables are not, and a server in another namespace is
    /// missing from ours. Connecting to find out would be worse: a live one-shot server would
    /// accept the probe as its client and end. Conservative: a socket bound under a relative
    /// name with the same last component counts, and so does a table that cannot be read.
    static func isAnswered(_ path: String, datagram: Bool) -> Bool {
        guard let own = ProcFile.read("/proc/net/unix") else { return true }
        let absolute = realPath(path) ?? path
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if isBound(path, absolute: absolute, name: name, in: own) { return true }
        return otherNamespacesUnixTables().contains { isBound(path, absolute: absolute, name: name, in: $0) }
    }

    /// /proc/PID/net/unix of one process in each network namespace other than ours (a namespace
    /// holds sockets only through processes, so every one with a live server has one).
    static func otherNamespacesUnixTables() -> [String] {
        let ours = namespace(of: "self")
        var seen: Set<String> = ours.map { [$0] } ?? []
        var tables: [String] = []
        for pid in Directory.names("/proc") where pid.first?.isNumber == true {
            guard let namespace = namespace(of: pid), seen.insert(namespace).inserted,
                  let table = ProcFile.read("/proc/\(pid)/net/unix") else { continue }
            tables.append(table)
        }
        return tables
    }

    /// `net:[4026531833]` for a process.
    static func namespace(of pid: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/\(pid)/ns/net", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isBound(_ path: String, absolute: String, name: String, in table: String) -> Bool {
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8 else { continue }
            let bound = String(fields[7])
            if bound == path || bound == absolute { return true }
            if !bound.hasPrefix("/") && !bound.hasPrefix("@") && bound.split(separator: "/").last.map(String.init) == name {
                return true
            }
        }
        return false
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Identity of the socket file we created, so that at exit we remove ours and nothing else.
    public struct Owned {
        public let path: String
        let device: UInt
        let inode: UInt

        public init?(path: String) {
            guard !UnixSocketPath.isAbstract(path) else { return nil }
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            self.path = path
            device = UInt(info.st_dev)
            inode = UInt(info.st_ino)
        }

        public func remove() {
            var info = stat()
            guard lstat(path, &info) == 0, UInt(info.st_dev) == device, UInt(info.st_ino) == inode,
                  (info.st_mode & S_IFMT) == S_IFSOCK else { return }
            unlink(path)
        }
    }

    /// A fresh path for a Unix datagram client's own socket, like nc's /tmp/nc.XXXXXXXXXX.
    public static func temporaryPath() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<10).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] })
        return "/tmp/sockscope.\(suffix)"
    }
}
