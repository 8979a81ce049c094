#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// LOCAL_RESPONSE_NORMALIZATION (1): over the last axis, `x[c] · (bias + alpha · Σ x[k]²)^-beta`
/// where k runs over `[c - radius, c + radius)` clipped to the axis — the upper bound exclusive, as
/// `reference_ops::LocalResponseNormalization` (google-ai-edge/LiteRT
/// `tflite/kernels/internal/reference/reference_ops.h`) computes it: squares added in order in
/// float32; `LocalResponseNormalizationParams` holds bias, alpha and beta as `double`
/// (`tflite/kernels/internal/types.h`), so `bias + alpha · accum` and the power are double
/// arithmetic (`pow`), rounded to float once before the float multiplication by `x[c]`.
/// float32 only (`tflite/kernels/local_response_norm.cc`).
struct TFLiteLocalResponseNormalization: Kernel {
    static let registration = TFLiteOps.op("LOCAL_RESPONSE_NORMALIZATION") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let a = context.attributes
        return TFLiteLocalResponseNormalization(radius: try a.int("radius", default: 0), bias: try a.float("bias", default: 0),
                                                alpha: try a.float("alpha", default: 0), beta: try a.float("beta", default: 0))
    }

    let radius: Int
    let bias: Float
    let alpha: Float
    let beta: Float

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard x.dtype == .float32 else { throw KernelError("\(x.dtype) LOCAL_RESPONSE_NORMALIZATION is not implemented (float32 only, as LiteRT)", unsupported: true) }
        try TFLiteSupport.requireRank(x, "input", 4)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        _ = try prepare(inputs, context: context)
        let x = try Inputs.one(inputs)
        let depth = x.shape[3], outer = x.count / max(depth, 1)
        let (radius, bias, alpha, negBeta) = (radius, Double(bias), Double(alpha), -Double(beta))
        return [.tensor(try NNSupport.read(x, as: Float.self) { input in
            try NNSupport.build(.float32, x.shape, as: Float.self) { output in
                guard depth > 0 else { return }
                for i in 0..<outer {
                    let row = input + i * depth, out = output + i * depth
                    for c in 0..<depth {
                        let begin = max(0, c - radius), end = min(depth, c + radius)
                        var accum: Float = 0
                        if begin < end { for k in begin..<end { accum += row[k] * row[k] } }
                        out[c] = row[c] * Float(pow(bias + alpha * Double(accum), negBeta))
                    }
                }
            }
        })]
    }
}
