import LockstepCore
/// How drift between two forms is judged.
public struct DriftPolicy: Sendable, Codable, Hashable {
    /// Groups (classes, slices) with fewer samples are reported as too small to judge and are not
    /// tested (nor counted in the Benjamini–Hochberg family).
    public var minSupport: Int
    /// False discovery rate across the tested groups (Benjamini–Hochberg), and 1 − the
    /// confidence of the bootstrap intervals.
    public var alpha: Double
    /// A drop in accuracy (a fraction: 0.02 = 2 points) that matters. A regression needs a drop
    /// strictly greater than this *and* significance.
    public var maxDrop: Double
    /// Bootstrap resamples per interval.
    public var bootstrapResamples: Int
    /// Seed of the bootstrap draws.
    public var seed: UInt64

    public init(minSupport: Int = 30, alpha: Double = 0.05, maxDrop: Double = 0.02, bootstrapResamples: Int = 2000, seed: UInt64 = 0) {
        self.minSupport = minSupport
        self.alpha = alpha
        self.maxDrop = maxDrop
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
    }
}

/// What the statistics say about one group.
public enum DriftVerdict: String, Sendable, Codable, Hashable, CaseIterable {
    /// Significant (BH-adjusted p ≤ alpha) and a drop greater than `maxDrop`: fails the gate.
    case regression
    /// Significant, but the drop is within `maxDrop`.
    case smallDrop
    /// Significantly better.
    case improvement
    /// No significant change.
    case unchanged
    /// Fewer samples than `minSupport`: not tested.
    case tooSmall
}

/// The change of one group's accuracy from the reference form to a candidate.
public struct GroupDrift: Sendable, Codable, Hashable {
    /// Class index, or slice index (`AccuracyDrift.compare`'s group numbering).
    public var group: Int
    public var support: Int
    public var referenceCorrect: Int
    public var candidateCorrect: Int
    public var referenceAccuracy: Double?
    public var candidateAccuracy: Double?
    /// `candidateAccuracy − referenceAccuracy` (negative: a drop).
    public var delta: Double?
    /// Discordant pairs: right in the reference only (`worse`), in the candidate only (`better`).
    public var worse: Int
    public var better: Int
    /// Samples whose top-1 class changed (whether or not either was right).
    public var flips: Int
    public var flipRate: Double?
    /// Exact McNemar p-value (nil when not tested).
    public var pValue: Double?
    /// Benjamini–Hochberg adjusted p-value within the tested family (nil when not tested; the
    /// aggregate, a single test, is not adjusted).
    public var adjustedPValue: Double?
    /// Paired percentile bootstrap interval of `delta` at confidence 1 − alpha (nil when not tested).
    public var interval: PairedBootstrap.Interval?
    public var verdict: DriftVerdict
}

/// Per-group and aggregate drift between a reference and a candidate on the same samples.
public struct DriftResult: Sendable, Codable, Hashable {
    public var policy: DriftPolicy
    /// Every sample as one group (McNemar on all samples; never too small unless empty).
    public var aggregate: GroupDrift
    public var groups: [GroupDrift]
    /// Groups tested (support ≥ minSupport): the size of the Benjamini–Hochberg family.
    public var testedGroups: Int
}

/// Compares two forms' predictions group by group: deltas, flip rate, exact McNemar tests with
/// Benjamini–Hochberg control across the tested groups, bootstrap intervals, minimum support.
public enum AccuracyDrift {
    /// - Parameters:
    ///   - labels: true class per sample.
    ///   - groups: group per sample in `0..<groupCount` (the labels themselves for per-class drift).
    public static func compare(labels: [Int32], reference: Predictions, candidate: Predictions,
                               groups: [Int32], groupCount: Int, policy: DriftPolicy) -> DriftResult {
        precondition(labels.count == reference.count && labels.count == candidate.count && labels.count == groups.count)
        struct Tally { var support = 0, refCorrect = 0, candCorrect = 0, worse = 0, better = 0, flips = 0 }
        var tallies = [Tally](repeating: Tally(), count: groupCount)
        var total = Tally()
        for i in labels.indices {
            let label = Int(labels[i])
            let r = reference.top1(i), c = candidate.top1(i)
            let rOK = r == label, cOK = c == label
            func add(_ t: inout Tally) {
                t.support += 1
                if rOK { t.refCorrect += 1 }
                if cOK { t.candCorrect += 1 }
                if rOK && !cOK { t.worse += 1 }
                if cOK && !rOK { t.better += 1 }
                if r != c { t.flips += 1 }
            }
            add(&tallies[Int(groups[i])])
            add(&total)
        }
        func drift(_ t: Tally, group: Int, tested: Bool) -> GroupDrift {
            let n = Double(t.support)
            var d = GroupDrift(group: group, support: t.support, referenceCorrect: t.refCorrect, candidateCorrect: t.candCorrect,
                               referenceAccuracy: t.support > 0 ? Double(t.refCorrect) / n : nil,
                               candidateAccuracy: t.support > 0 ? Double(t.candCorrect) / n : nil,
                               delta: t.support > 0 ? Double(t.candCorrect - t.refCorrect) / n : nil,
                               worse: t.worse, better: t.better, flips: t.flips,
                               flipRate: t.support > 0 ? Double(t.flips) / n : nil,
                               pValue: nil, adjustedPValue: nil, interval: nil, verdict: .tooSmall)
            if tested {
                d.pValue = McNemar.exactPValue(b: t.worse, c: t.better)
                d.interval = PairedBootstrap.accuracyDeltaInterval(worse: t.worse, better: t.better, count: t.support,
                                                                   confidence: 1 - policy.alpha, resamples: policy.bootstrapResamples,
                                                                   seed: groupSeed(policy.seed, group))
            }
            return d
        }
        var result = (0..<groupCount).map { g in drift(tallies[g], group: g, tested: tallies[g].support >= max(policy.minSupport, 1)) }
        let tested = result.indices.filter { result[$0].pValue != nil }
        let adjusted = BenjaminiHochberg.adjusted(tested.map { result[$0].pValue! })
        for (j, g) in tested.enumerated() {
            result[g].adjustedPValue = adjusted[j]
            result[g].verdict = verdict(delta: result[g].delta ?? 0, p: adjusted[j], policy: policy)
        }
        var aggregate = drift(total, group: -1, tested: total.support > 0)
        if let p = aggregate.pValue { aggregate.verdict = verdict(delta: aggregate.delta ?? 0, p: p, policy: policy) }
        return DriftResult(policy: policy, aggregate: aggregate, groups: result, testedGroups: tested.count)
    }

    static func verdict(delta: Double, p: Double, policy: DriftPolicy) -> DriftVerdict {
        guard p <= policy.alpha, delta != 0 else { return .unchanged }
        if delta > 0 { return .improvement }
        return -delta > policy.maxDrop ? .regression : .smallDrop
    }

    /// The bootstrap seed of group `group` (−1 for the aggregate): the first draw of
    /// `SplitMix64(seed + (group + 1) · 0xD1B54A32D192ED03)`, so groups draw independent streams.
    public static func groupSeed(_ seed: UInt64, _ group: Int) -> UInt64 {
        var g = SplitMix64(seed: seed &+ UInt64(bitPattern: Int64(group + 1)) &* 0xD1B5_4A32_D192_ED03)
        return g.next()
    }
}
