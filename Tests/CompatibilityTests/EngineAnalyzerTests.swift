import LockstepCore
import XCTest
@testable import Compatibility

final class EngineAnalyzerTests: XCTestCase {
    /// A layer graph as TensorRTModelBuilder makes it: op = layer type, `precision` attribute,
    /// tensors typed in valueInfo.
    func engine(_ layers: [(name: String, type: String, input: DType, output: DType, attributes: [String: AttributeValue])]) -> Model {
        var nodes: [Node] = []
        var values: [ValueInfo] = [ValueInfo(name: "t0", type: .tensor(elementType: layers.first?.input, shape: [1, 8]))]
        for (i, l) in layers.enumerated() {
            var attributes = [Attribute(name: "precision", value: .string(Array(l.output.rawValue.utf8)))]
            attributes += l.attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) }
            nodes.append(Node(name: l.name, op: OpIdentifier(name: l.type), inputs: ["t\(i)"], outputs: ["t\(i + 1)"], attributes: attributes,
                              origin: Origin(format: .tensorrt, graphPath: ["engine"], nodeIndex: i, name: l.name)))
            values.append(ValueInfo(name: "t\(i + 1)", type: .tensor(elementType: l.output, shape: [1, 8])))
            if i > 0 { values[i] = ValueInfo(name: "t\(i)", type: .tensor(elementType: l.input, shape: [1, 8])) }
        }
        return Model(format: .tensorrt, path: "engine.json", producerName: "TensorRT", producerVersion: "10.4",
                     graph: Graph(name: "engine", nodes: nodes, valueInfo: values))
    }

    func testPrecisionFallbacks() throws {
        let model = engine([
            ("in reformat", "Reformat", .float32, .int8, ["reformat": .int(1)]),
            ("conv1 + relu1", "CaskConvolution", .int8, .int8, [:]),
            ("conv2", "CaskConvolution", .int8, .float16, [:]),       // reads int8: an INT8 kernel writing FP16
            ("softmax", "CaskSoftMax", .float16, .float16, [:]),     // FP16 although INT8 was requested
            ("head", "gemm", .float32, .float32, [:]),
            ("shape", "shape_call", .float32, .int64, [:]),
        ])
        let report = try EngineAnalyzer.analyze(model, request: EngineRequest(precision: .int8))
        XCTAssertEqual(report.nodes.map(\.verdict), [.supported, .supported, .supported, .fallback, .fallback, .supported])
        XCTAssertEqual(report.nodes[3].reason, "computes in float16, int8 was requested")
        XCTAssertEqual(report.nodes[0].reason, "ran on the GPU in float32 (reformat)")
        XCTAssertEqual(report.findings.map(\.kind), [.precisionFallback, .precisionFallback])
        XCTAssertEqual(report.summary, "4 of 6 layers at int8 or narrower (or not judged); 2 precision fallbacks")
        XCTAssertEqual(report.partitions.map(\.nodes), [[0, 1, 2], [5]])

        let fp16 = try EngineAnalyzer.analyze(model, request: EngineRequest(precision: .float16))
        XCTAssertEqual(fp16.nodes.map(\.verdict), [.supported, .supported, .supported, .supported, .fallback, .supported])
        let none = try EngineAnalyzer.analyze(model, request: EngineRequest())
        XCTAssertTrue(none.findings.isEmpty)
        XCTAssertTrue(none.summary.hasPrefix("6 layers ("), none.summary)
    }

    func testDLAFallbacks() throws {
        let model = engine([
            ("input to nvm", "Reformat", .float16, .float16, [:]),
            ("{conv1,relu1,pool1}", "DLA", .float16, .float16, [:]),
            ("softmax", "CaskSoftMax", .float16, .float16, [:]),
            ("{fc1,fc2}", "Unknown", .float16, .float16, [:]),
            ("{ForeignNode[a...b]}", "Myelin", .float16, .float16, [:]),
        ])
        let report = try EngineAnalyzer.analyze(model, request: EngineRequest(precision: .float16, dla: true))
        XCTAssertEqual(report.nodes.map(\.device), [.gpu, .dla, .gpu, .dla, .gpu])
        XCTAssertEqual(report.nodes.map(\.verdict), [.supported, .supported, .fallback, .supported, .fallback])
        XCTAssertEqual(report.nodes[2].reason, "runs on the GPU: the DLA was requested (GPU fallback)")
        XCTAssertEqual(report.partitions.map(\.nodes), [[1], [3]])
        XCTAssertEqual(report.findings.map(\.kind), [.fallback, .fallback])
        XCTAssertTrue(report.summary.contains("2 of 5 layers on the DLA in 2 DLA partitions; 2 layers fall back to the GPU"), report.summary)
    }

    func testOnlyTensorRTModels() {
        var b = ModelBuilder()
        b.input("x", .float32, [1])
        XCTAssertThrowsError(try EngineAnalyzer.analyze(b.model(), request: EngineRequest())) { error in
            XCTAssertEqual((error as? CompatibilityError)?.errorDescription, "test.onnx: engine analysis needs a TensorRT bundle, this is a onnx model")
        }
    }
}
