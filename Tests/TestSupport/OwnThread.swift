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
/// hundred processes; `exclusive` runs one alone (a load test, a bound on how soon a signal
/// ends the tool). Waiting for a turn suspends the task; it blocks nothing.
public func offPool<T>(exclusive: Bool = false, _ body: () throws -> T) async throws -> T {
    await OffPoolGate.shared.enter(exclusive: exclusive)
    do {
        let value = try await withTaskExecutorPreference(OwnThreadExecutor.shared) { try body() }
        await OffPoolGate.shared.leave(exclusive: exclusive)
        return value
    } catch {
        await OffPoolGate.shared.leave(exclusive: exclusive)
        throw error
    }
}

/// Turns for blocking test bodies, first come first served: `limit` at once (three per core,
/// at least four; SOCKSCOPE_TEST_JOBS overrides), or one exclusive body with nothing beside it.
public actor OffPoolGate {
    public static let shared = OffPoolGate()

    let limit: Int
    var running = 0
    var exclusiveRunning = false
    var waiting: [(exclusive: Bool, turn: CheckedContinuation<Void, Never>)] = []

    init() {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let asked = getenv("SOCKSCOPE_TEST_JOBS").flatMap { Int(String(cString: $0)) }
        limit = max(1, min(asked ?? max(4, 3 * cores), 64))
    }

    func enter(exclusive: Bool) async {
        if waiting.isEmpty && mayStart(exclusive) {
            start(exclusive)
            return
        }
        await withCheckedContinuation { waiting.append((exclusive, $0)) }
    }

    func leave(exclusive: Bool) {
        running -= 1
        if exclusive { exclusiveRunning = false }
        // In order: an exclusive body waiting keeps those behind it waiting until it has run.
        while let next = waiting.first, mayStart(next.exclusive) {
            waiting.removeFirst()
            start(next.exclusive)
            next.turn.resume()
        }
    }

    func mayStart(_ exclusive: Bool) -> Bool { exclusive ? running == 0 : !exclusiveRunning && running < limit }

    func start(_ exclusive: Bool) {
        running += 1
        if exclusive { exclusiveRunning = true }
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
