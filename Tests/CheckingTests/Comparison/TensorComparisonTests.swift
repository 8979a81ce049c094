import LockstepCore
import XCTest
@testable import Checking

final class TensorComparisonTests: XCTestCase {
    let f32 = Tolerance.defaultFor(.float32)

    func compare(_ r: [Double], _ c: [Double], shape: [Int]? = nil, dtype: DType = .float32, _ t: Tolerance? = nil) -> TensorComparison {
        TensorComparator.compare(reference: r, candidate: c, shape: shape ?? [r.count], dtype: dtype, tolerance: t ?? f32)
    }

    func testPassRuleTable() {
        let exact = Tolerance(rule: .exact, source: "t")
        let cases: [(id: String, r: [Double], c: [Double], dtype: DType, t: Tolerance, failing: Int)] = [
            ("identical", [1, -2, 0], [1, -2, 0], .float32, f32, 0),
            ("allclose inside atol+rtol|r|", [1, 0], [1 + 1.9e-5, 0.9e-5], .float32, f32, 0),
            ("allclose just outside", [1, 0], [1 + 2.1e-5, 1.1e-5], .float32, f32, 2),
            ("allclose is relative to the reference", [1000], [1000.009], .float32, f32, 0),
            ("NaN in both, equal_nan", [.nan, 1], [.nan, 1], .float32, f32, 0),
            ("NaN in one", [.nan, 1], [0, 1], .float32, f32, 1),
            ("NaN in both without equal_nan", [.nan], [.nan], .float32, Tolerance(rule: .allclose, equalNaN: false, source: "t"), 1),
            ("same infinity", [.infinity, -.infinity], [.infinity, -.infinity], .float32, f32, 0),
            ("opposite infinities", [.infinity], [-.infinity], .float32, f32, 1),
            ("inf against a number", [.infinity], [1e30], .float32, f32, 1),
            ("float16 1 ULP passes", [1], [1 + 0x1p-10], .float16, Tolerance.defaultFor(.float16), 0),
            ("float16 3 ULP fails", [1], [1 + 3 * 0x1p-10], .float16, Tolerance.defaultFor(.float16), 1),
            ("float16 near zero within atol", [0x1p-20], [-0x1p-20], .float16, Tolerance.defaultFor(.float16), 0),
            ("bfloat16 2 ULP passes", [2], [2 + 2 * 0x1p-6], .bfloat16, Tolerance.defaultFor(.bfloat16), 0),
            ("int8 one step passes", [5, -3], [6, -4], .int8, Tolerance.defaultFor(.int8), 0),
            ("int8 two steps fail", [5], [7], .int8, Tolerance.defaultFor(.int8), 1),
            ("dequantised four scale steps", [0.5], [0.9], .float32, Tolerance.defaultFor(.float32, quantization: QuantizationParameters(scales: [0.1], zeroPoints: [0])), 0),
            ("dequantised five scale steps", [0.5], [1.01], .float32, Tolerance.defaultFor(.float32, quantization: QuantizationParameters(scales: [0.1], zeroPoints: [0])), 1),
            ("int64 exact", [3, 4], [3, 5], .int64, Tolerance.defaultFor(.int64), 1),
            ("exact treats -0 as 0", [0], [-0.0], .float32, exact, 0),
            ("empty", [], [], .float32, f32, 0),
        ]
        for c in cases {
            let result = compare(c.r, c.c, dtype: c.dtype, c.t)
            XCTAssertEqual(result.failing, c.failing, c.id)
            XCTAssertEqual(result.passed, c.failing == 0, c.id)
        }
    }

    func testStatistics() {
        let r = (1...100).map(Double.init)
        let c = r.enumerated().map { i, v in v + Double(i + 1) }  // errors 1…100
        let m = compare(r, c, shape: [100])
        XCTAssertEqual(m.maxAbs, 100)
        XCTAssertEqual(m.meanAbs, 50.5)
        XCTAssertEqual(m.medianAbs, 50)
        XCTAssertEqual(m.p99Abs, 99)
        XCTAssertEqual(m.maxRel, 1)
        XCTAssertEqual(m.meanRel, 1)
        XCTAssertEqual(m.rmse, (r.map { $0 * $0 }.reduce(0, +) / 100).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(m.snrDb!, 0, accuracy: 1e-9)  // error energy equals signal energy
        XCTAssertEqual(m.cosine!, 1, accuracy: 1e-12)  // c = 2r
        XCTAssertEqual(m.worstIndex, [99])
        XCTAssertEqual(m.worstReference, 100)
        XCTAssertEqual(m.worstCandidate, 200)
        XCTAssertEqual(m.histogramCounts.reduce(0, +), 100)
        XCTAssertEqual(m.histogramCounts[10], 9)  // 1…9 in [1, 10)
        XCTAssertEqual(m.histogramCounts[11], 91)
    }

    func testIdenticalTensorsHaveInfiniteSNRAndZeroULP() {
        let m = compare([0.25, -3], [0.25, -3])
        XCTAssertEqual(m.snrDb, .infinity)
        XCTAssertEqual(m.maxUlp, 0)
        XCTAssertEqual(m.cosine, 1)
        XCTAssertEqual(m.requiredAtol, 0)
        XCTAssertEqual(m.requiredRtol, 0)
        XCTAssertEqual(m.histogramCounts[0], 2)
    }

    func testAllZeroReferenceHasNoCosineOrSNR() {
        let m = compare([0, 0], [0, 1e-6])
        XCTAssertNil(m.cosine)
        XCTAssertNil(m.snrDb)
        XCTAssertEqual(m.maxRel, 0)  // relative error only where the reference is non-zero
    }

    func testRequiredTolerances() {
        let m = compare([1, 0], [1.1, 0.001])
        XCTAssertEqual(m.requiredAtol, 0.1 - 1e-5, accuracy: 1e-12)
        XCTAssertEqual(m.requiredRtol, .infinity)  // 0.001 where the reference is 0 exceeds atol: no rtol helps
        let n = compare([1, 2], [1.1, 2.1])
        XCTAssertEqual(n.requiredRtol, 0.1 - 1e-5, accuracy: 1e-12)
        // The required values do pass, and a hair less does not.
        let t = Tolerance(rule: .allclose, atol: 1e-5, rtol: n.requiredRtol, source: "t")
        XCTAssertTrue(compare([1, 2], [1.1, 2.1], t).passed)
        let tight = Tolerance(rule: .allclose, atol: 1e-5, rtol: n.requiredRtol * 0.99, source: "t")
        XCTAssertFalse(compare([1, 2], [1.1, 2.1], tight).passed)
        XCTAssertEqual(compare([.nan], [1]).requiredAtol, .infinity)
    }

    func testWorstIndexIsTheLargestViolationAsAMultiIndex() {
        // Largest abs error is at [1, 0] (reference 1000, inside rtol); the violation is at [0, 1].
        let m = compare([1, 1, 1000, 1], [1, 1.5, 1000.009, 1], shape: [2, 2])
        XCTAssertEqual(m.failing, 1)
        XCTAssertEqual(m.worstIndex, [0, 1])
        XCTAssertEqual(compare([1, .nan], [1, 2], shape: [1, 2]).worstIndex, [0, 1])
    }

    func testTopKAgreementForScoreVectors() {
        let r: [Double] = [0.1, 0.9, 0.0, 0.2, 0.3, 0.4, 0.5, /* row 2 */ 0.9, 0.1, 0.0, 0.2, 0.3, 0.4, 0.5]
        var c = r
        c[7] = 0.0  // row 2: arg-max moves from 0 to 6, top-5 set changes
        let m = compare(r, c, shape: [2, 7])
        XCTAssertEqual(m.top1Agreement, 0.5)
        XCTAssertEqual(m.top5Agreement, 0.5)
        XCTAssertNil(compare([1, 2, 3, 4], [1, 2, 3, 4], shape: [1, 1, 2, 2]).top1Agreement)  // feature maps are not scores
        XCTAssertNil(compare([1, 2, 3], [1, 2, 3], shape: [3]).top5Agreement)
    }

    func testTensorsOfDifferentCountsOrTypesAreIncomparable() throws {
        let a = try Tensor(float32: [1, 2], shape: [2]), b = try Tensor(float32: [1, 2, 3], shape: [3])
        XCTAssertThrowsError(try TensorComparator.compare(reference: a, candidate: b, tolerance: f32))
        let s = try Tensor(strings: [Array("x".utf8)], shape: [1])
        XCTAssertThrowsError(try TensorComparator.compare(reference: s, candidate: s, tolerance: f32))
        let int8 = try Tensor(dtype: .int8, shape: [2], values: [Int8(1), 2])
        XCTAssertTrue(try TensorComparator.compare(reference: a, candidate: int8, tolerance: f32).passed)
    }

    func testULPDistances() {
        XCTAssertEqual(ULP.distance(1, Double(Float(1).nextUp), in: .float32), 1)
        XCTAssertEqual(ULP.distance(0, -0.0, in: .float32), 0)
        let tiny = Double(Float.leastNonzeroMagnitude)
        XCTAssertEqual(ULP.distance(-tiny, tiny, in: .float32), 2)
        XCTAssertEqual(ULP.distance(1, 1 + 0x1p-10, in: .float16), 1)
        XCTAssertEqual(ULP.distance(1, 1 + 0x1p-7, in: .bfloat16), 1)
        XCTAssertEqual(ULP.distance(1, 1.nextUp, in: .float64), 1)
        XCTAssertEqual(ULP.distance(-.greatestFiniteMagnitude, .greatestFiniteMagnitude, in: .float64)!, 2 * 0x7fef_ffff_ffff_ffff, accuracy: 1e4)
        XCTAssertNil(ULP.distance(.nan, 1, in: .float32))
        XCTAssertNil(ULP.distance(1, 2, in: .int8))
    }
}
