import Foundation
import LockstepTestSupport
import Reporting
import XCTest
@testable import LockstepKit

/// The TensorRT side of `lockstep check`, on the public TensorRT files in
/// ../shared/fixtures/tensorrt (read there, never copied into the repository).
final class CheckTensorRTTests: XCTestCase {
    /// `../shared/fixtures/tensorrt` beside the checkout, or `LOCKSTEP_TRT_FIXTURES`.
    static let root: String = {
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_TRT_FIXTURES"], !env.isEmpty { return env }
        return URL(fileURLWithPath: Repo.root + "/../shared/fixtures/tensorrt").standardizedFileURL.path
    }()
    static let fixtures = root + "/trt-samples-hackathon-cn"
    var temp = ""

    override func setUpWithError() throws {
        if !FileManager.default.fileExists(atPath: Self.fixtures) {
            if ProcessInfo.processInfo.environment["LOCKSTEP_REQUIRE_CORPUS"] == "1" { XCTFail("TensorRT fixtures missing at \(Self.root)") }
            throw XCTSkip("TensorRT fixtures missing at \(Self.root) (set LOCKSTEP_TRT_FIXTURES)")
        }
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-trt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
    }

    override func tearDown() { if !temp.isEmpty { try? FileManager.default.removeItem(atPath: temp) } }

    func options(_ onnx: String, trt: String) -> Check.Options {
        var o = Check.Options(onnx: Repo.path("examples/pairs/\(onnx)"))
        o.tensorRT = trt
        o.opsets = Repo.path("opsets")
        o.randomSeed = 1
        o.now = { Date(timeIntervalSince1970: 0) }
        return o
    }

    func testEveryNodeIsAccountedForThroughLayerMetadataAndFusedNames() throws {
        let report = try Check.run(options("trt_hackathon_structure.onnx", trt: Self.fixtures + "/trtexec_model-trained-exportLayerInfo.log.json"))
        XCTAssertEqual(report.findings, [])
        let nodes = try XCTUnwrap(report.correspondence?.first { $0.target == "tensorrt" }?.nodes)
        XCTAssertEqual(nodes.map(\.status), ["fused", "fused", "matched", "fused", "fused", "matched", "eliminated", "fused", "fused", "fused", "fused", "fused"])
        XCTAssertEqual(nodes[1].counterparts, ["node_conv2d + node_relu"])
        XCTAssertEqual(nodes[1].evidence, "layer metadata")
        XCTAssertEqual(nodes[6].rule, "trt-shuffle")  // node_view (Reshape) leaves no layer of its own
        XCTAssertEqual(nodes[9].counterparts, ["__myl_MulSum_myl4_1", "__myl_AddMaxrSubExpSum_myl4_2"])
    }

    func testALayerThatLostAnONNXNodeIsADroppedOp() throws {
        // The same engine, with node_relu_1 removed from the fused layer's name and metadata.
        var text = try String(contentsOfFile: Self.fixtures + "/trtexec_model-trained-exportLayerInfo.log.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "node_conv2d_1 + node_relu_1", with: "node_conv2d_1")
            .replacingOccurrences(of: "\\u001e[ONNX Layer: node_relu_1]", with: "")
        XCTAssertFalse(text.contains("node_relu_1"))
        let path = temp + "/layers.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = try Check.run(options("trt_hackathon_structure.onnx", trt: path))
        XCTAssertEqual(report.findings.map { "\($0.kind.rawValue)@\($0.location?.nodeName ?? "-")" }, ["droppedOp@node_relu_1"])
        XCTAssertEqual(report.findings.first?.form, .tensorrt)
        XCTAssertEqual(report.exitCode, 1)
    }

    func testCapturedOutputsAreComparedWithTheONNXFormOnTheCapturedInputsAndWithGoldens() throws {
        // A bundle folder of the public Polygraphy results (symbolic links to the fixtures).
        let bundle = temp + "/bundle"
        try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bundle + "/output.json", withDestinationPath: Self.fixtures + "/polygraphy_output.json")
        try FileManager.default.createSymbolicLink(atPath: bundle + "/input.json", withDestinationPath: Self.fixtures + "/polygraphy_input.json")
        var record = GoldenJobs.RecordOptions(caseDirectory: temp + "/golden/polygraphy/run-1", model: Repo.path("examples/pairs/trt_polygraphy_io.onnx"))
        record.captured = bundle
        record.runtime = "tensorrt"
        record.runtimeVersion = "8.6.1"
        let manifest = try GoldenJobs.record(record)
        XCTAssertEqual(manifest.outputs.map(\.name), ["A-V-12-Add", "A-V-14-ArgMax"])
        XCTAssertEqual(manifest.outputs.map(\.dtype), [.float32, .int32])
        XCTAssertEqual(manifest.inputs.first?.provenance.runtime, "tensorrt")

        var o = options("trt_polygraphy_io.onnx", trt: bundle)
        o.randomSeed = nil
        o.golden = temp + "/golden"
        let report = try Check.run(o)
        let rows = try XCTUnwrap(report.comparisons).map { "\($0.reference)→\($0.candidate):\($0.output):\($0.passed)" }
        // The model's weights are not the engine's: ONNX differs from the capture; the capture is its golden.
        XCTAssertEqual(rows, ["golden polygraphy/run-1→onnx:A-V-12-Add:false", "golden polygraphy/run-1→onnx:A-V-14-ArgMax:false",
                              "onnx→tensorrt:A-V-12-Add:false", "onnx→tensorrt:A-V-14-ArgMax:false",
                              "golden polygraphy/run-1→tensorrt:A-V-12-Add:true", "golden polygraphy/run-1→tensorrt:A-V-14-ArgMax:true"])
        XCTAssertEqual(report.inputs?.first?.source, "golden polygraphy/run-1")
        XCTAssertEqual(report.goldens?.first?.intact, true)
        XCTAssertEqual(Set(report.findings.map { "\($0.kind.rawValue)@\($0.form?.rawValue ?? "-"):\($0.location?.tensor ?? "-")" }),
                       ["numericDivergence@onnx:A-V-12-Add", "numericDivergence@onnx:A-V-14-ArgMax",
                        "numericDivergence@tensorrt:A-V-12-Add", "numericDivergence@tensorrt:A-V-14-ArgMax"])
    }
}
