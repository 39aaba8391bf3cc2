import Glibc

public enum Paths {
    /// The sockscope binary next to the test bundle (SwiftPM builds it for the end-to-end
    /// target), or $SOCKSCOPE_BIN.
    public static var sockscope: String {
        if let value = getenv("SOCKSCOPE_BIN") { return String(cString: value) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return dir + "/sockscope"
    }

    /// The package root, from this file's location.
    public static var packageRoot: String {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        return parts.dropLast(3).joined(separator: "/")
    }

    /// A fresh private directory under /tmp, removed by `removeTree`.
    public static func temporaryDirectory() -> String {
        var template = Array("/tmp/sockscope-test.XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
            return String(cString: base)
        }
    }

    public static func removeTree(_ path: String) {
        guard path.hasPrefix("/tmp/sockscope-test.") else { return }
        _ = Child.runQuietly(["rm", "-rf", path])
    }

    /// The binary where any user can run it, for the tests that run sockscope as `nobody`: the
    /// build's own copy may sit below a directory nobody can enter (a clone in a home directory
    /// or a `mktemp -d`). Copied once into a world-readable temporary directory, removed when
    /// the test process exits.
    public static let sockscopeForAnyone: String = {
        var template = Array("/tmp/sockscope-test.binXXXXXX".utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let directory else { return sockscope }
        chmod(directory, 0o755)
        let copy = directory + "/sockscope"
        guard Child.runQuietly(["cp", sockscope, copy]) == 0 else { return sockscope }
        chmod(copy, 0o755)
        atexit {
            // The copy, never the build's own binary (what a failed copy falls back to).
            let copy = Paths.sockscopeForAnyone
            guard copy.hasPrefix("/tmp/sockscope-test.bin") else { return }
            unlink(copy)
            rmdir(String(copy.dropLast("/sockscope".count)))
        }
        return copy
    }()

    /// `setpriv` arguments that run what follows as nobody, with no groups.
    public static let asNobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

    public static func which(_ tool: String) -> Bool {
        Child.runQuietly(["sh", "-c", "command -v \(tool)"]) == 0
    }
}

extension Child {
    /// Runs a short command to completion (10 s at most) and returns its exit code.
    @discardableResult
    public static func runQuietly(_ arguments: [String]) -> Int32 {
        guard let child = try? Child(arguments, stdin: .null) else { return -1 }
        return (try? child.waitForExit(timeout: 10)) ?? -1
    }

    /// Runs a command to completion and returns it, for its output and exit code.
    public static func run(_ arguments: [String], stdin: Input = .null, timeout: Double = 20) throws -> (code: Int32, child: Child) {
        let child = try Child(arguments, stdin: stdin)
        let code = try child.waitForExit(timeout: timeout)
        return (code, child)
    }
}

/// Reads a whole file (test fixtures and outputs).
public func readFile(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return bytes
}

public func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        offset += n
    }
}

/// Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced.
public func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed == 0 ? 0x9E3779B97F4A7C15 : seed
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var i = 0
        while i < count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            var word = state
            for _ in 0..<8 where i < count {
                raw[i] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                i += 1
            }
        }
    }
    return bytes
}

/// The names in a directory ("." and ".." left out).
public func directoryEntries(_ path: String) -> [String] {
    guard let stream = opendir(path) else { return [] }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
