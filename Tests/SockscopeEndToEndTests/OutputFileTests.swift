import Glibc
import Testing
import TestSupport

/// The files sockscope writes (`--record`, `--pcap`, `--ladder`, `--hex-dump`) as a careful user
/// and an adversary meet them: a FIFO that nobody reads, a run that never starts, a read-only
/// and a full file system, a symbolic link planted in a shared directory, a pcap of a password.
/// One at a time: each starts lessons, captures or screens, and the rest of the suite runs beside.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct OutputFileTests {
    static var root: Bool { getuid() == 0 }
    static var lessons: Bool { root && Paths.which("nft") && Paths.which("tc") && Paths.which("setpriv") }
    static var screens: Bool { root && Paths.which("tmux") && Paths.which("unshare") }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    /// A port on 127.0.0.1 that refuses connections: bound, never listening (held until the
    /// returned descriptor is closed, so nobody else takes it).
    static func refusingPort() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound, address.sin_port != 0 else {
            if fd >= 0 { close(fd) }
            throw Child.Failure(description: "no port to refuse on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    // MARK: 5. A FIFO nobody reads

    /// `--record FIFO` (a lesson) and `states --events --pcap FIFO`: the wait is said, and a
    /// signal ends it, leaving nothing behind (the lab, the tracing instance). How soon:
    /// bench/signals.sh (within a second).
    @Test(.enabled(if: OutputFileTests.lessons, "skipped: needs root, nft and tc"),
          arguments: [(["lesson", "close", "--script", "--record"], SIGINT), (["lesson", "close", "--script", "--record"], SIGTERM),
                      (["states", "--events", "--pcap"], SIGTERM)])
    func aFIFOWaitsForItsReaderButNotPastASignal(command: [String], signal: Int32) async throws {
        let scratch = Scratch()
        let fifo = scratch.file("out")
        #expect(mkfifo(fifo, 0o600) == 0)
        let (code, stderr, pid) = try await offPool {
            let run = try Child([Paths.sockscope] + command + [fifo], stdin: .null)
            try run.waitForStderrLine(containing: "waiting for a reader of the FIFO", timeout: 20)
            try run.waitUntilAsleep()
            run.signal(signal)
            return (try run.waitForExit(timeout: 10), run.stderrText, run.pid)
        }
        #expect(code == 128 + signal)
        #expect(stderr == "sockscope: \(command.last ?? "") \(fifo): waiting for a reader of the FIFO\n")
        #expect(LessonTests.instances(of: [pid]).isEmpty)
    }

    /// In a terminal: `watch --pcap FIFO` and the screen's `--pcap FIFO` wait before the screen
    /// opens, `--ladder FIFO` after it has closed; Ctrl-C ends each, the terminal as it was and
    /// watch's tracing instance gone.
    @Test(.enabled(if: OutputFileTests.screens, "skipped: needs root and tmux"),
          arguments: [["watch", "--pcap"], ["--pcap"], ["--ladder"]])
    func aFIFOInTheScreenEndsAtCtrlC(options: [String]) async throws {
        let scratch = Scratch()
        let fifo = scratch.file("out")
        #expect(mkfifo(fifo, 0o600) == 0)
        let (nc, port) = try await offPool { try ncListener(["-k"], stdin: .null) }
        defer { withExtendedLifetime(nc) {} }
        let option = options.last ?? ""
        let command = options.count == 2 ? "watch --pcap \(fifo)" : "\(option) \(fifo) 127.0.0.1 \(port)"
        let (screen, alternate, leftover) = try await offPool {
            let tmux = try Tmux("trap true INT; \(Paths.sockscope) \(command)", columns: 100, rows: 30)
            if option == "--ladder" {
                try tmux.wait(forText: "── Sockets")
                tmux.send("F10")
            }
            try tmux.wait(forText: "\(option) \(fifo): waiting for a reader of the FIFO")
            // The shell's child is sockscope: its pid names its tracing instance.
            let pane = tmux.format("#{pane_pid}")
            let child = try Child.run(["pgrep", "-P", pane, "-x", "sockscope"]).child.stdoutText
            tmux.send("C-c")
            let screen = try tmux.wait(for: "the exit") { $0.contains("EXIT=") }
            let pids = child.split(separator: "\n").compactMap { pid_t($0) }
            return (screen, tmux.format("#{alternate_on}"), pids.isEmpty ? ["no sockscope under the pane"] : LessonTests.instances(of: pids))
        }
        #expect(screen.contains("EXIT=130"), "\(screen)")
        #expect(alternate == "0")
        #expect(leftover.isEmpty)
    }

    // MARK: 6. A run that does not happen

    /// Without root a lesson cannot start: its recording's file is left as it was (it used to be
    /// emptied before the refusal), with --script and without a terminal alike.
    @Test(.enabled(if: OutputFileTests.lessons, "skipped: needs root (to become nobody), nft and tc"),
          arguments: [["--script"], []])
    func aLessonThatCannotStartTouchesNoFile(extra: [String]) async throws {
        let scratch = Scratch()
        let kept = scratch.file("kept.jsonl")
        writeFile(kept, Array("an earlier recording\n".utf8))
        chmod(scratch.path, 0o777)
        chmod(kept, 0o666)
        let run = try await Child.finish(Paths.asNobody + [Paths.sockscopeForAnyone, "lesson", "handshake", "--record", kept] + extra)
        #expect(run.code == 1)
        #expect(run.stderrLines.count == 1 && run.stderrText.contains("root"), "\(run.stderrText)")
        #expect(readFile(kept) == Array("an earlier recording\n".utf8))
        let fresh = scratch.file("fresh.jsonl")
        _ = try await Child.finish(Paths.asNobody + [Paths.sockscopeForAnyone, "lesson", "handshake", "--record", fresh] + extra)
        #expect(!fileExists(fresh), "a refused run creates no file")
    }

    /// --hex-dump: the file is checked before dialing but emptied only when a connection opens,
    /// so a refused dial leaves the last session's dump (and creates none); a session that
    /// connects replaces it, 0600.
    @Test func aRefusedDialLeavesTheDumpAsItWas() async throws {
        let scratch = Scratch()
        let (held, port) = try Self.refusingPort()
        defer { close(held) }
        let dump = scratch.file("dump.txt"), fresh = scratch.file("fresh.txt")
        writeFile(dump, Array("the last session\n".utf8))
        for path in [dump, fresh] {
            let run = try await Child.finish([Paths.sockscope, "-v", "--hex-dump", path, "127.0.0.1", String(port)])
            #expect(run.code == 1)
            #expect(run.stderrText.contains("Connection refused"))
        }
        #expect(readFile(dump) == Array("the last session\n".utf8))
        #expect(!fileExists(fresh))
        // A session that happens replaces it.
        let (nc, open) = try await offPool { try ncListener(stdin: .null) }
        defer { withExtendedLifetime(nc) {} }
        let run = try await Child.finish(["sh", "-c", "echo hello | \(Paths.sockscope) -N --hex-dump \(fresh) 127.0.0.1 \(open)"])
        #expect(run.code == 0)
        #expect(String(decoding: readFile(fresh), as: UTF8.self).contains("|hello.|"))
        #expect(Self.mode(fresh) == 0o600)
    }

    // MARK: 7. --ladder on a read-only and on a full file system

    /// Read-only: said at the start, exit 1, before the screen opens. Full (a 64 KiB tmpfs):
    /// exit 1 with one line, and the complete file that was there is still there, whole.
    @Test(.enabled(if: OutputFileTests.screens, "skipped: needs root, tmux and unshare"))
    func theLadderFailsEarlyOrLeavesTheOldFileWhole() async throws {
        let scratch = Scratch()
        let (nc, port) = try await offPool { try ncListener(["-k"], stdin: .null) }
        defer { withExtendedLifetime(nc) {} }
        let mount = scratch.file("mnt")
        mkdir(mount, 0o755)
        let readOnly = try await offPool {
            let tmux = try Tmux("unshare -m sh -c 'mount -t tmpfs -o ro tmpfs \(mount) && exec \(Paths.sockscope) --ladder \(mount)/x.svg 127.0.0.1 \(port)'",
                                columns: 100, rows: 30)
            return try tmux.wait(for: "the exit") { $0.contains("EXIT=") }
        }
        #expect(readOnly.contains("sockscope: --ladder \(mount)/x.svg: Read-only file system\nEXIT=1"), "\(readOnly)")
        #expect(!readOnly.contains("── Sockets"))
        let full = try await offPool {
            let script = "mount -t tmpfs -o size=64k tmpfs \(mount) && echo '<svg>the last one</svg>' > \(mount)/x.svg"
                + " && { dd if=/dev/zero of=\(mount)/fill bs=4k 2>/dev/null; true; }"
                + " && { \(Paths.sockscope) --ladder \(mount)/x.svg 127.0.0.1 \(port); echo EXIT=\\$?; cat \(mount)/x.svg; ls -a \(mount); }"
            let tmux = try Tmux("unshare -m sh -c \"\(script)\"", columns: 100, rows: 30)
            try tmux.wait(forText: "── Sockets")
            tmux.send("F10")
            return try tmux.wait(for: "the exit") { $0.contains("EXIT=") && $0.contains("fill") }
        }
        #expect(full.contains("sockscope: --ladder \(mount)/x.svg: write failed: No space left on device\nEXIT=1"), "\(full)")
        #expect(full.contains("<svg>the last one</svg>"), "the old ladder is whole: \(full)")
        #expect(full.contains(".  ..  fill  x.svg"), "no temporary file is left: \(full)")
    }

    // MARK: 8. A symbolic link planted in a shared directory

    /// As root, into a sticky world-writable directory where `nobody` planted a link to a file of
    /// root's: every output refuses it in one line, exit 1, and the file is untouched. A link of
    /// root's own there, and /dev/stderr (a link into /proc), are followed.
    @Test(.enabled(if: OutputFileTests.lessons, "skipped: needs root, nft, tc and setpriv"))
    func aPlantedLinkIsNeverFollowed() async throws {
        let scratch = Scratch()
        let shared = scratch.file("shared"), secret = scratch.file("secret")
        chmod(scratch.path, 0o755)  // nobody walks to the shared directory
        mkdir(shared, 0o755)
        chmod(shared, 0o1777)
        writeFile(secret, Array("root's own\n".utf8))
        chmod(secret, 0o600)
        let link = shared + "/out"
        let planted = try await Child.finish(Paths.asNobody + ["ln", "-s", secret, link])
        #expect(planted.code == 0)
        let (nc, port) = try await offPool { try ncListener(["-k"], stdin: .null) }
        defer { withExtendedLifetime(nc) {} }
        let runs: [(String, [String])] = [
            ("--record", [Paths.sockscope, "lesson", "udp", "--script", "--record", link]),
            ("--pcap", [Paths.sockscope, "states", "--events", "--duration", "5", "--pcap", link]),
            ("--hex-dump", [Paths.sockscope, "-N", "--hex-dump", link, "127.0.0.1", String(port)]),
        ]
        for (option, arguments) in runs {
            let run = try await Child.finish(arguments, timeout: 30)
            #expect(run.code == 1, "\(option)")
            #expect(run.stderrLines == ["sockscope: \(option) \(link): is a symbolic link that others could have put there; not followed (name the file itself)"],
                    "\(option): \(run.stderrText)")
        }
        #expect(readFile(secret) == Array("root's own\n".utf8))
        #expect(Self.mode(secret) == 0o600)
        // The screen's --ladder is refused at its start.
        let ladder = try await offPool {
            let tmux = try Tmux("\(Paths.sockscope) --ladder \(link) 127.0.0.1 \(port)", columns: 250, rows: 30)
            return try tmux.wait(for: "the exit") { $0.contains("EXIT=") }
        }
        #expect(ladder.contains("sockscope: --ladder \(link): a symbolic link that others could have put there; not followed"), "\(ladder)")
        #expect(readFile(secret) == Array("root's own\n".utf8))
        // Links nobody else could have made are followed.
        let own = shared + "/mine"
        #expect(symlink(scratch.file("through-own-link.txt"), own) == 0)
        let followed = try await Child.finish(["sh", "-c", "echo hi | \(Paths.sockscope) -N --hex-dump \(own) 127.0.0.1 \(port)"])
        #expect(followed.code == 0)
        #expect(String(decoding: readFile(scratch.file("through-own-link.txt")), as: UTF8.self).contains("|hi.|"))
        let stderr = try await Child.finish(["sh", "-c", "echo hi | \(Paths.sockscope) -N --hex-dump /dev/stderr 127.0.0.1 \(port)"])
        #expect(stderr.code == 0 && stderr.stderrText.contains("|hi.|"))
    }

    // MARK: 9, 10. A pcap holds headers, not data; its errors say --pcap once

    /// A login's password on the wire: the pcap (0600) keeps every header and none of the data,
    /// as the man page says; `--pcap-payload 4` keeps four bytes of it. tcpdump reads both.
    @Test(.enabled(if: Namespace.available && Paths.which("tcpdump"), "skipped: needs root and tcpdump"))
    func aPcapKeepsHeadersNotData() async throws {
        let scratch = Scratch()
        let namespace = try Namespace()
        let plain = scratch.file("headers.pcap"), some = scratch.file("four.pcap")
        let (lines, tcpdump) = try await offPool { () -> ([String], [String]) in
            let listener = try Child(namespace.exec(["nc", "-l", "-v", "-n", "127.0.0.1", "0"]), stdin: .null)
            let port = try listener.waitForPort()
            var captures: [Child] = []
            for (path, extra) in [(plain, [String]()), (some, ["--pcap-payload", "4"])] {
                let events = try Child(namespace.exec([Paths.sockscope, "states", "--events", "--json", "--port", String(port), "--pcap", path] + extra),
                                       stdin: .null)
                try events.waitForStdout(containing: "\"kind\":\"start\"")
                captures.append(events)
            }
            let client = try Child(namespace.exec(["sh", "-c", "echo password=hunter2 | nc -N 127.0.0.1 \(port)"]), stdin: .null)
            _ = try client.waitForExit()
            _ = try listener.waitForExit()
            for events in captures {
                // The server's LAST_ACK comes after the data and its FIN.
                try events.wait(for: "the close", timeout: 30) { $0.stdoutText.contains("\"LAST_ACK\"") }
                events.signal(SIGTERM)
                _ = try events.waitForExit()
            }
            let read = try [plain, some].map { try Child.run(["tcpdump", "-r", $0, "-nn", "-X"]).child.stdoutText }
            return ([String(decoding: readFile(plain), as: UTF8.self), String(decoding: readFile(some), as: UTF8.self)], read)
        }
        #expect(!lines[0].contains("hunter2") && !lines[0].contains("password"))
        #expect(lines[1].contains("pass") && !lines[1].contains("hunter2"))
        #expect(tcpdump[0].contains("length 17") && tcpdump[1].contains("length 17"), "\(tcpdump)")
        #expect(Self.mode(plain) == 0o600 && Self.mode(some) == 0o600)
    }

    @Test func pcapPayloadIsBoundedAndNeedsPcap() async throws {
        for (arguments, words) in [(["states", "--events", "--pcap", "x", "--pcap-payload", "65536"], "--pcap-payload must be from 0 to 65535 bytes"),
                                   (["states", "--events", "--pcap-payload", "4"], "--pcap-payload needs --pcap"),
                                   (["states", "--events", "--pcap", "x", "--pcap-payload", "99999999999999999999999"], "pcap-payload"),
                                   (["--pcap-payload", "-1", "--pcap", "x", "127.0.0.1", "1"], "--pcap-payload must be from 0 to 65535 bytes")] {
            let run = try await Child.finish([Paths.sockscope] + arguments)
            #expect(run.code == 64, "\(arguments)")
            #expect(run.stderrText.contains(words), "\(arguments): \(run.stderrText)")
        }
    }

    /// `--pcap` into a read-only directory: one line, the option and path once.
    @Test(.enabled(if: OutputFileTests.root && Paths.which("unshare"), "skipped: needs root and unshare"))
    func aPcapErrorSaysItsOptionOnce() async throws {
        let scratch = Scratch()
        let mount = scratch.file("ro")
        mkdir(mount, 0o755)
        let run = try await Child.finish(["unshare", "-m", "sh", "-c",
                                          "mount -t tmpfs -o ro tmpfs \(mount) && exec \(Paths.sockscope) states --events --pcap \(mount)/x.pcap"])
        #expect(run.code == 1)
        #expect(run.stderrLines == ["sockscope: --pcap \(mount)/x.pcap: Read-only file system"])
    }
}
