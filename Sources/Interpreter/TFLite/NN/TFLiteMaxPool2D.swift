import LockstepCore

/// MAX_POOL_2D (versions 1–3): the maximum over each window's real positions, then the fused
/// activation. As TFLite's reference kernel (`max = std::max(max, x)` from `lowest()`), NaN
/// inputs are skipped, and a window of NaNs gives the lowest finite value.
struct TFLiteMaxPool2D: Kernel {
    static let registration = TFLiteOps.op("MAX_POOL_2D") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteMaxPool2D(options: try TFLitePool2DOptions(context.attributes, quantization: try TFLiteQuantization(context)))
    }

    let options: TFLitePool2DOptions

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try options.requireSupported(x)
        return [TensorInfo(dtype: x.dtype, shape: try options.parameters(x).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if x.dtype.isInteger { return [.tensor(try options.quantized(x, max: true))] }
        let (p, output) = try options.parameters(x)
        struct Visitor: BLASFloatVisitor {
            let p: PoolingParameters, x: Tensor, output: [Int], activation: FusedActivation
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.build(T.dtype, output, as: T.self) { y in
                        TFLiteMaxPool2D.pool(p, x: x, y: y, lowest: T(-Float.greatestFiniteMagnitude))
                        activation.apply(y, count: output.reduce(1, *))
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(p: p, x: x, output: output, activation: options.activation)))]
    }

    /// NHWC max pooling with `std::max` semantics (a NaN never replaces the running maximum).
    static func pool<T: BLASFloat>(_ p: PoolingParameters, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>, lowest: T) {
        let w = p.window
        let (IH, IW, KH, KW) = (w.input[0], w.input[1], w.kernel[0], w.kernel[1])
        let (OH, OW, SH, SW, PH, PW) = (w.output[0], w.output[1], w.strides[0], w.strides[1], w.padsBegin[0], w.padsBegin[1])
        let c = p.channels
        var dst = y
        for n in 0..<p.batch {
            let xn = x + n * IH * IW * c
            for oh in 0..<OH {
                let h0 = max(0, oh * SH - PH), h1 = min(IH, oh * SH - PH + KH)
                for ow in 0..<OW {
                    let w0 = max(0, ow * SW - PW), w1 = min(IW, ow * SW - PW + KW)
                    dst.update(repeating: lowest, count: c)
                    for ih in h0..<max(h0, h1) {
                        for iw in w0..<max(w0, w1) {
                            let src = xn + (ih * IW + iw) * c
                            for j in 0..<c { let v = src[j]; dst[j] = dst[j] < v ? v : dst[j] }
                        }
                    }
                    dst += c
                }
            }
        }
    }
}
