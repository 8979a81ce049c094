import LockstepCore
import XCTest

@testable import Interpreter

/// Runs one TFLite builtin on a one-node TFLite graph (inputs untyped, outputs typed when given).
func runTFLiteNode(_ op: String, version: Int = 1, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:],
                   outputs: Int = 1, outputTypes: [DType?] = []) throws -> [Tensor] {
    var names: [String] = [], infos: [ValueInfo] = [], feeds: [String: Value] = [:]
    for (i, t) in inputs.enumerated() {
        guard let t else { names.append(""); continue }
        names.append("in\(i)")
        infos.append(ValueInfo(name: "in\(i)", type: .tensor(elementType: t.dtype, shape: nil)))
        feeds["in\(i)"] = .tensor(t)
    }
    let outs = (0..<outputs).map { "out\($0)" }
    let outInfos = outs.enumerated().map { ValueInfo(name: $1, type: .tensor(elementType: $0 < outputTypes.count ? outputTypes[$0] : nil, shape: nil)) }
    let node = Node(name: "", op: OpIdentifier(name: op, version: version), inputs: names, outputs: outs,
                    attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                    origin: Origin(format: .tflite, graphPath: ["main"], nodeIndex: 0, name: ""))
    let graph = Graph(name: "main", nodes: [node], inputs: infos, outputs: outInfos, valueInfo: infos + outInfos)
    let model = Model(format: .tflite, path: "t.tflite", irVersion: 3, opsetImports: [:], graph: graph)
    return try Session(model: model).run(feeds).outputs.map { try XCTUnwrap($0.value?.tensor) }
}

/// The TFLite builtins' float and data-movement semantics on small hand-computed cases (options,
/// padding, masks, NaN/Inf edge values); the LiteRT-generated cases (TFLiteOpCaseTests) and the
/// mediapipe models (TFLiteRealModelTests) check them against LiteRT itself.
final class TFLiteOpsTests: XCTestCase {
    func f(_ v: [Float], _ shape: [Int]) throws -> Tensor { try Tensor(float32: v, shape: shape) }
    func i32(_ v: [Int32], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(dtype: .int32, shape: shape ?? [v.count], values: v) }
    func s(_ text: String) -> AttributeValue { .string(Array(text.utf8)) }

    struct Case {
        var id: String
        var op: String
        var inputs: [Tensor?]
        var attributes: [String: AttributeValue] = [:]
        var shape: [Int]
        var expected: [Float]
    }

    func testFloatOpsTable() throws {
        let nan = Float.nan, big = Float.greatestFiniteMagnitude
        let x4 = try f([1, 2, 3, 4], [1, 2, 2, 1])
        let cases: [Case] = [
            Case(id: "add broadcast relu", op: "ADD", inputs: [try f([1, -2, 3, -4], [2, 2]), try f([0.5, -0.5], [2])],
                 attributes: ["fused_activation_function": s("RELU")], shape: [2, 2], expected: [1.5, 0, 3.5, 0]),
            Case(id: "add none clamps inf to the float range", op: "ADD", inputs: [try f([.infinity, -.infinity, nan], [3]), try f([0, 0, 0], [3])],
                 shape: [3], expected: [big, -big, nan]),
            Case(id: "mul relu6", op: "MUL", inputs: [try f([2, 3, -1], [3]), try f([2, 3, 5], [3])],
                 attributes: ["fused_activation_function": s("RELU6")], shape: [3], expected: [4, 6, 0]),
            Case(id: "conv same stride 2 bias relu_n1_to_1", op: "CONV_2D",
                 inputs: [try f([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), try f([1, 0, 0, -1], [1, 2, 2, 1]), try f([0.25], [1])],
                 attributes: ["padding": s("SAME"), "stride_h": .int(2), "stride_w": .int(2), "fused_activation_function": s("RELU_N1_TO_1")],
                 shape: [1, 2, 2, 1], expected: [-1, 1, 1, 1]),  // 1-5, 3, 7, 9 (end padding only), +0.25, clamp
            Case(id: "conv valid dilation 2", op: "CONV_2D",
                 inputs: [try f([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), try f([1, 1, 1, 1], [1, 2, 2, 1]), nil],
                 attributes: ["padding": s("VALID"), "dilation_h_factor": .int(2), "dilation_w_factor": .int(2)], shape: [1, 1, 1, 1], expected: [20]),
            Case(id: "depthwise multiplier 2", op: "DEPTHWISE_CONV_2D",
                 inputs: [try f([1, 10, 2, 20], [1, 1, 2, 2]), try f([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]), try f([0, 0, 0, 0.5], [4])],
                 attributes: ["padding": s("VALID"), "depth_multiplier": .int(2)], shape: [1, 1, 1, 4], expected: [1 + 10, 2 + 12, 30 + 140, 40 + 160 + 0.5]),
            Case(id: "fully connected keep_num_dims", op: "FULLY_CONNECTED",
                 inputs: [try f([1, 2, 3, 4], [2, 1, 2]), try f([1, 1, 1, -1, 0, 2], [3, 2]), try f([0, 0, 1], [3])],
                 attributes: ["keep_num_dims": .int(1)], shape: [2, 1, 3], expected: [3, -1, 5, 7, -1, 9]),
            Case(id: "max pool skips NaN", op: "MAX_POOL_2D", inputs: [try f([nan, 1, -3, 2], [1, 2, 2, 1])],
                 attributes: ["padding": s("VALID"), "filter_height": .int(2), "filter_width": .int(2)], shape: [1, 1, 1, 1], expected: [2]),
            Case(id: "average pool same counts real positions", op: "AVERAGE_POOL_2D", inputs: [x4],
                 attributes: ["padding": s("SAME"), "filter_height": .int(2), "filter_width": .int(2)], shape: [1, 2, 2, 1], expected: [2.5, 3, 3.5, 4]),
            Case(id: "softmax beta 2", op: "SOFTMAX", inputs: [try f([0, Float(log(2.0)) / 2], [1, 2])], attributes: ["beta": .float(2)],
                 shape: [1, 2], expected: [1.0 / 3, 2.0 / 3]),
            Case(id: "logistic clamps to ±100", op: "LOGISTIC", inputs: [try f([-200, 0, nan], [3])], shape: [3], expected: [1 / (1 + expf(100)), 0.5, nan]),
            Case(id: "hard swish", op: "HARD_SWISH", inputs: [try f([-4, -1, 1, 4], [4])], shape: [4], expected: [0, -1.0 * 2 / 6, 1.0 * 4 / 6, 4]),
            Case(id: "prelu broadcast", op: "PRELU", inputs: [try f([-1, 2, -3, 4], [1, 2, 2]), try f([0.5, 0.25], [2])], shape: [1, 2, 2], expected: [-0.5, 2, -1.5, 4]),
            Case(id: "leaky relu", op: "LEAKY_RELU", inputs: [try f([-2, 3], [2])], attributes: ["alpha": .float(0.5)], shape: [2], expected: [-1, 3]),
            Case(id: "mean keep dims", op: "MEAN", inputs: [x4, try i32([1, 2])], attributes: ["keep_dims": .int(1)], shape: [1, 1, 1, 1], expected: [2.5]),
            Case(id: "reduce max skips NaN", op: "REDUCE_MAX", inputs: [try f([nan, 1, 5, 2], [2, 2]), try i32([-1])], shape: [2], expected: [1, 5]),
            Case(id: "resize bilinear", op: "RESIZE_BILINEAR", inputs: [try f([0, 4], [1, 1, 2, 1]), try i32([1, 4])], shape: [1, 1, 4, 1], expected: [0, 2, 4, 4]),
            Case(id: "resize bilinear align corners", op: "RESIZE_BILINEAR", inputs: [try f([0, 3], [1, 1, 2, 1]), try i32([1, 4])],
                 attributes: ["align_corners": .int(1)], shape: [1, 1, 4, 1], expected: [0, 1, 2, 3]),
            Case(id: "resize bilinear half pixel", op: "RESIZE_BILINEAR", inputs: [try f([0, 4], [1, 1, 2, 1]), try i32([1, 4])],
                 attributes: ["half_pixel_centers": .int(1)], shape: [1, 1, 4, 1], expected: [0, 1, 3, 4]),
            Case(id: "resize nearest half pixel", op: "RESIZE_NEAREST_NEIGHBOR", inputs: [try f([1, 2, 3], [1, 1, 3, 1]), try i32([1, 2])],
                 attributes: ["half_pixel_centers": .int(1)], shape: [1, 1, 2, 1], expected: [1, 3]),
            Case(id: "transpose conv same stride 2", op: "TRANSPOSE_CONV", inputs: [try i32([1, 2, 2, 1]), try f([1, 2, 3, 4], [1, 2, 2, 1]), try f([5], [1, 1, 1, 1])],
                 attributes: ["padding": s("SAME"), "stride_h": .int(2), "stride_w": .int(2)], shape: [1, 2, 2, 1], expected: [5, 10, 15, 20]),
            Case(id: "pad", op: "PAD", inputs: [try f([1, 2], [1, 2]), try i32([0, 0, 1, 0], [2, 2])], shape: [1, 3], expected: [0, 1, 2]),
            Case(id: "padv2 constant", op: "PADV2", inputs: [try f([1], [1]), try i32([1, 2], [1, 2]), try f([9], [])], shape: [4], expected: [9, 1, 9, 9]),
            Case(id: "depth to space", op: "DEPTH_TO_SPACE", inputs: [try f([1, 2, 3, 4], [1, 1, 1, 4])], attributes: ["block_size": .int(2)],
                 shape: [1, 2, 2, 1], expected: [1, 2, 3, 4]),
            Case(id: "gather axis 1", op: "GATHER", inputs: [try f([1, 2, 3, 4, 5, 6], [2, 3]), try i32([2, 0])], attributes: ["axis": .int(1)],
                 shape: [2, 2], expected: [3, 1, 6, 4]),
            Case(id: "reshape -1", op: "RESHAPE", inputs: [x4, try i32([-1, 2])], shape: [2, 2], expected: [1, 2, 3, 4]),
            Case(id: "squeeze all", op: "SQUEEZE", inputs: [x4], shape: [2, 2], expected: [1, 2, 3, 4]),
            Case(id: "tile", op: "TILE", inputs: [try f([1, 2], [1, 2]), try i32([2, 1])], shape: [2, 2], expected: [1, 2, 1, 2]),
            Case(id: "maximum", op: "MAXIMUM", inputs: [try f([1, 5], [2]), try f([3], [1])], shape: [2], expected: [3, 5]),
            Case(id: "rsqrt", op: "RSQRT", inputs: [try f([4, 0.25], [2])], shape: [2], expected: [0.5, 2]),
        ]
        for c in cases {
            do {
                let y = try runTFLiteNode(c.op, c.inputs, c.attributes)[0]
                XCTAssertEqual(y.shape, c.shape, c.id)
                let v = try y.floatValues()
                XCTAssertEqual(v.count, c.expected.count, c.id)
                for (a, e) in zip(v, c.expected) {
                    if e.isNaN { XCTAssertTrue(a.isNaN, "\(c.id): \(v)") } else { XCTAssertEqual(a, e, accuracy: abs(e) * 1e-6, "\(c.id): \(v)") }
                }
            } catch {
                XCTFail("\(c.id): \(error.localizedDescription)")
            }
        }
    }

    func testStridedSliceMasks() throws {
        let x = try f((0..<24).map(Float.init), [2, 3, 4])
        func slice(_ b: [Int32], _ e: [Int32], _ st: [Int32], _ masks: [String: Int64]) throws -> Tensor {
            try runTFLiteNode("STRIDED_SLICE", [x, try i32(b), try i32(e), try i32(st)], masks.mapValues { .int($0) })[0]
        }
        // x[1, :, ::-2]: shrink axis 0, whole axis 1, reversed stride 2 on axis 2.
        let a = try slice([1, 0, -1], [2, 0, 0], [1, 1, -2], ["shrink_axis_mask": 1, "begin_mask": 2, "end_mask": 6])
        XCTAssertEqual(a.shape, [3, 2])
        XCTAssertEqual(try a.floatValues(), [15, 13, 19, 17, 23, 21])
        // x[..., 1] with an ellipsis, and a new axis in front: x[None, ..., 1].
        let b = try slice([0, 0, 1], [0, 0, 2], [1, 1, 1], ["new_axis_mask": 1, "ellipsis_mask": 2, "shrink_axis_mask": 4])
        XCTAssertEqual(b.shape, [1, 2, 3])
        XCTAssertEqual(try b.floatValues(), [1, 5, 9, 13, 17, 21])
        // Out-of-range bounds clamp; offset makes end relative to begin.
        let c = try slice([0, 1, 1], [5, 1, 2], [1, 1, 1], ["offset": 1])
        XCTAssertEqual(c.shape, [2, 1, 2])
        XCTAssertEqual(try c.floatValues(), [5, 6, 17, 18])
    }

    func testSplitPackUnpackCastArgMaxCompareSelect() throws {
        let parts = try runTFLiteNode("SPLIT_V", [try f([1, 2, 3, 4, 5], [5]), try i32([2, -1]), try i32([0], [])], outputs: 2)
        XCTAssertEqual(try parts.map { try $0.floatValues() }, [[1, 2], [3, 4, 5]])
        let packed = try runTFLiteNode("PACK", [try f([1, 2], [2]), try f([3, 4], [2])], ["axis": .int(1)])[0]
        XCTAssertEqual(packed.shape, [2, 2])
        XCTAssertEqual(try packed.floatValues(), [1, 3, 2, 4])
        let rows = try runTFLiteNode("UNPACK", [packed], ["axis": .int(0)], outputs: 2)
        XCTAssertEqual(try rows.map { try $0.floatValues() }, [[1, 3], [2, 4]])
        let cast = try runTFLiteNode("CAST", [try f([-1.7, 2.9, 300], [3])], outputTypes: [.int32])[0]
        XCTAssertEqual(try cast.scalars(as: Int32.self), [-1, 2, 300])
        let arg = try runTFLiteNode("ARG_MAX", [try f([1, 7, 7, 0, 2, 1], [2, 3]), try i32([1])], outputTypes: [.int32])[0]
        XCTAssertEqual(try arg.scalars(as: Int32.self), [1, 1])
        let less = try runTFLiteNode("LESS", [try f([1, .nan, 3], [3]), try f([2], [1])])[0]
        XCTAssertEqual(try less.scalars(as: UInt8.self), [1, 0, 0])
        let picked = try runTFLiteNode("SELECT_V2", [less, try f([1, 2, 3], [3]), try f([-1], [1])])[0]
        XCTAssertEqual(try picked.floatValues(), [1, -1, -1])
    }

    func testBadInputsAreErrorsNamingTheNode() throws {
        XCTAssertThrowsError(try runTFLiteNode("GATHER", [try f([1, 2], [2]), try i32([5])])) { error in
            XCTAssertTrue(error.localizedDescription.contains("GATHER_0") && error.localizedDescription.contains("out of range"), error.localizedDescription)
        }
        XCTAssertThrowsError(try runTFLiteNode("RESHAPE", [try f([1, 2, 3], [3]), try i32([2, -1])])) { error in
            XCTAssertTrue(error.localizedDescription.contains("cannot reshape"), error.localizedDescription)
        }
        XCTAssertThrowsError(try runTFLiteNode("CONV_2D", [try f([1], [1, 1, 1, 1]), try f([1], [1, 1, 1, 1])], ["fused_activation_function": s("TANH")])) { error in
            XCTAssertTrue((error as? InterpreterError)?.isUnsupported == true, error.localizedDescription)
        }
        XCTAssertThrowsError(try runTFLiteNode("PAD", [try f([1], [1]), try i32([-1, 0], [1, 2])])) { error in
            XCTAssertTrue(error.localizedDescription.contains("must not be negative"), error.localizedDescription)
        }
    }
}
