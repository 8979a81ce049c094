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
