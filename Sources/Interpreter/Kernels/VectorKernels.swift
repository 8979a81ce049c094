import CSIMD

/// The float32 loops that dominate CNN inference (arithmetic and Clip blocks of fused chains, the
/// depthwise convolution's rows) in C, built for baseline x86-64, for AVX2 and for AVX-512F and
/// chosen from the CPU at run time (`Sources/CSIMD`). Swift code here is compiled for baseline
/// x86-64 (SSE2), which halves the width of these loops on current CPUs.
///
/// Every variant computes each element with the same IEEE operations in the same order as the
/// scalar definition (no FMA, no reassociation), so results do not depend on the CPU; tests run
/// each variant against the Swift scalar code and compare bits.
public enum VectorKernels {
    public enum Level: Int, Sendable, CaseIterable, CustomStringConvertible {
        case portable = 0
        case avx2 = 1
        case avx512 = 2

        public var description: String {
            switch self {
            case .portable: return "portable"
            case .avx2: return "avx2"
            case .avx512: return "avx512"
            }
        }
    }

    /// The variant in use (starts at the best the CPU runs).
    public static var level: Level {
        get { Level(rawValue: Int(lockstep_simd_level())) ?? .portable }
        set { lockstep_simd_set_level(Int32(newValue.rawValue)) }
    }

    /// The variants this CPU runs, portable first.
    public static var available: [Level] { Level.allCases.filter { $0.rawValue <= Int(lockstep_simd_best_level()) } }

    /// Arithmetic operations of `binary`.
    public enum Arithmetic: Int32, Sendable { case add = 0, subtract, multiply, divide }

    /// `out = a op b` over a block, one of the operands possibly a repeated scalar.
    public static func binary(_ op: Arithmetic) -> BlockFunction<Float> {
        BlockFunction { a, b, _, out, n in
            var pa: UnsafePointer<Float>?, pb: UnsafePointer<Float>?
            var sa: Float = 0, sb: Float = 0
            switch a {
            case .vector(let p): pa = p
            case .scalar(let s): sa = s
            case .absent: preconditionFailure("binary operand is absent")
            }
            switch b {
            case .vector(let p): pb = p
            case .scalar(let s): sb = s
            case .absent: preconditionFailure("binary operand is absent")
            }
            lockstep_binary_f32(op.rawValue, pa, sa, pb, sb, out, n)
        }
    }

    /// `FloatFunctions.Clip` over a block: `x` in [lower, upper] as that function defines it.
    public static func clip(_ x: BlockOperand<Float>, lower: Float, upper: Float, out: UnsafeMutablePointer<Float>, count: Int) {
        switch x {
        case .vector(let p):
            lockstep_clip_f32(p, lower, upper, out, count)
        case .scalar(let s):
            var input = s, v: Float = 0
            lockstep_clip_f32(&input, lower, upper, &v, 1)
            out.update(repeating: v, count: count)
        case .absent:
            preconditionFailure("Clip input is absent")
        }
    }

    /// Depthwise output rows `0 ..< rows` of one channel, `width` columns each (all in range):
    /// row r's tap t reads `bases[t] + r · rowStride`; taps summed in order from 0, then the bias.
    @inline(__always)
    static func depthwiseRows(bases: UnsafePointer<UnsafePointer<Float>>, rowStride: Int, weights: UnsafePointer<Float>, count: Int,
                              out: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: Float?) {
        bases.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: max(1, count)) { b in
            lockstep_depthwise_rows_f32(b, rowStride, weights, count, out, rows, width, bias == nil ? 0 : 1, bias ?? 0)
        }
    }

    /// A float32 op a fused chain can run inside C (`lockstep_chain_f32`), block by block with no
    /// Swift code per block: the same C loops as `binary` and `clip`.
    public enum ChainOp: Sendable, Equatable {
        case arithmetic(Arithmetic)
        /// Clip with its bounds in the single-element inputs 1 and 2 (omitted: unbounded).
        case clipInputs
        /// Clip with fixed bounds (as `FloatFunctions.Clip` holds them).
        case clip(lower: Double, upper: Double)
    }

    /// Depthwise interior columns `range` of one output row: `count` taps with their source rows
    /// (indexed by output column) and weights, summed in order from 0, then the bias.
    @inline(__always)
    static func depthwiseRow(sources: UnsafePointer<UnsafePointer<Float>>, weights: UnsafePointer<Float>, count: Int,
                             out: UnsafeMutablePointer<Float>, range: Range<Int>, bias: Float?) {
        sources.withMemoryRebound(to: UnsafePointer<Float>?.self, capacity: max(1, count)) { s in
            lockstep_depthwise_row_f32(s, weights, count, out, range.lowerBound, range.upperBound, bias == nil ? 0 : 1, bias ?? 0)
        }
    }
}
