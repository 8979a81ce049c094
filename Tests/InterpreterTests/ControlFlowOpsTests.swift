import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

/// If, Loop and Scan on small graphs built in the IR (including reads of outer-scope values),
/// and the recurrent ops against naive step loops.
final class ControlFlowOpsTests: XCTestCase {
    // MARK: IR helpers

    func node(_ op: String, _ inputs: [String], _ outputs: [String], opset: Int = 17, _ attributes: [Attribute] = []) -> Node {
        Node(name: "\(op)_\(outputs.first ?? "")", op: OpIdentifier(name: op, version: opset), inputs: inputs, outputs: outputs,
             attributes: attributes, origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: op))
    }

    func info(_ name: String, _ type: DType? = .float32, _ shape: [Int]? = nil) -> ValueInfo {
        ValueInfo(name: name, type: .tensor(elementType: type, shape: shape.map { Shape(fixed: $0) }))
    }

    func graph(_ name: String, _ nodes: [Node], inputs: [ValueInfo] = [], outputs: [ValueInfo]) -> Graph {
        Graph(name: name, nodes: nodes, inputs: inputs, outputs: outputs)
    }

    func session(_ g: Graph, opset: Int = 17) throws -> Session {
        try Session(model: Model(format: .onnx, path: "cf.onnx", irVersion: 8, opsetImports: ["": opset], graph: g))
    }

    func f32(_ v: [Float], _ shape: [Int]) throws -> Tensor { try Tensor(float32: v, shape: shape) }
    func bool(_ v: Bool) throws -> Tensor { try Tensor(dtype: .bool, shape: [], values: [UInt8(v ? 1 : 0)]) }
    func i64(_ v: Int64) throws -> Tensor { try Tensor(dtype: .int64, shape: [], values: [v]) }
    func floats(_ v: Value?) throws -> [Float] { try XCTUnwrap(v?.tensor).floatValues() }
    func shape(_ v: Value?) throws -> [Int] { try XCTUnwrap(v?.tensor).shape }

    // MARK: If

    func testIfRunsTheChosenBranchReadingOuterValues() throws {
        let thenBranch = graph("then", [node("Add", ["x", "y"], ["t"])], outputs: [info("t")])
        let elseBranch = graph("else", [node("Sub", ["x", "y"], ["e"])], outputs: [info("e")])
        let g = graph("main", [node("If", ["c"], ["z"], [Attribute(name: "then_branch", value: .graph(thenBranch)),
                                                        Attribute(name: "else_branch", value: .graph(elseBranch))])],
                      inputs: [info("c", .bool, []), info("x"), info("y")], outputs: [info("z")])
        let s = try session(g)
        let x = try f32([5, 1], [2]), y = try f32([2, 3], [2])
        XCTAssertEqual(try floats(s.run(["c": .tensor(try bool(true)), "x": .tensor(x), "y": .tensor(y)]).outputs[0].value), [7, 4])
        XCTAssertEqual(try floats(s.run(["c": .tensor(try bool(false)), "x": .tensor(x), "y": .tensor(y)]).outputs[0].value), [3, -2])
        XCTAssertThrowsError(try s.run(["c": .tensor(try f32([1], [])), "x": .tensor(x), "y": .tensor(y)]))
    }

    // MARK: Loop

    /// Loop body: x_out = x_in + a (a from the outer scope), scan = x_out, cond_out = `condSource`.
    func loopModel(tripCount: Bool, condition: Bool, condSource: String) throws -> Session {
        let body = graph("body", [node("Add", ["x_in", "a"], ["x_out"]), node("Identity", ["x_out"], ["scan"]),
                                  node("Identity", [condSource], ["c_out"])],
                         inputs: [info("i", .int64, []), info("c_in", .bool, []), info("x_in", .float32, [2])],
                         outputs: [info("c_out", .bool, []), info("x_out", .float32, [2]), info("scan", .float32, [2])])
        let g = graph("main", [node("Loop", [tripCount ? "M" : "", condition ? "cond" : "", "x0"], ["x_final", "scans"],
                                    [Attribute(name: "body", value: .graph(body))])],
                      inputs: [info("M", .int64, []), info("cond", .bool, []), info("stop", .bool, []), info("a", .float32, [2]), info("x0", .float32, [2])],
                      outputs: [info("x_final"), info("scans")])
        return try session(g)
    }

    func feeds(m: Int64, cond: Bool = true, stop: Bool = true) throws -> [String: Value] {
        ["M": .tensor(try i64(m)), "cond": .tensor(try bool(cond)), "stop": .tensor(try bool(stop)),
         "a": .tensor(try f32([1, 10], [2])), "x0": .tensor(try f32([0, 5], [2]))]
    }

    func testLoopCarriesValuesReadsOuterScopeAndStacksScanOutputs() throws {
        let s = try loopModel(tripCount: true, condition: true, condSource: "c_in")
        let r = try s.run(try feeds(m: 3))
        XCTAssertEqual(try floats(r.outputs[0].value), [3, 35])
        XCTAssertEqual(try shape(r.outputs[1].value), [3, 2])
        XCTAssertEqual(try floats(r.outputs[1].value), [1, 15, 2, 25, 3, 35])
        // Zero iterations: the initial values, and empty scan outputs of the declared element shape.
        let zero = try s.run(try feeds(m: 0))
        XCTAssertEqual(try floats(zero.outputs[0].value), [0, 5])
        XCTAssertEqual(try shape(zero.outputs[1].value), [0, 2])
        // cond false on entry: no iteration either.
        XCTAssertEqual(try floats(s.run(try feeds(m: 3, cond: false)).outputs[0].value), [0, 5])
    }

    func testLoopConditionSemantics() throws {
        // ("", cond): a while loop; the body's condition (outer 'stop' = false) ends it after one iteration.
        let whileLoop = try loopModel(tripCount: false, condition: true, condSource: "stop")
        XCTAssertEqual(try floats(whileLoop.run(try feeds(m: 9, stop: false)).outputs[0].value), [1, 15])
        // (M, ""): a for loop; the body's condition is ignored.
        let forLoop = try loopModel(tripCount: true, condition: false, condSource: "stop")
        XCTAssertEqual(try floats(forLoop.run(try feeds(m: 4, stop: false)).outputs[0].value), [4, 45])
        // (M, cond): whichever ends first.
        let both = try loopModel(tripCount: true, condition: true, condSource: "stop")
        XCTAssertEqual(try floats(both.run(try feeds(m: 4, stop: false)).outputs[0].value), [1, 15])
        XCTAssertEqual(try floats(both.run(try feeds(m: 2, stop: true)).outputs[0].value), [2, 25])
        // ("", ""): never ends; reported instead of hanging.
        let endless = try loopModel(tripCount: false, condition: false, condSource: "stop")
        XCTAssertThrowsError(try endless.run(try feeds(m: 1))) { error in
            XCTAssertTrue(error.localizedDescription.contains("never terminates"), error.localizedDescription)
        }
    }

    func testLoopCarriesSequences() throws {
        // seq_out = SequenceInsert(seq_in, x): the sequence grows by one tensor per iteration.
        let body = graph("body", [node("SequenceInsert", ["seq_in", "x"], ["seq_out"]), node("Identity", ["c_in"], ["c_out"])],
                         inputs: [info("i", .int64, []), info("c_in", .bool, []), ValueInfo(name: "seq_in", type: .sequence(nil))],
                         outputs: [info("c_out", .bool, []), ValueInfo(name: "seq_out", type: .sequence(nil))])
        let g = graph("main", [node("SequenceEmpty", [], ["empty"]),
                               node("Loop", ["M", "", "empty"], ["seq"], [Attribute(name: "body", value: .graph(body))]),
                               node("SequenceLength", ["seq"], ["n"]), node("ConcatFromSequence", ["seq"], ["all"], [Attribute(name: "axis", value: .int(0))])],
                      inputs: [info("M", .int64, []), info("x", .float32, [2])], outputs: [info("n", .int64), info("all")])
        let r = try session(g).run(["M": .tensor(try i64(3)), "x": .tensor(try f32([1, 2], [2]))])
        XCTAssertEqual(try XCTUnwrap(r.outputs[0].value?.tensor).scalars(as: Int64.self), [3])
        XCTAssertEqual(try floats(r.outputs[1].value), [1, 2, 1, 2, 1, 2])
    }

    // MARK: Scan

    func testScanReversesInputsAndStacksOutputsAlongTheRequestedAxis() throws {
        let body = graph("body", [node("Add", ["sum_in", "x_t"], ["sum_out"]), node("Mul", ["sum_out", "k"], ["scan_out"])],
                         inputs: [info("sum_in", .float32, [2]), info("x_t", .float32, [2])],
                         outputs: [info("sum_out", .float32, [2]), info("scan_out", .float32, [2])])
        let g = graph("main", [node("Scan", ["s0", "x"], ["sum", "ys"], opset: 16,
                                    [Attribute(name: "body", value: .graph(body)), Attribute(name: "num_scan_inputs", value: .int(1)),
                                     Attribute(name: "scan_input_directions", value: .ints([1])),
                                     Attribute(name: "scan_output_axes", value: .ints([-1]))])],
                      inputs: [info("s0", .float32, [2]), info("x", .float32, [3, 2]), info("k", .float32, [])], outputs: [info("sum"), info("ys")])
        let r = try session(g, opset: 16).run(["s0": .tensor(try f32([0, 100], [2])), "x": .tensor(try f32([1, 2, 3, 4, 5, 6], [3, 2])),
                                               "k": .tensor(try f32([2], []))])
        XCTAssertEqual(try floats(r.outputs[0].value), [9, 112])
        // Reverse scan: sums after rows 2, 1, 0 = [5,106], [8,110], [9,112], doubled, stacked on the last axis.
        XCTAssertEqual(try shape(r.outputs[1].value), [2, 3])
        XCTAssertEqual(try floats(r.outputs[1].value), [10, 16, 18, 212, 220, 224])
    }

    func testScan8ScansEachBatchEntryOverItsLengthAndPadsWithZeros() throws {
        let body = graph("body", [node("Add", ["sum_in", "x_t"], ["sum_out"]), node("Identity", ["sum_out"], ["scan_out"])],
                         inputs: [info("sum_in", .float32, [1]), info("x_t", .float32, [1])],
                         outputs: [info("sum_out", .float32, [1]), info("scan_out", .float32, [1])])
        let g = graph("main", [node("Scan", ["lens", "s0", "x"], ["sum", "ys"], opset: 8,
                                    [Attribute(name: "body", value: .graph(body)), Attribute(name: "num_scan_inputs", value: .int(1))])],
                      inputs: [info("lens", .int64, [2]), info("s0", .float32, [2, 1]), info("x", .float32, [2, 3, 1])],
                      outputs: [info("sum"), info("ys")])
        let r = try session(g, opset: 8).run(["lens": .tensor(try Tensor(dtype: .int64, shape: [2], values: [Int64(3), 1])),
                                              "s0": .tensor(try f32([0, 10], [2, 1])), "x": .tensor(try f32([1, 2, 3, 4, 5, 6], [2, 3, 1]))])
        XCTAssertEqual(try floats(r.outputs[0].value), [6, 14])
        XCTAssertEqual(try shape(r.outputs[1].value), [2, 3, 1])
        XCTAssertEqual(try floats(r.outputs[1].value), [1, 3, 6, 14, 0, 0])
    }

    // MARK: Recurrent ops against naive step loops

    struct Random {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
        mutating func array(_ n: Int, scale: Float = 1) -> [Float] { (0..<n).map { _ in next() * scale } }
    }

    func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Runs one recurrent node with the given inputs (nil = omitted) and attributes.
    func runRecurrent(_ op: String, _ inputs: [Tensor?], attributes: [Attribute], outputs: Int) throws -> [Tensor] {
        let names = inputs.enumerated().map { $0.element == nil ? "" : "in\($0.offset)" }
        let given = inputs.enumerated().compactMap { i, t in t.map { ("in\(i)", $0) } }
        let outNames = (0..<outputs).map { "out\($0)" }
        let g = graph("main", [node(op, names, outNames, opset: 22, attributes)],
                      inputs: given.map { info($0.0, $0.1.dtype, $0.1.shape) }, outputs: outNames.map { info($0, nil) })
        var feeds: [String: Value] = [:]
        for (name, t) in given { feeds[name] = .tensor(t) }
        return try session(g, opset: 22).run(feeds).outputs.map { try XCTUnwrap($0.value?.tensor) }
    }

    func assertClose(_ a: [Float], _ b: [Double], tolerance: Double = 1e-5, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() where abs(Double(x) - y) > tolerance {
            XCTFail("\(message): element \(i): \(x) vs \(y)", file: file, line: line)
            return
        }
    }

    func testLSTMMatchesANaiveStepLoop() throws {
        var rng = Random(state: 42)
        let (seq, batch, input, hidden, dirs) = (4, 3, 5, 3, 2)
        let x = rng.array(seq * batch * input), w = rng.array(dirs * 4 * hidden * input, scale: 0.5)
        let r = rng.array(dirs * 4 * hidden * hidden, scale: 0.5), b = rng.array(dirs * 8 * hidden, scale: 0.3)
        let h0 = rng.array(dirs * batch * hidden), c0 = rng.array(dirs * batch * hidden), p = rng.array(dirs * 3 * hidden, scale: 0.3)
        let lengths: [Int32] = [4, 2, 3]
        let clip: Float = 2.5
        let outs = try runRecurrent("LSTM", [
            try f32(x, [seq, batch, input]), try f32(w, [dirs, 4 * hidden, input]), try f32(r, [dirs, 4 * hidden, hidden]),
            try f32(b, [dirs, 8 * hidden]), try Tensor(dtype: .int32, shape: [batch], values: lengths),
            try f32(h0, [dirs, batch, hidden]), try f32(c0, [dirs, batch, hidden]), try f32(p, [dirs, 3 * hidden]),
        ], attributes: [Attribute(name: "direction", value: .string(Array("bidirectional".utf8))),
                        Attribute(name: "hidden_size", value: .int(Int64(hidden))), Attribute(name: "clip", value: .float(clip))], outputs: 3)

        // Naive reference in Double.
        var y = [Double](repeating: 0, count: seq * dirs * batch * hidden)
        var yh = [Double](repeating: 0, count: dirs * batch * hidden), yc = yh
        func cl(_ v: Double) -> Double { min(max(v, -Double(clip)), Double(clip)) }
        for d in 0..<dirs {
            for bi in 0..<batch {
                var h = (0..<hidden).map { Double(h0[(d * batch + bi) * hidden + $0]) }
                var c = (0..<hidden).map { Double(c0[(d * batch + bi) * hidden + $0]) }
                let n = Int(lengths[bi])
                for s in 0..<n {
                    let t = d == 0 ? s : n - 1 - s
                    var gates = [Double](repeating: 0, count: 4 * hidden)
                    for g in 0..<(4 * hidden) {
                        var v = Double(b[d * 8 * hidden + g]) + Double(b[d * 8 * hidden + 4 * hidden + g])
                        for k in 0..<input { v += Double(x[(t * batch + bi) * input + k]) * Double(w[(d * 4 * hidden + g) * input + k]) }
                        for k in 0..<hidden { v += h[k] * Double(r[(d * 4 * hidden + g) * hidden + k]) }
                        gates[g] = v
                    }
                    var newC = c, newH = h
                    for j in 0..<hidden {
                        let pi = Double(p[d * 3 * hidden + j]), po = Double(p[d * 3 * hidden + hidden + j]), pf = Double(p[d * 3 * hidden + 2 * hidden + j])
                        let i = sigmoid(cl(gates[j] + pi * c[j]))
                        let f = sigmoid(cl(gates[2 * hidden + j] + pf * c[j]))
                        let g = tanh(cl(gates[3 * hidden + j]))
                        newC[j] = f * c[j] + i * g
                        let o = sigmoid(cl(gates[hidden + j] + po * newC[j]))
                        newH[j] = o * tanh(cl(newC[j]))
                        y[((t * dirs + d) * batch + bi) * hidden + j] = newH[j]
                    }
                    c = newC
                    h = newH
                }
                for j in 0..<hidden {
                    yh[(d * batch + bi) * hidden + j] = h[j]
                    yc[(d * batch + bi) * hidden + j] = c[j]
                }
            }
        }
        XCTAssertEqual(outs[0].shape, [seq, dirs, batch, hidden])
        assertClose(try outs[0].floatValues(), y, "Y")
        assertClose(try outs[1].floatValues(), yh, "Y_h")
        assertClose(try outs[2].floatValues(), yc, "Y_c")

        // layout = 1 (batch first) gives the same numbers transposed.
        func swap(_ v: [Float], _ a: Int, _ b2: Int, _ c: Int) -> [Float] {
            var o = v
            for i in 0..<a { for j in 0..<b2 { for k in 0..<c { o[(j * a + i) * c + k] = v[(i * b2 + j) * c + k] } } }
            return o
        }
        let batchFirst = try runRecurrent("LSTM", [
            try f32(swap(x, seq, batch, input), [batch, seq, input]), try f32(w, [dirs, 4 * hidden, input]), try f32(r, [dirs, 4 * hidden, hidden]),
            try f32(b, [dirs, 8 * hidden]), try Tensor(dtype: .int32, shape: [batch], values: lengths),
            try f32(swap(h0, dirs, batch, hidden), [batch, dirs, hidden]), try f32(swap(c0, dirs, batch, hidden), [batch, dirs, hidden]),
            try f32(p, [dirs, 3 * hidden]),
        ], attributes: [Attribute(name: "direction", value: .string(Array("bidirectional".utf8))), Attribute(name: "layout", value: .int(1)),
                        Attribute(name: "clip", value: .float(clip))], outputs: 2)
        XCTAssertEqual(batchFirst[0].shape, [batch, seq, dirs, hidden])
        // [seq, dirs, batch, hidden] → [batch, seq, dirs, hidden]
        let y0 = try outs[0].floatValues()
        var expectedY = y0
        for s in 0..<seq { for d in 0..<dirs { for bi in 0..<batch { for j in 0..<hidden {
            expectedY[((bi * seq + s) * dirs + d) * hidden + j] = y0[((s * dirs + d) * batch + bi) * hidden + j]
        } } } }
        XCTAssertEqual(try batchFirst[0].floatValues(), expectedY)
        XCTAssertEqual(try batchFirst[1].floatValues(), swap(try outs[1].floatValues(), dirs, batch, hidden))
    }

    func testGRUMatchesANaiveStepLoopInBothResetModes() throws {
        var rng = Random(state: 7)
        let (seq, batch, input, hidden) = (3, 2, 4, 3)
        let x = rng.array(seq * batch * input), w = rng.array(3 * hidden * input, scale: 0.5)
        let r = rng.array(3 * hidden * hidden, scale: 0.5), b = rng.array(6 * hidden, scale: 0.3), h0 = rng.array(batch * hidden)
        for linearBeforeReset in [false, true] {
            let outs = try runRecurrent("GRU", [
                try f32(x, [seq, batch, input]), try f32(w, [1, 3 * hidden, input]), try f32(r, [1, 3 * hidden, hidden]),
                try f32(b, [1, 6 * hidden]), nil, try f32(h0, [1, batch, hidden]),
            ], attributes: [Attribute(name: "direction", value: .string(Array("reverse".utf8))),
                            Attribute(name: "linear_before_reset", value: .int(linearBeforeReset ? 1 : 0))], outputs: 2)
            var y = [Double](repeating: 0, count: seq * batch * hidden)
            var yh = [Double](repeating: 0, count: batch * hidden)
            for bi in 0..<batch {
                var h = (0..<hidden).map { Double(h0[bi * hidden + $0]) }
                for s in 0..<seq {
                    let t = seq - 1 - s
                    func xw(_ g: Int) -> Double {
                        var v = Double(b[g])
                        for k in 0..<input { v += Double(x[(t * batch + bi) * input + k]) * Double(w[g * input + k]) }
                        return v
                    }
                    func hr(_ g: Int, _ vec: [Double]) -> Double {
                        (0..<hidden).reduce(0.0) { $0 + vec[$1] * Double(r[g * hidden + $1]) }
                    }
                    let z = (0..<hidden).map { sigmoid(xw($0) + hr($0, h) + Double(b[3 * hidden + $0])) }
                    let rr = (0..<hidden).map { sigmoid(xw(hidden + $0) + hr(hidden + $0, h) + Double(b[4 * hidden + $0])) }
                    let rh = (0..<hidden).map { rr[$0] * h[$0] }
                    let cand = (0..<hidden).map { j -> Double in
                        let g = 2 * hidden + j
                        return linearBeforeReset ? tanh(xw(g) + rr[j] * (hr(g, h) + Double(b[3 * hidden + g])))
                                                 : tanh(xw(g) + hr(g, rh) + Double(b[3 * hidden + g]))
                    }
                    h = (0..<hidden).map { (1 - z[$0]) * cand[$0] + z[$0] * h[$0] }
                    for j in 0..<hidden { y[(t * batch + bi) * hidden + j] = h[j] }
                }
                for j in 0..<hidden { yh[bi * hidden + j] = h[j] }
            }
            assertClose(try outs[0].floatValues(), y, "GRU Y (linear_before_reset \(linearBeforeReset))")
            assertClose(try outs[1].floatValues(), yh, "GRU Y_h (linear_before_reset \(linearBeforeReset))")
        }
    }

    func testRNNActivationsWithAlphaAndFloat64() throws {
        // One step, hidden 2, input 1: H = LeakyRelu(alpha 0.5)(x·W + Wb + Rb), computed in double.
        let x = try Tensor(dtype: .float64, shape: [1, 1, 1], values: [2.0])
        let w = try Tensor(dtype: .float64, shape: [1, 2, 1], values: [1.0, -1.0])
        let r = try Tensor(dtype: .float64, shape: [1, 2, 2], values: [Double](repeating: 0, count: 4))
        let outs = try runRecurrent("RNN", [x, w, r], attributes: [
            Attribute(name: "activations", value: .strings([Array("LeakyRelu".utf8)])),
            Attribute(name: "activation_alpha", value: .floats([0.5])), Attribute(name: "hidden_size", value: .int(2))], outputs: 2)
        XCTAssertEqual(outs[1].dtype, .float64)
        XCTAssertEqual(try outs[1].doubleValues(), [2, -1])

        // Batch of 2 with lengths [0, 1]: the empty entry's Y rows and final state are 0, not initial_h.
        let x2 = try Tensor(dtype: .float64, shape: [1, 2, 1], values: [2.0, 3.0])
        let h0 = try Tensor(dtype: .float64, shape: [1, 2, 2], values: [5.0, 5.0, 5.0, 5.0])
        let lens = try Tensor(dtype: .int32, shape: [2], values: [Int32(0), 1])
        let short = try runRecurrent("RNN", [x2, w, r, nil, lens, h0], attributes: [
            Attribute(name: "activations", value: .strings([Array("Relu".utf8)]))], outputs: 2)
        XCTAssertEqual(try short[0].doubleValues(), [0, 0, 3, 0])
        XCTAssertEqual(try short[1].doubleValues(), [0, 0, 3, 0])
    }
}
