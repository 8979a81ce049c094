import LockstepCore

/// ATAN2 (1): `atan2(y, x)` elementwise over two inputs of one shape and float type (float32 with
/// the C library's `atan2f`, float64 with `atan2`, float16 / bfloat16 through float32), as
/// google-ai-edge/LiteRT `tflite/kernels/atan2.cc` @ 57d661e22fbf8f7859da5c1eccee46841d909a3d
/// (shapes must match: the kernel does not broadcast).
struct TFLiteAtan2: Kernel {
    struct Atan2: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ y: T, _ x: T) -> T { T.atan2(y, x) } }

    static let registration = TFLiteOps.op("ATAN2") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteAtan2()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (y, x) = try Inputs.two(inputs)
        guard FloatElementwise.types.contains(y.dtype) else { throw KernelError("\(y.dtype) input is not implemented", unsupported: true) }
        try TFLiteSupport.requireType(x, "x", y.dtype)
        guard y.shape == x.shape else { throw KernelError("inputs must have one shape, found \(y.shape) and \(x.shape)") }
        return [TensorInfo(y)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        _ = try prepare(inputs, context: context)
        let (y, x) = try Inputs.two(inputs)
        return [.tensor(try FloatElementwise.binary(y, x, Atan2()))]
    }
}
