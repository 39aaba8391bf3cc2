import Glibc

/// Blocking work (poll, waitpid, a child process's whole run, a tmux screen awaited) off Swift
/// Testing's shared pool: the pool has one thread per core, and a test that blocks one of them
/// holds up every other test — on a busy two-core machine, past their time limits.
///
/// The body runs in the test's own task (so `#expect` and `#require` are the test's, as
/// anywhere else), on a thread of its own (`OwnThreadExecutor`), and is awaited:
///
///     @Test func x() async throws {
///         try await offPool { () throws in … blocking test body … }
///     }
///
/// At most a few such bodies run at once (`OffPoolGate`), so that two cores are not shared by a
/// hundred processes. Waiting for a turn suspends the task; it blocks nothing. (How fast
/// something happens is measured in bench/, and a test that measures a rate runs alone: see
/// the Makefile's `test`.)
public func offPool<T>(_ body: () throws -> T) async throws -> T {
    await OffPoolGate.shared.enter()
    do {
        let value = try await withTaskExecutorPreference(OwnThreadExecutor.shared) { try body() }
        await OffPoolGate.shared.leave()
        return value
    } catch {
        await OffPoolGate.shared.leave()
        throw error
    }
}

/// Turns for blocking test bodies, first come first served: `limit` at once (two per core, at
/// least two; SOCKSCOPE_TEST_JOBS overrides).
public actor OffPoolGate {
    public static let shared = OffPoolGate()

    let limit: Int
    var running = 0
    var waiting: [CheckedContinuation<Void, Never>] = []

    init() {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let asked = getenv("SOCKSCOPE_TEST_JOBS").flatMap { Int(String(cString: $0)) }
        limit = max(1, min(asked ?? max(2, 2 * cores), 64))
    }

    func enter() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// A turn ends: the next in line takes it (`running` stays counted for it).
    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A task executor that runs each job it is given on a new thread: a job may block for as long
/// as it likes without taking a thread from the shared pool.
public final class OwnThreadExecutor: TaskExecutor {
    public static let shared = OwnThreadExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let work = OwnThreadJob(job: UnownedJob(job), executor: asUnownedTaskExecutor())
        let context = Unmanaged.passRetained(work).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let started = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let work = Unmanaged<OwnThreadJob>.fromOpaque(raw).takeRetainedValue()
            work.job.runSynchronously(on: work.executor)
            return nil
        }, context)
        // No thread to be had (the machine is out of them): run it here rather than lose it.
        if started != 0 {
            Unmanaged<OwnThreadJob>.fromOpaque(context).release()
            work.job.runSynchronously(on: work.executor)
        }
    }
}

final class OwnThreadJob: @unchecked Sendable {
    let job: UnownedJob
    let executor: UnownedTaskExecutor
    init(job: UnownedJob, executor: UnownedTaskExecutor) {
        self.job = job
        self.executor = executor
    }
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
    /// Runs a command to completion off the shared pool (see `offPool`).
    public static func finish(_ arguments: [String], stdin: Input = .null, timeout: Double = 20,
                              environment: [String: String] = [:]) async throws -> Finished {
        try await offPool {
            let child = try Child(arguments, stdin: stdin, environment: environment)
            let code = try child.waitForExit(timeout: timeout)
            return Finished(code: code, stdout: child.stdout, stderr: child.stderr)
        }
    }
}
