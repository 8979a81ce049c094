import Foundation
import LockstepCore
import LockstepTestSupport
import ONNXFormat
import TFLiteFormat
import XCTest
@testable import Compatibility

/// The ONNX/TFLite pairs of examples/pairs (scripts/make-check-pairs.py) through the dropped-op
/// analysis: every source node accounted for, and exactly the expected structural findings.
final class CorrespondenceTests: XCTestCase {
    static let table: CorrespondenceTable = try! CorrespondenceTable.load(opsetsDirectory: Repo.path("opsets"))
    static let source: Model = try! ONNXLoader.load(path: Repo.path("examples/pairs/pairnet.onnx"))

    func correspondence(_ file: String) throws -> Correspondence {
        let target = try TFLiteLoader.load(path: Repo.path("examples/pairs/\(file)"))
        return CorrespondenceBuilder(table: Self.table).onnxToTFLite(source: Self.source, target: target)
    }

    func statuses(_ c: Correspondence) -> [String] { c.entries.map { "\($0.node):\($0.status.rawValue)" } }

    func testTheCorrectConversionAccountsForEveryNode() throws {
        let c = try correspondence("pairnet.tflite")
        XCTAssertEqual(statuses(c), ["conv1:matched", "bn1:fused", "relu1:fused", "conv2:matched", "relu2:fused", "pool:matched",
                                     "drop:eliminated", "flatten:matched", "fc:matched", "logits_identity:eliminated", "softmax:matched"])
        XCTAssertEqual(c.entries.map(\.rule), [nil, "batchnorm-into-producer", "relu-fused-activation", nil, "relu-fused-activation", nil,
                                                "dropout-inference", nil, nil, "identity", nil])
        XCTAssertEqual(c.entries.first { $0.node == "conv1" }?.counterparts, [0])
        XCTAssertEqual(c.entries.first { $0.node == "conv1" }?.evidence, "tensor name")
        XCTAssertEqual(c.entries.first { $0.node == "flatten" }?.counterparts, [4])
        XCTAssertEqual(c.explainedTargetOps.keys.sorted(), [3])  // the layout TRANSPOSE
        XCTAssertEqual(c.unexplainedTargetOps, [])
        XCTAssertEqual(c.constantMismatches, [])
        XCTAssertEqual(c.findings(model: "pairnet", source: Self.source, targetForm: .tflite), [])
        // Tensor links: the fused conv output is not observable; relu1's output is CONV_2D #0's.
        XCTAssertEqual(c.tensors["conv1_out"]?.observable, false)
        XCTAssertEqual(c.tensors["bn1_out"]?.observable, false)
        let target = try TFLiteLoader.load(path: Repo.path("examples/pairs/pairnet.tflite"))
        XCTAssertEqual(c.observableCounterpart(of: "relu1_out"), target.graph.nodes[0].outputs[0])
        XCTAssertNil(c.observableCounterpart(of: "conv2_out"))
        XCTAssertEqual(c.observableCounterpart(of: "drop_out"), target.graph.nodes[2].outputs[0])  // eliminated: its input's value
        XCTAssertEqual(c.observableCounterpart(of: "flatten_out"), target.graph.nodes[4].outputs[0])
        XCTAssertEqual(c.observableCounterpart(of: "image"), "serving_default_image:0")
        XCTAssertEqual(c.observableCounterpart(of: "probs"), "StatefulPartitionedCall_1:0")
    }

    func testBrokenConversionsYieldExactlyTheirStructuralFindings() throws {
        let cases: [(file: String, findings: [String])] = [
            ("pairnet.tflite", []),
            ("pairnet_no_activation.tflite", ["droppedOp@relu2"]),
            ("pairnet_bn_wrong_stats.tflite", ["numericDivergence@bn1"]),
            ("pairnet_layout_error.tflite", []),  // structure intact; numerics show the layout error
            ("pairnet_int8.tflite", []),
            ("pairnet_int8_wrong_scale.tflite", ["numericDivergence@fc"]),
            ("pairnet_custom_op.tflite", ["customOp@softmax"]),
        ]
        for c in cases {
            let result = try correspondence(c.file)
            let findings = result.findings(model: "pairnet", source: Self.source, targetForm: .tflite)
            XCTAssertEqual(findings.map { "\($0.kind.rawValue)@\($0.location?.nodeName ?? "-")" }, c.findings, c.file)
            XCTAssertEqual(result.unexplainedTargetOps, [], c.file)
            for f in findings { print("  \(c.file): \(f.message)") }
        }
    }
}
