import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The building blocks TFLite's recurrent kernels share (google-ai-edge/LiteRT
/// `tflite/kernels/internal/kernel_utils.cc` `RnnBatchStep`, `reference/portable_tensor_utils.cc`,
/// `tensor_utils.h`), as plain functions over buffers.
///
/// LiteRT's x86 build compiles the NEON `tensor_utils` through NEON_2_SSE (`optimized/neon_check.h`
/// defines `USE_NEON` when SSE4.1 is on), so the float matrix products are
/// `NeonMatrixBatchVectorMultiplyAccumulate` (`optimized/neon_tensor_utils.cc`): four lane sums over
/// the columns in groups of four, the lanes added `((l0 + l1) + l2) + l3` into the accumulator, then
/// the leftover columns added to it one by one. Lockstep sums in that order. TANH is Eigen's
/// approximant (`ApplyTanhToVector`, `EigenFloat.tanh`).
public enum RecurrentCell {
    /// A TFLite fused activation of the recurrent ops (`ActivationFunctionType`, all six).
    public enum Activation: String, Sendable {
        case none = "NONE", relu = "RELU", reluN1To1 = "RELU_N1_TO_1", relu6 = "RELU6", tanh = "TANH", signBit = "SIGN_BIT"

        /// Reads `fused_activation_function` (an unknown name is refused).
        init(_ a: AttributeReader, default d: String = "NONE") throws {
            let name = try a.string("fused_activation_function") ?? d
            guard let value = Activation(rawValue: name) else { throw KernelError("fused activation \(name) is not a TFLite activation") }
            self = value
        }

        /// `ApplyActivationToVector` on one value.
        @inline(__always)
        func apply(_ x: Float) -> Float {
            switch self {
            case .none: return x
            case .relu: return max(0, x)
            case .reluN1To1: return max(-1, min(1, x))
            case .relu6: return max(0, min(6, x))
            case .tanh: return EigenFloat.tanh(x)
            case .signBit: return x.sign == .minus ? 1 : 0
            }
        }
    }

    /// `1 / (1 + exp(-x))` in float.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    /// `result[b * stride + r] += Σ_c m[r, c] · v[b * cols + c]` for `rows × cols` row-major `m`, in
    /// the order of `NeonMatrixBatchVectorMultiplyAccumulate`: lane `k` sums columns `k, k+4, …` below
    /// the last multiple of four, the lanes go in as one sum, the rest one column at a time.
    @inline(__always)
    public static func multiplyAccumulate(_ m: UnsafePointer<Float>, rows: Int, cols: Int, _ v: UnsafePointer<Float>, batch: Int,
                                          _ result: UnsafeMutablePointer<Float>, stride: Int) {
        let vectorEnd = cols & ~3
        for b in 0..<batch {
            let vb = v + b * cols, rb = result + b * stride
            for r in 0..<rows {
                let row = m + r * cols
                var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
                var c = 0
                while c < vectorEnd {
                    l0 += row[c] * vb[c]
                    l1 += row[c + 1] * vb[c + 1]
                    l2 += row[c + 2] * vb[c + 2]
                    l3 += row[c + 3] * vb[c + 3]
                    c += 4
                }
                var acc = rb[r]
                acc += ((l0 + l1) + l2) + l3
                while c < cols {
                    acc += row[c] * vb[c]
                    c += 1
                }
                rb[r] = acc
            }
        }
    }

    /// The hybrid form: `v` (float, `batch × cols`) is quantised per batch row as LiteRT's x86 build
    /// does (`TFLiteHybrid.symmetricX86`, or `asymmetricX86` with `rowSums` correcting the offset), its scale multiplied by `weightScale`,
    /// and `result[b * stride + r] += float(Σ m·q − rowSum·offset) · scale`. An all-zero `v` adds
    /// nothing (LiteRT skips it: `IsZeroVector`).
    public static func hybridAccumulate(_ m: UnsafePointer<Int8>, rows: Int, cols: Int, weightScale: Float, _ v: UnsafePointer<Float>,
                                        batch: Int, asymmetric: Bool, rowSums: [Int32], _ result: UnsafeMutablePointer<Float>, stride: Int) {
        var allZero = true
        for i in 0..<(batch * cols) where v[i] != 0 { allZero = false; break }
        if allZero { return }
        for b in 0..<batch {
            let row = UnsafeBufferPointer(start: v + b * cols, count: cols)
            let q = asymmetric ? TFLiteHybrid.asymmetricX86(row) : TFLiteHybrid.symmetricX86(row)
            let scale = q.scale * weightScale
            let rb = result + b * stride
            q.values.withUnsafeBufferPointer { qv in
                for r in 0..<rows {
                    let wr = m + r * cols
                    var dot: Int32 = 0
                    for c in 0..<cols { dot &+= Int32(wr[c]) &* Int32(qv[c]) }
                    if asymmetric { dot &-= rowSums[r] &* q.offset }
                    rb[r] += Float(dot) * scale
                }
            }
        }
    }

    /// Row sums of an int8 `rows × cols` matrix (`ReductionSumVector`).
    public static func rowSums(_ m: UnsafePointer<Int8>, rows: Int, cols: Int) -> [Int32] {
        (0..<rows).map { r in
            var s: Int32 = 0
            for c in 0..<cols { s &+= Int32(m[r * cols + c]) }
            return s
        }
    }

    /// A weight matrix of a recurrent op: float32, or int8 with one scale (hybrid).
    public enum Weights {
        case float([Float])
        case int8([Int8], scale: Float, rowSums: [Int32])

        var isHybrid: Bool { if case .int8 = self { return true } else { return false } }

        /// `w` (float32 or int8 with a per-tensor scale), `rows × cols`.
        init(_ w: Tensor, _ name: String, rows: Int, cols: Int, quantization: QuantizationParameters?) throws {
            guard w.count == rows * cols else { throw KernelError("\(name) must hold \(rows) × \(cols) values, found shape \(w.shape)") }
            switch w.dtype {
            case .float32:
                self = .float(try w.scalars(as: Float.self))
            case .int8:
                guard let q = quantization ?? w.quantization, let scale = q.scales.first, q.scales.count == 1 else {
                    throw KernelError("int8 \(name) needs one quantisation scale (hybrid weights)")
                }
                let values = try w.scalars(as: Int8.self)
                let sums = values.isEmpty ? [Int32](repeating: 0, count: rows) : values.withUnsafeBufferPointer { rowSums($0.baseAddress!, rows: rows, cols: cols) }
                self = .int8(values, scale: scale, rowSums: sums)
            default:
                throw KernelError("\(name) has element type \(w.dtype); float32 and int8 (hybrid) are implemented", unsupported: true)
            }
        }

        /// `result += W · v` (float) or its hybrid form.
        func accumulate(rows: Int, cols: Int, _ v: UnsafePointer<Float>, batch: Int, asymmetric: Bool,
                        _ result: UnsafeMutablePointer<Float>, stride: Int) {
            guard rows > 0, cols > 0 else { return }
            switch self {
            case .float(let w):
                w.withUnsafeBufferPointer { multiplyAccumulate($0.baseAddress!, rows: rows, cols: cols, v, batch: batch, result, stride: stride) }
            case .int8(let w, let scale, let sums):
                w.withUnsafeBufferPointer {
                    hybridAccumulate($0.baseAddress!, rows: rows, cols: cols, weightScale: scale, v, batch: batch, asymmetric: asymmetric,
                                     rowSums: sums, result, stride: stride)
                }
            }
        }
    }

    /// The weights of one RNN cell (`units` outputs): input, optional auxiliary input, recurrent
    /// (`units × units`), bias (float).
    public struct RNNWeights {
        let input: Weights
        let aux: Weights?
        let recurrent: Weights
        let bias: [Float]
        let inputSize: Int
        let auxSize: Int
        let units: Int
    }

    /// `RnnBatchStep`: for each of `batch` rows, `out = bias + W·x (+ W_aux·aux) + R·h`, then the
    /// activation; `h := out`. Output rows are `stride` apart (merged bidirectional outputs);
    /// `x`, `aux` and `h` are contiguous. Float and hybrid weights alike.
    public static func rnnStep(_ w: RNNWeights, x: UnsafePointer<Float>, aux: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
                               batch: Int, activation: Activation, asymmetric: Bool, out: UnsafeMutablePointer<Float>, stride: Int) {
        let units = w.units
        for b in 0..<batch { for r in 0..<units { out[b * stride + r] = w.bias[r] } }
        w.input.accumulate(rows: units, cols: w.inputSize, x, batch: batch, asymmetric: asymmetric, out, stride: stride)
        if let auxWeights = w.aux, let aux, w.auxSize > 0 {
            auxWeights.accumulate(rows: units, cols: w.auxSize, aux, batch: batch, asymmetric: asymmetric, out, stride: stride)
        }
        w.recurrent.accumulate(rows: units, cols: units, UnsafePointer(h), batch: batch, asymmetric: asymmetric, out, stride: stride)
        for b in 0..<batch {
            for r in 0..<units {
                let v = activation.apply(out[b * stride + r])
                out[b * stride + r] = v
                h[b * units + r] = v
            }
        }
    }
}
