import LockstepCore

/// FAKE_QUANT (1–2): float32 quantise-then-dequantise with the `FakeQuantOptions` range —
/// `NudgeQuantizationRange` and `FakeQuantizeArray` of google-ai-edge/LiteRT
/// `tflite/kernels/internal/quantization_util.cc` (from TensorFlow's `fake_quant_ops_functor.h`),
/// run by `tflite/kernels/fake_quant.cc`: levels `[narrow_range ? 1 : 0, 2^num_bits − 1]`, the scale
/// `(max − min) / (levels)`, the zero point nudged to an integer (`round` half away from zero),
/// then `round((clamp(x) − nudged_min) / scale) · scale + nudged_min`, all in float32. The TF 2.21
/// converter folds `tf.quantization.fake_quant_*` into QUANTIZE / DEQUANTIZE (measured), so this
/// op comes from older converters. `narrow_range` is refused, as LiteRT's Prepare refuses it.
struct TFLiteFakeQuant: Kernel {
    static let registration = TFLiteOps.op("FAKE_QUANT") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let a = context.attributes
        let bits = try a.int("num_bits", default: 0), narrow = try a.int("narrow_range", default: 0) != 0
        guard bits >= 2, bits <= 16 else { throw KernelError("num_bits \(bits) must be 2 to 16") }
        // fake_quant.cc Prepare refuses it too: narrow_range is meant for weights, not activations.
        guard !narrow else { throw KernelError("narrow_range FAKE_QUANT is not supported at run time (LiteRT refuses it as well)") }
        let (lo, hi) = (try a.float("min", default: 0), try a.float("max", default: 0))
        guard lo < hi else { throw KernelError("min \(lo) must be below max \(hi)") }
        return TFLiteFakeQuant(nudge: Self.nudge(min: lo, max: hi, quantMin: narrow ? 1 : 0, quantMax: (1 << bits) - 1))
    }

    let nudge: (min: Float, max: Float, scale: Float)

    /// `NudgeQuantizationRange`.
    static func nudge(min: Float, max: Float, quantMin: Int, quantMax: Int) -> (min: Float, max: Float, scale: Float) {
        let qmin = Float(quantMin), qmax = Float(quantMax)
        let scale = (max - min) / (qmax - qmin)
        let zeroFromMin = qmin - min / scale
        let zero: Float = zeroFromMin < qmin ? qmin : (zeroFromMin > qmax ? qmax : Float(UInt16(zeroFromMin.rounded(.toNearestOrAwayFromZero))))
        return ((qmin - zero) * scale, (qmax - zero) * scale, scale)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        guard x.dtype == .float32 else { throw KernelError("FAKE_QUANT input must be float32, found \(x.dtype)") }
        let (lo, hi, scale) = nudge
        let inverse = 1 / scale
        return [.tensor(try Elementwise.map(x, as: Float.self, output: .float32) { v in
            let clamped = Swift.min(hi, lo < v ? v : lo)
            return ((clamped - lo) * inverse).rounded(.toNearestOrAwayFromZero) * scale + lo
        })]
    }
}
