import Foundation
import Glibc
import Testing
import TestSupport

/// `sockscope states` against `ss -tuan` read in the same private namespace, with sockets held in
/// every state reachable here. Root only (network namespaces, nft); CI runs as root.
@Suite(.timeLimit(.minutes(4)), .enabled(if: Namespace.available, "skipped: needs root (network namespaces)"))
struct StatesTests {
    /// Holds LISTEN, ESTABLISHED, FIN_WAIT2/CLOSE_WAIT, TIME_WAIT, IPv6, UDP bound and connected,
    /// and SYN_SENT/SYN_RECV (an nft rule drops the listener's SYN-ACKs), then prints READY.
    static let holder = """
        import socket, subprocess, sys, time
        def pair(family, host):
            l = socket.socket(family); l.bind((host, 0)); l.listen(8)
            c = socket.socket(family); c.connect(l.getsockname()[:2]); s, _ = l.accept()
            return l, c, s
        held = [pair(socket.AF_INET, '127.0.0.1')]
        l, c, s = pair(socket.AF_INET, '127.0.0.1'); c.shutdown(socket.SHUT_WR); held.append((l, c, s))
        l, c, s = pair(socket.AF_INET, '127.0.0.1'); c.close(); s.close(); held.append(l)
        held.append(pair(socket.AF_INET6, '::1'))
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
        uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(u.getsockname()); held += [u, uc]
        slow = socket.socket(); slow.bind(('127.0.0.2', 0)); slow.listen(8); port = slow.getsockname()[1]
        subprocess.run(['nft', 'add table inet t'], check=True)
        subprocess.run(['nft', 'add chain inet t out { type filter hook output priority 0 ; }'], check=True)
        subprocess.run(['nft', 'add rule inet t out tcp sport %d tcp flags & (syn | ack) == syn | ack drop' % port], check=True)
        syn = socket.socket(); syn.setblocking(False); syn.connect_ex(('127.0.0.2', port)); held += [slow, syn]
        deadline = time.time() + 5
        while b'SYN-RECV' not in subprocess.run(['ss', '-tan'], capture_output=True).stdout:
            if time.time() > deadline: sys.exit('no SYN-RECV')
            time.sleep(0.01)
        print('READY', flush=True)
        sys.stdin.read()
        """

    struct Row: Hashable, CustomStringConvertible {
        let udp: Bool, state: String, local: String, peer: String
        var description: String { "\(udp ? "udp" : "tcp") \(state) \(local) \(peer)" }
    }

    @Test func matchesSSInEveryReachableState() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let holder = try Child(namespace.exec(["python3", "-u", "-c", Self.holder]))
            try holder.waitForStdout(containing: "READY", timeout: 20)

            let ours = try Child.run(namespace.exec([Paths.sockscope, "states", "--json"]))
            #expect(ours.code == 0)
            let ss = try Child.run(namespace.exec(["ss", "-tuanH"]))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(ours.child.stdout)) as? [[String: Any]])
            let ourRows = Set(json.map { object in
                Row(udp: (object["proto"] as? String ?? "").hasPrefix("udp"), state: object["state"] as? String ?? "",
                    local: object["local"] as? String ?? "", peer: object["remote"] as? String ?? "")
            })
            let ssRows = Set(ss.child.stdoutText.split(separator: "\n").map { line -> Row in
                let f = line.split(separator: " ")
                let local = Self.normalize(String(f[4])), peer = Self.normalize(String(f[5]), like: local)
                return Row(udp: f[0] == "udp", state: Self.kernelName(String(f[1])), local: local, peer: peer)
            })
            #expect(ourRows == ssRows, "ours only: \(ourRows.subtracting(ssRows)); ss only: \(ssRows.subtracting(ourRows))")
            let states = Set(ourRows.map(\.state))
            for expected in ["LISTEN", "ESTABLISHED", "FIN_WAIT2", "CLOSE_WAIT", "TIME_WAIT", "SYN_SENT", "SYN_RECV", "UNCONN"] {
                #expect(states.contains(expected), "no \(expected) held")
            }
            #expect(ourRows.contains { $0.local.hasPrefix("[::1]:") })
            // Owners: every socket of the holder is attributed to python3 with its pid.
            let owned = json.filter { ($0["inode"] as? Int ?? 0) != 0 }
            #expect(owned.allSatisfy { ($0["command"] as? String)?.hasPrefix("python3") == true })
            #expect(owned.allSatisfy { $0["pid"] as? Int == Int(holder.pid) })
            holder.closeStdin()
        }
    }

    @Test func filtersAndTable() async throws {
        try await offPool { () throws in
            let namespace = try Namespace()
            let holder = try Child(namespace.exec(["python3", "-u", "-c", Self.holder]))
            try holder.waitForStdout(containing: "READY", timeout: 20)
            func rows(_ arguments: [String]) throws -> [String] {
                let result = try Child.run(namespace.exec([Paths.sockscope, "states"] + arguments))
                #expect(result.code == 0)
                return result.child.stdoutText.split(separator: "\n").dropFirst().map(String.init)
            }
            #expect(try rows(["--listening", "--tcp"]).allSatisfy { $0.contains("LISTEN") })
            #expect(try rows(["--udp"]).allSatisfy { $0.hasPrefix("udp") })
            #expect(try rows(["-6"]).allSatisfy { $0.hasPrefix("tcp6") || $0.hasPrefix("udp6") })
            let waits = try rows(["--state", "time-wait,fin-wait-2"])
            #expect(waits.count == 2 && waits.contains { $0.contains("TIME_WAIT") && $0.contains("timewait ") })
            let header = try Child.run(namespace.exec([Paths.sockscope, "states"])).child.stdoutText.split(separator: "\n")[0]
            #expect(header.split(separator: " ") == ["Proto", "State", "Recv-Q", "Send-Q", "Local", "Peer", "Timer", "Process"])
            holder.closeStdin()
        }
    }

    /// ss-style names (`ESTAB`, `FIN-WAIT-2`) as the kernel's (`ESTABLISHED`, `FIN_WAIT2`).
    static func kernelName(_ ss: String) -> String {
        switch ss {
        case "ESTAB": return "ESTABLISHED"
        case "UNCONN": return "UNCONN"
        default: return ss.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: "WAIT_", with: "WAIT")
        }
    }

    /// ss writes wildcards as `*`; ours are the kernel's addresses (`0.0.0.0:0`, `[::]:0`).
    static func normalize(_ text: String, like local: String? = nil) -> String {
        var text = text
        if text.hasPrefix("*:") { text = "[::]:" + text.dropFirst(2) }
        if text.hasSuffix(":*") {
            text = String(text.dropLast()) + "0"
            if let local, local.hasPrefix("["), text.hasPrefix("0.0.0.0") { text = "[::]:0" }
        }
        return text
    }
}
