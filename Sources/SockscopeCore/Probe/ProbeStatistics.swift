/// `sockscope probe` (issue 24): what a run of probes came to — min, percentiles, max, mean,
/// mdev (the jitter: mean deviation from the mean, as ping's) and loss. Exact, from the samples
/// (a probe run keeps a few thousand at most).
public struct ProbeStatistics: Sendable, Equatable {
    public var count: Int
    public var minimum: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var maximum: Double
    public var mean: Double
    public var mdev: Double

    /// nil when there is no sample.
    public init?(_ samples: [Double]) {
        let sorted = samples.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        count = sorted.count
        minimum = first
        maximum = last
        p50 = Self.percentile(sorted, 50)
        p90 = Self.percentile(sorted, 90)
        p99 = Self.percentile(sorted, 99)
        mean = sorted.reduce(0, +) / Double(sorted.count)
        let average = mean
        mdev = sorted.reduce(0) { $0 + abs($1 - average) } / Double(sorted.count)
    }

    /// The nearest-rank percentile: the smallest sample with at least `p`% of them at or below it.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// `min 0.041 ms · p50 0.052 · p90 0.078 · p99 0.120 · max 0.130 · mean 0.058 · mdev 0.011`.
    public var text: String {
        func ms(_ seconds: Double) -> String { DurationText.milliseconds(seconds) }
        return "min \(ms(minimum)) ms · p50 \(ms(p50)) · p90 \(ms(p90)) · p99 \(ms(p99)) · max \(ms(maximum)) · mean \(ms(mean)) · mdev \(ms(mdev))"
    }

    public var json: [(String, JSONValue)] {
        func ms(_ seconds: Double) -> JSONValue { .milliseconds(seconds) }
        return [("min_ms", ms(minimum)), ("p50_ms", ms(p50)), ("p90_ms", ms(p90)), ("p99_ms", ms(p99)), ("max_ms", ms(maximum)),
                ("mean_ms", ms(mean)), ("mdev_ms", ms(mdev))]
    }
}
