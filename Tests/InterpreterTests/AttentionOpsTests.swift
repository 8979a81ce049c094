import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

/// The attention-family ops (Attention, RotaryEmbedding, Swish, SwiGLU) on one-node IR graphs,
/// checked against naive computations written out in the test.
final class AttentionOpsTests: XCTestCase {
    // MARK: Helpers

    /// Runs one node of `op` through a Session (`nil` inputs are omitted optional inputs).
    func run(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int, outputs: Int = 1) throws -> [Tensor] {
        var names: [String] = [], infos: [ValueInfo] = [], feeds: [String: Value] = [:]
        for (i, t) in inputs.enumerated() {
            guard let t else { names.append(""); continue }
            names.append("in\(i)")
            infos.append(ValueInfo(name: "in\(i)", type: .tensor(elementType: nil, shape: nil)))
            feeds["in\(i)"] = .tensor(t)
        }
        let outs = (0..<outputs).map { "out\($0)" }
        let node = Node(name: "n", op: OpIdentifier(name: op, version: opset), inputs: names, outputs: outs,
                        attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                        origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "n"))
        let graph = Graph(name: "g", nodes: [node], inputs: infos,
                          outputs: outs.map { ValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) })
        let model = Model(format: .onnx, path: "t.onnx", irVersion: 10, opsetImports: ["": opset], graph: graph)
        return try Session(model: model).run(feeds).outputs.map { try XCTUnwrap($0.value?.tensor) }
    }

    /// Deterministic pseudo-random values in [-1, 1).
    func values(_ count: Int, seed: Int) -> [Float] {
        var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Double(state >> 40) / Double(1 << 24) * 2 - 1)
        }
    }

    func f32(_ values: [Float], _ shape: [Int]) -> Tensor { try! Tensor(float32: values, shape: shape) }

    func assertClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 1e-5, _ id: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(id): count", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where abs(Double(a) - e) > tolerance * max(1, abs(e)) {
            XCTFail("\(id): element \(i) is \(a), expected \(e)", file: file, line: line)
            return
        }
    }

    /// Naive attention over 4-D `[batch, heads, seq, size]` arrays: query head `h` uses KV head
    /// `h / (qHeads / kvHeads)`; `allowed(b, h, i, j)` false masks a key; a row with no allowed
    /// key gives 0. Returns Y as `[batch, qHeads, qLength, valueSize]`.
    func naiveAttention(q: [Float], k: [Float], v: [Float], batch: Int, qHeads: Int, kvHeads: Int, qLength: Int, kvLength: Int,
                        size: Int, valueSize: Int, scale: Double? = nil,
                        allowed: (Int, Int, Int, Int) -> Bool = { _, _, _, _ in true }) -> [Double] {
        let s = scale ?? 1 / Double(size).squareRoot()
        var y = [Double](repeating: 0, count: batch * qHeads * qLength * valueSize)
        for b in 0..<batch {
            for h in 0..<qHeads {
                let kh = h / (qHeads / kvHeads)
                for i in 0..<qLength {
                    var logits = [Double](repeating: -.infinity, count: kvLength)
                    for j in 0..<kvLength where allowed(b, h, i, j) {
                        var dot = 0.0
                        for d in 0..<size {
                            dot += Double(q[((b * qHeads + h) * qLength + i) * size + d]) * Double(k[((b * kvHeads + kh) * kvLength + j) * size + d])
                        }
                        logits[j] = dot * s
                    }
                    guard let m = logits.max(), m > -.infinity else { continue }
                    let e = logits.map { exp($0 - m) }, total = e.reduce(0, +)
                    for d in 0..<valueSize {
                        var acc = 0.0
                        for j in 0..<kvLength { acc += e[j] / total * Double(v[((b * kvHeads + kh) * kvLength + j) * valueSize + d]) }
                        y[((b * qHeads + h) * qLength + i) * valueSize + d] = acc
                    }
                }
            }
        }
        return y
    }

    // MARK: Attention

    func testAttentionMatchesNaiveComputation() throws {
        struct Case { var name: String; var batch, heads, qLength, kvLength, size, valueSize: Int; var scale: Float? }
        let cases = [Case(name: "square", batch: 1, heads: 1, qLength: 3, kvLength: 3, size: 4, valueSize: 4, scale: nil),
                     Case(name: "cross, scaled", batch: 2, heads: 3, qLength: 2, kvLength: 5, size: 8, valueSize: 3, scale: 0.25)]
        for c in cases {
            let q = values(c.batch * c.heads * c.qLength * c.size, seed: 1), k = values(c.batch * c.heads * c.kvLength * c.size, seed: 2)
            let v = values(c.batch * c.heads * c.kvLength * c.valueSize, seed: 3)
            var attributes: [String: AttributeValue] = [:]
            if let s = c.scale { attributes["scale"] = .float(s) }
            let y = try run("Attention", [f32(q, [c.batch, c.heads, c.qLength, c.size]), f32(k, [c.batch, c.heads, c.kvLength, c.size]),
                                          f32(v, [c.batch, c.heads, c.kvLength, c.valueSize])], attributes, opset: 23)[0]
            XCTAssertEqual(y.shape, [c.batch, c.heads, c.qLength, c.valueSize], c.name)
            assertClose(try y.floatValues(), naiveAttention(q: q, k: k, v: v, batch: c.batch, qHeads: c.heads, kvHeads: c.heads,
                                                            qLength: c.qLength, kvLength: c.kvLength, size: c.size,
                                                            valueSize: c.valueSize, scale: c.scale.map(Double.init)), c.name)
        }
    }

    func testCausalAttentionWithPastIsBottomRightAlignedAndReturnsPresent() throws {
        let (b, h, sq, past, d) = (1, 2, 2, 3, 4)
        let q = values(b * h * sq * d, seed: 4), k = values(b * h * sq * d, seed: 5), v = values(b * h * sq * d, seed: 6)
        let pk = values(b * h * past * d, seed: 7), pv = values(b * h * past * d, seed: 8)
        let out = try run("Attention", [f32(q, [b, h, sq, d]), f32(k, [b, h, sq, d]), f32(v, [b, h, sq, d]), nil,
                                        f32(pk, [b, h, past, d]), f32(pv, [b, h, past, d])], ["is_causal": .int(1)], opset: 23, outputs: 3)
        // present = past ++ new along the sequence axis, per head.
        func concat(_ a: [Float], _ n: [Float]) -> [Float] {
            var out: [Float] = []
            for hi in 0..<h {
                let pastStart = hi * past * d, newStart = hi * sq * d
                out += a[pastStart..<(pastStart + past * d)]
                out += n[newStart..<(newStart + sq * d)]
            }
            return out
        }
        let fullK = concat(pk, k), fullV = concat(pv, v)
        XCTAssertEqual(out[1].shape, [b, h, past + sq, d])
        XCTAssertEqual(try out[1].floatValues(), fullK)
        XCTAssertEqual(try out[2].floatValues(), fullV)
        let expected = naiveAttention(q: q, k: fullK, v: fullV, batch: b, qHeads: h, kvHeads: h, qLength: sq, kvLength: past + sq,
                                      size: d, valueSize: d) { _, _, i, j in j <= i + past }
        assertClose(try out[0].floatValues(), expected, "causal with past")
    }

    func testGroupedQueryAttentionWith3DInputsAndMasks() throws {
        // Q [1, 3, 4·2], K/V [1, 5, 2·2]: four query heads share two KV heads.
        let (sq, skv, qh, kvh, d) = (3, 5, 4, 2, 2)
        let q3 = values(sq * qh * d, seed: 9), k3 = values(skv * kvh * d, seed: 10), v3 = values(skv * kvh * d, seed: 11)
        // 3-D [1, s, heads·d] → 4-D [1, heads, s, d]
        func split(_ x: [Float], seq: Int, heads: Int) -> [Float] {
            var out: [Float] = []
            for hi in 0..<heads {
                for si in 0..<seq {
                    let start: Int = (si * heads + hi) * d
                    out += x[start..<(start + d)]
                }
            }
            return out
        }
        let q = split(q3, seq: sq, heads: qh), k = split(k3, seq: skv, heads: kvh), v = split(v3, seq: skv, heads: kvh)
        // A bool mask [sq, skv] with one fully masked row (row 1), broadcast over heads.
        let mask: [UInt8] = [1, 0, 1, 1, 0,
                             0, 0, 0, 0, 0,
                             1, 1, 1, 0, 1]
        let maskTensor = try Tensor(dtype: .bool, shape: [sq, skv], values: mask)
        let y = try run("Attention", [f32(q3, [1, sq, qh * d]), f32(k3, [1, skv, kvh * d]), f32(v3, [1, skv, kvh * d]), maskTensor],
                        ["q_num_heads": .int(Int64(qh)), "kv_num_heads": .int(Int64(kvh))], opset: 23)[0]
        XCTAssertEqual(y.shape, [1, sq, qh * d])
        let expected4 = naiveAttention(q: q, k: k, v: v, batch: 1, qHeads: qh, kvHeads: kvh, qLength: sq, kvLength: skv, size: d,
                                       valueSize: d) { _, _, i, j in mask[i * skv + j] != 0 }
        // 4-D [1, heads, s, d] → 3-D [1, s, heads·d]
        var expected: [Double] = []
        for si in 0..<sq {
            for hi in 0..<qh {
                let start: Int = (hi * sq + si) * d
                expected += expected4[start..<(start + d)]
            }
        }
        assertClose(try y.floatValues(), expected, "GQA 3-D")
        // The fully masked row is zero, not NaN.
        XCTAssertEqual(Array(try y.floatValues()[(qh * d)..<(2 * qh * d)]), [Float](repeating: 0, count: qh * d))
    }

    func testBFloat16AttentionKeepsItsType() throws {
        let q = values(8, seed: 12), k = values(12, seed: 13), v = values(12, seed: 14)
        let bf = { (x: [Float], shape: [Int]) in try! Tensor(float32: x, shape: shape).narrowed(to: .bfloat16) }
        let y = try run("Attention", [bf(q, [1, 1, 2, 4]), bf(k, [1, 1, 3, 4]), bf(v, [1, 1, 3, 4])], opset: 23)[0]
        XCTAssertEqual(y.dtype, .bfloat16)
        let rounded = { (x: [Float]) in x.map { FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16($0)) } }
        let expected = naiveAttention(q: rounded(q), k: rounded(k), v: rounded(v), batch: 1, qHeads: 1, kvHeads: 1, qLength: 2,
                                      kvLength: 3, size: 4, valueSize: 4)
        assertClose(try y.floatValues(), expected, tolerance: 2e-2, "bfloat16")
    }

    // MARK: RotaryEmbedding

    func testRotaryEmbeddingRotatesHalvesOrPairs() throws {
        // One batch, one head, two positions, head size 4; position_ids pick cache rows 2 and 0.
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        let angles: [[Double]] = [[0.0, 0.5], [0.3, 0.7], [1.1, -0.4]]
        let cos = f32(angles.flatMap { $0.map { Float(Foundation.cos($0)) } }, [3, 2])
        let sin = f32(angles.flatMap { $0.map { Float(Foundation.sin($0)) } }, [3, 2])
        let positions = try Tensor(dtype: .int64, shape: [1, 2], values: [Int64](arrayLiteral: 2, 0))
        for interleaved in [false, true] {
            let y = try run("RotaryEmbedding", [f32(x, [1, 1, 2, 4]), cos, sin, positions],
                            ["interleaved": .int(interleaved ? 1 : 0)], opset: 23)[0]
            var expected = x.map(Double.init)
            for (s, p) in [2, 0].enumerated() {
                for i in 0..<2 {
                    let (i1, i2) = interleaved ? (2 * i, 2 * i + 1) : (i, i + 2)
                    let a = Double(x[s * 4 + i1]), b = Double(x[s * 4 + i2]), t = angles[p][i]
                    expected[s * 4 + i1] = Foundation.cos(t) * a - Foundation.sin(t) * b
                    expected[s * 4 + i2] = Foundation.sin(t) * a + Foundation.cos(t) * b
                }
            }
            assertClose(try y.floatValues(), expected, "interleaved \(interleaved)")
        }
    }

    // MARK: Swish, SwiGLU

    func testSwishAndSwiGLU() throws {
        let a: [Float] = [-3, -0.5, 0, 0.5, 2, 40], b: [Float] = [1, 2, -1, 0.5, 3, -2]
        for alpha: Float in [1, 1.702] {
            let swish = a.map { Double($0) / (1 + exp(-Double(alpha) * Double($0))) }
            let y = try run("Swish", [f32(a, [6])], ["alpha": .float(alpha)], opset: 24)[0]
            assertClose(try y.floatValues(), swish, "Swish alpha \(alpha)")
            let g = try run("SwiGLU", [f32(a, [2, 3]), f32(b, [2, 3])], ["alpha": .float(alpha)], opset: 28)[0]
            XCTAssertEqual(g.shape, [2, 3])
            assertClose(try g.floatValues(), zip(swish, b).map { $0 * Double($1) }, "SwiGLU alpha \(alpha)")
        }
        XCTAssertThrowsError(try run("SwiGLU", [f32(a, [6]), f32([1], [1])], opset: 28))
    }
}
