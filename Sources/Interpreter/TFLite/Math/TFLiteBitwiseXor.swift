import LockstepCore

/// BITWISE_XOR (1): `a ^ b` with numpy broadcasting over int8, int16, int32, uint8, uint16 and
/// uint32 (both inputs one type), as google-ai-edge/LiteRT `tflite/kernels/bitwise_xor.cc` @
/// 7d88950ea445f5b671d18e64f9614aff397fde50 (its reference broadcast covers rank ≤ 4 (the 4-D
/// slow path); any rank broadcasts here).
struct TFLiteBitwiseXor: Kernel, TFLiteBitwiseOp {
    static let registration = TFLiteOps.op("BITWISE_XOR") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteBitwiseXor()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        try TFLiteBitwise.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try TFLiteBitwise.evaluate(inputs, Self.self))]
    }

    static func apply<T: FixedWidthInteger>(_ x: T, _ y: T) -> T { x ^ y }
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

    /// `Op.apply` elementwise with broadcasting, in the inputs' integer type.
    static func evaluate<Op: TFLiteBitwiseOp>(_ inputs: [Value?], _: Op.Type) throws -> Tensor {
        let (a, b) = try Inputs.two(inputs)
        _ = try prepare(inputs)
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { Op.apply($0, $1) }
        }
        switch a.dtype {
        case .int8: return try run(Int8.self)
        case .int16: return try run(Int16.self)
        case .int32: return try run(Int32.self)
        case .uint8: return try run(UInt8.self)
        case .uint16: return try run(UInt16.self)
        default: return try run(UInt32.self)
        }
    }
}

/// One integer function of BITWISE_XOR or RIGHT_SHIFT, applied per element pair.
protocol TFLiteBitwiseOp {
    static func apply<T: FixedWidthInteger>(_ x: T, _ y: T) -> T
}
