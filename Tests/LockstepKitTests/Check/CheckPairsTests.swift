import Foundation
import LockstepTestSupport
import Reporting
import XCTest
@testable import LockstepKit

/// The proof of issue 7: each ONNX/TFLite pair of examples/pairs (scripts/make-check-pairs.py)
/// yields exactly its expected findings, at the right node, with the right gate verdict.
final class CheckPairsTests: XCTestCase {
    static let clock = Date(timeIntervalSince1970: 1_767_323_045)

    func check(_ tflite: String, targets: [String] = [], golden: String? = nil) throws -> Report {
        var o = Check.Options(onnx: Repo.path("examples/pairs/pairnet.onnx"))
        o.tflite = Repo.path("examples/pairs/\(tflite)")
        o.targets = targets
        o.golden = golden
        o.opsets = Repo.path("opsets")
        o.now = { Self.clock }
        return try Check.run(o)
    }

    /// `kind@node` (with `[target]` for compatibility findings).
    func summary(_ r: Report) -> [String] {
        r.findings.map { f in "\(f.kind.rawValue)@\(f.location?.nodeName ?? f.location?.tensor ?? "-")" + (f.target.map { "[\($0)]" } ?? "") }
    }

    static let cases: [(id: String, file: String, targets: [String], findings: [String])] = [
        ("correct", "pairnet.tflite", [], []),
        ("activation removed", "pairnet_no_activation.tflite", [], ["droppedOp@relu2"]),
        ("batchnorm folded with wrong statistics", "pairnet_bn_wrong_stats.tflite", [], ["numericDivergence@bn1"]),
        ("layout error", "pairnet_layout_error.tflite", [], ["layoutMismatch@flatten"]),
        ("custom op", "pairnet_custom_op.tflite", [], ["customOp@softmax"]),
        ("custom op on the GPU delegate", "pairnet_custom_op.tflite", ["tflite-gpu"], ["customOp@softmax", "customOp@#6[tflite-gpu]"]),
        ("correct int8", "pairnet_int8.tflite", [], []),
        ("int8 with a wrong weight scale", "pairnet_int8_wrong_scale.tflite", [], ["numericDivergence@fc"]),
    ]

    func testEveryPairYieldsExactlyItsFindings() throws {
        for c in Self.cases {
            let report = try check(c.file, targets: c.targets)
            XCTAssertEqual(summary(report), c.findings, c.id)
            XCTAssertEqual(report.gate.passed, c.findings.isEmpty, c.id)
            XCTAssertEqual(report.exitCode, c.findings.isEmpty ? 0 : 1, c.id)
            XCTAssertEqual(report.correspondence?.first?.nodes.count, 11, c.id)
            XCTAssertEqual(report.correspondence?.first?.unexplainedTargetOps, [], c.id)
        }
    }

    func testTheCorrectPairPassesWithItsInputsAdaptedAndAnAgreeingTrail() throws {
        let report = try check("pairnet.tflite")
        let input = try XCTUnwrap(report.inputs?.first)
        XCTAssertEqual(input.name, "image")
        XCTAssertEqual(input.shape, [1, 3, 10, 8])
        XCTAssertTrue(input.source.hasPrefix("random (seed 0"), input.source)
        XCTAssertEqual(input.adaptations.first?.name, "serving_default_image:0")
        XCTAssertEqual(input.adaptations.first?.shape, [1, 10, 8, 3])
        XCTAssertEqual(input.adaptations.first?.steps, ["matched by name ('image' is 'serving_default_image:0')", "transposed NCHW→NHWC (perm [0, 2, 3, 1])"])
        let c = try XCTUnwrap(report.comparisons?.first)
        XCTAssertTrue(c.passed)
        XCTAssertEqual(c.adaptation, ["matched by position (output 0)"])
        XCTAssertEqual(c.tolerance.source, "default for float32 (Polygraphy: rtol 1e-5, atol 1e-5)")
        XCTAssertLessThan(c.metrics.maxAbs, 1e-6)
        XCTAssertEqual(c.metrics.top1Agreement, 1)
        XCTAssertNil(report.divergence)  // nothing to localise
        XCTAssertEqual(report.models.first?.forms.map(\.id), ["onnx", "tflite"])
    }

    func testLocalisationReportsTheFirstDivergenceAndItsChain() throws {
        let report = try check("pairnet_no_activation.tflite")
        let d = try XCTUnwrap(report.divergence?.first)
        XCTAssertEqual(d.first?.node, "relu2")
        XCTAssertEqual(d.first?.candidateOp, "CONV_2D #1")
        XCTAssertEqual(d.first?.permutation, [0, 3, 1, 2])  // NHWC candidate compared in NCHW
        XCTAssertEqual(d.trail.map(\.node), ["relu1", "conv2", "relu2"])
        XCTAssertEqual(d.trail.map(\.passed), [true, true, false])
        XCTAssertEqual(d.chain.map(\.node), ["pool", "drop", "flatten", "fc", "logits_identity", "softmax"])
        let f = try XCTUnwrap(report.findings.first)
        XCTAssertEqual(f.location?.nodeIndex, 4)
        XCTAssertEqual(f.location?.op, "Relu")
        XCTAssertGreaterThan(f.measured ?? 0, f.threshold ?? 1)
        XCTAssertTrue(f.message.contains("CONV_2D #1 has fused_activation_function NONE"), f.message)
    }

    func testALayoutErrorIsNamedAsSuch() throws {
        let report = try check("pairnet_layout_error.tflite")
        let d = try XCTUnwrap(report.divergence?.first?.first)
        XCTAssertEqual(d.node, "flatten")
        XCTAssertEqual(d.sameValuesInLayout, [0, 2, 3, 1])
        XCTAssertTrue(report.findings[0].message.contains("transposed NCHW→NHWC (perm [0, 2, 3, 1]) of [1, 8, 5, 4]"), report.findings[0].message)
    }

    func testTheInt8ConversionIsComparedThroughItsScalesAndAWrongScaleIsFoundAtItsOp() throws {
        let correct = try check("pairnet_int8.tflite")
        XCTAssertEqual(correct.inputs?.first?.adaptations.first?.dtype, .int8)
        XCTAssertTrue(correct.inputs?.first?.adaptations.first?.steps.last?.hasPrefix("quantised to int8 (scale ") == true)
        let out = try XCTUnwrap(correct.comparisons?.first)
        XCTAssertTrue(out.passed)
        XCTAssertEqual(out.adaptation.last, "dequantised (scale 0.00390625, zero point -128)")
        XCTAssertEqual(out.tolerance.rule, "quantStep")
        XCTAssertEqual(out.tolerance.steps, 4)
        let wrong = try check("pairnet_int8_wrong_scale.tflite")
        XCTAssertEqual(wrong.divergence?.first?.first?.node, "fc")
        XCTAssertEqual(wrong.divergence?.first?.trail.filter(\.passed).map(\.node), ["relu1", "relu2", "pool", "drop", "flatten"])
        let f = try XCTUnwrap(wrong.findings.first)
        XCTAssertTrue(f.message.hasPrefix("the weights of FULLY_CONNECTED #5 differ from Gemm 'fc'"), f.message)
        XCTAssertTrue(f.message.contains("numerically the divergence starts there: first diverging op: Gemm 'fc'"), f.message)
    }

    func testTheReportIsDeterministic() throws {
        let a = try ReportJSON.string(check("pairnet_bn_wrong_stats.tflite"))
        let b = try ReportJSON.string(check("pairnet_bn_wrong_stats.tflite"))
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.contains("\"generatedAt\" : \"2026-01-02T03:04:05Z\""))
    }
}
