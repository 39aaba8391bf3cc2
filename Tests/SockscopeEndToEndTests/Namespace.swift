import Glibc
import TestSupport

/// A private network namespace (root only), removed when the test ends, so that the socket
/// tables hold only what the test put there.
final class Namespace: Sendable {
    let name: String
    private static let counter = Counter()

    init() throws {
        name = "sockscope-test-\(getpid())-\(Namespace.counter.next())"
        guard Child.runQuietly(["ip", "netns", "add", name]) == 0 else {
            throw Child.Failure(description: "ip netns add \(name) failed")
        }
        Child.runQuietly(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"])
    }

    deinit { Child.runQuietly(["ip", "netns", "del", name]) }

    /// The arguments to run `arguments` inside the namespace.
    func exec(_ arguments: [String]) -> [String] { ["ip", "netns", "exec", name] + arguments }

    static var available: Bool { getuid() == 0 && Paths.which("ip") }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    func next() -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        value += 1
        return value
    }
}
