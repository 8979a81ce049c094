import Foundation
import LockstepCore
import XCTest

@testable import TensorRTFormat

/// Layer information JSON from real engines, cross-checked against an independent reading of the
/// same files with Foundation's JSONSerialization.
final class LayerInfoFixtureTests: XCTestCase {
    static let graphFiles = [
        "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.graph.json",
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.graph.json",
        "nvidia-tensorrt-trex/trex-A100_fp16_resnet.onnx.engine.graph.json",
        "fuzzylabs-edge-vision/alexnet_fp16.graph.json",
        "fuzzylabs-edge-vision/resnet18_fp16.graph.json",
        "fuzzylabs-edge-vision/mobilenet_v2_fp16.graph.json",
        "fuzzylabs-edge-vision/torch-tensorrt_alexnet_run_on_acc_0_engine_layer_information.json",
        "trt-samples-hackathon-cn/trtexec_model-trained-exportLayerInfo.log.json",
    ]

    static let trt10Files = [
        "fuzzylabs-edge-vision/alexnet_fp16.graph.json",
        "fuzzylabs-edge-vision/resnet18_fp16.graph.json",
        "fuzzylabs-edge-vision/mobilenet_v2_fp16.graph.json",
        "trt-samples-hackathon-cn/trtexec_model-trained-exportLayerInfo.log.json",
    ]

    func rawLayers(_ file: String) throws -> [[String: Any]] {
        let root = try XCTUnwrap(TRTFixtures.foundationJSON(file) as? [String: Any], file)
        return try XCTUnwrap(root["Layers"] as? [[String: Any]], file)
    }

    /// Every graph file: layer count, type histogram, names, tensors and bindings match the raw JSON,
    /// and the IR has one node per layer with the layer type as op.
    func testEveryGraphFileMatchesIndependentReading() throws {
        try TRTFixtures.require()
        for file in Self.graphFiles {
            let raw = try rawLayers(file)
            let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
            XCTAssertEqual(bundle.layerInfoForm, .detailed, file)
            XCTAssertEqual(bundle.layers.count, raw.count, file)

            var rawHistogram: [String: Int] = [:]
            for layer in raw { rawHistogram[layer["LayerType"] as? String ?? "?", default: 0] += 1 }
            var histogram: [String: Int] = [:]
            for layer in bundle.layers { histogram[layer.type, default: 0] += 1 }
            XCTAssertEqual(histogram, rawHistogram, file)

            XCTAssertEqual(bundle.layers.map(\.name), raw.map { $0["Name"] as? String ?? "" }, file)
            for (layer, r) in zip(bundle.layers, raw) {
                let rawInputs = r["Inputs"] as? [[String: Any]] ?? []
                let rawOutputs = r["Outputs"] as? [[String: Any]] ?? []
                XCTAssertEqual(layer.inputs.map(\.name), rawInputs.map { $0["Name"] as? String ?? "" }, "\(file) \(layer.name)")
                XCTAssertEqual(layer.outputs.map(\.name), rawOutputs.map { $0["Name"] as? String ?? "" }, "\(file) \(layer.name)")
                XCTAssertEqual(layer.outputs.map(\.dimensions), rawOutputs.map { $0["Dimensions"] as? [Int] ?? [] }, "\(file) \(layer.name)")
                XCTAssertEqual(layer.outputs.map(\.format), rawOutputs.map { $0["Format/Datatype"] as? String ?? "" }, "\(file) \(layer.name)")
                XCTAssertEqual(layer.tacticValue, r["TacticValue"] as? String, "\(file) \(layer.name)")
                XCTAssertEqual(layer.tacticName, r["TacticName"] as? String, "\(file) \(layer.name)")
                XCTAssertEqual(layer.reformatOrigin, r["Origin"] as? String, "\(file) \(layer.name)")
                XCTAssertEqual(layer.streamId, r["StreamId"] as? Int, "\(file) \(layer.name)")
                // Every tensor with a format names a precision Lockstep knows.
                for t in layer.inputs + layer.outputs where !t.format.isEmpty {
                    XCTAssertNotNil(t.precision, "\(file) \(layer.name) \(t.name): format '\(t.format)'")
                }
            }

            let root = try XCTUnwrap(TRTFixtures.foundationJSON(file) as? [String: Any])
            let rawBindings = root["Bindings"] as? [String] ?? []
            XCTAssertEqual(bundle.bindings.map(\.name), rawBindings, file)

            // IR
            let graph = bundle.model.graph
            XCTAssertEqual(bundle.model.format, .tensorrt)
            XCTAssertEqual(bundle.model.producerName, "TensorRT")
            XCTAssertEqual(graph.name, "engine")
            XCTAssertEqual(graph.nodes.count, raw.count, file)
            XCTAssertEqual(graph.nodes.map(\.op.name), raw.map { $0["LayerType"] as? String ?? "" }, file)
            XCTAssertEqual(graph.nodes.map(\.origin.nodeIndex), Array(0..<raw.count), file)
            XCTAssertTrue(graph.nodes.allSatisfy { $0.origin.format == .tensorrt && $0.origin.graphPath == ["engine"] && $0.op.domain.isEmpty })
            XCTAssertEqual(graph.nodes.map(\.origin.name), bundle.layers.map(\.name))
            // Bindings split into inputs (no layer produces them) and outputs.
            let produced = Set(raw.flatMap { ($0["Outputs"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String } })
            XCTAssertEqual(graph.inputs.map(\.name), rawBindings.filter { !produced.contains($0) }, file)
            XCTAssertEqual(graph.outputs.map(\.name), rawBindings.filter { produced.contains($0) }, file)
            XCTAssertFalse(graph.inputs.isEmpty, file)
            XCTAssertFalse(graph.outputs.isEmpty, file)
            XCTAssertTrue(bundle.warnings.isEmpty, "\(file): \(bundle.warnings)")
        }
    }

    /// TensorRT 10 files: ONNX node names come from `Metadata` (U+001E entries, U+001F sub-fields).
    func testTRT10MetadataGivesONNXNodes() throws {
        try TRTFixtures.require()
        for file in Self.trt10Files {
            let raw = try rawLayers(file)
            let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
            XCTAssertTrue(raw.allSatisfy { $0["StreamId"] != nil && $0["Metadata"] != nil }, "\(file) is a TensorRT 10 file")
            for (layer, r) in zip(bundle.layers, raw) {
                // Independent extraction: every "[ONNX Layer: …]" between separators, by regex.
                let metadata = r["Metadata"] as? String ?? ""
                let regex = try NSRegularExpression(pattern: "\\[ONNX Layer: ([^\\u001e\\u001f]*?)\\](?=$|[\\u001e\\u001f])")
                var expected: [String] = []
                for m in regex.matches(in: metadata, range: NSRange(metadata.startIndex..., in: metadata)) {
                    let name = String(metadata[Range(m.range(at: 1), in: metadata)!])
                    if !expected.contains(name) { expected.append(name) }
                }
                XCTAssertEqual(layer.metadata, metadata)
                if !expected.isEmpty { XCTAssertEqual(layer.onnxNodes, expected, "\(file) \(layer.name)") }
                let node = bundle.model.graph.nodes[layer.index]
                if case .strings(let names)? = node.attribute("onnx_nodes") {
                    XCTAssertEqual(names.map { String(decoding: $0, as: UTF8.self) }, layer.onnxNodes)
                } else {
                    XCTFail("\(file) \(layer.name): no onnx_nodes attribute")
                }
            }
        }
        let alexnet = try TensorRTBundleLoader.load(path: TRTFixtures.path("fuzzylabs-edge-vision/alexnet_fp16.graph.json"))
        XCTAssertEqual(alexnet.layers[1].onnxNodes, ["/features/features.0/Conv", "/features/features.1/Relu"])
        XCTAssertEqual(alexnet.layers[1].fusedParts, ["/features/features.0/Conv", "/features/features.1/Relu"])
        // A Myelin gemm whose metadata uses the U+001F sub-field separator.
        let gemm = try XCTUnwrap(alexnet.layers.first { $0.name == "/classifier/classifier_1/Gemm_myl9_2" })
        XCTAssertEqual(gemm.onnxNodes, ["/classifier/classifier.1/Gemm", "/classifier/classifier.2/Relu"])
        XCTAssertEqual(gemm.type, "gemm")
        XCTAssertTrue(gemm.isMyelin)
        XCTAssertEqual(gemm.precision, .float16)   // "Format/Datatype": "Half"

        let toy = try TensorRTBundleLoader.load(path: TRTFixtures.path("trt-samples-hackathon-cn/trtexec_model-trained-exportLayerInfo.log.json"))
        XCTAssertEqual(toy.layers[0].onnxNodes, ["node_conv2d", "node_relu"])
        XCTAssertEqual(toy.layers[6].onnxNodes, ["node_linear_1", "node_softmax"])
        XCTAssertEqual(toy.layers[8].onnxNodes, [])   // "__myl_CastReshCast_myl4_4" with empty metadata
        XCTAssertEqual(toy.layers[8].outputs.first?.precision, .int64)
        XCTAssertEqual(toy.bindings.map(\.name), ["x", "y", "z"])
        XCTAssertEqual(toy.bindings.map(\.isInput), [true, false, false])
        XCTAssertEqual(toy.model.graph.outputs.map(\.type.description), ["tensor(float32)[1, 10]", "tensor(int64)[1]"])
        XCTAssertEqual(Set(toy.layers.compactMap(\.streamId)), [0])
    }

    /// Myelin detection (kgen / gemm / shape_call kernels, `__myl_*` names) and the NoOp reformat
    /// into a `{ForeignNode[…]}` region in the TensorRT 10 files.
    func testMyelinAndForeignNodes() throws {
        try TRTFixtures.require()
        for file in Self.trt10Files {
            let raw = try rawLayers(file)
            let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
            let expected = raw.map { ["kgen", "gemm", "shape_call"].contains($0["LayerType"] as? String ?? "") }
            XCTAssertEqual(bundle.layers.map(\.isMyelin), expected, file)
        }
        let resnet = try TensorRTBundleLoader.load(path: TRTFixtures.path("fuzzylabs-edge-vision/resnet18_fp16.graph.json"))
        let reformat = try XCTUnwrap(resnet.layers.first { $0.isNoOp && $0.isReformat })
        XCTAssertEqual(reformat.reformatTarget, "{ForeignNode[fc.weight...(Unnamed Layer* 58) [ElementWise]]}")
        XCTAssertEqual(LayerNames.foreignNodes(reformat.reformatTarget!), ForeignNodeRange(first: "fc.weight", last: "(Unnamed Layer* 58) [ElementWise]"))
        XCTAssertEqual(reformat.onnxNodes, [])
        let kernel = try XCTUnwrap(resnet.layers.first { $0.name == "__myl_MulSumAdd_myl24_1" })
        XCTAssertEqual(kernel.type, "kgen")
        XCTAssertEqual(kernel.onnxNodes, ["/fc/Gemm"])
        XCTAssertEqual(resnet.layers.filter { $0.type == "shape_call" }.count, 1)
    }

    /// trex-tests_mobilenet.qat: QDQ and REFORMAT origins, `w + QuantizeLinear + Conv + PWN(Clip)`
    /// fusions, mixed Int8/FP16 formats.
    func testMobileNetQAT() throws {
        try TRTFixtures.require()
        let file = "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.graph.json"
        let raw = try rawLayers(file)
        let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
        let rawOrigins = raw.compactMap { $0["Origin"] as? String }
        XCTAssertEqual(bundle.layers.compactMap(\.reformatOrigin), rawOrigins)
        XCTAssertEqual(bundle.layers.filter { $0.reformatOrigin == "QDQ" }.count, rawOrigins.filter { $0 == "QDQ" }.count)
        XCTAssertTrue(rawOrigins.contains("REFORMAT"))
        XCTAssertEqual(bundle.layers.filter(\.isReformat).count, raw.filter { ($0["LayerType"] as? String) == "Reformat" }.count)
        let conv = bundle.layers[1]
        XCTAssertEqual(conv.name, "features.0.0.weight + QuantizeLinear_8 + Conv_12 + PWN(Clip_16)")
        XCTAssertEqual(conv.fusedParts, ["features.0.0.weight", "QuantizeLinear_8", "Conv_12", "Clip_16"])
        XCTAssertEqual(conv.onnxNodes, ["features.0.0.weight", "QuantizeLinear_8", "Conv_12", "Clip_16"])
        XCTAssertEqual(conv.inputs.first?.precision, .int8)
        XCTAssertEqual(conv.tacticName, "volta_int8x4_icudnn_int8x4_128x32_relu_xregs_medium_c32_nn_v1")
        let precisions = Set(bundle.layers.flatMap { $0.outputs.compactMap(\.precision) })
        XCTAssertTrue(precisions.contains(.int8))
        XCTAssertTrue(precisions.contains(.float32))
        // The QDQ reformat "QuantizeLinear_2" keeps its ONNX name; the REFORMAT copy has none.
        XCTAssertEqual(bundle.layers[0].onnxNodes, ["QuantizeLinear_2"])
        let copy = try XCTUnwrap(bundle.layers.first { $0.reformatOrigin == "REFORMAT" })
        XCTAssertEqual(copy.onnxNodes, [])
        XCTAssertEqual(copy.reformatTarget, "GlobalAveragePool_843")
        // IR attributes
        let node = bundle.model.graph.nodes[1]
        XCTAssertEqual(node.op.name, "CaskConvolution")
        guard case .string(let precision)? = node.attribute("precision") else { return XCTFail("no precision") }
        XCTAssertEqual(String(decoding: precision, as: UTF8.self), "int8")
        guard case .string(let kernel)? = node.attribute("Kernel") else { return XCTFail("no Kernel attribute") }
        XCTAssertEqual(String(decoding: kernel, as: UTF8.self), "[3,3]")
        guard case .string(let reformat)? = bundle.model.graph.nodes[0].attribute("reformat_origin") else { return XCTFail() }
        XCTAssertEqual(String(decoding: reformat, as: UTF8.self), "QDQ")
    }

    /// trex-A100_qat: 10 QDQ-origin Reformat layers, NoOp layers, TiledPooling (README).
    func testA100QAT() throws {
        try TRTFixtures.require()
        let file = "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.graph.json"
        let raw = try rawLayers(file)
        let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
        let qdq = bundle.layers.filter { $0.isReformat && $0.reformatOrigin == "QDQ" }
        XCTAssertEqual(qdq.count, 10)
        XCTAssertEqual(qdq.count, raw.filter { ($0["Origin"] as? String) == "QDQ" }.count)
        XCTAssertTrue(qdq.allSatisfy { $0.type == "Reformat" })
        XCTAssertEqual(bundle.layers.filter(\.isNoOp).count, raw.filter { ($0["LayerType"] as? String) == "NoOp" }.count)
        XCTAssertGreaterThan(bundle.layers.filter(\.isNoOp).count, 0)
        XCTAssertTrue(bundle.layers.contains { $0.type == "TiledPooling" })
        let fc = try XCTUnwrap(bundle.layers.first { $0.name.hasPrefix("fc.weight + QuantizeLinear_255") })
        XCTAssertEqual(fc.fusedParts.first, "fc.weight")
        XCTAssertTrue(fc.fusedParts.contains("(Unnamed Layer* 306) [Shuffle]"))
        XCTAssertEqual(fc.onnxNodes, ["fc.weight", "QuantizeLinear_255", "Gemm_257", "fc.bias"])
    }

    /// trex-A100_fp16: 11 NoOp layers; 10 of them are elided reformats
    /// ("Reformatting CopyNode for Input Tensor N to …"), the 11th is `reshape_after_Gemm_48`.
    func testA100FP16NoOps() throws {
        try TRTFixtures.require()
        let file = "nvidia-tensorrt-trex/trex-A100_fp16_resnet.onnx.engine.graph.json"
        let raw = try rawLayers(file)
        let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
        let noOps = bundle.layers.filter(\.isNoOp)
        XCTAssertEqual(noOps.count, 11)
        XCTAssertEqual(noOps.count, raw.filter { ($0["LayerType"] as? String) == "NoOp" }.count)
        XCTAssertEqual(noOps.filter(\.isReformat).count, 10)
        XCTAssertEqual(noOps.filter { !$0.isReformat }.map(\.name), ["reshape_after_Gemm_48"])
        XCTAssertEqual(noOps.first?.reformatTarget, "Conv_5 + Add_6 + Relu_7")
        XCTAssertTrue(bundle.layers.filter { $0.type == "Reformat" }.allSatisfy { $0.reformatOrigin == "REFORMAT" })
        XCTAssertEqual(bundle.layers[1].onnxNodes, ["Conv_0", "Relu_1"])
        XCTAssertEqual(bundle.layers[1].precision, .float16)
    }

    /// Torch-TensorRT's dump: source nodes from `[TYPE]-[target]-[source]` parts.
    func testTorchTensorRTDump() throws {
        try TRTFixtures.require()
        let file = "fuzzylabs-edge-vision/torch-tensorrt_alexnet_run_on_acc_0_engine_layer_information.json"
        let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(file))
        XCTAssertEqual(bundle.layers[1].fusedParts, ["[CONVOLUTION]-[aten_ops.convolution.default]-[/features/0/convolution]",
                                                     "[RELU]-[aten_ops.relu.default]-[/features/1/relu]"])
        XCTAssertEqual(bundle.layers[1].onnxNodes, ["/features/0/convolution", "/features/1/relu"])
        XCTAssertEqual(bundle.layers[0].onnxNodes, [])
        XCTAssertTrue(bundle.layers[0].isReformat)
        XCTAssertEqual(bundle.bindings.map(\.name), ["x", "output0"])
        XCTAssertEqual(bundle.model.graph.inputs.first?.type.description, "tensor(float16)[1, 3, 224, 224]")   // "Row major linear FP16 format"
    }
}
