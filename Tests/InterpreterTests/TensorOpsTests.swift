import LockstepCore
import XCTest

@testable import Interpreter

/// Shape, layout, indexing and type-conversion ops (ONNX/Tensor/) on one-node graphs run through
/// `Session`, plus the float encoders and data-movement kernels they rest on.
final class TensorOpsTests: XCTestCase {
    // MARK: Helpers

    /// Runs a one-node graph: `inputs` become graph inputs (nil = omitted optional input).
    func run(_ op: String, opset: Int = 21, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:],
             outputs: Int = 1, name: String = "n") throws -> [Tensor] {
        let inputNames = inputs.enumerated().map { $0.element == nil ? "" : "i\($0.offset)" }
        let outputNames = (0..<outputs).map { "o\($0)" }
        let node = Node(name: name, op: OpIdentifier(name: op), inputs: inputNames, outputs: outputNames,
                        attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                        origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: name))
        var declared: [ValueInfo] = []
        var feeds: [String: Value] = [:]
        for (i, t) in inputs.enumerated() {
            guard let t else { continue }
            declared.append(ValueInfo(name: "i\(i)", type: .tensor(elementType: t.dtype, shape: nil)))
            feeds["i\(i)"] = .tensor(t)
        }
        let model = Model(format: .onnx, path: "t.onnx", irVersion: 10, opsetImports: ["": opset], graph: Graph(
            name: "g", nodes: [node], inputs: declared,
            outputs: outputNames.map { ValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) }))
        let result = try Session(model: model).run(feeds)
        return try result.outputs.map { try XCTUnwrap($0.value?.tensor) }
    }

    func run1(_ op: String, opset: Int = 21, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:]) throws -> Tensor {
        try run(op, opset: opset, inputs, attributes)[0]
    }

    /// Asserts that running the node fails with exactly `message` (after "node 'n' (Op): ").
    func assertError(_ op: String, opset: Int = 21, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:],
                     _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try run(op, opset: opset, inputs, attributes), file: file, line: line) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (\(op)): \(message)", file: file, line: line)
        }
    }

    func f32(_ v: [Float], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(float32: v, shape: shape ?? [v.count]) }
    func i64(_ v: [Int64], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(dtype: .int64, shape: shape ?? [v.count], values: v) }
    func i32(_ v: [Int32], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(dtype: .int32, shape: shape ?? [v.count], values: v) }
    func strings(_ v: [String], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(strings: v.map { Array($0.utf8) }, shape: shape ?? [v.count]) }
    func ints(_ t: Tensor) throws -> [Int64] { try t.scalars(as: Int64.self) }
    func texts(_ t: Tensor) -> [String] { t.strings.map { String(decoding: $0, as: UTF8.self) } }

    /// Every element type the data-movement ops must carry.
    static let movableTypes = DType.allCases

    /// A tensor of `dtype` whose elements are distinct where the type allows (bytes vary per element).
    func distinct(_ dtype: DType, _ shape: [Int]) throws -> Tensor {
        let n = shape.reduce(1, *)
        if dtype == .string { return try strings((0..<n).map { "s\($0)" }, shape) }
        if dtype.byteWidth == nil {
            let bits = dtype.bitWidth
            return try DataMovement.packCodes((0..<n).map { UInt8(($0 + 1) % (1 << bits)) }, dtype: dtype, shape: shape)
        }
        return try DataMovement.buildRaw(dtype, shape: shape) { raw, width in
            for i in 0..<n { for j in 0..<width { raw.storeBytes(of: UInt8(truncatingIfNeeded: i * 13 + j + 1), toByteOffset: i * width + j, as: UInt8.self) } }
        }
    }

    /// Element identities (hex bytes, codes or strings) for comparing moved data of any type.
    func ids(_ t: Tensor) throws -> [String] {
        if t.dtype == .string { return texts(t) }
        guard let width = t.dtype.byteWidth else { return try DataMovement.unpackCodes(t).map { String($0) } }
        let bytes = Array(t.storage.bytes)
        return (0..<t.count).map { i in bytes[(i * width)..<((i + 1) * width)].map { String($0, radix: 16) }.joined(separator: ".") }
    }

    // MARK: Data movement over every element type

    func testTransposeConcatGatherMoveEveryElementType() throws {
        for dtype in Self.movableTypes {
            let x = try distinct(dtype, [2, 3])
            let e = try ids(x)
            // Transpose [2, 3] → [3, 2]: out[j][i] = x[i][j].
            let t = try run1("Transpose", [x])
            XCTAssertEqual(t.dtype, dtype)
            XCTAssertEqual(t.shape, [3, 2], "\(dtype)")
            XCTAssertEqual(try ids(t), [e[0], e[3], e[1], e[4], e[2], e[5]], "Transpose \(dtype)")
            // Concat along axis 1 with itself, and along axis 0 with an empty part.
            let c = try run1("Concat", [x, x], ["axis": .int(-1)])
            XCTAssertEqual(c.shape, [2, 6])
            XCTAssertEqual(try ids(c), Array(e[0..<3] + e[0..<3] + e[3..<6] + e[3..<6]), "Concat \(dtype)")
            let empty = try distinct(dtype, [0, 3])
            let c0 = try run1("Concat", [empty, x, empty], ["axis": .int(0)])
            XCTAssertEqual(c0.shape, [2, 3])
            XCTAssertEqual(try ids(c0), e, "Concat with empty \(dtype)")
            // Gather rows [1, 0, 1] and a negative column index.
            let g = try run1("Gather", [x, try i64([1, 0, -1])], ["axis": .int(0)])
            XCTAssertEqual(g.shape, [3, 3])
            XCTAssertEqual(try ids(g), Array(e[3..<6] + e[0..<3] + e[3..<6]), "Gather \(dtype)")
            let gc = try run1("Gather", [x, try i32([-1], [])], ["axis": .int(1)])
            XCTAssertEqual(gc.shape, [2], "scalar index drops the axis")
            XCTAssertEqual(try ids(gc), [e[2], e[5]], "Gather scalar \(dtype)")
            // Reshape is a view: same elements.
            let r = try run1("Reshape", [x, try i64([3, -1])])
            XCTAssertEqual(r.shape, [3, 2])
            XCTAssertEqual(try ids(r), e)
        }
    }

    func testSliceExpandTileAndPadOnStringsAndFloat16() throws {
        let s = try strings(["a", "b", "c", "d", "e", "f"], [2, 3])
        XCTAssertEqual(texts(try run1("Slice", [s, try i64([-1]), try i64([Int64.min]), try i64([1]), try i64([-2])])), ["c", "a", "f", "d"])
        XCTAssertEqual(texts(try run1("Expand", [try strings(["x", "y"], [2, 1]), try i64([2, 2])])), ["x", "x", "y", "y"])
        XCTAssertEqual(texts(try run1("Tile", [try strings(["p", "q"]), try i64([2])])), ["p", "q", "p", "q"])
        let padded = try run1("Pad", [try strings(["m"], [1]), try i64([1, 2]), try strings(["-"], [])])
        XCTAssertEqual(texts(padded), ["-", "m", "-", "-"])
        let h = try Tensor(dtype: .float16, shape: [3], values: [Float(1), -0.0, .infinity].map(FloatBits.floatToHalf))
        let reflected = try run1("Pad", [h, try i64([2, 2])], ["mode": .string(Array("reflect".utf8))])
        XCTAssertEqual(try reflected.floatValues().map(\.bitPattern), [Float.infinity, -0.0, 1, -0.0, .infinity, -0.0, 1].map(\.bitPattern))
    }

    // MARK: Shapes: empty tensors, scalars, negative axes

    func testScalarsAndEmptyTensors() throws {
        let scalar = try f32([7], [])
        XCTAssertEqual(try run1("Shape", [scalar]).shape, [0])
        XCTAssertEqual(try ints(try run1("Size", [scalar])), [1])
        XCTAssertEqual(try run1("Reshape", [scalar, try i64([1, 1])]).shape, [1, 1])
        XCTAssertEqual(try run1("Unsqueeze", [scalar, try i64([0, -1])]).shape, [1, 1])
        XCTAssertEqual(try run1("Expand", [scalar, try i64([2, 3])]).floatValues(), [Float](repeating: 7, count: 6))
        XCTAssertEqual(try run1("Transpose", [scalar]).floatValues(), [7])
        XCTAssertEqual(try run1("Flatten", [scalar], ["axis": .int(0)]).shape, [1, 1])

        let empty = try f32([], [2, 0, 3])
        XCTAssertEqual(try ints(try run1("Shape", [empty])), [2, 0, 3])
        XCTAssertEqual(try ints(try run1("Size", [empty])), [0])
        XCTAssertEqual(try run1("Transpose", [empty]).shape, [3, 0, 2])
        XCTAssertEqual(try run1("Reshape", [empty, try i64([0, -1, 3])]).shape, [2, 0, 3], "0 copies, -1 infers 0")
        XCTAssertEqual(try run1("Reshape", [empty, try i64([0, 0])], ["allowzero": .int(1)]).shape, [0, 0])
        XCTAssertEqual(try run1("Slice", [try f32([1, 2, 3]), try i64([2]), try i64([1])]).shape, [0])
        XCTAssertEqual(try run1("ConstantOfShape", [try i64([])]).shape, [], "empty shape gives a scalar")
        XCTAssertEqual(try run1("ConstantOfShape", [try i64([2, 0])]).shape, [2, 0])
        XCTAssertEqual(try run1("NonZero", [empty]).shape, [3, 0])
        let split = try run("Split", opset: 18, [try f32([1, 2, 3, 4, 5])], ["num_outputs": .int(3)], outputs: 3)
        XCTAssertEqual(try split.map { try $0.floatValues() }, [[1, 2], [3, 4], [5]])
        let zeroSplit = try run("Split", opset: 13, [try f32([1, 2]), try i64([0, 2])], outputs: 2)
        XCTAssertEqual(zeroSplit.map(\.shape), [[0], [2]])
    }

    func testNegativeAxes() throws {
        let x = try f32((0..<24).map(Float.init), [2, 3, 4])
        XCTAssertEqual(try run1("Flatten", [x], ["axis": .int(-1)]).shape, [6, 4])
        XCTAssertEqual(try run1("Squeeze", [try f32([1, 2], [1, 2, 1]), try i64([-1])]).shape, [1, 2])
        XCTAssertEqual(try run1("Squeeze", opset: 11, [try f32([1, 2], [1, 2, 1])], ["axes": .ints([-3])]).shape, [2, 1])
        XCTAssertEqual(try run1("Unsqueeze", opset: 11, [x], ["axes": .ints([-1, 0])]).shape, [1, 2, 3, 4, 1])
        let parts = try run("Split", [x], ["axis": .int(-2)], outputs: 3)
        XCTAssertEqual(parts.map(\.shape), [[2, 1, 4], [2, 1, 4], [2, 1, 4]])
        XCTAssertEqual(try parts[1].floatValues(), [4, 5, 6, 7, 16, 17, 18, 19])
        // float16 sums round at every step: 2048 + 1 ties back to 2048 each time.
        let halves = try Tensor(dtype: .float16, shape: [3], values: [Float(2048), 1, 1].map(FloatBits.floatToHalf))
        XCTAssertEqual(try run1("CumSum", [halves, try i64([0], [])]).floatValues(), [2048, 2048, 2048])
        let cs = try run1("CumSum", [try f32([1, 2, 3, 4], [2, 2]), try i32([-1], [])], ["exclusive": .int(1), "reverse": .int(1)])
        XCTAssertEqual(try cs.floatValues(), [2, 0, 4, 0])
        XCTAssertEqual(try ints(try run1("ArgMax", [try f32([1, 5, 5, 2], [2, 2])], ["axis": .int(-1), "keepdims": .int(0)])), [1, 0])
        XCTAssertEqual(try ints(try run1("ArgMax", [try f32([1, 5, 5, 2], [1, 4])], ["axis": .int(-1), "select_last_index": .int(1)])), [2])
        XCTAssertEqual(try ints(try run1("ArgMin", [try i64([3, -1, -1, 0])], [:])), [1])
    }

    // MARK: Indexing semantics

    func testSliceClampingAndNegativeSteps() throws {
        let x = try f32((0..<10).map(Float.init))
        func slice(_ s: Int64, _ e: Int64, _ step: Int64) throws -> [Float] {
            try run1("Slice", [x, try i64([s]), try i64([e]), try i64([0]), try i64([step])]).floatValues()
        }
        XCTAssertEqual(try slice(-3, 1000, 1), [7, 8, 9])
        XCTAssertEqual(try slice(1000, -1000, -3), [9, 6, 3, 0])
        XCTAssertEqual(try slice(-1000, 2, 1), [0, 1])
        XCTAssertEqual(try slice(5, 5, 1), [])
        XCTAssertEqual(try slice(2, 8, 4), [2, 6])
        XCTAssertEqual(try run1("Slice", opset: 9, [x], ["starts": .ints([-2]), "ends": .ints([100])]).floatValues(), [8, 9])
    }

    func testGatherScatterFamilies() throws {
        let data = try f32([1, 2, 3, 4, 5, 6], [2, 3])
        let ge = try run1("GatherElements", [data, try i64([2, -3, 0, 1], [2, 2])], ["axis": .int(1)])
        XCTAssertEqual(try ge.floatValues(), [3, 1, 4, 5])
        let gnd = try run1("GatherND", [data, try i64([1, 0, 0, 2], [2, 2])])
        XCTAssertEqual(try gnd.floatValues(), [4, 3])
        let batched = try run1("GatherND", [try f32((0..<8).map(Float.init), [2, 2, 2]), try i64([1, 0], [2, 1])], ["batch_dims": .int(1)])
        XCTAssertEqual(batched.shape, [2, 2])
        XCTAssertEqual(try batched.floatValues(), [2, 3, 4, 5])
        // Duplicate indices: "none" lets the last update win; "add" accumulates.
        let dup = try run1("ScatterElements", [try f32([0, 0, 0]), try i64([1, 1]), try f32([5, 7])], [:])
        XCTAssertEqual(try dup.floatValues(), [0, 7, 0])
        let added = try run1("ScatterElements", [try f32([1, 1, 1]), try i64([1, -1, 1]), try f32([5, 7, 2])], ["reduction": .string(Array("add".utf8))])
        XCTAssertEqual(try added.floatValues(), [1, 8, 8])
        let nd = try run1("ScatterND", [data, try i64([1], [1, 1]), try f32([9, 9, 9], [1, 3])], ["reduction": .string(Array("max".utf8))])
        XCTAssertEqual(try nd.floatValues(), [1, 2, 3, 9, 9, 9])
        let strs = try run1("ScatterND", [try strings(["a", "b"]), try i64([0], [1, 1]), try strings(["z"])])
        XCTAssertEqual(texts(strs), ["z", "b"])
        let old = try run1("Scatter", opset: 10, [data, try i64([0, 0], [1, 2]), try f32([8, 9], [1, 2])], ["axis": .int(1)])
        XCTAssertEqual(try old.floatValues(), [9, 2, 3, 4, 5, 6])
    }

    func testPadModesAxesAndCropping() throws {
        let x = try f32([1, 2, 3])
        func pad(_ mode: String, _ pads: [Int64]) throws -> [Float] {
            try run1("Pad", [x, try i64(pads)], ["mode": .string(Array(mode.utf8))]).floatValues()
        }
        XCTAssertEqual(try pad("constant", [2, 1]), [0, 0, 1, 2, 3, 0])
        XCTAssertEqual(try pad("reflect", [2, 3]), [3, 2, 1, 2, 3, 2, 1, 2])
        XCTAssertEqual(try pad("edge", [2, 1]), [1, 1, 1, 2, 3, 3])
        XCTAssertEqual(try pad("wrap", [2, 4]), [2, 3, 1, 2, 3, 1, 2, 3, 1])
        XCTAssertEqual(try pad("constant", [-1, 1]), [2, 3, 0], "negative pads crop")
        let m = try f32([1, 2, 3, 4], [2, 2])
        let axes = try run1("Pad", [m, try i64([1, 0]), try f32([9], []), try i64([-1])])
        XCTAssertEqual(axes.shape, [2, 3])
        XCTAssertEqual(try axes.floatValues(), [9, 1, 2, 9, 3, 4])
        let legacy = try run1("Pad", opset: 2, [x], ["pads": .ints([1, 0]), "value": .float(-1)])
        XCTAssertEqual(try legacy.floatValues(), [-1, 1, 2, 3])
    }

    func testTopKUniqueAndOrdering() throws {
        let x = try f32([3, 1, 3, 2, 1])
        let top = try run("TopK", [x, try i64([3])], outputs: 2)
        XCTAssertEqual(try top[0].floatValues(), [3, 3, 2])
        XCTAssertEqual(try ints(top[1]), [0, 2, 3], "ties keep ascending index order")
        let bottom = try run("TopK", [x, try i64([2])], ["largest": .int(0)], outputs: 2)
        XCTAssertEqual(try ints(bottom[1]), [1, 4])
        let big = try Tensor(dtype: .uint64, shape: [3], values: [UInt64.max, UInt64.max - 1, 1])
        XCTAssertEqual(try run("TopK", [big, try i64([1])], outputs: 2)[0].scalars(as: UInt64.self), [UInt64.max])
        let h = try Tensor(dtype: .float16, shape: [3], values: [Float(0.5), 2, 1].map(FloatBits.floatToHalf))
        let topH = try run("TopK", [h, try i64([2])], outputs: 2)
        XCTAssertEqual(topH[0].dtype, .float16)
        XCTAssertEqual(try topH[0].floatValues(), [2, 1])

        XCTAssertEqual(try run("TopK", [x, try i64([0])], outputs: 2)[1].shape, [0])
        // The single-pass path for small k (k·4 < length) against a full sort, with many ties.
        let long = (0..<200).map { Float(($0 * 37) % 11) }
        let expected = long.indices.sorted { long[$0] != long[$1] ? long[$0] > long[$1] : $0 < $1 }.prefix(5).map { Int64($0) }
        XCTAssertEqual(try ints(try run("TopK", [try f32(long), try i64([5])], outputs: 2)[1]), expected)
        let expectedLow = long.indices.sorted { long[$0] != long[$1] ? long[$0] < long[$1] : $0 < $1 }.prefix(7).map { Int64($0) }
        XCTAssertEqual(try ints(try run("TopK", [try f32(long), try i64([7])], ["largest": .int(0)], outputs: 2)[1]), expectedLow)
        // NaN ranks above +Inf (numpy order) and is the extreme of ArgMax and ArgMin.
        let withNaN = try f32([1, .nan, 3, .nan])
        let topNaN = try run("TopK", [withNaN, try i64([2])], outputs: 2)
        XCTAssertTrue(try topNaN[0].floatValues()[0].isNaN)
        XCTAssertEqual(try ints(topNaN[1]), [1, 3])
        XCTAssertEqual(try ints(try run("TopK", [withNaN, try i64([2])], ["largest": .int(0)], outputs: 2)[1]), [0, 2])
        XCTAssertEqual(try ints(try run1("ArgMax", [withNaN])), [1])
        XCTAssertEqual(try ints(try run1("ArgMin", [withNaN], ["select_last_index": .int(1)])), [3])
        let uniqueNaN = try run("Unique", [withNaN], outputs: 4)
        XCTAssertEqual(try uniqueNaN[0].floatValues().prefix(2), [1, 3])
        XCTAssertEqual(try ints(uniqueNaN[3]), [1, 1, 2])

        let u = try run("Unique", [try f32([2, 1, 1, 3, 4, 3])], ["sorted": .int(0)], outputs: 4)
        XCTAssertEqual(try u[0].floatValues(), [2, 1, 3, 4])
        XCTAssertEqual(try ints(u[1]), [0, 1, 3, 4])
        XCTAssertEqual(try ints(u[2]), [0, 1, 1, 2, 3, 2])
        XCTAssertEqual(try ints(u[3]), [1, 2, 2, 1])
        let rows = try run("Unique", [try f32([1, 0, 0, 1, 0, 0, 2, 3, 4], [3, 3])], ["axis": .int(0)], outputs: 4)
        XCTAssertEqual(rows[0].shape, [2, 3])
        XCTAssertEqual(try ints(rows[3]), [2, 1])
        let words = try run1("Unique", [try strings(["b", "a", "b"])])
        XCTAssertEqual(texts(words), ["a", "b"])
    }

    func testLayoutOps() throws {
        let x = try f32((0..<16).map(Float.init), [1, 4, 2, 2])
        for mode in ["DCR", "CRD"] {
            let d2s = try run1("DepthToSpace", [x], ["blocksize": .int(2), "mode": .string(Array(mode.utf8))])
            XCTAssertEqual(d2s.shape, [1, 1, 4, 4])
            let back = try run1("SpaceToDepth", opset: 28, [d2s], ["blocksize": .int(2), "mode": .string(Array(mode.utf8))])
            XCTAssertEqual(try back.floatValues(), try x.floatValues(), "SpaceToDepth inverts DepthToSpace (\(mode))")
        }
        let dcr = try run1("DepthToSpace", [x], ["blocksize": .int(2)])
        XCTAssertEqual(Array(try dcr.floatValues()[0..<4]), [0, 4, 1, 5])
        let m = try f32((1...9).map(Float.init), [3, 3])
        XCTAssertEqual(try run1("Trilu", [m, try i64([1], [])]).floatValues(), [0, 2, 3, 0, 0, 6, 0, 0, 0])
        XCTAssertEqual(try run1("Trilu", [m, nil], ["upper": .int(0)]).floatValues(), [1, 0, 0, 4, 5, 0, 7, 8, 9])
        let eye = try run1("EyeLike", [try f32([Float](repeating: 5, count: 6), [2, 3])], ["k": .int(1), "dtype": .int(7)])
        XCTAssertEqual(eye.dtype, .int64)
        XCTAssertEqual(try ints(eye), [0, 1, 0, 0, 0, 1])
        let rs = try run1("ReverseSequence", [try f32((0..<8).map(Float.init), [4, 2]), try i64([3, 1])],
                          ["batch_axis": .int(1), "time_axis": .int(0)])
        XCTAssertEqual(try rs.floatValues(), [4, 1, 2, 3, 0, 5, 6, 7])
        let oh = try run1("OneHot", [try i64([1, -1, 5]), try i64([3], []), try strings(["off", "on"])], ["axis": .int(0)])
        XCTAssertEqual(oh.shape, [3, 3])
        XCTAssertEqual(texts(oh), ["off", "off", "off", "on", "off", "off", "off", "on", "off"])
        XCTAssertEqual(try run1("OneHot", opset: 10, [try i64([-1, 1]), try i64([2], []), try f32([0, 1])]).floatValues(), [0, 0, 0, 1],
                       "before opset 11 negative indices are out of range")
        let compress = try run1("Compress", [try f32([1, 2, 3, 4], [2, 2]), try Tensor(dtype: .bool, shape: [3], values: [UInt8(0), 1, 1])])
        XCTAssertEqual(try compress.floatValues(), [2, 3])
        XCTAssertEqual(try ints(try run1("NonZero", [try f32([0, -0.0, .nan, 2], [2, 2])])), [1, 1, 0, 1])
        XCTAssertEqual(try run1("Range", [try i32([10], []), try i32([4], []), try i32([-3], [])]).scalars(as: Int32.self), [10, 7])
        XCTAssertEqual(try run1("Range", [try f32([1], []), try f32([2], []), try f32([0.25], [])]).floatValues(), [1, 1.25, 1.5, 1.75])
        let det = try run1("Det", [try f32([4, 3, 6, 3, 2, 1, 4, 2, 9], [3, 3])])
        XCTAssertEqual(det.shape, [])
        XCTAssertEqual(try det.floatValues()[0], -17, accuracy: 1e-4)
    }

    func testConstants() throws {
        let sparse = SparseTensor(name: "s", denseShape: [2, 3], values: try f32([5, 6]), indices: try i64([1, 5]))
        XCTAssertEqual(try run1("Constant", [], ["sparse_value": .sparseTensor(sparse)]).floatValues(), [0, 5, 0, 0, 0, 6])
        let coordinates = SparseTensor(name: "s", denseShape: [2, 2], values: try f32([7]), indices: try i64([1, 0], [1, 2]))
        XCTAssertEqual(try run1("Constant", [], ["sparse_value": .sparseTensor(coordinates)]).floatValues(), [0, 0, 7, 0])
        XCTAssertEqual(try ints(try run1("Constant", [], ["value_ints": .ints([3, 4])])), [3, 4])
        XCTAssertEqual(try run1("Constant", [], ["value_float": .float(2.5)]).shape, [])
        XCTAssertEqual(texts(try run1("Constant", [], ["value_strings": .strings([Array("x".utf8)])])), ["x"])
        let filled = try run1("ConstantOfShape", [try i64([2])], ["value": .tensor(try Tensor(dtype: .bfloat16, shape: [1], values: [FloatBits.floatToBFloat16(3)]))])
        XCTAssertEqual(filled.dtype, .bfloat16)
        XCTAssertEqual(try filled.floatValues(), [3, 3])
        XCTAssertEqual(try ints(try run1("Shape", [try f32([], [2, 3, 0, 5])], ["start": .int(-3), "end": .int(100)])), [3, 0, 5])
        XCTAssertEqual(try ints(try run1("Shape", [try f32([], [2, 3, 0, 5])], ["start": .int(3), "end": .int(1)])), [])
    }

    func testBitCastCumProdCenterCropPadTensorScatter() throws {
        let bits = try run1("BitCast", opset: 26, [try f32([1, -0.0])], ["to": .int(6)])
        XCTAssertEqual(try bits.scalars(as: Int32.self), [0x3f80_0000, Int32.min])
        XCTAssertEqual(try run1("BitCast", opset: 26, [try Tensor(dtype: .int8, shape: [2], values: [Int8(-1), 3])], ["to": .int(2)]).scalars(as: UInt8.self), [255, 3])
        assertError("BitCast", opset: 26, [try f32([1])], ["to": .int(7)], "cannot reinterpret float32 (32 bits) as int64 (64 bits)")
        let cp = try run1("CumProd", opset: 26, [try i32([1, 2, 3]), try i64([0], [])], ["exclusive": .int(1), "reverse": .int(1)])
        XCTAssertEqual(try cp.scalars(as: Int32.self), [6, 3, 1])
        XCTAssertEqual(try run1("CumProd", opset: 26, [try f32([2, 3, 4]), try i32([0], [])]).floatValues(), [2, 6, 24])
        // Crop 5 → 2 starts at 1; pad 2 → 5 puts 1 before and 2 after.
        let ccp = try run1("CenterCropPad", opset: 18, [try f32((0..<10).map(Float.init), [5, 2]), try i64([2, 5])])
        XCTAssertEqual(ccp.shape, [2, 5])
        XCTAssertEqual(try ccp.floatValues(), [0, 2, 3, 0, 0, 0, 4, 5, 0, 0])
        let axesOnly = try run1("CenterCropPad", opset: 18, [try f32((0..<10).map(Float.init), [5, 2]), try i64([3])], ["axes": .ints([-2])])
        XCTAssertEqual(try axesOnly.floatValues(), [2, 3, 4, 5, 6, 7])
        // Cache [batch 2, length 4, 1]; updates of length 2 at 3 (circular) and 1.
        let cache = try f32([Float](repeating: 0, count: 8), [2, 4, 1])
        let update = try f32([1, 2, 3, 4], [2, 2, 1])
        let scattered = try run1("TensorScatter", opset: 24, [cache, update, try i64([3, 1])], ["mode": .string(Array("circular".utf8)), "axis": .int(1)])
        XCTAssertEqual(try scattered.floatValues(), [2, 0, 0, 1, 0, 3, 4, 0])
        assertError("TensorScatter", opset: 24, [cache, update, try i64([3, 1])], ["axis": .int(1)], "write position 4 is outside the cache length 4")
    }

    // MARK: Cast

    func cast(_ x: Tensor, _ to: DType, opset: Int = 21, saturate: Bool = true) throws -> Tensor {
        try run1("Cast", opset: opset, [x], ["to": .int(Int64(to.onnxCode)), "saturate": .int(saturate ? 1 : 0)])
    }

    func bytes(_ t: Tensor) -> [UInt8] { Array(t.storage.bytes) }

    func testCastFloatToSmallFloats() throws {
        let special = try f32([.nan, .infinity, -.infinity, -0.0, 0, 65504, 65520, 1e-8, 0x1p-24])
        let half = try cast(special, .float16)
        XCTAssertEqual(try half.scalars(as: UInt16.self), [0x7e00, 0x7c00, 0xfc00, 0x8000, 0, 0x7bff, 0x7c00, 0, 1])

        let values = try f32([.nan, .infinity, -.infinity, -0.0, 1000, -1000, 448, 464, 465, 0.001953125])
        // float8e4m3fn: saturate → ±448, else NaN; −0 stays −0; 464 ties to even (448).
        XCTAssertEqual(bytes(try cast(values, .float8e4m3fn)), [0x7f, 0x7e, 0xfe, 0x80, 0x7e, 0xfe, 0x7e, 0x7e, 0x7e, 0x01])
        XCTAssertEqual(bytes(try cast(values, .float8e4m3fn, saturate: false)), [0x7f, 0x7f, 0xff, 0x80, 0x7f, 0xff, 0x7e, 0x7e, 0x7f, 0x01])
        // fnuz: single NaN 0x80, no negative zero, max 240 / 57344.
        XCTAssertEqual(bytes(try cast(values, .float8e4m3fnuz)), [0x80, 0x7f, 0xff, 0x00, 0x7f, 0xff, 0x7f, 0x7f, 0x7f, 0x02])
        XCTAssertEqual(bytes(try cast(values, .float8e4m3fnuz, saturate: false)).prefix(6), [0x80, 0x80, 0x80, 0x00, 0x80, 0x80])
        // e5m2 keeps infinities when not saturating.
        XCTAssertEqual(bytes(try cast(values, .float8e5m2, saturate: false)).prefix(6), [0x7e, 0x7c, 0xfc, 0x80, 0x64, 0xe4])
        XCTAssertEqual(bytes(try cast(values, .float8e5m2)).prefix(3), [0x7e, 0x7b, 0xfb])
        XCTAssertEqual(bytes(try cast(try f32([.infinity, -0.0]), .float8e5m2fnuz)), [0x7f, 0x00])
        // Same-type Cast still applies saturation to float8e5m2's infinities.
        let e5 = try Tensor(dtype: .float8e5m2, shape: [2], values: [UInt8(0x7c), 0x3c])
        XCTAssertEqual(bytes(try cast(e5, .float8e5m2)), [0x7b, 0x3c])
        XCTAssertEqual(bytes(try cast(e5, .float8e5m2, saturate: false)), [0x7c, 0x3c])

        // float4e2m1: always saturates, ties to even, NaN → the −0 code.
        let f4 = try cast(try f32([0.25, 5, .infinity, .nan, -3.5, 0.75]), .float4e2m1)
        XCTAssertEqual(try DataMovement.unpackCodes(f4), [0x0, 0x6, 0x7, 0x8, 0xe, 0x2])
        // float6 kinds: packed 6-bit codes, saturating like float4.
        let f6 = try cast(try f32([7.5, 100, -0.3, 0.0625]), .float6e2m3)
        XCTAssertEqual(f6.byteCount, 3)
        XCTAssertEqual(try cast(f6, .float32).floatValues(), [7.5, 7.5, -0.25, 0])
        XCTAssertEqual(try cast(try cast(try f32([28, -0.0625, 30]), .float6e3m2), .float32).floatValues(), [28, -0.0625, 28])
        // float8e8m0 rounding modes.
        let e8 = try f32([1.1, 1.5, 0.124, 0])
        XCTAssertEqual(bytes(try run1("Cast", opset: 24, [e8], ["to": .int(24)])), [128, 128, 124, 0])
        XCTAssertEqual(bytes(try run1("Cast", opset: 24, [e8], ["to": .int(24), "round_mode": .string(Array("down".utf8))])), [127, 127, 123, 0])
        XCTAssertEqual(bytes(try run1("Cast", opset: 24, [e8], ["to": .int(24), "round_mode": .string(Array("nearest".utf8))])), [127, 128, 124, 0])
    }

    /// Every pair of real types (and string) carries the small integers both can represent.
    func testCastEveryPairKeepsSmallIntegers() throws {
        let types = DType.allCases.filter { !$0.isComplex && $0 != .float8e8m0 }
        func representable(_ v: Int64, _ t: DType) -> Bool {
            switch t {
            case .bool: return v == 0 || v == 1
            case .int2: return v >= -2 && v <= 1
            case .uint2, .uint4, .uint8, .uint16, .uint32, .uint64: return v >= 0
            default: return true
            }
        }
        for source in types {
            for target in types {
                let values = ([-2, -1, 0, 1, 2, 3] as [Int64]).filter { representable($0, source) && representable($0, target) }
                let x = try TypeConversion.convert(try i64(values), to: source)
                XCTAssertEqual(x.dtype, source)
                let y = try cast(x, target)
                XCTAssertEqual(y.dtype, target)
                XCTAssertEqual(y.shape, [values.count])
                let back = try TypeConversion.convert(y, to: .float64)
                XCTAssertEqual(try back.doubleValues(), values.map(Double.init), "\(source) → \(target)")
            }
        }
    }

    func testCastRoundsOnceFromDouble() throws {
        // 1 + 2⁻¹¹ + 2⁻⁴⁰ lies just above the float16 midpoint between 1 and 1 + 2⁻¹⁰; through
        // float32 it would first round to the midpoint and then tie to 1.
        let d = try Tensor(dtype: .float64, shape: [1], values: [1 + 0x1p-11 + 0x1p-40])
        XCTAssertEqual(try cast(d, .float16).floatValues(), [1 + 0x1p-10])
        XCTAssertEqual(try cast(d, .float32).floatValues(), [1 + 0x1p-11])
        XCTAssertEqual(try cast(try f32([1 + 0x1p-8 + 0x1p-20]), .bfloat16).floatValues(), [1 + 0x1p-7])
    }

    func testCastIntegersAndBool() throws {
        let f = try f32([300.7, -1.9, .nan, 3e9, -0.0])
        XCTAssertEqual(try cast(f, .int8).scalars(as: Int8.self), [44, -1, 0, 0, 0], "low bits of the 32-bit conversion")
        XCTAssertEqual(try cast(f, .int32).scalars(as: Int32.self), [300, -1, Int32.min, Int32.min, 0])
        XCTAssertEqual(try cast(f, .bool).scalars(as: UInt8.self), [1, 1, 1, 1, 0])
        XCTAssertEqual(try cast(try i64([200, -1, 65536 + 7]), .int8).scalars(as: Int8.self), [-56, -1, 7])
        XCTAssertEqual(try cast(try i64([-1]), .uint64).scalars(as: UInt64.self), [UInt64.max])
        XCTAssertEqual(try cast(try Tensor(dtype: .uint64, shape: [1], values: [UInt64.max]), .float32).floatValues(), [0x1p64])
        XCTAssertEqual(try cast(try Tensor(dtype: .bool, shape: [2], values: [UInt8(1), 0]), .float64).doubleValues(), [1, 0])
        XCTAssertEqual(try cast(try i64([Int64(1) << 60 | 1]), .float32).floatValues(), [0x1p60])
        // int4/uint4 keep the low bits.
        XCTAssertEqual(try cast(try f32([9, -9, 7.9]), .int4).unpackedSubByte(), [-7, 7, 7])
        XCTAssertEqual(try cast(try i32([17, -1]), .uint4).unpackedSubByte(), [1, 15])
        XCTAssertEqual(try cast(try cast(try i32([-8, 7]), .int4), .float32).floatValues(), [-8, 7])
    }

    func testCastStrings() throws {
        let parsed = try cast(try strings(["3.25", "1e-5", "+INF", "-inf", "NaN", " 2 "]), .float32)
        let v = try parsed.floatValues()
        XCTAssertEqual(Array(v[0..<4]), [3.25, 1e-5, .infinity, -.infinity])
        XCTAssertTrue(v[4].isNaN)
        XCTAssertEqual(v[5], 2)
        XCTAssertEqual(try cast(try strings(["-12", "9007199254740993"]), .int64).scalars(as: Int64.self), [-12, 9_007_199_254_740_993])
        XCTAssertEqual(texts(try cast(try f32([0.1, 1e20, 1e-5, -2, .nan, -.infinity, 123456792]), .string)),
                       ["0.1", "1e+20", "1e-05", "-2.0", "nan", "-inf", "123456790.0"])
        XCTAssertEqual(texts(try cast(try Tensor(dtype: .float16, shape: [1], values: [FloatBits.floatToHalf(0.1)]), .string)), ["0.1"])
        XCTAssertEqual(texts(try cast(try i64([-5, 0]), .string)), ["-5", "0"])
        XCTAssertEqual(texts(try cast(try Tensor(dtype: .bool, shape: [2], values: [UInt8(1), 0]), .string)), ["True", "False"])
        XCTAssertThrowsError(try cast(try strings(["abc"]), .float32))
        // CastLike takes the type of its second input.
        let like = try run1("CastLike", [try f32([1.5]), try Tensor(dtype: .float64, shape: [0], values: [Double]())])
        XCTAssertEqual(like.dtype, .float64)
        // Opset 1 spells the target type as a string.
        XCTAssertEqual(try run1("Cast", opset: 5, [try f32([2.9])], ["to": .string(Array("INT32".utf8))]).scalars(as: Int32.self), [2])
    }

    // MARK: Errors

    func testErrorsNameNodeOpAndReason() throws {
        let x = try f32([1, 2, 3, 4, 5, 6], [2, 3])
        assertError("Concat", [x, x], ["axis": .int(2)], "axis 2 is out of range for rank 2 (expected -2…1)")
        assertError("Concat", [x, try f32([1, 2], [1, 2])], ["axis": .int(0)], "input 1 has shape [1, 2], which does not match [2, 3] outside axis 0")
        assertError("Concat", [x], [:], "attribute 'axis' is required")
        assertError("Reshape", [x, try i64([4, -1])], [:], "cannot reshape [2, 3] (6 elements) to [4, -1]")
        assertError("Reshape", [x, try i64([-1, -1])], [:], "shape [-1, -1] has more than one -1")
        assertError("Gather", [x, try i64([3])], ["axis": .int(1)], "index 3 is out of range for axis 1 of size 3")
        assertError("Transpose", [x], ["perm": .ints([0, 0])], "perm [0, 0] is not a permutation of the 2 axes of shape [2, 3]")
        assertError("Squeeze", [x, try i64([0])], [:], "cannot squeeze axis 0 of shape [2, 3]: its size is 2, not 1")
        assertError("Unsqueeze", [x, try i64([1, 1])], [:], "axes [1, 1] repeat axis 1")
        assertError("Slice", [x, try i64([0]), try i64([1]), try i64([0]), try i64([0])], [:], "steps must be non-zero, found 0 for axis 0")
        XCTAssertThrowsError(try run("Split", opset: 13, [try f32([1, 2, 3])], outputs: 2)) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (Split): axis 0 of length 3 cannot be split into 2 equal parts")
        }
        assertError("Expand", [x, try i64([3, 3])], [:], "shapes [2, 3] and [3, 3] cannot be broadcast")
        assertError("TopK", [x, try i64([4])], [:], "k 4 is out of range for axis 1 of size 3")
        assertError("Pad", [x, try i64([1, 1])], [:], "pads [1, 1] must hold 2 × 2 values for 2 padded axes of shape [2, 3]")
        assertError("DepthToSpace", [x], ["blocksize": .int(2)], "input must be 4-D (N, C, H, W), found shape [2, 3]")
        assertError("Cast", [x], ["to": .int(99)], "attribute 'to' is not a known element type: 99")
        assertError("ArgMax", [try f32([], [0])], [:], "cannot take the argmax of the empty axis 0 of shape [0]")
    }

    /// Hostile sizes and indices give errors, never a trap or a runaway allocation.
    func testHostileValuesAreErrors() throws {
        let x = try f32([1, 2, 3])
        assertError("Reshape", [x, try i64([Int64.max, Int64.max, -1])], [:], "cannot reshape [3] (3 elements) to [9223372036854775807, 9223372036854775807, -1]")
        assertError("Tile", [x, try i64([Int64.max])], [:], "repeats [9223372036854775807] make the output of [3] too large")
        assertError("ConstantOfShape", [try i64([1 << 40, 1 << 40])], [:], "output shape [1099511627776, 1099511627776] has a negative dimension or too many elements")
        assertError("Expand", [x, try i64([1 << 34, 3])], [:], "output shape [17179869184, 3] has 51539607552 elements, more than the limit of 8589934592")
        assertError("Pad", [x, try i64([Int64.max, 1])], [:], "pads [9223372036854775807, 1] make axis 0 too large")
        assertError("Range", [try f32([0], []), try f32([1], []), try f32([1e-30], [])], [:], "Range of 0.0, 1.0, 1.0000000031710769e-30 is too long")
        assertError("Range", [try i64([Int64.min], []), try i64([Int64.max], []), try i64([1], [])], [:], "Range of -9223372036854775808, 9223372036854775807, 1 is too long")
        assertError("OneHot", [try i64([0]), try f32([1e30], []), try f32([0, 1])], [:], "depth must be between 1 and 8589934592, found 1.0000000150474662e+30")
        XCTAssertEqual(try run1("OneHot", [try f32([1e30, 1]), try i64([2], []), try f32([0, 1])]).floatValues(), [0, 0, 0, 1])
        XCTAssertEqual(try run1("Slice", [x, try i64([Int64.max]), try i64([Int64.min]), try i64([0]), try i64([Int64.min])]).floatValues(), [3])
        XCTAssertEqual(try run1("Slice", [x, try i64([Int64.min]), try i64([Int64.max]), try i64([0]), try i64([Int64.max])]).floatValues(), [1])
        XCTAssertEqual(try run1("Range", [try i64([5], []), try i64([-5], []), try i64([Int64.min], [])]).scalars(as: Int64.self), [5])
    }

    // MARK: Kernels

    func testFloatEncodersRoundTripEveryCode() {
        let formats: [(DType, FloatEncoding.Format)] = [
            (.float8e4m3fn, .float8e4m3fn), (.float8e4m3fnuz, .float8e4m3fnuz), (.float8e5m2, .float8e5m2),
            (.float8e5m2fnuz, .float8e5m2fnuz), (.float4e2m1, .float4e2m1),
        ]
        for (dtype, format) in formats {
            let codes = dtype == .float4e2m1 ? 16 : 256
            for code in 0..<codes {
                let value = FloatBits.smallFloatToFloat(UInt8(code), dtype)
                if value.isNaN { continue }
                if format.kind == .finiteUnsignedZeroNaN && code == 0x80 { continue }
                let back = FloatEncoding.encode(Double(value), format, saturate: false)
                XCTAssertEqual(back, UInt16(code), "\(dtype) code \(code) (\(value))")
            }
        }
        for format in [FloatEncoding.Format.float6e2m3, .float6e3m2] {
            for code in UInt16(0)..<64 {
                XCTAssertEqual(FloatEncoding.encode(FloatEncoding.decode(code, format), format, saturate: false), code, "float6 code \(code)")
            }
        }
        XCTAssertEqual(FloatEncoding.decode(0b011111, .float6e2m3), 7.5)
        XCTAssertEqual(FloatEncoding.decode(0b111111, .float6e3m2), -28)
        XCTAssertEqual(FloatEncoding.decode(0x7c, .float8e5m2), .infinity)
        XCTAssertTrue(FloatEncoding.decode(0x80, .float8e4m3fnuz).isNaN)
        XCTAssertEqual(FloatEncoding.Format.float8e4m3fn.maxFinite, 448)
        XCTAssertEqual(FloatEncoding.Format.float8e4m3fnuz.maxFinite, 240)
        XCTAssertEqual(FloatEncoding.Format.float8e5m2.maxFinite, 57344)
        XCTAssertEqual(FloatEncoding.Format.float4e2m1.maxFinite, 6)
        for code in UInt16(0)...UInt16.max {
            let h = FloatBits.halfToFloat(code)
            if !h.isNaN { XCTAssertEqual(FloatEncoding.encode(Double(h), .float16, saturate: false), code) }
            let b = FloatBits.bfloat16ToFloat(code)
            if !b.isNaN { XCTAssertEqual(FloatEncoding.encode(Double(b), .bfloat16, saturate: false), code) }
        }
    }

    func testTransposeAgainstNaiveIndexingForEveryPermutation() throws {
        // Dimensions ≥ 4 so the tiled path (a consecutive-read axis before a strided last axis) runs.
        let shape = [4, 5, 6, 17]
        let n = shape.reduce(1, *)
        let x = try Tensor(dtype: .int32, shape: shape, values: (0..<n).map { Int32($0) })
        let strides = DataMovement.strides(shape)
        func permutations(_ a: [Int]) -> [[Int]] {
            a.count <= 1 ? [a] : a.indices.flatMap { i in permutations(a.enumerated().filter { $0.offset != i }.map(\.element)).map { [a[i]] + $0 } }
        }
        for perm in permutations([0, 1, 2, 3]) {
            let outShape = perm.map { shape[$0] }
            let outStrides = DataMovement.strides(outShape)
            var expected = [Int32](repeating: 0, count: n)
            for o in 0..<n {
                var source = 0
                for k in 0..<4 { source += (o / outStrides[k]) % outShape[k] * strides[perm[k]] }
                expected[o] = Int32(source)
            }
            let t = try DataMovement.transpose(x, perm: perm)
            XCTAssertEqual(t.shape, outShape)
            XCTAssertEqual(try t.scalars(as: Int32.self), expected, "perm \(perm)")
            let h = try DataMovement.transpose(try TypeConversion.convert(x, to: .float16), perm: perm)
            XCTAssertEqual(try h.floatValues(), expected.map { Float(FloatBits.halfToFloat(FloatBits.floatToHalf(Float($0)))) }, "float16 perm \(perm)")
        }
    }

    func testGatherTablesFillAndStrides() throws {
        let x = try Tensor(dtype: .int16, shape: [2, 2], values: [Int16(1), 2, 3, 4])
        let fill = try Tensor(dtype: .int16, shape: [], values: [Int16(-9)])
        let out = try DataMovement.gather(x, shape: [3, 3], offsets: [[0, 2, -1], [1, -1, 0]], fill: fill)
        XCTAssertEqual(try out.scalars(as: Int16.self), [2, -9, 1, 4, -9, 3, -9, -9, -9])
        XCTAssertEqual(DataMovement.strides([2, 3, 4]), [12, 4, 1])
        XCTAssertThrowsError(try DataMovement.reshape(x, to: [3]))
        XCTAssertEqual(TypeConversion.formatFloat(1e16), "1e+16")
        XCTAssertEqual(TypeConversion.formatFloat(123.0), "123.0")
        XCTAssertEqual(TypeConversion.formatFloat(0.0001), "0.0001")
    }
}
