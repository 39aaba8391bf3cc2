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
