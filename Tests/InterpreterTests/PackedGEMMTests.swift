import LockstepCore
import XCTest

@testable import Interpreter

/// `PackedMatrix` (CSIMD `lockstep_gemm_f32`): every output is the fused multiply-add chain over
/// k from zero, then `+ bias`, bit for bit, for every variant the CPU runs, every tile tail (rows
/// and columns around the register tiles), a split of the columns over threads, and MatMul.
final class PackedGEMMTests: XCTestCase {
    struct Noise {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 337
        }
        mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
    }

    /// `C = A · B (+ bias)` as the documented chain, in Swift (`addingProduct` rounds once).
    func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, bias: [Float]?) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = 0
                for q in 0..<k { acc = acc.addingProduct(a[i * k + q], b[q * n + j]) }
                c[i * n + j] = bias.map { acc + $0[i] } ?? acc
            }
        }
        return c
    }

    func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, bias: [Float]?, ldc: Int? = nil) -> [Float] {
        let ldc = ldc ?? n
        var c = [Float](repeating: .nan, count: max(1, m * ldc))
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    let out = cp.baseAddress!
                    let packed = PackedMatrix(ap.baseAddress ?? UnsafePointer(out), rows: m, columns: k, rowStride: k)
                    let run = { (bias: UnsafePointer<Float>?) in
                        packed.multiply(bp.baseAddress ?? UnsafePointer(out), rowStride: n, n: n, c: out, ldc: ldc, bias: bias)
                    }
                    if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
                }
            }
        }
        return c
    }

    func testEveryVariantAndTileTailIsTheFusedChain() {
        let start = PackedGEMM.level
        defer { PackedGEMM.level = start }
        XCTAssertEqual(PackedGEMM.available.first, .portable)
        var noise = Noise(state: 3)
        for level in PackedGEMM.available {
            PackedGEMM.level = level
            XCTAssertEqual(PackedGEMM.level, level)
            for m in [1, 2, 3, 5, 6, 7, 9, 12, 13, 25] {
                for n in [1, 7, 8, 15, 16, 17, 31, 32, 33, 70] {
                    for k in [0, 1, 5, 64] {
                        let a = noise.floats(m * k), b = noise.floats(k * n), bias = (m + n) % 2 == 0 ? noise.floats(m) : nil
                        let got = multiply(a, b, m: m, n: n, k: k, bias: bias)
                        let expected = reference(a, b, m: m, n: n, k: k, bias: bias)
                        if let i = expected.indices.first(where: { got[$0].bitPattern != expected[$0].bitPattern }) {
                            XCTFail("\(level) m=\(m) n=\(n) k=\(k): element \(i) is \(got[i]), expected \(expected[i])")
                        }
                    }
                }
            }
        }
    }

    func testRowStrideOfCIsRespected() {
        var noise = Noise(state: 9)
        let (m, n, k, ldc) = (5, 20, 7, 29)
        let a = noise.floats(m * k), b = noise.floats(k * n)
        let got = multiply(a, b, m: m, n: n, k: k, bias: nil, ldc: ldc)
        let expected = reference(a, b, m: m, n: n, k: k, bias: nil)
        for i in 0..<m {
            XCTAssertEqual(Array(got[(i * ldc)..<(i * ldc + n)]).map(\.bitPattern), Array(expected[(i * n)..<(i * n + n)]).map(\.bitPattern))
            XCTAssertTrue(got[(i * ldc + n)..<((i + 1) * ldc)].allSatisfy(\.isNaN), "columns past n are left alone")
        }
    }

    func testThreadSplitGivesTheSameBits() {
        defer { GEMM.setThreads(1) }
        var noise = Noise(state: 21)
        let (m, n, k) = (40, 1000, 150)  // above the size where columns are split over threads
        let a = noise.floats(m * k), b = noise.floats(k * n), bias = noise.floats(m)
        GEMM.setThreads(1)
        let one = multiply(a, b, m: m, n: n, k: k, bias: bias)
        GEMM.setThreads(3)
        XCTAssertEqual(GEMM.threads, 3)
        let three = multiply(a, b, m: m, n: n, k: k, bias: bias)
        XCTAssertEqual(one.map(\.bitPattern), three.map(\.bitPattern))
        XCTAssertEqual(one.map(\.bitPattern), reference(a, b, m: m, n: n, k: k, bias: bias).map(\.bitPattern))
    }

    /// `C = A · B` with B packed once in column strips (`PackedColumns`).
    func multiplyPackedColumns(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, bias: [Float]?, ldc: Int? = nil) -> [Float] {
        let ldc = ldc ?? n
        var c = [Float](repeating: .nan, count: max(1, m * ldc))
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    let packedA = PackedMatrix(ap.baseAddress!, rows: m, columns: k, rowStride: k)
                    let packedB = PackedColumns(bp.baseAddress!, rows: k, columns: n, rowStride: n)
                    if let bias {
                        bias.withUnsafeBufferPointer { packedA.multiply(packedB, c: cp.baseAddress!, ldc: ldc, bias: $0.baseAddress!) }
                    } else {
                        packedA.multiply(packedB, c: cp.baseAddress!, ldc: ldc, bias: nil)
                    }
                }
            }
        }
        return c
    }

    func testPackedColumnsGiveTheSameBitsOnEveryVariantStripTailAndThreadSplit() {
        let start = PackedGEMM.level
        defer { PackedGEMM.level = start; GEMM.setThreads(1) }
        var noise = Noise(state: 17)
        for level in PackedGEMM.available {
            PackedGEMM.level = level
            for m in [1, 4, 12, 13, 40] {
                for n in [1, 16, 31, 32, 33, 65, 97] {
                    for k in [1, 3, 64] {
                        let a = noise.floats(m * k), b = noise.floats(k * n), bias = (m + n) % 2 == 0 ? noise.floats(m) : nil
                        let got = multiplyPackedColumns(a, b, m: m, n: n, k: k, bias: bias)
                        let expected = reference(a, b, m: m, n: n, k: k, bias: bias)
                        if let i = expected.indices.first(where: { got[$0].bitPattern != expected[$0].bitPattern }) {
                            XCTFail("\(level) m=\(m) n=\(n) k=\(k): element \(i) is \(got[i]), expected \(expected[i])")
                        }
                    }
                }
            }
        }
        PackedGEMM.level = start
        let (m, n, k, ldc) = (40, 1001, 150, 1003)  // columns split over threads; C wider than n
        let a = noise.floats(m * k), b = noise.floats(k * n)
        GEMM.setThreads(1)
        let one = multiplyPackedColumns(a, b, m: m, n: n, k: k, bias: nil, ldc: ldc)
        GEMM.setThreads(3)
        let three = multiplyPackedColumns(a, b, m: m, n: n, k: k, bias: nil, ldc: ldc)
        XCTAssertEqual(one.map(\.bitPattern), three.map(\.bitPattern))
        let expected = reference(a, b, m: m, n: n, k: k, bias: nil)
        for i in 0..<m {
            XCTAssertEqual(Array(one[(i * ldc)..<(i * ldc + n)]).map(\.bitPattern), Array(expected[(i * n)..<(i * n + n)]).map(\.bitPattern))
            XCTAssertTrue(one[(i * ldc + n)..<((i + 1) * ldc)].allSatisfy(\.isNaN), "columns past n are left alone")
        }
        XCTAssertNil(PackedColumns.packing(try! Tensor(float32: [1, 2, 3], shape: [3])), "only matrices are packed")
    }

    /// MatMul with a constant B (an initializer: packed once per session) gives the bits of the
    /// same MatMul with B fed as an input, for one and several runs of the session.
    func testMatMulWithConstantWeightsIsTheFusedChain() throws {
        guard PackedGEMM.isEnabled else { return }
        var noise = Noise(state: 8)
        for (aShape, bShape) in [([2, 40, 120], [120, 70]), ([5, 33], [33, 32]), ([7], [7, 5]), ([3, 2, 4], [4, 1])] {
            let a = try Tensor(float32: noise.floats(aShape.reduce(1, *)), shape: aShape)
            let b = try Tensor(float32: noise.floats(bShape.reduce(1, *)), shape: bShape)
            let fed = try runSingleNode("MatMul", [a, b])[0]
            let any = ValueType.tensor(elementType: nil, shape: nil)
            let node = Node(name: "n", op: OpIdentifier(name: "MatMul", version: 13), inputs: ["a", "w"], outputs: ["y"],
                            origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "n"))
            let graph = Graph(name: "g", nodes: [node], inputs: [ValueInfo(name: "a", type: any)], outputs: [ValueInfo(name: "y", type: any)],
                              initializers: [Initializer(name: "w", tensor: b)])
            let session = try Session(model: Model(format: .onnx, path: "m.onnx", irVersion: 8, opsetImports: ["": 13], graph: graph))
            for run in 0..<2 {
                let y = try XCTUnwrap(session.run(["a": .tensor(a)]).outputs[0].value?.tensor)
                XCTAssertEqual(y.shape, fed.shape)
                XCTAssertEqual(try y.scalars(as: Float.self).map(\.bitPattern), try fed.scalars(as: Float.self).map(\.bitPattern),
                               "\(aShape) · \(bShape), run \(run)")
            }
        }
    }

    /// float32 MatMul, stacked batches against one B and broadcast batches, is the chain too.
    func testMatMulIsTheFusedChain() throws {
        guard PackedGEMM.isEnabled else { return }
        var noise = Noise(state: 5)
        for (aShape, bShape) in [([3, 17, 9], [9, 40]), ([2, 1, 5, 4], [3, 4, 33]), ([7], [7, 5]), ([4, 6], [6])] {
            let a = noise.floats(aShape.reduce(1, *)), b = noise.floats(bShape.reduce(1, *))
            let y = try runSingleNode("MatMul", [Tensor(float32: a, shape: aShape), Tensor(float32: b, shape: bShape)])[0]
            let plan = try MatMulKernel.plan(Tensor(float32: a, shape: aShape), Tensor(float32: b, shape: bShape))
            var expected: [Float] = []
            plan.forEachBatch { _, ao, bo in
                expected += reference(Array(a[ao..<(ao + plan.m * plan.k)]), Array(b[bo..<(bo + plan.k * plan.n)]),
                                      m: plan.m, n: plan.n, k: plan.k, bias: nil)
            }
            XCTAssertEqual(y.shape, plan.outputShape)
            XCTAssertEqual(try y.scalars(as: Float.self).map(\.bitPattern), expected.map(\.bitPattern), "\(aShape) · \(bShape)")
        }
    }
}
