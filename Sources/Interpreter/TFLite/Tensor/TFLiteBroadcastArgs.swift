import LockstepCore

/// BROADCAST_ARGS (1): the numpy broadcast of two 1-D shape tensors (both int32 or both int64),
/// in their type — google-ai-edge/LiteRT `tflite/kernels/broadcast_args.cc` @
/// 7d88950ea445f5b671d18e64f9614aff397fde50 (incompatible shapes are an error).
struct TFLiteBroadcastArgs: Kernel {
    static let registration = TFLiteOps.op("BROADCAST_ARGS") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteBroadcastArgs()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        guard a.dtype == .int32 || a.dtype == .int64 else { throw KernelError("shapes must be int32 or int64, found \(a.dtype)") }
        try TFLiteSupport.requireType(b, "s1", a.dtype)
        guard a.rank == 1, b.rank == 1 else { throw KernelError("shapes must be 1-D, found \(a.shape) and \(b.shape)") }
        let x = try TFLiteSupport.integers(a, "s0"), y = try TFLiteSupport.integers(b, "s1")
        guard x.allSatisfy({ $0 >= 0 }), y.allSatisfy({ $0 >= 0 }) else { throw KernelError("shapes \(x) and \(y) hold a negative dimension") }
        let shape = try Broadcast.shape([x, y])
        if a.dtype == .int64 { return [.tensor(try Tensor(dtype: .int64, shape: [shape.count], values: shape.map(Int64.init)))] }
        return [.tensor(try Tensor(dtype: .int32, shape: [shape.count], values: shape.map { Int32(truncatingIfNeeded: $0) }))]
    }
}
