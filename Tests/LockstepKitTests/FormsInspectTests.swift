import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import LockstepKit

/// `lockstep inspect` on TFLite files and TensorRT bundles: counts cross-checked against
/// independent readers, the format sections, and snapshots.
final class FormsInspectTests: XCTestCase {
    static let tfliteFixtures = Repo.path("Tests/TFLiteFormatTests/Fixtures/models")
    static var trtFixtures: String {
        ProcessInfo.processInfo.environment["LOCKSTEP_TRT_FIXTURES"] ?? Repo.root + "/../shared/fixtures/tensorrt"
    }

    /// Skips, or fails when LOCKSTEP_REQUIRE_CORPUS=1 (CI), if the shared TensorRT files are missing.
    static func requireTRTFixtures(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path) { return }
        if ProcessInfo.processInfo.environment["LOCKSTEP_REQUIRE_CORPUS"] == "1" {
            XCTFail("shared TensorRT fixtures not found at \(path) (set LOCKSTEP_TRT_FIXTURES)")
        }
        throw XCTSkip("shared TensorRT fixtures not found at \(path)")
    }

    struct TFLiteReference: Decodable {
        var nodeCount: Int
        var subgraphCount: Int
        var opHistogram: [String: Int]
        var signatureKeys: [String]
    }

    /// Every mediapipe model (and every own fixture) inspects with the `tflite` package's counts.
    func testTFLiteModelsMatchTheTflitePackage() throws {
        var checked = 0
        var sources: [(String, String)] = [(Self.tfliteFixtures, Self.tfliteFixtures + "/../reference.json")]
        if let corpus = try? CorpusTests.corpusDirectory() { sources.append((corpus, corpus + "/tflite-reference.json")) }
        for (root, referencePath) in sources {
            let references = try JSONDecoder().decode([String: TFLiteReference].self,
                                                      from: Data(contentsOf: URL(fileURLWithPath: referencePath)))
            for (relative, reference) in references.sorted(by: { $0.key < $1.key }) {
                let report = try Inspect.run(path: root + "/" + relative)
                XCTAssertEqual(report.format, .tflite, relative)
                XCTAssertEqual(report.nodeCount, reference.nodeCount, relative)
                XCTAssertEqual(report.opHistogram, reference.opHistogram, relative)
                XCTAssertEqual(report.tflite?.subgraphCount, reference.subgraphCount, relative)
                XCTAssertEqual(report.tflite?.signatures, reference.signatureKeys, relative)
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 11)
        if ProcessInfo.processInfo.environment["LOCKSTEP_REQUIRE_CORPUS"] == "1" { XCTAssertGreaterThanOrEqual(checked, 25) }
    }

    func testTFLiteDelegateFacts() throws {
        func details(_ name: String) throws -> InspectReport.TFLiteDetails {
            try XCTUnwrap(try Inspect.run(path: Self.tfliteFixtures + "/" + name).tflite, name)
        }
        XCTAssertEqual(try details("float_conv.tflite").numerics, "float")
        XCTAssertEqual(try details("int8_per_channel.tflite").numerics, "integer")
        XCTAssertGreaterThan(try details("int8_per_channel.tflite").perChannelTensors, 0)
        XCTAssertEqual(try details("int16_activations.tflite").numerics, "integer-int16x8")
        XCTAssertEqual(try details("float16_weights.tflite").float16Weights, 2)
        XCTAssertEqual(try details("float16_weights.tflite").numerics, "float16-weights")
        XCTAssertEqual(try details("custom_op.tflite").customOps, ["MyCustomOp": 1])
        XCTAssertGreaterThan(try details("sparse.tflite").sparseTensors, 0)
        XCTAssertEqual(try details("control_flow.tflite").subgraphCount, 5)
        XCTAssertEqual(try details("signatures_metadata.tflite").minRuntimeVersion, "1.14.0")
    }

    func testTFLiteSnapshots() throws {
        for name in ["float_conv", "int8_per_channel", "custom_op", "control_flow"] {
            var report = try Inspect.run(path: "\(Self.tfliteFixtures)/\(name).tflite")
            report.path = "Tests/TFLiteFormatTests/Fixtures/models/\(name).tflite"
            assertSnapshot(report.text(), named: "inspect-tflite-\(name).txt")
            assertSnapshot(try report.jsonString(), named: "inspect-tflite-\(name).json")
        }
    }

    /// A bundle folder with the layer information, profile and times of one real engine.
    func testTensorRTBundleWithProfileAndTimes() throws {
        let source = Self.trtFixtures + "/nvidia-tensorrt-trex"
        try Self.requireTRTFixtures(source)
        let bundle = FileManager.default.temporaryDirectory.appendingPathComponent("trt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        for kind in ["graph", "profile", "timing"] {
            let name = "trex-A100_qat_resnet-qat.onnx.engine.\(kind).json"
            try FileManager.default.copyItem(atPath: "\(source)/\(name)", toPath: "\(bundle)/\(name)")
        }
        let report = try Inspect.run(path: bundle)
        XCTAssertEqual(report.format, .tensorrt)
        // Independent counts from the raw JSON.
        let raw = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(source)/trex-A100_qat_resnet-qat.onnx.engine.graph.json"))) as? [String: Any]
        let layers = try XCTUnwrap(raw?["Layers"] as? [[String: Any]])
        XCTAssertEqual(report.nodeCount, layers.count)
        var histogram: [String: Int] = [:]
        for layer in layers { histogram[layer["LayerType"] as? String ?? "?", default: 0] += 1 }
        XCTAssertEqual(report.opHistogram, histogram)
        let trt = try XCTUnwrap(report.tensorrt)
        XCTAssertEqual(trt.reformatLayers, layers.filter { ($0["LayerType"] as? String) == "Reformat" }.count)
        XCTAssertGreaterThan(trt.precisions["int8", default: 0], 0)
        XCTAssertNotNil(trt.totalProfiledMs)
        XCTAssertEqual(trt.topLayers.count, 5)
        let latency = try XCTUnwrap(trt.latency)
        XCTAssertLessThanOrEqual(latency.p50Ms, latency.p95Ms)
        XCTAssertLessThanOrEqual(latency.p95Ms, latency.p99Ms)
        XCTAssertTrue(report.text().contains("tensorrt"))
    }

    /// TensorRT 10 layer information: ONNX node names from the layer metadata.
    func testTensorRT10MetadataCoversONNXNodes() throws {
        let file = Self.trtFixtures + "/fuzzylabs-edge-vision/resnet18_fp16.graph.json"
        try Self.requireTRTFixtures(file)
        let report = try Inspect.run(path: file)
        let trt = try XCTUnwrap(report.tensorrt)
        XCTAssertGreaterThan(trt.onnxNodesCovered, 0)
        XCTAssertGreaterThan(trt.precisions["float16", default: 0], 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertEqual(report.nodeCount, text.components(separatedBy: "\"LayerType\"").count - 1)
    }
}
