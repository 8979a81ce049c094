import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Compatibility

/// Small TFLite graphs built in code: every tensor declared, as a .tflite file declares them.
struct TFLiteGraphBuilder {
    var nodes: [Node] = []
    var values: [ValueInfo] = []
    var inputs: [ValueInfo] = []
    var initializers: [Initializer] = []

    static let q8 = QuantizationParameters(scales: [0.1], zeroPoints: [0])

    /// A graph input (`input: true`) or an intermediate tensor.
    mutating func tensor(_ name: String, _ t: DType, _ shape: Shape, quantized: Bool = false, input: Bool = false) {
        let info = ValueInfo(name: name, type: .tensor(elementType: t, shape: shape), quantization: quantized ? Self.q8 : nil)
        if input { inputs.append(info) } else { values.append(info) }
    }

    /// A constant buffer of zeros (int32 / float32 / float16 / int8 / uint8).
    mutating func constant(_ name: String, _ t: DType, _ shape: [Int], quantized: Bool = false) {
        let n = shape.reduce(1, *)
        let tensor: Tensor
        switch t {
        case .int32: tensor = try! Tensor(dtype: t, shape: shape, values: [Int32](repeating: 0, count: n))
        case .float16: tensor = try! Tensor(dtype: t, shape: shape, values: [UInt16](repeating: 0, count: n))
        case .int8, .uint8: tensor = try! Tensor(dtype: t, shape: shape, values: [UInt8](repeating: 0, count: n))
        default: tensor = try! Tensor(dtype: .float32, shape: shape, values: [Float](repeating: 0, count: n))
        }
        initializers.append(Initializer(name: name, tensor: tensor))
        values.append(ValueInfo(name: name, type: .tensor(elementType: t, shape: Shape(fixed: shape)), quantization: quantized ? Self.q8 : nil))
    }

    mutating func node(_ op: String, _ ins: [String], _ outs: [String], version: Int = 1, _ attributes: [String: AttributeValue] = [:]) {
        nodes.append(Node(name: "", op: OpIdentifier(name: op, version: version), inputs: ins, outputs: outs,
                          attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                          origin: Origin(format: .tflite, graphPath: ["main"], nodeIndex: nodes.count, name: "")))
    }

    func model() -> Model {
        let produced = Set(nodes.flatMap(\.outputs))
        let consumed = Set(nodes.flatMap(\.inputs))
        let outputs = values.filter { produced.contains($0.name) && !consumed.contains($0.name) }
        return Model(format: .tflite, path: "test.tflite",
                     graph: Graph(name: "main", nodes: nodes, inputs: inputs, outputs: outputs, valueInfo: values, initializers: initializers))
    }
}

/// The NNAPI and Edge TPU data under opsets/tflite give the verdicts their sources describe:
/// what changes between NNAPI feature levels, float16 weights, and the Edge TPU's limits and
/// single partition. A change to the data that breaks one of these facts fails here.
final class TFLiteTargetDataTests: XCTestCase {
    func with(_ build: (inout TFLiteGraphBuilder) -> Void) -> Model {
        var b = TFLiteGraphBuilder()
        build(&b)
        return b.model()
    }

    /// float32 [1, 8, 8, 3] input x.
    func float(_ build: (inout TFLiteGraphBuilder) -> Void) -> Model {
        with { b in
            b.tensor("x", .float32, [1, 8, 8, 3], input: true)
            build(&b)
        }
    }

    /// 8-bit quantised input x of `shape`.
    func quantized(_ shape: Shape, _ build: (inout TFLiteGraphBuilder) -> Void) -> Model {
        with { b in
            b.tensor("x", .uint8, shape, quantized: true, input: true)
            build(&b)
        }
    }

    func testNodeVerdicts() throws {
        let resize = float { b in
            b.constant("size", .int32, [2]); b.tensor("y", .float32, [1, 16, 16, 3])
            b.node("RESIZE_BILINEAR", ["x", "size"], ["y"], version: 3, ["align_corners": .int(0), "half_pixel_centers": .int(1)])
        }
        let batchMatmul = with { b in
            b.tensor("a", .float32, [2, 3, 4], input: true); b.tensor("b", .float32, [2, 4, 5], input: true); b.tensor("y", .float32, [2, 3, 5])
            b.node("BATCH_MATMUL", ["a", "b"], ["y"])
        }
        let add5 = with { b in
            b.tensor("a", .float32, [1, 1, 1, 2, 3], input: true); b.tensor("y", .float32, [1, 1, 1, 2, 3])
            b.node("ADD", ["a", "a"], ["y"])
        }
        // float16 weights: DEQUANTIZE of a constant, or of a computed tensor (as after DENSIFY).
        let fp16Constant = float { b in
            b.constant("w16", .float16, [3]); b.tensor("w", .float32, [3]); b.tensor("y", .float32, [1, 8, 8, 3])
            b.node("DEQUANTIZE", ["w16"], ["w"], version: 3); b.node("ADD", ["x", "w"], ["y"])
        }
        let fp16Computed = float { b in
            b.tensor("h", .float16, [3], input: true); b.tensor("w", .float32, [3]); b.tensor("y", .float32, [1, 8, 8, 3])
            b.node("DEQUANTIZE", ["h"], ["w"], version: 3); b.node("ADD", ["x", "w"], ["y"])
        }
        // A float16-weight convolution as the converter writes it: weights and bias through DEQUANTIZE.
        let fp16Conv = float { b in
            b.constant("w16", .float16, [3, 1, 1, 3]); b.constant("b16", .float16, [3])
            b.tensor("w", .float32, [3, 1, 1, 3]); b.tensor("bias", .float32, [3]); b.tensor("y", .float32, [1, 8, 8, 3])
            b.node("DEQUANTIZE", ["w16"], ["w"], version: 3); b.node("DEQUANTIZE", ["b16"], ["bias"], version: 3)
            b.node("CONV_2D", ["x", "w", "bias"], ["y"], ["padding": .string(Array("SAME".utf8)), "stride_w": .int(1), "stride_h": .int(1),
                                                          "dilation_w_factor": .int(1), "dilation_h_factor": .int(1),
                                                          "fused_activation_function": .string(Array("NONE".utf8))])
        }
        let splitV = float { b in
            b.constant("sizes", .int32, [2]); b.constant("axis", .int32, [])
            b.tensor("y0", .float32, [1, 8, 8, 1]); b.tensor("y1", .float32, [1, 8, 8, 2])
            b.node("SPLIT_V", ["x", "sizes", "axis"], ["y0", "y1"], ["num_splits": .int(2)])
        }
        let argMax64 = float { b in
            b.constant("axis", .int32, [1]); b.tensor("i", .int64, [1, 8, 8])
            b.node("ARG_MAX", ["x", "axis"], ["i"], ["output_type": .string(Array("INT64".utf8))])
        }
        let addInt16 = with { b in
            b.tensor("a", .int16, [1, 4], quantized: true, input: true); b.tensor("y", .int16, [1, 4], quantized: true)
            b.node("ADD", ["a", "a"], ["y"], version: 3)
        }
        let softmax = { (n: Int) in
            self.quantized(Shape(fixed: [1, n])) { b in
                b.tensor("y", .uint8, Shape(fixed: [1, n]), quantized: true)
                b.node("SOFTMAX", ["x"], ["y"], ["beta": .float(1)])
            }
        }
        let stridedSlice = { (ellipsis: Int64) in
            self.quantized([1, 8, 8]) { b in
                b.constant("begin", .int32, [3]); b.constant("end", .int32, [3]); b.constant("strides", .int32, [3])
                b.tensor("y", .uint8, [1, 4, 8], quantized: true)
                b.node("STRIDED_SLICE", ["x", "begin", "end", "strides"], ["y"], ["ellipsis_mask": .int(ellipsis), "new_axis_mask": .int(0)])
            }
        }
        let split = { (t: DType, quantised: Bool) in
            self.with { b in
                b.constant("axis", .int32, []); b.tensor("v", t, [1, 8, 4], quantized: quantised, input: true)
                b.tensor("y0", t, [1, 8, 2], quantized: quantised); b.tensor("y1", t, [1, 8, 2], quantized: quantised)
                b.node("SPLIT", ["axis", "v"], ["y0", "y1"], ["num_splits": .int(2)])
            }
        }
        // (case, model, target, node, verdict, fragment of the reason)
        let cases: [(String, Model, String, Int, Verdict, String)] = [
            ("half-pixel resize from API 30", resize, "tflite-nnapi", 0, .supported, "supports RESIZE_BILINEAR"),
            ("half-pixel resize not at API 29", resize, "tflite-nnapi-api29", 0, .fallback, "half_pixel_centers needs NNAPI 1.3"),
            ("BATCH_MATMUL needs feature level 6", batchMatmul, "tflite-nnapi", 0, .fallback, "only from NNAPI feature level 6"),
            ("BATCH_MATMUL at feature level 7", batchMatmul, "tflite-nnapi-fl7", 0, .supported, "supports BATCH_MATMUL"),
            ("ADD of rank 5", add5, "tflite-nnapi", 0, .fallback, "rank 4 or less"),
            ("int16 ADD is op version 3", addInt16, "tflite-nnapi", 0, .fallback, "not among the supported versions"),
            ("constant float16 DEQUANTIZE folded at API 29", fp16Constant, "tflite-nnapi-api29", 0, .supported, "supports DEQUANTIZE"),
            ("its consumer at API 29", fp16Constant, "tflite-nnapi-api29", 1, .supported, "supports ADD"),
            ("computed float16 DEQUANTIZE not at API 29", fp16Computed, "tflite-nnapi-api29", 0, .fallback, "is not constant"),
            ("computed float16 DEQUANTIZE from API 30", fp16Computed, "tflite-nnapi", 0, .supported, "supports DEQUANTIZE"),
            ("GPU: float16 bias through DEQUANTIZE counts as constant", fp16Conv, "tflite-gpu", 2, .supported, "supports CONV_2D"),
            ("GPU: the float16 DEQUANTIZE itself", fp16Conv, "tflite-gpu", 1, .supported, "supports DEQUANTIZE"),
            ("SPLIT_V from API 30", splitV, "tflite-nnapi", 0, .supported, "supports SPLIT_V"),
            ("SPLIT_V not at API 29", splitV, "tflite-nnapi-api29", 0, .fallback, "only from NNAPI API 30"),
            ("ARG_MAX writes int32 only", argMax64, "tflite-nnapi", 0, .fallback, "int32 indices only"),
            ("Edge TPU softmax within 16,000 elements", softmax(1001), "tflite-edgetpu", 0, .supported, "supports SOFTMAX"),
            ("Edge TPU softmax above 16,000 elements", softmax(20000), "tflite-edgetpu", 0, .fallback, "at most 16,000 elements"),
            ("Edge TPU strided slice", stridedSlice(0), "tflite-edgetpu", 0, .supported, "supports STRIDED_SLICE"),
            ("Edge TPU strided slice with an ellipsis", stridedSlice(1), "tflite-edgetpu", 0, .fallback, "no ellipsis mask"),
            ("Edge TPU split of a quantised value (input 1)", split(.uint8, true), "tflite-edgetpu", 0, .supported, "supports SPLIT"),
            ("Edge TPU split of a float value", split(.float32, false), "tflite-edgetpu", 0, .fallback, "8-bit quantised"),
        ]
        let catalog = try TargetCatalog.load(directory: Repo.path("opsets"))
        let analyzer = CompatibilityAnalyzer(catalog: catalog)
        for (id, model, target, index, verdict, fragment) in cases {
            let v = try analyzer.analyze(model, target: target).nodes[index]
            XCTAssertEqual(v.verdict, verdict, "\(id): \(v.reason)")
            XCTAssertTrue(v.reason.contains(fragment), "\(id): '\(v.reason)' lacks '\(fragment)'")
        }
    }

    /// The Edge TPU compiler maps one partition: after the first op it cannot map, everything runs on the CPU.
    func testEdgeTPUStopsAtTheFirstUnmappedOp() throws {
        let model = quantized([1, 8, 8]) { b in
            for name in ["a", "b", "c"] { b.tensor(name, .uint8, [1, 8, 8], quantized: true) }
            b.constant("perm", .int32, [3])
            b.node("RELU", ["x"], ["a"])
            b.node("TRANSPOSE", ["a", "perm"], ["b"])   // not in the table
            b.node("RELU", ["b"], ["c"])                // supported on its own, but after the first unmapped op
        }
        let report = try CompatibilityAnalyzer(catalog: try TargetCatalog.load(directory: Repo.path("opsets"))).analyze(model, target: "tflite-edgetpu")
        XCTAssertEqual(report.nodes.map(\.verdict), [.supported, .fallback, .fallback], report.nodes.map(\.reason).joined(separator: "\n"))
        XCTAssertEqual(report.partitions.count, 1)
    }

    /// The NNAPI delegate keeps at most 3 partitions (max_number_delegated_partitions).
    func testNNAPIKeepsThreePartitions() throws {
        let model = float { b in
            var last = "x"
            for i in 0..<4 {
                b.tensor("r\(i)", .float32, [1, 8, 8, 3]); b.tensor("f\(i)", .float32, [1, 8, 8, 3])
                b.node("RELU", [last], ["r\(i)"])
                b.node("FLOOR_MOD", ["r\(i)", "r\(i)"], ["f\(i)"])   // not mapped by the delegate: splits the graph
                last = "f\(i)"
            }
        }
        let report = try CompatibilityAnalyzer(catalog: try TargetCatalog.load(directory: Repo.path("opsets"))).analyze(model, target: "tflite-nnapi")
        XCTAssertEqual(report.partitions.count, 3, report.summary)
        XCTAssertEqual(report.nodes.filter { $0.verdict == .supported }.count, 3, report.summary)
    }
}
