import Foundation
import Glibc
import Testing
import TestSupport

/// `sockscope lesson`: every lesson run as CI runs it (`--script --json`, as root), and the
/// promise that nothing outside the lesson's namespace is left changed — after a normal end and
/// after SIGTERM in the middle of a step.
@Suite(.timeLimit(.minutes(6)))
struct LessonTests {
    static var root: Bool { getuid() == 0 && Paths.which("nft") && Paths.which("tc") }

    /// What a lesson could leave behind in the root namespace: named namespaces (other than the
    /// ones other tests make meanwhile) and nft rules.
    static func outside() throws -> [String] {
        let namespaces = try Child.run(["ip", "netns", "list"]).child.stdoutText
            .split(separator: "\n").filter { !$0.hasPrefix("sockscope-test-") }.joined(separator: "\n")
        let rules = try Child.run(["nft", "list", "ruleset"]).child.stdoutText
        return [namespaces, rules]
    }

    /// The tracing instances the runs with these pids left.
    static func instances(of pids: [pid_t]) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/kernel/tracing/instances")) ?? []
        return names.filter { name in pids.contains { name.hasPrefix("sockscope-") && name.contains("-\($0)-") } }
    }

    static func names() throws -> [String] {
        let list = try Child.run([Paths.sockscope, "lesson"])
        #expect(list.code == 0)
        return list.child.stdoutText.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func listsTwelveLessonsOrMore() throws {
        let names = try Self.names()
        #expect(names.count >= 12)
        #expect(Set(names).count == names.count)
        for required in ["handshake", "close", "simultaneous-close", "udp"] { #expect(names.contains(required)) }
    }

    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
    func everyLessonPassesAndLeavesNothingBehind() throws {
        let before = try Self.outside()
        let start = now()
        var pids: [pid_t] = []
        for name in try Self.names() {
            let run = try Child.run([Paths.sockscope, "lesson", name, "--script", "--json"], timeout: 90)
            pids.append(run.child.pid)
            let lines = run.child.stdoutText.split(separator: "\n")
            let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(objects.count == lines.count, "\(name): every line is a JSON object")
            let failed = objects.filter { $0["kind"] as? String == "check" && $0["passed"] as? Int == 0 }.compactMap { $0["text"] as? String }
            #expect(run.code == 0, "\(name) failed: \(failed) \(run.child.stderrText)")
            let result = try #require(objects.last, "\(name) printed nothing")
            #expect(result["kind"] as? String == "result" && result["passed"] as? Int == result["of"] as? Int, "\(name): \(result)")
            // Every step was told, and its segments: the kernel's, not the script's.
            #expect(objects.contains { $0["kind"] as? String == "segment" } , "\(name): no segment seen")
        }
        #expect(now() - start < 300, "all lessons together take under 5 minutes")
        #expect(try Self.outside() == before)
        #expect(Self.instances(of: pids).isEmpty)
    }

    /// SIGTERM while a step waits (refused's ETIMEDOUT step takes 7 s): the process dies by the
    /// signal within a second, and leaves nothing behind.
    @Test(.enabled(if: LessonTests.root, "skipped: needs root (namespaces, nft, tc)"))
    func sigtermMidStepLeavesNothingBehind() throws {
        let before = try Self.outside()
        let run = try Child([Paths.sockscope, "lesson", "refused", "--script"])
        try run.waitForStdout(containing: "step 2/3", timeout: 20)
        run.signal(SIGTERM)
        let start = now()
        #expect(try run.waitForExit(timeout: 5) == 128 + SIGTERM)
        #expect(now() - start < 1)
        #expect(try Self.outside() == before)
        #expect(Self.instances(of: [run.pid]).isEmpty)
    }

    @Test func withoutRootOneLineAndExit1() throws {
        guard getuid() == 0, Paths.which("setpriv") else { return }
        let run = try Child.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                 Paths.sockscope, "lesson", "handshake", "--script"])
        #expect(run.code == 1)
        let lines = run.child.stderrText.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("root") == true && lines.first?.contains("replay") == true, "\(lines)")
        #expect(run.child.stdout.isEmpty)
    }

    @Test func anUnknownLessonIsAUsageError() throws {
        let run = try Child.run([Paths.sockscope, "lesson", "no-such-lesson", "--script"])
        #expect(run.code == 64)
        #expect(run.child.stderrText.contains("no lesson named 'no-such-lesson'"))
        let json = try Child.run([Paths.sockscope, "lesson", "--json"])
        #expect(json.code == 64)
        #expect(json.child.stderrText.split(separator: "\n").count == 1)
    }
}
