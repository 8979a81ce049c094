import LockstepCore
import XCTest
@testable import Checking

final class ToleranceTests: XCTestCase {
    func testDefaultsDependOnTheElementType() {
        let table: [(DType, Tolerance.Rule, Double, Double, Int)] = [
            (.float64, .allclose, 1e-8, 1e-5, 0),
            (.float32, .allclose, 1e-5, 1e-5, 0),
            (.float16, .ulp, 0x1p-10, 0, 2),
            (.bfloat16, .ulp, 0x1p-7, 0, 2),
            (.int8, .quantStep, 0, 0, 0),
            (.uint8, .quantStep, 0, 0, 0),
            (.int64, .exact, 0, 0, 0),
            (.bool, .exact, 0, 0, 0),
        ]
        for (dtype, rule, atol, rtol, ulp) in table {
            let t = Tolerance.defaultFor(dtype)
            XCTAssertEqual(t.rule, rule, "\(dtype)")
            XCTAssertEqual(t.atol, atol, "\(dtype)")
            XCTAssertEqual(t.rtol, rtol, "\(dtype)")
            XCTAssertEqual(t.maxUlp, ulp, "\(dtype)")
        }
        let q = Tolerance.defaultFor(.float32, quantization: QuantizationParameters(scales: [0.02, 0.05], zeroPoints: [0, 0], axis: 0))
        XCTAssertEqual(q.rule, .quantStep)
        XCTAssertEqual(q.step, Double(Float(0.05)))
    }

    func testPolicyPrecedenceCommandLineOutputThenManifestThenDTypeThenAll() throws {
        var policy = TolerancePolicy()
        try policy.add("all:atol=1")
        try policy.add("dtype=float32:atol=2")
        try policy.add("logits:atol=4,rtol=0")
        XCTAssertEqual(policy.resolve(output: "other", dtype: .float16).atol, 1)
        XCTAssertEqual(policy.resolve(output: "other", dtype: .float32).atol, 2)
        XCTAssertEqual(policy.resolve(output: "other", dtype: .float32, manifest: ToleranceOverride(atol: 3)).atol, 3)
        let logits = policy.resolve(output: "logits", dtype: .float32, manifest: ToleranceOverride(atol: 3))
        XCTAssertEqual(logits.atol, 4)
        XCTAssertEqual(logits.rtol, 0)
        XCTAssertEqual(logits.source, "--tolerance logits:atol=4.0,rtol=0.0")
        XCTAssertEqual(policy.resolve(output: "x", dtype: .float64, manifest: nil).source, "--tolerance all:atol=1.0")
        XCTAssertEqual(TolerancePolicy().resolve(output: "x", dtype: .float64).source, "default for float64 (numpy allclose: rtol 1e-5, atol 1e-8)")
    }

    func testOutputNamesMayContainColons() throws {
        var policy = TolerancePolicy()
        try policy.add("model:0/out:0:rule=ulp,max_ulp=8")
        XCTAssertEqual(policy.outputs["model:0/out:0"], ToleranceOverride(rule: "ulp", maxUlp: 8))
    }

    func testBadSettingsAreRejectedWithTheReason() {
        let cases: [(String, String)] = [
            ("noseparator", "expected NAME:KEY=VALUE"),
            ("x:atol", "expected KEY=VALUE"),
            ("x:atol=-1", "expected a finite number ≥ 0"),
            ("x:atol=nan", "expected a finite number ≥ 0"),
            ("x:rule=fuzzy", "expected one of allclose, ulp, quantStep, exact"),
            ("x:max_ulp=1.5", "expected an integer ≥ 0"),
            ("x:speed=3", "unknown key 'speed'"),
            ("dtype=float17:atol=1", "'float17' is not an element type"),
        ]
        for (argument, expected) in cases {
            var policy = TolerancePolicy()
            XCTAssertThrowsError(try policy.add(argument), argument) { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.hasPrefix("--tolerance: ") && message.contains(expected), "\(argument): \(message)")
            }
        }
        XCTAssertThrowsError(try ToleranceOverride(atol: -1).validated())
        XCTAssertThrowsError(try ToleranceOverride(rule: "x").validated())
    }
}
