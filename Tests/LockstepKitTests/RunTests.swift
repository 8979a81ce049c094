import Foundation
import Interpreter
import LockstepCore
import LockstepTestSupport
import TensorIO
import XCTest

@testable import LockstepKit

/// `lockstep run` on ONNX backend node cases: inputs from .npy files, random inputs, manifest.
final class RunTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    func testInputsFromAFolderProduceTheSuiteOutputAndAManifest() throws {
        let caseDir = try CorpusTests.corpusDirectory() + "/node/test_add"
        let inputs = scratch + "/in"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        for i in 0..<2 {  // by position: input_0.npy, input_1.npy
            let t = try TensorProtoFile.read(path: "\(caseDir)/test_data_set_0/input_\(i).pb").tensor
            try Npy.write(t, to: "\(inputs)/input_\(i).npy")
        }
        var options = ModelRun.Options()
        options.inputDirectory = inputs
        options.outputDirectory = scratch + "/out"
        options.intermediates = true
        let result = try ModelRun.run(modelPath: caseDir + "/model.onnx", options: options)
        XCTAssertEqual(result.outputs.map(\.file), ["output_0.npy"])
        let written = try Npy.read(path: scratch + "/out/output_0.npy")
        let expected = try TensorProtoFile.read(path: "\(caseDir)/test_data_set_0/output_0.pb").tensor
        XCTAssertNil(Conformance.compare(written, expected, rtol: 0, atol: 0))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch + "/out/manifest.json"))) as? [String: Any]
        let outputs = try XCTUnwrap(manifest?["outputs"] as? [[String: Any]])
        XCTAssertEqual(outputs.first?["file"] as? String, "output_0.npy")
        XCTAssertEqual(outputs.first?["dtype"] as? String, "float32")
        XCTAssertEqual(outputs.first?["shape"] as? [Int], [3, 4, 5])

        // A second run refuses to replace the files without --force.
        XCTAssertThrowsError(try ModelRun.run(modelPath: caseDir + "/model.onnx", options: options)) { error in
            XCTAssertTrue(error.localizedDescription.contains("already exists; pass --force"), error.localizedDescription)
        }
        options.force = true
        XCTAssertNoThrow(try ModelRun.run(modelPath: caseDir + "/model.onnx", options: options))
    }

    func testRandomInputsAreSeededAndMissingInputsAreNamed() throws {
        let model = try CorpusTests.corpusDirectory() + "/node/test_add/model.onnx"
        XCTAssertThrowsError(try ModelRun.run(modelPath: model, options: ModelRun.Options())) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix("input 'x' (tensor(float32)[3, 4, 5]) has no value"), error.localizedDescription)
        }
        var options = ModelRun.Options()
        options.randomSeed = 7
        let a = try ModelRun.run(modelPath: model, options: options)
        let b = try ModelRun.run(modelPath: model, options: options)
        XCTAssertEqual(a.outputs, b.outputs)
        XCTAssertEqual(a.generatedInputs, ["x", "y"])
        let s = try XCTUnwrap(a.outputs.first)
        XCTAssertGreaterThanOrEqual(s.min ?? -3, -2)
        XCTAssertLessThan(s.max ?? 3, 2)
        options.randomSeed = 8
        XCTAssertNotEqual(try ModelRun.run(modelPath: model, options: options).outputs, a.outputs)
    }

    func testSummaryKeepsNonFiniteValuesOutOfTheRange() throws {
        let t = try Tensor(float32: [-.infinity, 1, .nan, 3, .infinity], shape: [5])
        let s = ModelRun.summary(name: "v", file: nil, tensor: t)
        XCTAssertEqual(s.min, 1)
        XCTAssertEqual(s.max, 3)
        XCTAssertEqual(s.mean, 2)
        XCTAssertEqual(s.nanCount, 1)
        XCTAssertEqual(s.infCount, 2)
    }

    func testBenchReportsPercentilesAndAProfile() throws {
        let model = try CorpusTests.corpusDirectory() + "/node/test_add/model.onnx"
        var options = ModelBench.Options()
        options.iterations = 5
        options.warmup = 1
        options.profile = true
        let result = try ModelBench.run(modelPath: model, options: options)
        XCTAssertEqual(result.iterations, 5)
        XCTAssertLessThanOrEqual(result.minMs, result.p50Ms)
        XCTAssertLessThanOrEqual(result.p50Ms, result.p95Ms)
        XCTAssertLessThanOrEqual(result.p95Ms, result.p99Ms)
        XCTAssertLessThanOrEqual(result.cpuMinMs, result.cpuP50Ms)
        XCTAssertGreaterThan(result.cpuP50Ms, 0)
        XCTAssertGreaterThan(result.peakRSSBytes, 0)
        XCTAssertEqual(result.ops?.map(\.op), ["Add"])
        XCTAssertEqual(result.ops?.first?.nodes, 1)
        XCTAssertEqual(result.ops?.first?.percentage ?? 0, 100, accuracy: 1e-9)
        XCTAssertTrue(ModelBench.text(result).contains("time by op"))
        options.iterations = 0
        XCTAssertThrowsError(try ModelBench.run(modelPath: model, options: options))
    }

    /// `--no-fusion`: every node runs on its own, with the same outputs; the profile shows the
    /// fused chains as `lockstep::FusedElementwise` steps only when fusion is on.
    func testFusionCanBeTurnedOffWithTheSameOutputs() throws {
        let model = try CorpusTests.corpusDirectory() + "/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"
        var options = ModelRun.Options()
        options.randomSeed = 3
        options.dimensions = ["?": 48]
        let fused = try ModelRun.run(modelPath: model, options: options)
        options.fusion = false
        XCTAssertEqual(try ModelRun.run(modelPath: model, options: options).outputs, fused.outputs)
        var bench = ModelBench.Options()
        bench.iterations = 1
        bench.warmup = 0
        bench.profile = true
        bench.inputs = options
        XCTAssertFalse(try ModelBench.run(modelPath: model, options: bench).ops?.map(\.op).contains("lockstep::FusedElementwise") ?? true)
        bench.inputs.fusion = true
        XCTAssertTrue(try ModelBench.run(modelPath: model, options: bench).ops?.map(\.op).contains("lockstep::FusedElementwise") ?? false)
    }

    func testSanitizedNames() {
        XCTAssertEqual(ModelRun.sanitized("conv1/out:0"), "conv1_out_0")
        XCTAssertEqual(ModelRun.sanitized("../x"), "_.._x")
    }
}
