import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import TFLiteFormat

/// One test per feature of the format, on the fixtures of scripts/make-tflite-fixtures.py.
/// Expected values are the ones the generator wrote (Fixtures/models/README.md).
final class FeatureTests: XCTestCase {
    static let models = Repo.path("Tests/TFLiteFormatTests/Fixtures/models")

    func load(_ name: String) throws -> Model {
        return try TFLiteLoader.load(path: Self.models + "/" + name)
    }

    func initializer(_ model: Model, _ name: String, graph: Int = 0, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        try XCTUnwrap(model.allGraphs[graph].initializers.first { $0.name == name }, "initializer \(name)", file: file, line: line).tensor
    }

    func value(_ model: Model, _ name: String, graph: Int = 0, file: StaticString = #filePath, line: UInt = #line) throws -> ValueInfo {
        try XCTUnwrap(model.allGraphs[graph].valueInfo.first { $0.name == name }, "value \(name)", file: file, line: line)
    }

    func string(_ value: AttributeValue?) -> String? {
        if case .string(let bytes)? = value { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    func int(_ value: AttributeValue?) -> Int64? {
        if case .int(let i)? = value { return i }
        return nil
    }

    // MARK: Options

    func testConvolutionOptionsAreAttributesNamedLikeTheSchema() throws {
        let model = try load("float_conv.tflite")
        XCTAssertEqual(model.format, .tflite)
        XCTAssertEqual(model.irVersion, 3)
        XCTAssertEqual(model.producerName, "Lockstep fixture float_conv: CONV_2D -> DEPTHWISE_CONV_2D -> FULLY_CONNECTED -> SOFTMAX")
        XCTAssertEqual(model.graph.name, "main")
        XCTAssertEqual(model.graph.nodes.map(\.op.name), ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"])
        XCTAssertEqual(model.graph.nodes.map(\.op.domain), ["", "", "", ""])
        XCTAssertEqual(model.graph.nodes.map(\.op.version), [1, 2, 1, 1])

        let conv = model.graph.nodes[0]
        XCTAssertEqual(conv.attributes.map(\.name), ["padding", "stride_w", "stride_h", "fused_activation_function",
                                                     "dilation_w_factor", "dilation_h_factor", "quantized_bias_type"])
        XCTAssertEqual(string(conv.attribute("padding")), "SAME", "padding SAME is the default: not stored, read from the schema")
        XCTAssertEqual(int(conv.attribute("stride_w")), 2)
        XCTAssertEqual(int(conv.attribute("stride_h")), 2)
        XCTAssertEqual(string(conv.attribute("fused_activation_function")), "RELU6")
        XCTAssertEqual(int(conv.attribute("dilation_w_factor")), 1, "schema default 1")
        XCTAssertEqual(int(conv.attribute("dilation_h_factor")), 1)
        XCTAssertEqual(string(conv.attribute("quantized_bias_type")), "FLOAT32")
        XCTAssertEqual(conv.inputs, ["input", "conv/filter", "conv/bias"])
        XCTAssertEqual(conv.outputs, ["conv/out"])
        XCTAssertEqual(conv.origin, Origin(format: .tflite, graphPath: ["main"], nodeIndex: 0, name: ""))

        let depthwise = model.graph.nodes[1]
        XCTAssertEqual(string(depthwise.attribute("padding")), "VALID")
        XCTAssertEqual(int(depthwise.attribute("depth_multiplier")), 2)
        XCTAssertEqual(string(depthwise.attribute("fused_activation_function")), "NONE")
        XCTAssertEqual(int(depthwise.attribute("dilation_h_factor")), 1)

        let fullyConnected = model.graph.nodes[2]
        XCTAssertEqual(string(fullyConnected.attribute("weights_format")), "DEFAULT")
        XCTAssertEqual(int(fullyConnected.attribute("keep_num_dims")), 0)
        guard case .float(let beta)? = model.graph.nodes[3].attribute("beta") else { return XCTFail("SOFTMAX beta") }
        XCTAssertEqual(beta, 1.0)

        let filter = try initializer(model, "conv/filter")
        XCTAssertEqual(filter.dtype, .float32)
        XCTAssertEqual(filter.shape, [4, 3, 3, 3])
        XCTAssertTrue(filter.storage.isView, "weights view the mapped file")
        XCTAssertEqual(Array(try filter.floatValues().prefix(8)), [0.0, 0.0, 0.25, 0.4375, -0.4375, -0.3125, 0.3125, 0.4375])
        XCTAssertEqual(try initializer(model, "conv/bias").floatValues(), [-0.125, -0.3125, 0.0, -0.375])
        XCTAssertEqual(model.graph.initializers.count, 6)
        XCTAssertEqual(model.graph.valueInfo.count, 11)
    }

    func testCodesNeedTheLargerOfTheTwoCodeFields() throws {
        let model = try load("deprecated_code.tflite")
        XCTAssertEqual(model.graph.nodes.map(\.op.name), ["RELU", "GELU", "ADD"])
        XCTAssertEqual(model.graph.nodes.map(\.op.version), [1, 1, 2])
        XCTAssertEqual(int(model.graph.nodes[1].attribute("approximate")), 0)
        XCTAssertEqual(string(model.graph.nodes[2].attribute("fused_activation_function")), "NONE")
        XCTAssertEqual(int(model.graph.nodes[2].attribute("pot_scale_int16")), 1, "schema default true")
        XCTAssertTrue(model.graph.nodes[0].attributes.isEmpty, "RELU has no options")
    }

    // MARK: Quantisation

    func testPerChannelQuantisationKeepsAxisAndScales() throws {
        let model = try load("int8_per_channel.tflite")
        let filter = try initializer(model, "conv/filter")
        XCTAssertEqual(filter.dtype, .int8)
        XCTAssertEqual(filter.shape, [3, 3, 3, 2])
        XCTAssertEqual(Array(try filter.scalars(as: Int8.self).prefix(8)), [79, -106, -82, -67, -81, 77, 94, 21])
        let expected = QuantizationParameters(scales: [0.00390625, 0.0078125, 0.015625], zeroPoints: [0, 0, 0], axis: 0)
        XCTAssertEqual(filter.quantization, expected)
        XCTAssertEqual(filter.quantization?.granularity, .perAxis)
        XCTAssertEqual(try value(model, "conv/filter").quantization, expected, "the value carries it too")
        let bias = try initializer(model, "conv/bias")
        XCTAssertEqual(bias.dtype, .int32)
        XCTAssertEqual(try bias.scalars(as: Int32.self), [-310, 273, -26])
        XCTAssertEqual(bias.quantization?.scales, [0.000244140625, 0.00048828125, 0.0009765625])
        XCTAssertEqual(bias.quantization?.axis, 0)
        XCTAssertEqual(try value(model, "input").quantization, QuantizationParameters(scales: [0.0625], zeroPoints: [1]))
        XCTAssertEqual(try value(model, "output").quantization, QuantizationParameters(scales: [0.125], zeroPoints: [-128]))
        XCTAssertEqual(string(model.graph.nodes[0].attribute("fused_activation_function")), "RELU")
    }

    func testPerTensorQuantisationHasNoAxis() throws {
        let model = try load("int8_per_tensor.tflite")
        XCTAssertEqual(model.graph.nodes.map(\.op.name), ["QUANTIZE", "CONV_2D", "DEQUANTIZE"])
        let filter = try initializer(model, "conv/filter")
        XCTAssertEqual(filter.quantization, QuantizationParameters(scales: [0.0078125], zeroPoints: [0]))
        XCTAssertEqual(filter.quantization?.granularity, .perTensor)
        XCTAssertEqual(try value(model, "input_int8").quantization, QuantizationParameters(scales: [0.0625], zeroPoints: [-3]))
        XCTAssertNil(try value(model, "input").quantization)
        XCTAssertEqual(try initializer(model, "conv/bias").scalars(as: Int32.self), [996, -270, 714])
    }

    func testInt16ActivationsWithInt64Bias() throws {
        let model = try load("int16_activations.tflite")
        guard case .tensor(.int16?, let shape?) = model.graph.inputs[0].type else { return XCTFail("int16 input") }
        XCTAssertEqual(shape, [1, 8])
        XCTAssertEqual(model.graph.inputs[0].quantization, QuantizationParameters(scales: [0.0009765625], zeroPoints: [0]))
        guard case .tensor(.int16?, _) = model.graph.outputs[0].type else { return XCTFail("int16 output") }
        XCTAssertEqual(model.graph.outputs[0].quantization?.scales, [0.00390625])
        let bias = try initializer(model, "fc/bias")
        XCTAssertEqual(bias.dtype, .int64)
        XCTAssertEqual(try bias.scalars(as: Int64.self), [46534, 93786, 14698, 85805])
        XCTAssertEqual(bias.quantization?.scales, [7.62939453125e-06])
        XCTAssertEqual(model.graph.nodes[0].op.version, 7)
    }

    func testFloat16Constants() throws {
        let model = try load("float16_weights.tflite")
        let filter = try initializer(model, "conv/filter_fp16")
        XCTAssertEqual(filter.dtype, .float16)
        XCTAssertEqual(filter.shape, [3, 3, 3, 2])
        XCTAssertEqual(Array(try filter.floatValues().prefix(4)), [-0.15625, 0.71875, 0.90625, -0.40625])
        XCTAssertEqual(try initializer(model, "conv/bias_fp16").floatValues(), [0.15625, 0.09375, -0.84375])
        XCTAssertEqual(model.graph.initializers.count, 2, "the DEQUANTIZE outputs are not constants")
    }

    // MARK: Custom ops

    func testCustomOpKeepsItsNameAndOptionBytes() throws {
        let model = try load("custom_op.tflite")
        XCTAssertEqual(model.graph.nodes.map(\.op.qualifiedName), ["RELU", "custom::MyCustomOp", "TANH"])
        let custom = model.graph.nodes[1]
        XCTAssertEqual(custom.op, OpIdentifier(domain: "custom", name: "MyCustomOp", version: 1))
        XCTAssertEqual(custom.attributes.map(\.name), ["custom_options", "custom_options_format"])
        let hex = "616c7068610061786973006d6f6465000466617374000317120e00000500000001000000030000000000003fffffffff1f0000000e06140f2601"
        guard case .string(let bytes)? = custom.attribute("custom_options") else { return XCTFail("custom_options") }
        XCTAssertEqual(bytes.map { String(format: "%02x", $0) }.joined(), hex)
        XCTAssertEqual(bytes.count, 58)
        XCTAssertEqual(string(custom.attribute("custom_options_format")), "FLEXBUFFERS")
        XCTAssertEqual(custom.inputs, ["relu/out"])
        XCTAssertEqual(custom.outputs, ["custom/out"])
    }

    // MARK: Subgraphs

    func testWhileAndIfIndexTheModelsGraphs() throws {
        let model = try load("control_flow.tflite")
        XCTAssertEqual(model.allGraphs.map(\.name), ["main", "while_cond", "while_body", "if_then", "if_else"])
        XCTAssertEqual(model.subgraphs.count, 4)
        let (whileNode, ifNode) = (model.graph.nodes[0], model.graph.nodes[1])
        XCTAssertEqual(whileNode.op.name, "WHILE")
        XCTAssertEqual(int(whileNode.attribute("cond_subgraph_index")), 1)
        XCTAssertEqual(int(whileNode.attribute("body_subgraph_index")), 2)
        XCTAssertEqual(ifNode.op.name, "IF")
        XCTAssertEqual(int(ifNode.attribute("then_subgraph_index")), 3)
        XCTAssertEqual(int(ifNode.attribute("else_subgraph_index")), 4)
        XCTAssertEqual(model.allGraphs[Int(int(whileNode.attribute("body_subgraph_index")) ?? 0)].nodes.map(\.op.name), ["ADD", "ADD"])
        XCTAssertEqual(whileNode.inputs, ["i0", "x"])
        XCTAssertEqual(whileNode.outputs, ["while/i", "while/acc"])
        XCTAssertEqual(model.graph.inputs.map(\.name), ["x", "flag"])
        XCTAssertEqual(model.graph.outputs.map(\.name), ["y", "while/i"])
        guard case .tensor(.bool?, let flagShape?) = model.graph.inputs[1].type else { return XCTFail("flag") }
        XCTAssertEqual(flagShape, Shape([]), "a scalar")
        let i0 = try initializer(model, "i0")
        XCTAssertEqual(i0.shape, [])
        XCTAssertEqual(try i0.scalars(as: Int32.self), [0])
        XCTAssertEqual(try initializer(model, "limit", graph: 1).scalars(as: Int32.self), [5])
        let body = model.allGraphs[2]
        XCTAssertEqual(body.nodes[1].origin, Origin(format: .tflite, graphPath: ["while_body"], nodeIndex: 1, name: ""))
        XCTAssertEqual(body.nodes[1].inputs, ["acc", "acc"])
        XCTAssertEqual(model.allGraphs.map(\.nodes.count).reduce(0, +), 7)
    }

    // MARK: Sparse tensors

    func testSparseTensorsKeepStoredValuesAndTheirLayout() throws {
        let model = try load("sparse.tflite")
        let blocked = try value(model, "fc1/weights")
        // Dimension metadata: int32 segments with uint8 indices here, uint16 / int32 below (README).
        XCTAssertEqual(blocked.sparsity, SparsityParameters(
            traversalOrder: [0, 1, 2], blockMap: [1], dimensionFormats: ["DENSE", "SPARSE_CSR", "DENSE"],
            dimensions: [SparseDimension(denseSize: 8),
                         SparseDimension(denseSize: 0, segments: [0, 0, 2, 5, 8, 10, 13, 14, 16],
                                         indices: [0, 2, 0, 1, 3, 0, 1, 2, 1, 2, 0, 1, 2, 3, 1, 3]),
                         SparseDimension(denseSize: 4)]))
        guard case .tensor(.float32?, let denseShape?) = blocked.type else { return XCTFail("fc1/weights type") }
        XCTAssertEqual(denseShape, [8, 16], "the value keeps the dense shape")
        let stored = try initializer(model, "fc1/weights")
        XCTAssertEqual(stored.shape, [64], "the 64 values of the 16 non-zero 1x4 blocks")
        XCTAssertEqual(Array(try stored.floatValues().prefix(8)), [-0.375, 0.25, -0.375, 0.0, 0.1875, -0.25, 0.4375, -0.0625])

        let csr = try value(model, "fc2/weights_sparse")
        XCTAssertEqual(csr.sparsity, SparsityParameters(
            traversalOrder: [0, 1], blockMap: [], dimensionFormats: ["DENSE", "SPARSE_CSR"],
            dimensions: [SparseDimension(denseSize: 4),
                         SparseDimension(denseSize: 0, segments: [0, 4, 6, 8, 11], indices: [0, 3, 5, 6, 0, 6, 2, 7, 0, 3, 5])]))
        XCTAssertEqual(try initializer(model, "fc2/weights_sparse").floatValues(),
                       [-0.0625, 0.125, -0.0625, -0.375, -0.0625, -0.1875, 0.375, 0.375, 0.4375, 0.4375, -0.4375])
        XCTAssertNil(try value(model, "fc2/weights").sparsity)
        XCTAssertEqual(model.graph.nodes.map(\.op.name), ["DENSIFY", "FULLY_CONNECTED", "FULLY_CONNECTED"])
        XCTAssertEqual(model.graph.nodes.map(\.op.version), [1, 8, 1])
        XCTAssertEqual(model.graph.nodes[2].inputs, ["fc1/out", "fc2/weights", ""], "an omitted optional input is an empty name")
    }

    // MARK: Buffers

    func testBufferStoredByOffsetIsAZeroCopyViewOfTheFile() throws {
        let path = Self.models + "/buffer_offset.tflite"
        let model = try load("buffer_offset.tflite")
        let weights = try initializer(model, "fc/weights")
        XCTAssertEqual(weights.shape, [3, 4])
        XCTAssertTrue(weights.storage.isView)
        XCTAssertEqual(try weights.floatValues(),
                       [0.1875, -0.1875, -0.25, 0.4375, -0.3125, -0.1875, 0.125, 0.25, 0.125, 0.375, -0.4375, -0.125])
        XCTAssertEqual(try initializer(model, "fc/bias").floatValues(), [0.0625, -0.0625, -0.125])
        // The view's bytes are the file's bytes at Buffer.offset (592), not a copy of them.
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Array(weights.storage.bytes), Array(file[592..<640]))

        // From memory the same model loads with copies.
        let copied = try file.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "memory") }
        let copy = try initializer(copied, "fc/weights")
        XCTAssertFalse(copy.storage.isView)
        XCTAssertEqual(try copy.floatValues(), try weights.floatValues())
    }

    /// A model over 2 GB (as the converter writes them: the flatbuffer, then the buffers past it):
    /// buffer_offset.tflite with its two buffers moved beyond 2^31 in a sparse file.
    func testModelOverTwoGigabytesReadsBuffersPastTheFlatbuffer() throws {
        _ = try load("buffer_offset.tflite")  // skips when the fixtures are not generated
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.models + "/buffer_offset.tflite")))
        let flatbufferEnd = 592  // where the fixture's first buffer starts (README.md)
        var prefix = Array(original[..<flatbufferEnd])
        let far = 1 << 31
        // Buffer.offset is a uint64 stored once in the flatbuffer for each buffer: 592 and 640.
        for (old, new) in [(592, far + 64), (640, far + 128)] {
            let pattern = withUnsafeBytes(of: UInt64(old).littleEndian) { Array($0) }
            let hits = stride(from: 0, to: flatbufferEnd - 8, by: 8).filter { Array(prefix[$0..<$0 + 8]) == pattern }
            guard hits.count == 1, let at = hits.first else { return XCTFail("offset \(old) found \(hits.count) times") }
            prefix.replaceSubrange(at..<at + 8, with: withUnsafeBytes(of: UInt64(new).littleEndian) { Array($0) })
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-large-\(getpid()).tflite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: Data(prefix)), let handle = FileHandle(forWritingAtPath: path) else {
            throw XCTSkip("cannot write \(path)")
        }
        try handle.seek(toOffset: UInt64(far + 64))
        try handle.write(contentsOf: Data(original[592..<640]))
        try handle.seek(toOffset: UInt64(far + 128))
        try handle.write(contentsOf: Data(original[640..<652]))
        try handle.close()  // a sparse file: about 4 KB on disk

        let model = try TFLiteLoader.load(path: path)
        let weights = try initializer(model, "fc/weights")
        XCTAssertTrue(weights.storage.isView)
        XCTAssertEqual(try weights.floatValues(),
                       [0.1875, -0.1875, -0.25, 0.4375, -0.3125, -0.1875, 0.125, 0.25, 0.125, 0.375, -0.4375, -0.125])
        XCTAssertEqual(try initializer(model, "fc/bias").floatValues(), [0.0625, -0.0625, -0.125])

        // Cut the file so the last buffer runs past its end: refused with the reason.
        XCTAssertEqual(truncate(path, off_t(far + 130)), 0)
        XCTAssertThrowsError(try TFLiteLoader.load(path: path)) { error in
            XCTAssertTrue(error.localizedDescription.contains("buffer 2 of 12 bytes at offset \(far + 128) lies past the end of the file"),
                          error.localizedDescription)
        }
    }

    func testMappedFileIsSharedByAllConstants() throws {
        let model = try load("float_conv.tflite")
        let bases = model.graph.initializers.compactMap { $0.tensor.storage.bytes.baseAddress }
        XCTAssertEqual(bases.count, 6)
        // All views point into one mapping: their addresses lie within the file's size of each other.
        let lowest = try XCTUnwrap(bases.min()), highest = try XCTUnwrap(bases.max())
        XCTAssertLessThan(highest - lowest, 3392)
    }

    // MARK: Signatures and metadata

    func testSignaturesMetadataAndDynamicShapes() throws {
        let model = try load("signatures_metadata.tflite")
        XCTAssertEqual(model.signatures, [Signature(
            key: "serving_default", graphIndex: 0,
            inputs: [MetadataEntry(key: "x", value: "serving_default_x:0")],
            outputs: [MetadataEntry(key: "y", value: "StatefulPartitionedCall:0")])])
        XCTAssertEqual(model.metadata, [MetadataEntry(key: "min_runtime_version", value: "1.14.0"),
                                        MetadataEntry(key: "lockstep_fixture", value: "signatures_metadata v1")])
        guard case .tensor(.float32?, let shape?) = model.graph.inputs[0].type else { return XCTFail("input type") }
        XCTAssertEqual(shape, Shape([.unknown, .fixed(4)]), "shape_signature [-1, 4] wins over shape [1, 4]")
        XCTAssertEqual(try initializer(model, "add/y").floatValues(), [0.5, -1.0, 2.0, 0.25])
    }

    // MARK: Pure helpers

    func testValueNamesAreUniqueInASubgraph() {
        XCTAssertEqual(Converter.valueNames(["a", "b", "a", "", "c"]), ["a#0", "b", "a#2", "tensor#3", "c"])
        XCTAssertEqual(Converter.valueNames([]), [])
    }

    func testStringBuffers() throws {
        func buffer(_ strings: [String]) -> [UInt8] {
            var offsets: [Int32] = []
            var offset = Int32(4 * (strings.count + 2))
            for s in strings { offsets.append(offset); offset += Int32(s.utf8.count) }
            offsets.append(offset)
            var out = withUnsafeBytes(of: Int32(strings.count).littleEndian) { Array($0) }
            for o in offsets { out += withUnsafeBytes(of: o.littleEndian) { Array($0) } }
            for s in strings { out += Array(s.utf8) }
            return out
        }
        let good = buffer(["hello", "", "wörld"])
        XCTAssertEqual(good.withUnsafeBytes { Converter.decodeStrings($0) }, [Array("hello".utf8), [], Array("wörld".utf8)])
        XCTAssertEqual(buffer([]).withUnsafeBytes { Converter.decodeStrings($0) }, [])
        var pastEnd = good
        pastEnd[8] = 0xff  // second offset far past the end
        XCTAssertNil(pastEnd.withUnsafeBytes { Converter.decodeStrings($0) })
        var hugeCount = good
        hugeCount[3] = 0x7f
        XCTAssertNil(hugeCount.withUnsafeBytes { Converter.decodeStrings($0) })
        XCTAssertNil([UInt8(1), 0].withUnsafeBytes { Converter.decodeStrings($0) })
    }

    func testMetadataText() {
        XCTAssertEqual(Array("1.14.0\0\0\0".utf8).withUnsafeBytes { Converter.printable($0) }, "1.14.0")
        XCTAssertNil([UInt8](arrayLiteral: 0x1c, 0x00, 0x00, 0x00, 0x4d).withUnsafeBytes { Converter.printable($0) })
        XCTAssertNil([UInt8](arrayLiteral: 0x61, 0xff).withUnsafeBytes { Converter.printable($0) }, "invalid UTF-8")
    }

    func testSchemaNamesComeFromTheEmbeddedBinarySchema() {
        XCTAssertEqual(FlatModel.builtinName(0), "ADD")
        XCTAssertEqual(FlatModel.builtinName(3), "CONV_2D")
        XCTAssertEqual(FlatModel.builtinName(32), "CUSTOM")
        XCTAssertEqual(FlatModel.builtinName(127), "PLACEHOLDER_FOR_GREATER_OP_CODES")
        XCTAssertEqual(FlatModel.builtinName(150), "GELU")
        XCTAssertEqual(FlatModel.builtinName(209), "STABLEHLO_CASE")
        XCTAssertNil(FlatModel.builtinName(210))
        XCTAssertNil(FlatModel.builtinName(-1))
        XCTAssertEqual(FlatModel.tensorTypeName(9), "INT8")
        XCTAssertEqual(FlatModel.tensorTypeName(22), "FLOAT8_E5M2")
        XCTAssertEqual(TFLiteElementType(code: 13), .opaque("resource"))
        XCTAssertEqual(TFLiteElementType(code: 17), .dtype(.int4))
        XCTAssertEqual(TFLiteElementType(code: 99), .unknown(99))
        // Every code the schema names has a meaning in the IR, and no other code does.
        for code in Int8(0)...Int8(40) {
            let named = FlatModel.tensorTypeName(code) != nil
            let known = TFLiteElementType(code: code) != .unknown(code)
            XCTAssertEqual(named, known, "TensorType \(code)")
        }
    }
}
