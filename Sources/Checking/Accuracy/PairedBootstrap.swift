import LockstepCore

/// Percentile bootstrap confidence interval of the change in accuracy between two forms on the
/// same samples (paired: each resample draws whole samples, keeping both forms' outcomes).
///
/// The statistic is `mean(candidate correct) − mean(reference correct)` over a resample of `n`
/// samples drawn with replacement. The interval is the (α/2, 1 − α/2) percentiles of
/// `resamples` such statistics (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*,
/// ch. 13, percentile interval), with percentiles interpolated linearly between order
/// statistics (`numpy.percentile`'s default, Hyndman & Fan 1996 type 7).
///
/// Resampling is deterministic: sample indices come from `SplitMix64(seed)` as
/// `(next() · n) >> 64` (Lemire's multiply-shift, bias ≤ n / 2⁶⁴). The committed reference script
/// `scripts/accuracy-stats-reference.py` replays the same draws in Python.
public enum PairedBootstrap {
    /// A two-sided interval.
    public struct Interval: Sendable, Codable, Hashable {
        public var lower: Double
        public var upper: Double
        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// The interval for per-sample differences `candidate − reference` of correctness.
    ///
    /// Only the counts matter: `worse` samples the reference got right and the candidate wrong
    /// (difference −1), `better` the other way (+1), the rest of the `count` samples agree (0).
    /// Each draw maps an index in `0..<count` to −1 below `worse`, +1 below `worse + better`,
    /// else 0 — the same as drawing from the samples sorted that way.
    public static func accuracyDeltaInterval(worse: Int, better: Int, count: Int, confidence: Double,
                                             resamples: Int, seed: UInt64) -> Interval? {
        precondition(worse >= 0 && better >= 0 && worse + better <= count)
        precondition(confidence > 0 && confidence < 1 && resamples > 0)
        guard count > 0 else { return nil }
        var generator = SplitMix64(seed: seed)
        let n = UInt64(count)
        let minusBelow = UInt64(worse), plusBelow = UInt64(worse + better)
        var statistics = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0
            for _ in 0..<count {
                let index = generator.next().multipliedFullWidth(by: n).high
                if index < minusBelow { sum -= 1 } else if index < plusBelow { sum += 1 }
            }
            statistics[r] = Double(sum) / Double(count)
        }
        statistics.sort()
        let tail = (1 - confidence) / 2
        return Interval(lower: percentile(sortedValues: statistics, fraction: tail),
                        upper: percentile(sortedValues: statistics, fraction: 1 - tail))
    }

    /// Linear interpolation between order statistics at position `(count − 1) · fraction`
    /// (`numpy.percentile(..., method="linear")`).
    public static func percentile(sortedValues v: [Double], fraction: Double) -> Double {
        precondition(!v.isEmpty && fraction >= 0 && fraction <= 1)
        let position = Double(v.count - 1) * fraction
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, v.count - 1)
        let weight = position - Double(lower)
        return v[lower] + (v[upper] - v[lower]) * weight
    }
}
