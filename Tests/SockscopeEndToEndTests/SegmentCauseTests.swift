import Foundation
import Glibc
import Testing
import TestSupport

/// Causes from the segments seen, or from the kernel's resets: an abort (SO_LINGER 0) is
/// "reset sent" on the aborting socket's line and "reset received" on its peer's. The abort waits until both ends show in
/// the stream: the tracepoint's sieve does not yet place a socket that dies before any table
/// reading without a destroy notice naming it (a refused connect, for one) — a known gap.
@Suite(.timeLimit(.minutes(4)), .enabled(if: Namespace.available, "skipped: needs root"))
struct SegmentCauseTests {
    /// With the capture (the RST segment seen), and without it: eBPF reports the kernel's own
    /// tcp_send_reset and tcp_receive_reset, so `states --events` alone explains the ending too.
    @Test(arguments: [true, false])
    func resetsAreAttributedOnBothEnds(segments: Bool) async throws {
        try await offPool { () throws in
            // The kernel's own word on resets, in a tracing instance of this test's: which socket
            // sent one (tcp_send_reset) and which received it (tcp_receive_reset).
            // A run killed before its cleanup left its instance: remove those of dead test processes.
            let instances = "/sys/kernel/tracing/instances"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: instances)) ?? [] where name.hasPrefix("sockscope-test-rst-") {
                guard let pid = name.split(separator: "-").dropFirst(3).first.flatMap({ pid_t($0) }), kill(pid, 0) != 0, errno == ESRCH else { continue }
                for event in ["tcp_send_reset", "tcp_receive_reset"] { writeFile("\(instances)/\(name)/events/tcp/\(event)/enable", Array("0".utf8)) }
                rmdir("\(instances)/\(name)")
            }
            let instance = "\(instances)/sockscope-test-rst-\(getpid())-\(Int.random(in: 0..<1_000_000))"
            try #require(mkdir(instance, 0o755) == 0, "tracefs instance: \(String(cString: strerror(errno)))")
            defer { rmdir(instance) }
            for event in ["tcp_send_reset", "tcp_receive_reset"] { writeFile("\(instance)/events/tcp/\(event)/enable", Array("1".utf8)) }
            defer { for event in ["tcp_send_reset", "tcp_receive_reset"] { writeFile("\(instance)/events/tcp/\(event)/enable", Array("0".utf8)) } }
            let namespace = try Namespace()
            let server = try Child(namespace.exec(["python3", "-u", "-c", """
                import socket, sys, time
                l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
                print('Listening on 127.0.0.1', l.getsockname()[1], file=sys.stderr, flush=True)
                s, _ = l.accept()
                try:
                    s.recv(10)
                except ConnectionResetError:
                    print('reset', flush=True)
                """]), stdin: .null)
            let port = try server.waitForPort()
            let events = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--json", "--tcp", "--port", String(port)]
                                                  + (segments ? ["--segments"] : [])), stdin: .null)
            try events.waitForStdout(containing: "\"kind\":\"start\"")
            // Without the capture, the RSTs come from eBPF: the start line names it.
            #expect(segments || events.stdoutText.hasPrefix("{\"kind\":\"start\",\"sources\":[\"ebpf\""))
            let client = try Child(namespace.exec(["python3", "-u", "-c", """
                import socket, struct, sys
                c = socket.create_connection(('127.0.0.1', \(port)))
                print('connected', flush=True)
                sys.stdin.readline()
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                c.close()
                """]))
            // Both ends placed in this namespace (the sieve releases a socket's records once it
            // knows), then the abort.
            try client.waitForStdout(containing: "connected")
            try events.wait(for: "both ends established", timeout: 30) { child in
                let text = child.stdoutText
                return text.contains("\"from\":\"SYN_SENT\",\"to\":\"ESTABLISHED\"")
                    && text.contains("\"from\":\"SYN_RECV\",\"to\":\"ESTABLISHED\"")
            }
            client.write("abort\n")
            #expect(try client.waitForExit() == 0)
            #expect(try server.waitForExit() == 0)
            #expect(server.stdoutText == "reset\n")
            var endings: [[String: Any]] = []
            try events.wait(for: "both ends' endings", timeout: 30) { child in
                endings = EventsTests.objects(child.stdoutText).filter {
                    $0["kind"] as? String == "transition" && EventsTests.pair($0) == "ESTABLISHED>CLOSE"
                }
                return endings.count >= 2
            }
            events.signal(SIGTERM)
            _ = try events.waitForExit()
            let abort = try #require(endings.first { $0["remote"] as? String == "127.0.0.1:\(port)" })
            let aborted = try #require(endings.first { $0["local"] as? String == "127.0.0.1:\(port)" })
            #expect(abort["cause"] as? String == "reset sent")
            #expect((abort["explanation"] as? String)?.contains("the dialer's socket sent a RST") == true)
            #expect(abort["role"] as? String == "the dialer's socket" && aborted["role"] as? String == "the listener's connection")
            #expect(aborted["cause"] as? String == "reset received")
            // The kernel's reason (eBPF's tcp_send_reset): an abort by SO_LINGER 0 is TCP_STATE, on
            // both ends' endings (the peer is in this namespace too).
            #expect(abort["resetReason"] as? String == "TCP_STATE" && aborted["resetReason"] as? String == "TCP_STATE")
            #expect((abort["explanation"] as? String)?.contains("close() with SO_LINGER set to 0") == true)
            #expect((aborted["explanation"] as? String)?.contains("a RST from the peer arrived") == true)
            // The RST itself is in the stream (with the capture), from the end that sent it.
            let resets = EventsTests.objects(events.stdoutText).filter { ($0["flags"] as? String)?.contains("R") == true }
            #expect(resets.count == (segments ? 1 : 0))
            if segments {
                #expect(resets.first?["direction"] as? String == "out" && resets.first?["local"] as? String == abort["local"] as? String)
            }
            // The kernel agrees: the aborting socket sent it, the server's connection received it.
            let trace = String(decoding: readFile("\(instance)/trace"), as: UTF8.self).split(separator: "\n")
            let dialer = try #require(abort["local"] as? String), listening = "127.0.0.1:\(port)"
            #expect(trace.contains { $0.contains("tcp_send_reset:") && $0.contains("src=\(dialer) dest=\(listening)") }, "\(trace)")
            #expect(trace.contains { $0.contains("tcp_receive_reset:") && $0.contains("sport=\(port) ") })
            #expect(!trace.contains { $0.contains("tcp_send_reset:") && $0.contains("src=\(listening) dest=\(dialer)") })
        }
    }
}
