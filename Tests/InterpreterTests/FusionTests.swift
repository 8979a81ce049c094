import LockstepCore
import XCTest

@testable import Interpreter

/// Fused elementwise chains (`ElementwiseFusion`, `FusedElementwiseKernel`) against the same
/// graphs run unfused: every output and kept intermediate must be bit-identical, NaN payload
/// aside (compared as "both NaN"), with −0, ±Inf, subnormals and block boundaries covered.
final class FusionTests: XCTestCase {
    struct G {
        var nodes: [Node] = []
        var initializers: [Initializer] = []

        mutating func add(_ op: String, _ inputs: [String], _ output: String, opset: Int = 17, _ attributes: [String: AttributeValue] = [:]) {
            nodes.append(Node(name: output, op: OpIdentifier(name: op, version: opset), inputs: inputs, outputs: [output],
                              attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                              origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: nodes.count, name: output)))
        }

        mutating func constant(_ name: String, _ values: [Float], shape: [Int] = []) throws {
            initializers.append(Initializer(name: name, tensor: try Tensor(float32: values, shape: shape)))
        }

        func model(inputs: [String], outputs: [String]) -> Model {
            let any = ValueType.tensor(elementType: nil, shape: nil)
            return Model(format: .onnx, path: "fusion.onnx", irVersion: 8, opsetImports: ["": 17],
                         graph: Graph(name: "g", nodes: nodes, inputs: inputs.map { ValueInfo(name: $0, type: any) },
                                      outputs: outputs.map { ValueInfo(name: $0, type: any) }, initializers: initializers))
        }
    }

    /// Values that exercise IEEE corner cases, then seeded random ones of mixed magnitude.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        let special: [Float] = [0, -0, 1, -1, .nan, .infinity, -.infinity, 3, -3, 6, -6, 0x1p-149, -0x1p-149, 0x1p-126,
                                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30, 2.5, -2.5, 0.5]
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        return (0..<count).map { i in
            if i < special.count && seed % 3 == 0 { return special[i] }
            let u = Float(next() % 1_000_000) / 1_000_000
            let scale: Float = [1, 8, 1e-3, 1e4][Int(next() % 4)]
            return (u * 2 - 1) * scale
        }
    }

    /// Runs `model` fused and unfused (intermediates `.all` and `.none`) and compares bits.
    @discardableResult
    func assertBitIdentical(_ model: Model, _ feeds: [String: Value], precision: Session.Precision = .native,
                            fusedSteps: Int? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let fused = try Session(model: model, precision: precision)
        let plain = try Session(model: model, precision: precision, fusion: false)
        XCTAssertEqual(plain.main.fusedStepCount, 0, file: file, line: line)
        if let fusedSteps { XCTAssertEqual(fused.main.fusedStepCount, fusedSteps, "fused steps", file: file, line: line) }
        // A fused chain runs where its last member was scheduled: same nodes, maybe another order.
        XCTAssertEqual(fused.main.scheduledNodes.sorted(), plain.main.scheduledNodes.sorted(), file: file, line: line)
        let expectedAll = try plain.run(feeds, options: RunOptions(intermediates: .all))
        let start = VectorKernels.level
        defer { VectorKernels.level = start }
        for level in VectorKernels.available {
          VectorKernels.level = level
          for policy in [IntermediatePolicy.all, .none] {
            let got = try fused.run(feeds, options: RunOptions(intermediates: policy))
            for (e, g) in zip(expectedAll.outputs, got.outputs) {
                XCTAssertEqual(e.name, g.name, file: file, line: line)
                try assertSameBits(e.value, g.value, e.name, file: file, line: line)
            }
            if policy == .all {
                XCTAssertEqual(Set(got.intermediates.keys), Set(expectedAll.intermediates.keys), file: file, line: line)
                for (name, value) in expectedAll.intermediates { try assertSameBits(value, got.intermediates[name], name, file: file, line: line) }
                XCTAssertEqual(Set(got.executionOrder), Set(expectedAll.executionOrder), file: file, line: line)
            }
          }
        }
        return expectedAll
    }

    func assertSameBits(_ a: Value?, _ b: Value?, _ name: String, file: StaticString, line: UInt) throws {
        let x = try XCTUnwrap(a?.tensor, name, file: file, line: line), y = try XCTUnwrap(b?.tensor, name, file: file, line: line)
        XCTAssertEqual(x.dtype, y.dtype, name, file: file, line: line)
        XCTAssertEqual(x.shape, y.shape, name, file: file, line: line)
        switch x.dtype {
        case .float32:
            let p = try x.scalars(as: Float.self), q = try y.scalars(as: Float.self)
            for i in p.indices where !(p[i].isNaN && q[i].isNaN) && p[i].bitPattern != q[i].bitPattern {
                return XCTFail("\(name)[\(i)]: unfused \(p[i]) (\(p[i].bitPattern)), fused \(q[i]) (\(q[i].bitPattern))", file: file, line: line)
            }
        case .float64:
            let p = try x.scalars(as: Double.self), q = try y.scalars(as: Double.self)
            for i in p.indices where !(p[i].isNaN && q[i].isNaN) && p[i].bitPattern != q[i].bitPattern {
                return XCTFail("\(name)[\(i)]: unfused \(p[i]), fused \(q[i])", file: file, line: line)
            }
        default:
            XCTAssertEqual(x.storage.bytes.elementsEqual(y.storage.bytes), true, name, file: file, line: line)
        }
    }

    /// PaddlePaddle's exported affine + HardSwish + affine chain, as in PP-OCR.
    func hardSwishChain() throws -> G {
        var g = G()
        try g.constant("a", [0.9431690573692322]); try g.constant("b", [0.5042971968650818])
        try g.constant("three", [3]); try g.constant("zero", [0]); try g.constant("six", [6])
        try g.constant("c", [0.47632309794425964]); try g.constant("d", [-0.007573243696242571])
        g.add("Mul", ["a", "x"], "m1")
        g.add("Add", ["m1", "b"], "a3")
        g.add("Add", ["a3", "three"], "a5")
        g.add("Clip", ["a5", "zero", "six"], "clip")
        g.add("Mul", ["a3", "clip"], "m3")
        g.add("Div", ["m3", "six"], "hs")
        g.add("Mul", ["c", "hs"], "m5")
        g.add("Add", ["m5", "d"], "y")
        return g
    }

    func testHardSwishChainIsOneStepAndBitIdenticalAcrossBlockBoundaries() throws {
        let model = try hardSwishChain().model(inputs: ["x"], outputs: ["y"])
        for (i, count) in [0, 1, 7, 511, 512, 513, 1500, 4099].enumerated() {
            let x = try Tensor(float32: Self.values(count, seed: UInt64(i * 3)), shape: [1, count])
            try assertBitIdentical(model, ["x": .tensor(x)], fusedSteps: 1)
        }
    }

    func testFloat64OracleModeFusesToo() throws {
        let model = try hardSwishChain().model(inputs: ["x"], outputs: ["y"])
        let x = try Tensor(float32: Self.values(1000, seed: 3), shape: [10, 100])
        try assertBitIdentical(model, ["x": .tensor(x)], precision: .float64, fusedSteps: 1)
        let x64 = try Tensor(dtype: .float64, shape: [1000], values: Self.values(1000, seed: 6).map(Double.init))
        var g = G()
        g.add("Sigmoid", ["x"], "s"); g.add("Mul", ["x", "s"], "y")
        try assertBitIdentical(g.model(inputs: ["x"], outputs: ["y"]), ["x": .tensor(x64)], fusedSteps: 1)
    }

    func testBroadcastInputsAndSmallMembers() throws {
        // y = x * HardSigmoid(p) (squeeze-excitation), + a per-row vector, then Relu; p is [N, C, 1, 1].
        var g = G()
        g.add("HardSigmoid", ["p"], "hs", ["alpha": .float(0.2), "beta": .float(0.5)])
        g.add("Mul", ["x", "hs"], "scaled")
        g.add("Add", ["scaled", "v"], "shifted")
        g.add("Relu", ["shifted"], "y")
        let model = g.model(inputs: ["x", "p", "v"], outputs: ["y"])
        let x = try Tensor(float32: Self.values(2 * 3 * 4 * 5, seed: 9), shape: [2, 3, 4, 5])
        let p = try Tensor(float32: Self.values(6, seed: 10), shape: [2, 3, 1, 1])
        let v = try Tensor(float32: Self.values(5, seed: 12), shape: [5])
        try assertBitIdentical(model, ["x": .tensor(x), "p": .tensor(p), "v": .tensor(v)], fusedSteps: 1)
        // The output broadcast wider than every input ([3, 1] with [1, 4]) and scalar-only members.
        let a = try Tensor(float32: [1, -0.0, .nan], shape: [3, 1]), b = try Tensor(float32: [2, .infinity, -1, 0], shape: [1, 4])
        var h = G()
        h.add("Neg", ["s1"], "n"); h.add("Exp", ["n"], "e"); h.add("Add", ["a", "e"], "t"); h.add("Mul", ["t", "b"], "y")
        try assertBitIdentical(h.model(inputs: ["a", "b", "s1"], outputs: ["y"]),
                               ["a": .tensor(a), "b": .tensor(b), "s1": .tensor(try Tensor(float32: [0.5], shape: []))], fusedSteps: 1)
    }

    func testClipForms() throws {
        var g = G()
        g.add("Clip", ["x", "", "hi"], "c1")                      // no lower bound
        g.add("Clip", ["c1", "lo"], "c2")                         // no upper bound
        g.add("Clip", ["c2"], "c3")                               // no bounds
        g.add("Clip", ["c3"], "y", opset: 6, ["min": .float(-2), "max": .float(2.5)])
        let model = g.model(inputs: ["x", "lo", "hi"], outputs: ["y"])
        let x = try Tensor(float32: Self.values(300, seed: 0), shape: [300])
        try assertBitIdentical(model, ["x": .tensor(x), "lo": .tensor(try Tensor(float32: [-1], shape: [])),
                                       "hi": .tensor(try Tensor(float32: [4], shape: [1]))], fusedSteps: 1)
        // NaN bounds make everything NaN, fused or not.
        try assertBitIdentical(model, ["x": .tensor(x), "lo": .tensor(try Tensor(float32: [.nan], shape: [])),
                                       "hi": .tensor(try Tensor(float32: [4], shape: [1]))], fusedSteps: 1)
        // A bound that is not a single value: both paths report it against the Clip node.
        let bad = ["x": Value.tensor(x), "lo": .tensor(try Tensor(float32: [-1, 1], shape: [2])), "hi": .tensor(try Tensor(float32: [4], shape: [1]))]
        for fusion in [true, false] {
            XCTAssertThrowsError(try Session(model: model, fusion: fusion).run(bad)) { error in
                XCTAssertEqual(error.localizedDescription, "node 'c2' (Clip): input 'min' must be a scalar, found shape [2]")
            }
        }
    }

    func testEveryFusableOpMatchesUnfused() throws {
        // One chain through every fusable op, x in a range where most ops are finite.
        var g = G()
        try g.constant("two", [2]); try g.constant("half", [0.5])
        let unary = ["Relu", "Abs", "Neg", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round",
                     "Erf", "HardSwish", "Softplus", "Softsign", "Sin", "Cos", "Atan", "Sign", "Elu", "Selu", "Celu",
                     "LeakyRelu", "ThresholdedRelu", "Gelu", "Mish", "HardSigmoid"]
        var last = "x"
        for (i, op) in unary.enumerated() {
            g.add(op, [last], "u\(i)", opset: ["Gelu": 20, "Mish": 18][op] ?? 17)
            g.add("Pow", ["u\(i)", i % 2 == 0 ? "two" : "half"], "p\(i)")
            g.add(i % 4 == 0 ? "Add" : i % 4 == 1 ? "Sub" : i % 4 == 2 ? "Mul" : "Div", ["p\(i)", "x"], "b\(i)")
            last = "b\(i)"
        }
        let model = g.model(inputs: ["x"], outputs: [last])
        let x = try Tensor(float32: Self.values(700, seed: 3), shape: [700])
        try assertBitIdentical(model, ["x": .tensor(x)], fusedSteps: 1)
    }

    func testValuesReadOutsideTheChainAreMaterialisedAndSplitWhereNeeded() throws {
        // t = x + 1 is read by a Transpose scheduled between chain members: the chain must not
        // absorb later members past that reader, and every value must still be right.
        var g = G()
        try g.constant("one", [1])
        g.add("Add", ["x", "one"], "t")
        g.add("Relu", ["t"], "r")
        g.add("Transpose", ["t"], "tt")
        g.add("Mul", ["r", "t"], "m")
        g.add("Sigmoid", ["m"], "y")
        let model = g.model(inputs: ["x"], outputs: ["y", "tt", "r"])
        let x = try Tensor(float32: Self.values(24, seed: 3), shape: [4, 6])
        let session = try Session(model: model)
        XCTAssertEqual(session.main.scheduledNodes, ["t", "r", "tt", "m", "y"])
        try assertBitIdentical(model, ["x": .tensor(x)])
        // Only kept values are materialised inside a chain.
        let kept = try session.run(["x": .tensor(x)], options: RunOptions(intermediates: .names(["m"])))
        XCTAssertEqual(Set(kept.intermediates.keys), ["m"])
    }

    func testUnfusableInputsRunTheMembersOneByOne() throws {
        var g = G()
        g.add("Add", ["a", "b"], "s"); g.add("Mul", ["s", "b"], "y")
        let model = g.model(inputs: ["a", "b"], outputs: ["y"])
        // float16 and integers take the unfused path inside the fused step.
        let h = try Tensor(dtype: .float16, shape: [3], values: [FloatBits.floatToHalf(1), FloatBits.floatToHalf(65504), FloatBits.floatToHalf(-0.0)])
        try assertBitIdentical(model, ["a": .tensor(h), "b": .tensor(h)], fusedSteps: 1)
        let i = try Tensor(dtype: .int32, shape: [3], values: [Int32.max, -4, 0])
        try assertBitIdentical(model, ["a": .tensor(i), "b": .tensor(i)], fusedSteps: 1)
        // Mixed types and shape errors are reported by the member that fails, as unfused.
        let f = try Tensor(float32: [1, 2, 3], shape: [3]), f2 = try Tensor(float32: [1, 2], shape: [2])
        for fusion in [true, false] {
            let session = try Session(model: model, fusion: fusion)
            XCTAssertThrowsError(try session.run(["a": .tensor(f), "b": .tensor(f2)])) { error in
                XCTAssertEqual(error.localizedDescription, "node 's' (Add): shapes [3] and [2] cannot be broadcast")
            }
            XCTAssertThrowsError(try session.run(["a": .tensor(f), "b": .tensor(h)])) { error in
                XCTAssertEqual(error.localizedDescription, "node 's' (Add): inputs 'A' and 'B' must have one element type, found float32 and float16")
            }
        }
    }

    /// Seeded random DAGs of fusable ops over inputs of broadcastable shapes.
    func testRandomChainsAreBitIdentical() throws {
        let binary = ["Add", "Sub", "Mul", "Div", "Pow"]
        let unary = ["Relu", "Neg", "Sigmoid", "HardSigmoid", "HardSwish", "Sqrt", "Abs", "Exp", "Tanh", "Clip"]
        let shapes: [[Int]] = [[2, 3, 5, 7], [1, 3, 1, 1], [7], [], [2, 1, 5, 1], [1, 1, 1, 7]]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var fusedSteps = 0, fusedMembers = 0
        for trial in 0..<40 {
            var g = G()
            try g.constant("lo", [-1.5]); try g.constant("hi", [2])
            var values = (0..<shapes.count).map { "in\($0)" }
            var feeds: [String: Value] = [:]
            for (k, shape) in shapes.enumerated() {
                feeds["in\(k)"] = .tensor(try Tensor(float32: Self.values(shape.reduce(1, *), seed: UInt64(trial * 10 + k)), shape: shape))
            }
            for n in 0..<(3 + next(10)) {
                let out = "v\(n)"
                let recent = values[max(0, values.count - 3)...]
                let a = next(3) == 0 ? values[next(values.count)] : recent[recent.startIndex + next(recent.count)]
                if next(2) == 0 {
                    let op = unary[next(unary.count)]
                    g.add(op, op == "Clip" ? [a, "lo", "hi"] : [a], out)
                } else {
                    g.add(binary[next(binary.count)], [a, values[next(values.count)]], out)
                }
                values.append(out)
            }
            let outputs = Array(Set([values[values.count - 1], values[values.count / 2 + 2]])).sorted()
            let model = g.model(inputs: (0..<shapes.count).map { "in\($0)" }, outputs: outputs)
            try assertBitIdentical(model, feeds)
            let main = try Session(model: model).main
            fusedSteps += main.fusedStepCount
            fusedMembers += main.scheduledNodes.count - (main.steps.count - main.fusedStepCount)
        }
        // The trials do exercise fusion (many chains, most nodes inside one).
        XCTAssertGreaterThan(fusedSteps, 40)
        XCTAssertGreaterThan(fusedMembers, 200)
    }
}
