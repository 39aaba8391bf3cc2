import Glibc

/// Blocking work (poll, waitpid, a child process's whole run) on a thread of its own, awaited:
/// Swift Testing runs tests on a shared pool with one thread per core, and a test that blocks
/// one of them holds up every other test on a busy machine.
///
/// `body` returns plain values; assertions stay in the test, on its own task.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        let job = OwnThreadJob {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<OwnThreadJob>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        if started == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<OwnThreadJob>.fromOpaque(context).release()
            continuation.resume(throwing: Child.Failure(description: "pthread_create: \(String(cString: strerror(started)))"))
        }
    }
}

final class OwnThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// A finished child process: what it printed and how it ended.
public struct Finished: Sendable {
    public let code: Int32
    public let stdout: [UInt8]
    public let stderr: [UInt8]
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// stderr's lines, without empty ones.
    public var stderrLines: [String] { stderrText.split(separator: "\n").map(String.init) }
}

extension Child {
    /// Runs a command to completion on a thread of its own (see `onOwnThread`).
    public static func finish(_ arguments: [String], stdin: Input = .null, timeout: Double = 20,
                              environment: [String: String] = [:]) async throws -> Finished {
        try await onOwnThread {
            let child = try Child(arguments, stdin: stdin, environment: environment)
            let code = try child.waitForExit(timeout: timeout)
            return Finished(code: code, stdout: child.stdout, stderr: child.stderr)
        }
    }
}
