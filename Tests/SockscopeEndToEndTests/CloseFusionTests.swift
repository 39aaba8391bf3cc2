import Foundation
import Glibc
import Testing
import TestSupport

/// The close path as a class asks about it: the tracepoint and the tables fused into the
/// transitions that really happened (root, a private namespace).
@Suite(.timeLimit(.minutes(4)), .enabled(if: Namespace.available, "skipped: needs root (tracefs, network namespaces)"))
struct CloseFusionTests {
    /// A dialer shuts down its sending half, then closes, while the listener's application never
    /// closes: close() on FIN_WAIT2 is said as such (the same state set again), the orphan waits
    /// in a timewait socket, and its expiry after tcp_fin_timeout (2 s here) is logged, naming
    /// the peer's CLOSE_WAIT.
    @Test func anOrphanedFinWait2Expires() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            #expect(Child.runQuietly(namespace.exec(["sysctl", "-q", "-w", "net.ipv4.tcp_fin_timeout=2"])) == 0)
            let server = try Child(namespace.exec(["python3", "-u", "-c", """
                import socket, sys
                l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
                print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
                s, _ = l.accept()
                sys.stdin.read()  # never closes s until told
                """]))
            let port = try server.waitForPort()
            let events = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--json", "--tcp", "--port", String(port)]))
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            let client = try Child(namespace.exec(["python3", "-u", "-c", """
                import socket, time
                c = socket.create_connection(('127.0.0.1', \(port)))
                c.shutdown(socket.SHUT_WR)
                # close() once the peer has acknowledged our FIN (FIN_WAIT2 is state 5), within 5 s.
                deadline = time.monotonic() + 5
                while c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] != 5 and time.monotonic() < deadline:
                    time.sleep(0.002)
                c.close()
                print('closed', flush=True)
                """]), stdin: .null)
            #expect(try client.waitForExit() == 0)
            var all: [[String: Any]] = []
            try events.wait(for: "the orphan's expiry", timeout: 30) { child in
                all = EventsTests.objects(child.stdoutText).filter { $0["kind"] as? String == "transition" }
                return all.contains { EventsTests.pair($0) == "FIN_WAIT2>CLOSE" }
            }
            server.closeStdin()
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            let dialer = all.filter { ($0["remote"] as? String) == "127.0.0.1:\(port)" }
            #expect(dialer.map(EventsTests.pair) == ["CLOSE>SYN_SENT", "SYN_SENT>ESTABLISHED", "ESTABLISHED>FIN_WAIT1",
                                                     "FIN_WAIT1>FIN_WAIT2", "FIN_WAIT2>FIN_WAIT2", "FIN_WAIT2>CLOSE"],
                    "\(dialer.map(EventsTests.pair))")
            let again = try #require(dialer.first { EventsTests.pair($0) == "FIN_WAIT2>FIN_WAIT2" })
            #expect((again["explanation"] as? String)?.contains("called close()") == true)
            let expiry = try #require(dialer.last)
            #expect(expiry["source"] as? String == "proc")
            #expect((expiry["explanation"] as? String)?.contains("orphaned FIN_WAIT2 timed out") == true)
            #expect((expiry["explanation"] as? String)?.contains("CLOSE_WAIT") == true)
            // It lived about tcp_fin_timeout in FIN_WAIT2, counted from the handoff.
            let lived = try #require(expiry["durationMs"] as? Double)
            #expect(lived > 1000 && lived < 6000, "\(lived) ms")
            // The listener's side is left in CLOSE_WAIT: nothing closed it.
            #expect(!all.contains { EventsTests.pair($0) == "CLOSE_WAIT>LAST_ACK" })
        }
    }
}
