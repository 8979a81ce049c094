import LockstepCore

/// AVERAGE_POOL_2D (versions 1–3): the mean over each window's real (unpadded) positions, summed
/// in window order and divided by their count (TFLite's `filter_count`), then the fused
/// activation.
struct TFLiteAveragePool2D: Kernel {
    static let registration = TFLiteOps.op("AVERAGE_POOL_2D") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteAveragePool2D(options: try TFLitePool2DOptions(context.attributes, quantization: try TFLiteQuantization(context)))
    }

    let options: TFLitePool2DOptions

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try options.requireSupported(x)
        return [TensorInfo(dtype: x.dtype, shape: try options.parameters(x).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if x.dtype.isInteger { return [.tensor(try options.quantized(x, max: false))] }
        let (p, output) = try options.parameters(x)
        struct Visitor: BLASFloatVisitor {
            let p: PoolingParameters, x: Tensor, output: [Int], activation: FusedActivation
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.build(T.dtype, output, as: T.self) { y in
                        try Pooling.average(p, x: x, y: y, countIncludePad: false)
                        activation.apply(y, count: output.reduce(1, *))
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(p: p, x: x, output: output, activation: options.activation)))]
    }
}
