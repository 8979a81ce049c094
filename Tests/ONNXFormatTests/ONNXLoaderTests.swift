import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import ONNXFormat

/// Loads the example models (scripts/make-examples.py) and checks the IR against what the
/// generator wrote (values read back with the onnx package when the fixtures were made).
final class ONNXLoaderTests: XCTestCase {
    func load(_ name: String) throws -> Model { try ONNXLoader.load(path: Repo.path("examples/models/" + name)) }

    func testTinyCNNGraphIOAndWeights() throws {
        let model = try load("tiny_cnn.onnx")
        XCTAssertEqual(model.format, .onnx)
        XCTAssertEqual(model.producerName, "lockstep-examples")
        XCTAssertEqual(model.opsetImports, ["": 17])
        XCTAssertEqual(model.graph.nodes.map(\.op.name),
                       ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Softmax"])
        XCTAssertEqual(model.graph.nodes[0].op.version, 17)
        XCTAssertEqual(model.graph.runtimeInputs.map(\.name), ["image"])
        guard case .tensor(.float32?, let shape?) = model.graph.inputs[0].type else { return XCTFail("input type") }
        XCTAssertEqual(shape, Shape([.symbolic("batch"), .fixed(3), .fixed(32), .fixed(32)]))
        guard case .ints(let kernel)? = model.graph.nodes[0].attribute("kernel_shape") else { return XCTFail("kernel_shape") }
        XCTAssertEqual(kernel, [3, 3])
        let conv1 = try XCTUnwrap(model.graph.initializers.first { $0.name == "conv1.weight" })
        XCTAssertEqual(conv1.tensor.shape, [8, 3, 3, 3])
        XCTAssertTrue(conv1.tensor.storage.isView, "weights must not be copied out of the unpacked message")
        let values = try conv1.tensor.floatValues()
        XCTAssertEqual(values.count, 216)
        XCTAssertEqual(Array(values.prefix(4)), [0.29972568, 0.09210933, -0.14696163, -0.3429944])
        XCTAssertEqual(model.graph.nodes[1].origin, Origin(format: .onnx, graphPath: [model.graph.name], nodeIndex: 1, name: "relu1"))
    }

    func testExternalDataIsMappedInsideTheModelFolder() throws {
        let model = try load("with_external_data/model.onnx")
        XCTAssertEqual(model.graph.initializers.count, 4)
        for initializer in model.graph.initializers {
            XCTAssertTrue(initializer.isExternal, initializer.name)
            XCTAssertTrue(initializer.tensor.storage.isView, initializer.name)
        }
        let w = model.graph.initializers[0]
        XCTAssertEqual(w.name, "fc1.weight")
        XCTAssertEqual(w.tensor.shape, [16, 32])
        // Expected values as the onnx package printed them (8 significant digits).
        for (got, want) in zip(try w.tensor.floatValues(), [0.13831514, 0.05440015, -0.0144975, -0.579734] as [Float]) {
            XCTAssertEqual(got, want, accuracy: 1e-7)
        }
        for (got, want) in zip(try model.graph.initializers[1].tensor.floatValues(), [-0.01972576, 0.02942023] as [Float]) {
            XCTAssertEqual(got, want, accuracy: 1e-7)
        }
    }

    func testSubgraphsOfIfLoopAndScan() throws {
        let model = try load("control_flow.onnx")
        XCTAssertEqual(model.graph.nodes.map(\.op.name), ["If", "Loop", "Scan"])
        let ifNode = model.graph.nodes[0]
        XCTAssertEqual(Set(ifNode.subgraphs.map(\.attribute)), ["then_branch", "else_branch"])
        let loopBody = try XCTUnwrap(model.graph.nodes[1].subgraphs.first?.graph)
        XCTAssertFalse(loopBody.nodes.isEmpty)
        let origin = loopBody.nodes[0].origin
        XCTAssertEqual(origin.graphPath.count, 4, "main graph / node / attribute / body: \(origin.graphPath)")
        XCTAssertEqual(origin.graphPath[1], "repeat")
        XCTAssertEqual(origin.graphPath[2], "body")
        guard case .int(let n)? = model.graph.nodes[2].attribute("num_scan_inputs") else { return XCTFail("num_scan_inputs") }
        XCTAssertEqual(n, 1)
        var graphs = 0
        model.graph.forEachGraph { _, _ in graphs += 1 }
        XCTAssertEqual(graphs, 5)
    }

    func testCustomDomainsFunctionsAndMetadata() throws {
        let model = try load("custom_domain.onnx")
        XCTAssertEqual(model.opsetImports["com.microsoft"], 1)
        XCTAssertEqual(model.graph.nodes.map(\.op.qualifiedName), ["com.microsoft::QuickGelu", "lockstep.examples::ScaledTanh"])
        XCTAssertEqual(model.functions.count, 1)
        XCTAssertEqual(model.functions[0].name, "ScaledTanh")
        XCTAssertEqual(model.functions[0].domain, "lockstep.examples")
        XCTAssertEqual(model.functions[0].nodes.count, 3)
        XCTAssertEqual(model.metadata.first, MetadataEntry(key: "author", value: "lockstep-examples"))
    }

    func testQDQModelKeepsPerAxisScales() throws {
        let model = try load("tiny_cnn_qdq.onnx")
        let dq = model.graph.nodes.filter { $0.op.name == "DequantizeLinear" }
        XCTAssertEqual(dq.count, 13)
        let scales = model.graph.initializers.filter { $0.tensor.dtype == .float32 && $0.tensor.count > 1 && $0.name.contains("scale") }
        XCTAssertFalse(scales.isEmpty, "per-axis weight scales expected")
        XCTAssertTrue(model.graph.initializers.contains { $0.tensor.dtype == .int8 })
    }
}
