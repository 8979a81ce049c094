import XCTest

@testable import Interpreter

/// `VectorKernels` (C, portable and AVX2 builds) against the Swift scalar functions the unfused
/// kernels use: same bits for every element, lengths around the vector widths, unaligned data.
final class VectorKernelsTests: XCTestCase {
    static let special: [Float] = [0, -0, 1, -1, .nan, .infinity, -.infinity, 3, -3, 6, 0x1p-149, -0x1p-126,
                                   .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30, 0.1, -2.5, 7e5]

    func values(_ n: Int, _ k: Int) -> [Float] {
        (0..<n).map { i in Self.special[(i * 7 + k * 3) % Self.special.count] * (i % 3 == 0 ? 1 : Float(i % 5) + 0.5) }
    }

    func same(_ a: Float, _ b: Float) -> Bool { (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern }

    func testEachLevelMatchesTheScalarFunctions() {
        let start = VectorKernels.level
        defer { VectorKernels.level = start }
        XCTAssertEqual(VectorKernels.available.first, .portable)
        let ops: [(VectorKernels.Arithmetic, (Float, Float) -> Float)] = [
            (.add, { $0 + $1 }), (.subtract, { $0 - $1 }), (.multiply, { $0 * $1 }), (.divide, { $0 / $1 }),
        ]
        for level in VectorKernels.available {
            VectorKernels.level = level
            XCTAssertEqual(VectorKernels.level, level)
            for n in [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 100] {
                // One element of padding in front so the data is not 32-byte aligned.
                let a = [0] + values(n, 1), b = [0] + values(n, 2)
                let scalarA = Float(-0.0), scalarB = Float.nan
                for (op, f) in ops {
                    for (useA, useB) in [(true, true), (true, false), (false, true), (false, false)] {
                        var out = [Float](repeating: 42, count: n)
                        a.withUnsafeBufferPointer { pa in
                            b.withUnsafeBufferPointer { pb in
                                out.withUnsafeMutableBufferPointer { po in
                                    let x: BlockOperand<Float> = useA ? .vector(pa.baseAddress! + 1) : .scalar(scalarA)
                                    let y: BlockOperand<Float> = useB ? .vector(pb.baseAddress! + 1) : .scalar(scalarB)
                                    VectorKernels.binary(op).body(x, y, .absent, po.baseAddress!, n)
                                }
                            }
                        }
                        for i in 0..<n {
                            let expected = f(useA ? a[i + 1] : scalarA, useB ? b[i + 1] : scalarB)
                            XCTAssertTrue(same(out[i], expected), "\(level) \(op) n=\(n) [\(i)]: \(out[i]) vs \(expected)")
                        }
                    }
                }
                for (lo, hi) in [(Float(0), Float(6)), (-1, -.infinity), (.nan, 1), (-.infinity, .infinity), (-0.0, 0)] {
                    let clip = FloatFunctions.Clip(lower: Double(lo), upper: Double(hi))
                    var out = [Float](repeating: 42, count: n)
                    a.withUnsafeBufferPointer { pa in
                        out.withUnsafeMutableBufferPointer { po in
                            VectorKernels.clip(.vector(pa.baseAddress! + 1), lower: Float(clip.lower), upper: Float(clip.upper),
                                               out: po.baseAddress!, count: n)
                        }
                    }
                    for i in 0..<n {
                        XCTAssertTrue(same(out[i], clip(a[i + 1])), "\(level) clip(\(lo), \(hi)) [\(i)]: \(out[i]) vs \(clip(a[i + 1]))")
                    }
                }
            }
        }
    }
}
