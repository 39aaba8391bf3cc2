import SockscopeCore
import Testing

/// A probe run's summary: the nearest-rank percentiles, the mean, ping's mdev, from the samples.
@Suite struct ProbeStatisticsTests {
    @Test func percentilesAreTheSamplesNearestRank() throws {
        let samples = (1...100).map { Double($0) / 1000 }.shuffled()
        let stats = try #require(ProbeStatistics(samples))
        #expect(stats.minimum == 0.001 && stats.maximum == 0.1)
        #expect(stats.p50 == 0.05 && stats.p90 == 0.09 && stats.p99 == 0.099)
        #expect(abs(stats.mean - 0.0505) < 1e-12)
        #expect(abs(stats.mdev - 0.025) < 1e-12)  // mean |x - 50.5| over 1…100 is 25, in ms
        #expect(stats.text.hasPrefix("min 1.000 ms · p50 50.000 · p90 90.000 · p99 99.000 · max 100.000"))
        let one = try #require(ProbeStatistics([0.002]))
        #expect(one.p50 == 0.002 && one.p99 == 0.002 && one.mdev == 0)
        #expect(ProbeStatistics([]) == nil && ProbeStatistics([.nan]) == nil)
    }
}

/// Which address is tried first, what --send's escapes mean, the terminal's histogram, and the
/// per-phase summary.
@Suite struct ProbePartsTests {
    @Test func familiesAlternateFromTheFirstOnesOn() {
        // getaddrinfo's order, RFC 6724: two IPv6, then two IPv4 → 6, 4, 6, 4.
        #expect(ProbeOrder.interleaved([10, 10, 2, 2]) == [0, 2, 1, 3])
        #expect(ProbeOrder.interleaved([2, 10, 10, 10]) == [0, 1, 2, 3])
        #expect(ProbeOrder.interleaved([2, 2]) == [0, 1])
        #expect(ProbeOrder.interleaved([]) == [])
    }

    @Test func sendTakesTheUsualEscapes() throws {
        #expect(try ProbeOrder.bytes("GET / HTTP/1.0\\r\\n\\r\\n").get() == Array("GET / HTTP/1.0\r\n\r\n".utf8))
        #expect(try ProbeOrder.bytes("a\\tb\\0\\\\\\x41\\xff").get() == [0x61, 0x09, 0x62, 0x00, 0x5C, 0x41, 0xFF])
        for bad in ["\\q", "\\x4", "\\xzz", "end\\"] {
            guard case .failure = ProbeOrder.bytes(bad) else { Issue.record("accepted \(bad)"); continue }
        }
    }

    @Test func theHistogramCountsEverySampleWithinItsWidth() {
        let samples = (1...200).map { Double($0) * 1e-5 } + [1.0]
        let lines = ProbeHistogram.lines(samples, rows: 8, width: 60)
        #expect(lines.count == 8)
        #expect(lines.allSatisfy { $0.count <= 60 }, "\(lines)")
        let counts = lines.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect(counts.reduce(0, +) == samples.count)
        // Logarithmic: the second's outlier is a row of its own, the last.
        #expect(counts.last == 1 && lines.last?.hasSuffix(" 1") == true)
        #expect(lines.first?.drop { $0 == " " }.hasPrefix("0.010–") == true, "\(lines)")
        #expect(ProbeHistogram.lines([]).isEmpty)
        #expect(ProbeHistogram.lines([0.002, 0.002]).count == 1)
    }

    @Test func theSummaryGivesEachTimedPhase() throws {
        var summary = ProbeSummary()
        for number in 1...4 {
            var result = ProbeResult(number: number, address: "127.0.0.1", port: 80, outcome: .connected)
            result.connect = Double(number) / 1000
            result.firstByte = Double(number) / 100
            summary.add(result)
        }
        var refused = ProbeResult(number: 5, address: "127.0.0.1", port: 80, outcome: .refused)
        refused.connect = 0.0001
        summary.add(refused)
        #expect(summary.phases.map(\.key) == ["connect", "first_byte"])
        #expect(summary.loss == 20)
        #expect(summary.text.hasPrefix("5 probes, 4 connected, 1 refused, 0 filtered (20% loss)\nconnect:    min 1.000 ms"), "\(summary.text)")
        let json = summary.json
        #expect(json.contains { $0.0 == "p50_ms" } && json.contains { $0.0 == "first_byte" })
        #expect(refused.text == "probe 5: 127.0.0.1 80: refused (RST) in 0.100 ms")
        // A peer's words in a failure (a proxy's status line) reach the terminal escaped.
        var failed = ProbeResult(number: 6, address: "127.0.0.1", port: 80, outcome: .failed)
        failed.connect = 0.001
        failed.why = "proxy refused: HTTP/1.1 502 \u{1B}[31mred"
        #expect(failed.text.hasSuffix("failed: proxy refused: HTTP/1.1 502 \\x1b[31mred"), "\(failed.text)")
    }
}
