import LockstepCore

/// CAST (1–8): converts to the declared output type (bool, integers, float16/32/64): floats to
/// integers truncate toward zero (C++ `static_cast`), integers wrap, bool is `x != 0`.
struct TFLiteCast: Kernel {
    static let registration = TFLiteOps.op("CAST") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        guard let output = TFLiteSupport.declaredType(context) else { throw KernelError("output type is not declared") }
        return TFLiteCast(output: output)
    }

    let output: DType

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: output, shape: try Inputs.one(inputs).shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if x.dtype.isFloatingPoint && output.isInteger {
            // static_cast truncates toward zero; values out of range are undefined in C++ (here: saturated).
            let v = try x.doubleValues().map { $0.isNaN ? 0 : $0.rounded(.towardZero) }
            return [.tensor(try NNSupport.tensor(rounding: v, dtype: output, shape: x.shape))]
        }
        return [.tensor(try TypeConversion.convert(x, to: output))]
    }
}
