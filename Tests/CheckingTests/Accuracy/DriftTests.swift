import LockstepCore
import Checking
import XCTest

final class PredictionsTests: XCTestCase {
    func predictions(_ rows: [[Double]], k: Int) -> Predictions {
        var p = Predictions(count: rows.count, classCount: rows[0].count, k: k)
        for (i, row) in rows.enumerated() { row.withUnsafeBufferPointer { _ = p.set(i, scores: $0) } }
        return p
    }

    func testRankingIsStableArgsortOfNegatedScores() {
        let cases: [(id: String, scores: [Double], k: Int, expected: [Int32])] = [
            ("plain", [0.1, 0.7, 0.2], 3, [1, 2, 0]),
            ("ties go to the lower index", [0.5, 0.9, 0.9, 0.5], 4, [1, 2, 0, 3]),
            ("k below class count", [3, 1, 4, 1, 5], 2, [4, 2]),
            ("infinities rank as themselves", [-.infinity, 0, .infinity], 3, [2, 1, 0]),
            ("all equal", [2, 2, 2], 2, [0, 1]),
        ]
        for c in cases {
            let p = predictions([c.scores], k: c.k)
            XCTAssertEqual(p.ranked, c.expected, c.id)
            XCTAssertEqual(p.top1(0), Int(c.expected[0]), c.id)
        }
    }

    func testNaNMakesTheSampleInvalid() {
        var p = Predictions(count: 1, classCount: 3, k: 2)
        let ok = [1.0, .nan, 0].withUnsafeBufferPointer { p.set(0, scores: $0) }
        XCTAssertFalse(ok)
        XCTAssertNil(p.top1(0))
        XCTAssertFalse(p.topKContains(0, 0))
    }

    func testMetricsEdgeCases() {
        // Class 2 is never predicted (precision undefined), class 1 never occurs (recall undefined).
        let labels: [Int32] = [0, 0, 2, 2]
        var p = Predictions(count: 4, classCount: 3, k: 1)
        for (i, c) in [0, 1, 0, 1].enumerated() { p.set(i, classIndex: c) }
        let m = ClassificationMetrics.compute(labels: labels, predictions: p)
        XCTAssertEqual(m.accuracy, 0.25)
        XCTAssertEqual(m.confusion, [[1, 1, 0], [0, 0, 0], [1, 1, 0]])
        XCTAssertEqual(m.classes[0].precision, 0.5)
        XCTAssertEqual(m.classes[0].accuracy, 0.5)
        XCTAssertEqual(m.classes[0].f1, 0.5)
        XCTAssertEqual(m.classes[1].precision, 0)
        XCTAssertNil(m.classes[1].accuracy)
        XCTAssertNil(m.classes[1].f1)
        XCTAssertNil(m.classes[2].precision)
        XCTAssertEqual(m.classes[2].accuracy, 0)
        XCTAssertEqual(m.macroF1, 0.5)
        XCTAssertEqual(m.invalidOutputs, 0)
    }

    func testInvalidOutputsCountAsWrongAndStayOutOfTheMatrix() {
        var p = Predictions(count: 2, classCount: 2, k: 1)
        p.set(0, classIndex: 1)
        let m = ClassificationMetrics.compute(labels: [1, 1], predictions: p)
        XCTAssertEqual(m.invalidOutputs, 1)
        XCTAssertEqual(m.correct, 1)
        XCTAssertEqual(m.accuracy, 0.5)
        XCTAssertEqual(m.confusion, [[0, 0], [0, 1]])
    }
}

final class AccuracyDriftTests: XCTestCase {
    /// Builds paired predictions for `classCount` classes from per-class counts: `support`
    /// samples, of which `both` right in both forms, `worse` right in the reference only,
    /// `better` in the candidate only (the rest wrong in both, predicted as the next class).
    func pairs(_ spec: [(support: Int, both: Int, worse: Int, better: Int)]) -> (labels: [Int32], ref: Predictions, cand: Predictions) {
        let classes = spec.count
        var labels: [Int32] = []
        var r: [Int] = [], c: [Int] = []
        for (cls, s) in spec.enumerated() {
            let wrong = (cls + 1) % classes
            for i in 0..<s.support {
                labels.append(Int32(cls))
                switch i {
                case ..<s.both: r.append(cls); c.append(cls)
                case ..<(s.both + s.worse): r.append(cls); c.append(wrong)
                case ..<(s.both + s.worse + s.better): r.append(wrong); c.append(cls)
                default: r.append(wrong); c.append(wrong)
                }
            }
        }
        var ref = Predictions(count: labels.count, classCount: classes, k: 1)
        var cand = Predictions(count: labels.count, classCount: classes, k: 1)
        for i in labels.indices { ref.set(i, classIndex: r[i]); cand.set(i, classIndex: c[i]) }
        return (labels, ref, cand)
    }

    func testVerdictsTable() {
        // Four classes of 100: a clear regression (12 worse, 0 better), a significant but small drop
        // under a 0.2 max-drop, an improvement, no change; plus a class below min support.
        let (labels, ref, cand) = pairs([(100, 85, 12, 0), (100, 90, 0, 0), (100, 80, 0, 15), (100, 90, 3, 2), (10, 2, 8, 0)])
        let policy = DriftPolicy(minSupport: 30, alpha: 0.05, maxDrop: 0.02, bootstrapResamples: 500, seed: 3)
        let r = AccuracyDrift.compare(labels: labels, reference: ref, candidate: cand, groups: labels, groupCount: 5, policy: policy)
        XCTAssertEqual(r.groups.map(\.verdict), [.regression, .unchanged, .improvement, .unchanged, .tooSmall])
        XCTAssertEqual(r.testedGroups, 4)
        XCTAssertEqual(r.groups[0].delta!, -0.12, accuracy: 1e-12)
        XCTAssertEqual(r.groups[0].pValue!, McNemar.exactPValue(b: 12, c: 0), accuracy: 0)
        // BH over the four tested classes: p(12,0) is the smallest → × 4 / 1, then the min over larger ranks.
        let ps = [McNemar.exactPValue(b: 12, c: 0), 1, McNemar.exactPValue(b: 0, c: 15), McNemar.exactPValue(b: 3, c: 2)]
        let adjusted = BenjaminiHochberg.adjusted(ps)
        XCTAssertEqual(r.groups[0...3].map { $0.adjustedPValue! }, adjusted)
        XCTAssertNil(r.groups[4].pValue)
        XCTAssertNil(r.groups[4].interval)
        XCTAssertEqual(r.groups[4].delta!, -0.8, accuracy: 1e-12)
        XCTAssertEqual(r.groups[0].flips, 12)
        let ci = r.groups[0].interval!
        XCTAssertLessThan(ci.upper, 0)
        XCTAssertLessThan(ci.lower, -0.12)
        XCTAssertEqual(r.aggregate.support, 410)
        XCTAssertEqual(r.aggregate.worse, 23)
        XCTAssertEqual(r.aggregate.better, 17)
        XCTAssertEqual(r.aggregate.verdict, .unchanged)

        let lenient = DriftPolicy(minSupport: 30, alpha: 0.05, maxDrop: 0.2, bootstrapResamples: 100, seed: 3)
        let r2 = AccuracyDrift.compare(labels: labels, reference: ref, candidate: cand, groups: labels, groupCount: 5, policy: lenient)
        XCTAssertEqual(r2.groups[0].verdict, .smallDrop)
    }

    func testDropOfExactlyMaxDropIsNotARegression() {
        // 10 of 100 worse: a drop of exactly 0.10 with max-drop 0.10 → significant but not over the threshold.
        let (labels, ref, cand) = pairs([(100, 90, 10, 0), (100, 90, 0, 0)])
        let r = AccuracyDrift.compare(labels: labels, reference: ref, candidate: cand, groups: labels, groupCount: 2,
                                      policy: DriftPolicy(minSupport: 1, alpha: 0.05, maxDrop: 0.10, bootstrapResamples: 10))
        XCTAssertEqual(r.groups[0].verdict, .smallDrop)
    }

    func testFlipsCountChangedPredictionsEvenWhenBothAreWrong() {
        var ref = Predictions(count: 3, classCount: 3, k: 1)
        var cand = Predictions(count: 3, classCount: 3, k: 1)
        for (i, (a, b)) in [(1, 2), (0, 0), (2, 1)].enumerated() { ref.set(i, classIndex: a); cand.set(i, classIndex: b) }
        let r = AccuracyDrift.compare(labels: [0, 0, 0], reference: ref, candidate: cand, groups: [0, 0, 0], groupCount: 3,
                                      policy: DriftPolicy(minSupport: 1, bootstrapResamples: 10))
        XCTAssertEqual(r.groups[0].flips, 2)
        XCTAssertEqual(r.groups[0].worse, 0)
        XCTAssertEqual(r.groups[0].flipRate!, 2.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(r.groups[1].support, 0)
        XCTAssertEqual(r.groups[1].verdict, .tooSmall)
    }

    /// Under the null hypothesis (candidate and reference exchangeable: each discordant pair falls
    /// either way with probability 1/2) the chance that any class is flagged must stay ≤ alpha.
    func testFamilyWiseFalseAlarmRateUnderTheNullStaysWithinAlpha() {
        var rng = SplitMix64(seed: 2024)
        let classes = 10, perClass = 80, replications = 400
        var alarms = 0
        for _ in 0..<replications {
            var labels: [Int32] = []
            var ref = Predictions(count: classes * perClass, classCount: classes, k: 1)
            var cand = Predictions(count: classes * perClass, classCount: classes, k: 1)
            var i = 0
            for cls in 0..<classes {
                for _ in 0..<perClass {
                    labels.append(Int32(cls))
                    // 8% of samples are discordant, each way equally likely; the rest agree (90% right).
                    let discordant = Double(rng.next() >> 11) / Double(1 << 53) < 0.08
                    let coin = rng.next() & 1 == 0
                    let refRight = discordant ? coin : Double(rng.next() >> 11) / Double(1 << 53) < 0.9
                    let candRight = discordant ? !coin : refRight
                    let wrong = (cls + 1) % classes
                    ref.set(i, classIndex: refRight ? cls : wrong)
                    cand.set(i, classIndex: candRight ? cls : wrong)
                    i += 1
                }
            }
            let r = AccuracyDrift.compare(labels: labels, reference: ref, candidate: cand, groups: labels, groupCount: classes,
                                          policy: DriftPolicy(minSupport: 30, alpha: 0.05, maxDrop: 0.02, bootstrapResamples: 1))
            if r.groups.contains(where: { $0.verdict == .regression }) { alarms += 1 }
        }
        print("AccuracyDriftTests: \(alarms) false alarms in \(replications) null replications")
        // Expected well under 5% (BH controls the FDR, which equals the family-wise rate under the
        // complete null, and the exact test is conservative); 0.05 · 400 = 20.
        XCTAssertLessThanOrEqual(alarms, 20, "false alarms \(alarms) of \(replications)")
    }

    func testPowerDetectsARealRegressionUnderNoise() {
        // The same noise, plus class 3 losing 15 of 80: it is flagged, and only it.
        var rng = SplitMix64(seed: 9)
        var spec: [(support: Int, both: Int, worse: Int, better: Int)] = []
        for cls in 0..<10 {
            let noise = Int(rng.next() % 3)
            spec.append(cls == 3 ? (80, 60, 15 + noise, noise) : (80, 68, noise, noise))
        }
        let (labels, ref, cand) = pairs(spec)
        let r = AccuracyDrift.compare(labels: labels, reference: ref, candidate: cand, groups: labels, groupCount: 10,
                                      policy: DriftPolicy(bootstrapResamples: 200))
        XCTAssertEqual(r.groups.filter { $0.verdict == .regression }.map(\.group), [3])
    }
}
