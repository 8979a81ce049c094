import LockstepCore

/// SOFTMAX (versions 1–3) over the last dimension: `exp((x - max) · beta) / Σ exp((x - max) · beta)`
/// in the input's precision, the maximum (from the lowest float, so NaN is
/// skipped) and the sum taken in element order as TFLite's reference kernel does.
struct TFLiteSoftmax: Kernel {
    static let registration = TFLiteOps.op("SOFTMAX") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteSoftmax(beta: Double(try context.attributes.float("beta", default: 1)), quantization: try TFLiteQuantization(context),
                             outputType: TFLiteSupport.declaredType(context))
    }

    let beta: Double
    let quantization: TFLiteQuantization
    let outputType: DType?

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard x.rank >= 1 else { throw KernelError("input must have rank 1 or more, found a scalar") }
        switch x.dtype {
        case .int8, .uint8: return [TensorInfo(dtype: outputType ?? x.dtype, shape: x.shape)]
        case .int16:
            // LiteRT 2.3.0's Prepare lets an int16 input through to an int8 / uint8 output and its
            // kernel then writes int16 values past the end of that output (measured: the bytes of
            // the int16 result): there is no meaningful result to reproduce.
            if let outputType, outputType != .int16 {
                throw KernelError("int16 input needs an int16 output, found \(outputType) (LiteRT writes int16 values past the end of it)")
            }
            return [TensorInfo(x)]
        default: try TFLiteSupport.requireFloat(x, "input")
        }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype.isInteger { return [.tensor(try quantized(x))] }
        struct Visitor: BLASFloatVisitor {
            let x: Tensor, beta: Double
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let depth = x.shape.last ?? 1, rows = depth == 0 ? 0 : x.count / depth
                let b = T(beta)
                return try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.build(T.dtype, self.x.shape, as: T.self) { y in
                        for r in 0..<rows {
                            let src = x + r * depth, dst = y + r * depth
                            var m = T(-Float.greatestFiniteMagnitude)
                            for i in 0..<depth where m < src[i] { m = src[i] }
                            var sum: T = 0
                            for i in 0..<depth {
                                let e = T.exp((src[i] - m) * b)
                                dst[i] = e
                                sum += e
                            }
                            for i in 0..<depth { dst[i] = dst[i] / sum }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(x: x, beta: beta)))]
    }

    /// int8/uint8 (`reference_ops::Softmax` 8-bit, output int8/uint8 or int16) and int16
    /// (`SoftmaxInt16`, LUT-based) through `TFLiteQuantizedSoftmax`.
    func quantized(_ x: Tensor) throws -> Tensor {
        let (si, _) = try quantization.input(0)
        let depth = x.shape.last ?? 1
        if x.dtype == .int16 {
            let p = TFLiteQuantizedSoftmax.Params16(beta: Float(beta), inputScale: si)
            return try TFLiteBuffers.build(.int16, x.shape, Int16.self) { o in
                try TFLiteBuffers.read(x, Int16.self) { TFLiteQuantizedSoftmax.softmax16($0, depth: depth, params: p, output: o) }
            }
        }
        let p = TFLiteQuantizedSoftmax.Params8(beta: Float(beta), inputScale: si)
        func run<In: FixedWidthInteger & BitwiseCopyable, Out: FixedWidthInteger & BitwiseCopyable>(_: In.Type, _ out: DType, _: Out.Type) throws -> Tensor {
            try TFLiteBuffers.build(out, x.shape, Out.self) { o in
                try TFLiteBuffers.read(x, In.self) { TFLiteQuantizedSoftmax.softmax8($0, depth: depth, params: p, output: o) }
            }
        }
        switch (x.dtype, outputType ?? x.dtype) {
        case (.int8, .int8): return try run(Int8.self, .int8, Int8.self)
        case (.uint8, .uint8): return try run(UInt8.self, .uint8, UInt8.self)
        case (.int8, .int16): return try run(Int8.self, .int16, Int16.self)
        case (.uint8, .int16): return try run(UInt8.self, .int16, Int16.self)
        case (let i, let o): throw KernelError("SOFTMAX from \(i) to \(o) is not implemented", unsupported: true)
        }
    }
}
