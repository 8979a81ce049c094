import Checking
import Foundation
import LockstepTestSupport
import XCTest

/// The accuracy statistics against values computed with scipy / scikit-learn by
/// scripts/accuracy-stats-reference.py (Tests/CheckingTests/Fixtures/accuracy/stats-reference.json).
final class StatisticsTests: XCTestCase {
    struct Reference: Decodable {
        struct McNemarCase: Decodable { var b: Int; var c: Int; var p: Double }
        struct BHCase: Decodable { var p: [Double]; var adjusted: [Double] }
        struct BootstrapCase: Decodable {
            var worse: Int, better: Int, count: Int, confidence: Double, resamples: Int, seed: UInt64
            var lower: Double, upper: Double, scipyLower: Double, scipyUpper: Double
        }
        struct SeedCase: Decodable { var seed: UInt64; var group: Int; var value: String }
        struct Metrics: Decodable {
            var labels: [Int32], scores: [[Double]], k: Int, accuracy: Double, topKAccuracy: Double
            var confusion: [[Int]], precision: [Double?], recall: [Double?], f1: [Double?], support: [Int], macroF1: Double
        }
        var mcnemar: [McNemarCase]
        var bh: [BHCase]
        var bootstrap: [BootstrapCase]
        var seeds: [SeedCase]
        var metrics: Metrics
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: Repo.path("Tests/CheckingTests/Fixtures/accuracy/stats-reference.json"))
        // NaN (scikit-learn's undefined precision) is written as the bare token NaN.
        let text = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self).replacingOccurrences(of: "NaN", with: "null")
        return try! JSONDecoder().decode(Reference.self, from: Data(text.utf8))
    }()

    func assertClose(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 1e-300, _ message: String, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(a - b), max(absolute, relative * max(abs(a), abs(b))), "\(message): \(a) vs \(b)", line: line)
    }

    func testExactMcNemarMatchesScipyBinomtest() {
        XCTAssertGreaterThan(Self.reference.mcnemar.count, 10)
        for c in Self.reference.mcnemar {
            assertClose(McNemar.exactPValue(b: c.b, c: c.c), c.p, relative: 1e-10, "b=\(c.b) c=\(c.c)")
        }
    }

    func testExactMcNemarKnownValuesAndSymmetry() {
        // 2 · 0.5^6 = 0.03125: six discordant pairs all one way are the fewest that reach p < 0.05.
        XCTAssertEqual(McNemar.exactPValue(b: 6, c: 0), 0.03125, accuracy: 1e-15)
        XCTAssertEqual(McNemar.exactPValue(b: 5, c: 0), 0.0625, accuracy: 1e-15)
        XCTAssertEqual(McNemar.exactPValue(b: 0, c: 0), 1)
        XCTAssertEqual(McNemar.exactPValue(b: 7, c: 7), 1)
        for (b, c) in [(3, 9), (40, 25), (1, 0)] {
            XCTAssertEqual(McNemar.exactPValue(b: b, c: c), McNemar.exactPValue(b: c, c: b), accuracy: 0)
        }
    }

    func testBenjaminiHochbergMatchesScipy() {
        for c in Self.reference.bh {
            let got = BenjaminiHochberg.adjusted(c.p)
            XCTAssertEqual(got.count, c.adjusted.count)
            for (g, e) in zip(got, c.adjusted) { assertClose(g, e, relative: 1e-12, absolute: 1e-15, "\(c.p)") }
        }
        XCTAssertEqual(BenjaminiHochberg.adjusted([]), [])
    }

    func testBootstrapReplaysTheReferenceDrawsExactly() {
        for c in Self.reference.bootstrap {
            let got = PairedBootstrap.accuracyDeltaInterval(worse: c.worse, better: c.better, count: c.count, confidence: c.confidence,
                                                            resamples: c.resamples, seed: c.seed)!
            assertClose(got.lower, c.lower, relative: 1e-12, absolute: 1e-15, "lower \(c)")
            assertClose(got.upper, c.upper, relative: 1e-12, absolute: 1e-15, "upper \(c)")
            // scipy's own draws: the same interval up to Monte Carlo error.
            XCTAssertEqual(got.lower, c.scipyLower, accuracy: 0.025, "scipy lower \(c)")
            XCTAssertEqual(got.upper, c.scipyUpper, accuracy: 0.025, "scipy upper \(c)")
            XCTAssertLessThanOrEqual(got.lower, Double(c.better - c.worse) / Double(c.count))
            XCTAssertGreaterThanOrEqual(got.upper, Double(c.better - c.worse) / Double(c.count))
        }
    }

    func testPercentileInterpolatesLikeNumpy() {
        let v: [Double] = [1, 2, 3, 4]
        XCTAssertEqual(PairedBootstrap.percentile(sortedValues: v, fraction: 0.5), 2.5)
        XCTAssertEqual(PairedBootstrap.percentile(sortedValues: v, fraction: 0.025), 1.075, accuracy: 1e-15)
        XCTAssertEqual(PairedBootstrap.percentile(sortedValues: v, fraction: 1), 4)
        XCTAssertEqual(PairedBootstrap.percentile(sortedValues: [7], fraction: 0.3), 7)
    }

    func testGroupSeedsMatchTheReference() {
        for c in Self.reference.seeds {
            XCTAssertEqual(String(AccuracyDrift.groupSeed(c.seed, c.group)), c.value, "seed \(c.seed) group \(c.group)")
        }
    }

    func testClassificationMetricsMatchScikitLearn() {
        let m = Self.reference.metrics
        let classes = m.scores[0].count
        var predictions = Predictions(count: m.labels.count, classCount: classes, k: m.k)
        for (i, row) in m.scores.enumerated() { row.withUnsafeBufferPointer { _ = predictions.set(i, scores: $0) } }
        let got = ClassificationMetrics.compute(labels: m.labels, predictions: predictions)
        XCTAssertEqual(got.accuracy, m.accuracy, accuracy: 1e-12)
        XCTAssertEqual(got.topKAccuracy, m.topKAccuracy, accuracy: 1e-12)
        XCTAssertEqual(got.confusion, m.confusion)
        XCTAssertEqual(got.classes.map(\.support), m.support)
        for c in 0..<classes {
            XCTAssertEqual(got.classes[c].precision ?? -1, m.precision[c] ?? -1, accuracy: 1e-12, "precision \(c)")
            XCTAssertEqual(got.classes[c].accuracy ?? -1, m.recall[c] ?? -1, accuracy: 1e-12, "recall \(c)")
            XCTAssertEqual(got.classes[c].f1 ?? -1, m.f1[c] ?? -1, accuracy: 1e-12, "f1 \(c)")
        }
        XCTAssertEqual(got.macroF1 ?? -1, m.macroF1, accuracy: 1e-12)
    }
}
