import LockstepCore

/// BITWISE_XOR (1): `a ^ b` with numpy broadcasting over int8, int16, int32, uint8, uint16 and
/// uint32 (both inputs one type), as google-ai-edge/LiteRT `tflite/kernels/bitwise_xor.cc` @
/// 7d88950ea445f5b671d18e64f9614aff397fde50 (its reference broadcast covers rank ≤ 4 (the 4-D
/// slow path); any rank broadcasts here).
struct TFLiteBitwiseXor: Kernel {
    static let registration = TFLiteOps.op("BITWISE_XOR") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteBitwiseXor()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        try TFLiteBitwise.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try TFLiteBitwise.prepare(inputs)
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 ^ $1 }
        }
        switch a.dtype {
        case .int8: return [.tensor(try run(Int8.self))]
        case .int16: return [.tensor(try run(Int16.self))]
        case .int32: return [.tensor(try run(Int32.self))]
        case .uint8: return [.tensor(try run(UInt8.self))]
        case .uint16: return [.tensor(try run(UInt16.self))]
        default: return [.tensor(try run(UInt32.self))]
        }
    }
}

/// The integer types of BITWISE_XOR and RIGHT_SHIFT and their shared checks.
enum TFLiteBitwise {
    static let types: Set<DType> = [.int8, .int16, .int32, .uint8, .uint16, .uint32]

    static func prepare(_ inputs: [Value?]) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        guard types.contains(a.dtype) else { throw KernelError("\(a.dtype) input is not implemented (8/16/32-bit integers only)", unsupported: true) }
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

}
