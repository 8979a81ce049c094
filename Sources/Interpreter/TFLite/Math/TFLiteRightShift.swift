import LockstepCore

/// RIGHT_SHIFT (1): `x >> y` with numpy broadcasting over int8, int16, int32, uint8, uint16 and
/// uint32, the shift clamped to [0, bits - 1] first and signed values shifted arithmetically, as
/// google-ai-edge/LiteRT `tflite/kernels/right_shift.cc` @ 7d88950ea445f5b671d18e64f9614aff397fde50
/// (`RightShift`: negative shifts count as 0, shifts past the width as width - 1).
struct TFLiteRightShift: Kernel, TFLiteBitwiseOp {
    static let registration = TFLiteOps.op("RIGHT_SHIFT") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteRightShift()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        try TFLiteBitwise.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try TFLiteBitwise.evaluate(inputs, Self.self))]
    }

    static func apply<T: FixedWidthInteger>(_ x: T, _ y: T) -> T {
        let top = T(T.bitWidth - 1)
        return x >> (y < 0 ? 0 : (y > top ? top : y))
    }
}
