import Foundation
import Interpreter
import LockstepCore
import LockstepTestSupport
import TensorIO
import XCTest

@testable import LockstepKit

/// `lockstep run` and `lockstep bench` on TFLite files: --steps, custom ops, the manifest.
final class TFLiteRunTests: XCTestCase {
    var scratch: String!
    let fixtures = Repo.path("Tests/TFLiteFormatTests/Fixtures/models")

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tflite-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    func testStepsFeedTheLeadingAxisAndStackTheOutputs() throws {
        let inputs = scratch + "/in"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        // Three steps: x [3, 2] (model input [2]), flag [3] (model input a scalar).
        try Npy.write(try Tensor(float32: [1, -0.5, 2, 0, 0.25, 1], shape: [3, 2]), to: inputs + "/x.npy")
        try Npy.write(try Tensor(dtype: .bool, shape: [3], values: [UInt8(1), 0, 1]), to: inputs + "/flag.npy")
        var options = ModelRun.Options()
        options.inputDirectory = inputs
        options.outputDirectory = scratch + "/out"
        options.steps = 3
        let result = try ModelRun.run(modelPath: fixtures + "/control_flow.tflite", options: options)
        XCTAssertEqual(result.steps, 3)
        XCTAssertEqual(result.outputs.map(\.shape), [[3, 2], [3]])
        let y = try Npy.read(path: scratch + "/out/output_0.npy")
        // x · 2⁵, then doubled (flag true) or squared (flag false).
        XCTAssertEqual(try y.floatValues(), [64, -32, 64 * 64, 0, 16, 64])
        XCTAssertEqual(try Npy.read(path: scratch + "/out/output_1.npy").scalars(as: Int32.self), [5, 5, 5])
        XCTAssertTrue(ModelRun.text(result).contains("steps: 3"))

        options.steps = 4
        options.force = true
        XCTAssertThrowsError(try ModelRun.run(modelPath: fixtures + "/control_flow.tflite", options: options)) { error in
            XCTAssertTrue(error.localizedDescription.contains("x.npy: --steps 4 needs a leading axis of at least 4 steps"), error.localizedDescription)
        }
    }

    func testRandomInputsAreDrawnPerStep() throws {
        var options = ModelRun.Options()
        options.randomSeed = 5
        options.steps = 2
        options.outputDirectory = scratch + "/out"
        let result = try ModelRun.run(modelPath: fixtures + "/float_conv.tflite", options: options)
        XCTAssertEqual(result.outputs.first?.shape, [2, 1, 10])
        let v = try Npy.read(path: scratch + "/out/output_0.npy").floatValues()
        XCTAssertNotEqual(Array(v[0..<10]), Array(v[10..<20]))
    }

    func testCustomOpsGiveAPartialResultWithFindingsAndAManifestEntry() throws {
        var options = ModelRun.Options()
        options.randomSeed = 1
        options.outputDirectory = scratch + "/out"
        let result = try ModelRun.run(modelPath: fixtures + "/custom_op.tflite", options: options)
        XCTAssertFalse(result.isComplete)
        XCTAssertEqual(result.unproduced, [ModelRun.UnproducedOutput(name: "output", cause: "MyCustomOp_1")])
        XCTAssertEqual(result.findings.count, 1)
        let finding = try XCTUnwrap(result.findings.first)
        XCTAssertEqual(finding.kind, .customOp)
        XCTAssertEqual(finding.severity, .error)
        XCTAssertEqual(finding.location?.nodeName, "MyCustomOp_1")
        XCTAssertEqual(finding.location?.op, "custom::MyCustomOp")
        XCTAssertEqual(finding.form, .tflite)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch + "/out/manifest.json"))) as? [String: Any]
        XCTAssertEqual((manifest?["unproduced"] as? [[String: Any]])?.first?["name"] as? String, "output")
        let json = try ModelRun.jsonString(result)
        XCTAssertTrue(json.contains("\"notExecuted\""), json)
        XCTAssertTrue(ModelRun.text(result).contains("outputs not produced:\n  output  (depends on MyCustomOp_1)"), ModelRun.text(result))
    }

    func testBenchTimesATFLiteModel() throws {
        var options = ModelBench.Options()
        options.iterations = 3
        options.warmup = 1
        options.profile = true
        let result = try ModelBench.run(modelPath: fixtures + "/float_conv.tflite", options: options)
        XCTAssertEqual(result.iterations, 3)
        XCTAssertEqual(Set(result.ops?.map(\.op) ?? []), ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"])
    }
}
