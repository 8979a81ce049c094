import LockstepCore
import XCTest

@testable import Interpreter

/// The executor, registry and session on small graphs built directly in the IR.
final class ExecutorTests: XCTestCase {
    func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "", index: Int = 0) -> Node {
        Node(name: name, op: OpIdentifier(name: op, version: 17), inputs: inputs, outputs: outputs,
             origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: index, name: name))
    }

    func model(_ nodes: [Node], inputs: [String] = ["x", "y"], outputs: [String] = ["z"], initializers: [Initializer] = []) -> Model {
        let f = ValueType.tensor(elementType: .float32, shape: Shape([.symbolic("n")]))
        return Model(format: .onnx, path: "test.onnx", irVersion: 8, opsetImports: ["": 17],
                     graph: Graph(name: "g", nodes: nodes, inputs: inputs.map { ValueInfo(name: $0, type: f) },
                                  outputs: outputs.map { ValueInfo(name: $0, type: f) }, initializers: initializers))
    }

    func floats(_ v: Value?) throws -> [Float] { try XCTUnwrap(v?.tensor).floatValues() }

    func testNodesOutOfFileOrderAreScheduledAndIntermediatesKept() throws {
        // z = relu(x + y) * y, with the Mul listed first in the file.
        let m = model([node("Mul", ["r", "y"], ["z"], name: "mul"), node("Relu", ["s"], ["r"], name: "relu"),
                       node("Add", ["x", "y"], ["s"], name: "add")])
        let session = try Session(model: m)
        XCTAssertEqual(session.main.scheduledNodes, ["add", "relu", "mul"])
        let x = try Tensor(float32: [1, -5, 2], shape: [3]), y = try Tensor(float32: [2, 2, -1], shape: [3])
        let result = try session.run(["x": .tensor(x), "y": .tensor(y)], options: RunOptions(intermediates: .all))
        XCTAssertEqual(try floats(result.outputs[0].value), [6, 0, -1])
        XCTAssertEqual(try floats(result.intermediates["s"]), [3, -3, 1])
        XCTAssertEqual(result.executionOrder, ["s", "r", "z"])
    }

    func testBroadcastingAndIntegerSemantics() throws {
        let a = try Tensor(dtype: .int32, shape: [2, 3], values: [Int32](arrayLiteral: 7, -7, 1, Int32.max, 0, 9))
        let b = try Tensor(dtype: .int32, shape: [3], values: [Int32](arrayLiteral: 2, 2, 0))
        let i32 = ValueType.tensor(elementType: .int32, shape: nil)
        let m = Model(format: .onnx, path: "t", irVersion: 8, opsetImports: ["": 17], graph: Graph(
            name: "g", nodes: [node("Div", ["a", "b"], ["q"]), node("Add", ["a", "a"], ["s"], index: 1)],
            inputs: [ValueInfo(name: "a", type: i32), ValueInfo(name: "b", type: i32)],
            outputs: [ValueInfo(name: "q", type: i32), ValueInfo(name: "s", type: i32)]))
        let result = try Session(model: m).run(["a": .tensor(a), "b": .tensor(b)])
        XCTAssertEqual(try XCTUnwrap(result.outputs[0].value?.tensor).scalars(as: Int32.self), [3, -3, 0, Int32.max / 2, 0, 0])
        XCTAssertEqual(try XCTUnwrap(result.outputs[1].value?.tensor).scalars(as: Int32.self), [14, -14, 2, -2, 0, 18])
    }

    func testFloat16IsComputedInFloat32AndRounded() throws {
        let h = ValueType.tensor(elementType: .float16, shape: nil)
        let m = Model(format: .onnx, path: "t", irVersion: 8, opsetImports: ["": 17], graph: Graph(
            name: "g", nodes: [node("Add", ["a", "b"], ["c"])],
            inputs: [ValueInfo(name: "a", type: h), ValueInfo(name: "b", type: h)], outputs: [ValueInfo(name: "c", type: h)]))
        let a = try Tensor(dtype: .float16, shape: [2], values: [FloatBits.floatToHalf(1), FloatBits.floatToHalf(65504)])
        let b = try Tensor(dtype: .float16, shape: [2], values: [FloatBits.floatToHalf(0x1p-11), FloatBits.floatToHalf(65504)])
        let c = try XCTUnwrap(try Session(model: m).run(["a": .tensor(a), "b": .tensor(b)]).outputs[0].value?.tensor)
        XCTAssertEqual(c.dtype, .float16)
        XCTAssertEqual(try c.floatValues(), [1, .infinity])  // 1 + 2^-11 ties to even; overflow to +Inf
    }

    func testUnknownOpNamesTheClosestKnownOps() {
        let m = model([node("Relux", ["x"], ["z"], name: "bad")], inputs: ["x"])
        XCTAssertThrowsError(try Session(model: m)) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix(
                "node 'bad' (Relux): op is not implemented by the reference interpreter at opset 17; did you mean 'Relu'"),
                error.localizedDescription)
            XCTAssertTrue((error as? InterpreterError)?.isUnsupported ?? false)
        }
    }

    func testMissingProducerAndCycleAreReported() {
        XCTAssertThrowsError(try Session(model: model([node("Relu", ["nowhere"], ["z"], name: "r")], inputs: []))) { error in
            XCTAssertEqual(error.localizedDescription, "node 'r' (Relu): input 'nowhere' is not produced by any node, initializer or graph input")
        }
        let cycle = model([node("Relu", ["b"], ["a"], name: "r1"), node("Relu", ["a"], ["b"], name: "r2")], inputs: [], outputs: ["a"])
        XCTAssertThrowsError(try Session(model: cycle)) { error in
            XCTAssertTrue(error.localizedDescription.contains("is part of a cycle"), error.localizedDescription)
        }
    }

    func testInputsAreCheckedAgainstTheDeclaration() throws {
        let session = try Session(model: model([node("Add", ["x", "y"], ["z"], name: "add")]))
        let x = try Tensor(float32: [1], shape: [1])
        XCTAssertThrowsError(try session.run(["x": .tensor(x)])) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix("input 'y': no value given"), error.localizedDescription)
        }
        let wrongType = try Tensor(dtype: .int32, shape: [1], values: [Int32(1)])
        XCTAssertThrowsError(try session.run(["x": .tensor(x), "y": .tensor(wrongType)])) { error in
            XCTAssertEqual(error.localizedDescription, "input 'y': expected float32, found int32")
        }
        let wrongRank = try Tensor(float32: [1], shape: [1, 1])
        XCTAssertThrowsError(try session.run(["x": .tensor(x), "y": .tensor(wrongRank)])) { error in
            XCTAssertTrue(error.localizedDescription.contains("rank 1"), error.localizedDescription)
        }
        let mismatched = try Tensor(float32: [1, 2, 3], shape: [3]), other = try Tensor(float32: [1, 2], shape: [2])
        XCTAssertThrowsError(try session.run(["x": .tensor(mismatched), "y": .tensor(other)])) { error in
            XCTAssertEqual(error.localizedDescription, "node 'add' (Add): shapes [3] and [2] cannot be broadcast")
        }
    }

    func testRegistryLookupHonoursVersionRanges() {
        let registry = ONNXOps.registry
        XCTAssertNotNil(registry.lookup(domain: "", name: "Add", opset: 14))
        XCTAssertNil(registry.lookup(domain: "", name: "Add", opset: 6), "Add before opset 7 had legacy broadcast semantics")
        XCTAssertNotNil(registry.lookup(domain: "ai.onnx", name: "Relu", opset: 13))
        XCTAssertEqual(registry.suggestions(for: "relu").first, "Relu", "case-insensitive")
    }

    func testBroadcastShapes() throws {
        XCTAssertEqual(try Broadcast.shape([[2, 1, 3], [4, 1]]), [2, 4, 3])
        XCTAssertEqual(try Broadcast.shape([[], [5]]), [5])
        XCTAssertEqual(try Broadcast.shape([[0, 3], [1, 3]]), [0, 3])
        XCTAssertThrowsError(try Broadcast.shape([[2], [3]]))
        XCTAssertEqual(Broadcast.strides(of: [4, 1], in: [2, 4, 3]), [0, 1, 0])
    }
}

final class GEMMTests: XCTestCase {
    func testSgemmAgainstANaiveProduct() {
        let m = 3, n = 4, k = 5
        let a = (0..<(m * k)).map { Float($0 % 7) - 3 }, b = (0..<(k * n)).map { Float($0 % 5) * 0.5 }
        var c = [Float](repeating: 1, count: m * n)
        GEMM.sgemm(m: m, n: n, k: k, alpha: 2, a: a, b: b, beta: 1, c: &c)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
                XCTAssertEqual(c[i * n + j], 2 * s + 1, accuracy: 1e-5)
            }
        }
        // Transposed operands give the same product.
        let at = (0..<(k * m)).map { idx in a[(idx % m) * k + idx / m] }
        var c2 = [Float](repeating: 0, count: m * n)
        GEMM.sgemm(m: m, n: n, k: k, a: at, transposeA: true, b: b, c: &c2)
        var c3 = [Float](repeating: 0, count: m * n)
        GEMM.sgemm(m: m, n: n, k: k, a: a, b: b, c: &c3)
        XCTAssertEqual(c2, c3)
        XCTAssertNotNil(GEMM.coreName, "OpenBLAS should be loadable (libopenblas-dev)")
    }

    /// B and C as windows of larger arrays (row strides ldb, ldc), accumulating with beta = 1.
    func testStridedSgemmReadsAndWritesWindows() {
        let m = 3, n = 5, k = 4, ldb = 9, ldc = 7
        let a = (0..<(m * k)).map { Float($0 % 5) - 2 }, b = (0..<(k * ldb)).map { Float($0 % 7) * 0.5 - 1 }
        var c = [Float](repeating: 1, count: m * ldc)
        GEMM.sgemm(m: m, n: n, k: k, a: a, b: b, ldb: ldb, beta: 1, c: &c, ldc: ldc)
        var d = [Double](repeating: 1, count: m * ldc)
        GEMM.dgemm(m: m, n: n, k: k, a: a.map(Double.init), b: b.map(Double.init), ldb: ldb, beta: 1, c: &d, ldc: ldc)
        for i in 0..<m {
            for j in 0..<ldc {
                var s: Float = 0
                for p in 0..<k { s += a[i * k + p] * b[p * ldb + j] }
                let expected = j < n ? s + 1 : 1  // columns past n untouched
                XCTAssertEqual(c[i * ldc + j], expected, accuracy: 1e-5)
                XCTAssertEqual(d[i * ldc + j], Double(expected), accuracy: 1e-9)
            }
        }
    }

    func testNaiveFallbackMatchesBLAS() {
        let m = 4, n = 3, k = 6
        let a = (0..<(m * k)).map { Double($0 % 5) - 2 }, b = (0..<(k * n)).map { Double($0 % 3) * 0.25 }
        var blas = [Double](repeating: 0.5, count: m * n), naive = blas
        GEMM.dgemm(m: m, n: n, k: k, alpha: 1.5, a: a, b: b, transposeB: false, beta: 2, c: &blas)
        naive.withUnsafeMutableBufferPointer { c in
            GEMM.naive(m: m, n: n, k: k, alpha: 1.5, a: a, transposeA: false, b: b, transposeB: false, beta: 2, c: c.baseAddress!)
        }
        XCTAssertEqual(blas, naive)
    }
}

final class Float64PrecisionTests: XCTestCase {
    /// y = (x + c) - c with c = 1e8: float32 loses x entirely, the float64 oracle keeps it.
    func testFloat64ModeComputesWideAndRoundsOnce() throws {
        let f = ValueType.tensor(elementType: .float32, shape: Shape(fixed: [2]))
        func node(_ op: String, _ i: [String], _ o: String, _ index: Int) -> Node {
            Node(name: o, op: OpIdentifier(name: op, version: 17), inputs: i, outputs: [o],
                 origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: index, name: o))
        }
        let c = Initializer(name: "c", tensor: try Tensor(float32: [1e8, 1e8], shape: [2]))
        let model = Model(format: .onnx, path: "t", irVersion: 8, opsetImports: ["": 17], graph: Graph(
            name: "g", nodes: [node("Add", ["x", "c"], "s", 0), node("Sub", ["s", "c"], "y", 1)],
            inputs: [ValueInfo(name: "x", type: f)], outputs: [ValueInfo(name: "y", type: f)], initializers: [c]))
        let x = try Tensor(float32: [0.25, -3.5], shape: [2])
        let native = try Session(model: model).run(["x": .tensor(x)])
        XCTAssertEqual(try XCTUnwrap(native.outputs[0].value?.tensor).floatValues(), [0, 0])  // float32 spacing at 1e8 is 8
        let oracle = try Session(model: model, precision: .float64).run(["x": .tensor(x)], options: RunOptions(intermediates: .all))
        let y = try XCTUnwrap(oracle.outputs[0].value?.tensor)
        XCTAssertEqual(y.dtype, .float32, "outputs are rounded back to the declared type")
        XCTAssertEqual(try y.floatValues(), [0.25, -3.5])
        XCTAssertEqual(oracle.intermediates["s"]?.tensor?.dtype, .float64)
    }

    func testWideningRewritesCastAndConstants() throws {
        let cast = Node(name: "cast", op: OpIdentifier(name: "Cast", version: 17), inputs: ["i"], outputs: ["o"],
                        attributes: [Attribute(name: "to", value: .int(1))], origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "cast"))
        let constant = Node(name: "k", op: OpIdentifier(name: "Constant", version: 17), inputs: [], outputs: ["k"],
                            attributes: [Attribute(name: "value_floats", value: .floats([1.5, 2]))],
                            origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 1, name: "k"))
        let widened = try Float64Widening.widen(Graph(name: "g", nodes: [cast, constant]))
        guard case .int(let to)? = widened.nodes[0].attribute("to") else { return XCTFail("to") }
        XCTAssertEqual(to, 11)
        guard case .tensor(let t)? = widened.nodes[1].attribute("value") else { return XCTFail("value") }
        XCTAssertEqual(t.dtype, .float64)
        XCTAssertEqual(try t.doubleValues(), [1.5, 2])
    }
}
