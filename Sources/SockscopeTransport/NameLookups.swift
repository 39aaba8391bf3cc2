import CLinux
import Glibc
import SockscopeCore

/// Names resolved off the loop (`sockscope proxy`: a SOCKS4a, SOCKS5 or HTTP client names its
/// target): getaddrinfo(3) blocks for as long as DNS takes, and one slow name must not stop every
/// tunnel. Each lookup runs on a thread of its own (at most `threads` at once, the rest wait
/// their turn); the loop polls `descriptor`, which is readable once one has ended, and takes the
/// results with `finished()`. Threads inherit the blocked signals, so signals still reach the
/// loop's signalfd.
public final class NameLookups: @unchecked Sendable {
    public typealias Outcome = Result<[SocketAddress], TransportError>

    /// Readable when a lookup has ended.
    public let descriptor: Int32
    let wakeFD: Int32
    let lock: UnsafeMutablePointer<pthread_mutex_t>
    /// Guarded by `lock`: the lookups ended and not yet taken.
    var ended: [(token: Int, outcome: Outcome)] = []
    /// The loop's own (no lock): lookups waiting for a thread, and how many threads run.
    var queued: [Job] = []
    var running = 0
    var nextToken = 1
    /// Lookups at once: enough for a burst of clients, few enough not to flood the resolver.
    static let threads = 8

    final class Job: @unchecked Sendable {
        let token: Int
        let host: String
        let port: UInt16
        let family: NetcatOptions.Family
        let owner: NameLookups

        init(token: Int, host: String, port: UInt16, family: NetcatOptions.Family, owner: NameLookups) {
            self.token = token
            self.host = host
            self.port = port
            self.family = family
            self.owner = owner
        }

        func run() {
            let outcome: Outcome
            do {
                outcome = .success(try Resolver.resolve(host: host, port: port, family: family, datagram: false, numeric: false, passive: false))
            } catch {
                outcome = .failure(error)
            }
            owner.end(token, outcome)
        }
    }

    public init() throws(SystemError) {
        var ends: [Int32] = [0, 0]
        guard clinux_pipe(&ends, 4096) == 0 else { throw SystemError("pipe") }
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        descriptor = ends[0]
        wakeFD = ends[1]
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        close(descriptor)
        close(wakeFD)
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// Starts looking `host` up; its token comes back with the outcome.
    public func start(host: String, port: UInt16, family: NetcatOptions.Family) -> Int {
        let token = nextToken
        nextToken += 1
        queued.append(Job(token: token, host: host, port: port, family: family, owner: self))
        launch()
        return token
    }

    /// Lookups that ended since the last call (the descriptor was readable).
    public func finished() -> [(token: Int, outcome: Outcome)] {
        var scratch = [UInt8](repeating: 0, count: 256)
        while read(descriptor, &scratch, scratch.count) > 0 {}
        pthread_mutex_lock(lock)
        let taken = ended
        ended.removeAll()
        pthread_mutex_unlock(lock)
        running -= taken.count
        launch()
        return taken
    }

    func launch() {
        while running < Self.threads && !queued.isEmpty {
            let job = queued.removeFirst()
            var thread = pthread_t()
            let context = Unmanaged.passRetained(job).toOpaque()
            let started = pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                Unmanaged<Job>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
            if started == 0 {
                pthread_detach(thread)
                running += 1
            } else {
                // No thread to be had: this lookup fails rather than waiting for ever.
                Unmanaged<Job>.fromOpaque(context).release()
                running += 1
                end(job.token, .failure(TransportError("no thread to resolve \(job.host) (\(String(cString: strerror(started))))")))
            }
        }
    }

    /// On a lookup's thread (or the loop's, when none could start).
    func end(_ token: Int, _ outcome: Outcome) {
        pthread_mutex_lock(lock)
        ended.append((token, outcome))
        pthread_mutex_unlock(lock)
        var byte: UInt8 = 1
        _ = write(wakeFD, &byte, 1)
    }
}
