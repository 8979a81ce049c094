import LockstepCore

/// RIGHT_SHIFT (1): `x >> y` with numpy broadcasting over int8, int16, int32, uint8, uint16 and
/// uint32, the shift clamped to [0, bits - 1] first and signed values shifted arithmetically, as
/// google-ai-edge/LiteRT `tflite/kernels/right_shift.cc` @ 7d88950ea445f5b671d18e64f9614aff397fde50
/// (`RightShift`: negative shifts count as 0, shifts past the width as width - 1).
struct TFLiteRightShift: Kernel {
    static let registration = TFLiteOps.op("RIGHT_SHIFT") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteRightShift()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        try TFLiteBitwise.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try TFLiteBitwise.prepare(inputs)
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            let top = T(T.bitWidth - 1)
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { x, y in
                let s = y < 0 ? 0 : (y > top ? top : y)
                return x >> s
            }
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
