import CLinux
import Glibc

/// The lab's helper programs (`nft`, `tc`), run in the lesson's namespace: a child started from
/// the thread that entered it inherits it. Their input is a string; their output is returned
/// (it is small: an nft rule echoed with its handle).
enum LabProgram {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `arguments` (looked up on PATH), waits for it, and returns what it printed on stdout.
    /// Throws its first line on stderr, or why it could not run.
    static func run(_ arguments: [String], input: String = "") throws(Failure) -> String {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard clinux_pipe(&toChild, 65536) == 0, clinux_pipe(&fromChild, 65536) == 0, clinux_pipe(&errors, 65536) == 0 else {
            throw Failure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        close(toChild[0])
        close(fromChild[1])
        close(errors[1])
        defer {
            close(fromChild[0])
            close(errors[0])
        }
        guard status == 0 else {
            close(toChild[1])
            throw Failure(description: "cannot run \(arguments[0]): \(String(cString: strerror(status)))")
        }
        var bytes = Array(input.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in write(toChild[1], raw.baseAddress.map { $0 + written }, raw.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            written += n
        }
        close(toChild[1])
        bytes.removeAll()
        let output = readAll(fromChild[0])
        let problems = readAll(errors[0])
        var code: Int32 = 0
        while waitpid(pid, &code, 0) < 0 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS, which the Glibc module does not import.
        guard code & 0x7F == 0, (code >> 8) & 0xFF == 0 else {
            let line = problems.split(separator: "\n").first.map(String.init) ?? "exit status \((code >> 8) & 0xFF)"
            throw Failure(description: "\(arguments.prefix(2).joined(separator: " ")): \(line)")
        }
        return output
    }

    static func readAll(_ fd: Int32) -> String {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data += chunk[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
