import LockstepCore

/// STABLEHLO_SHIFT_LEFT (1): `a << b` elementwise on int8, int16 or int32 inputs of one shape, as
/// google-ai-edge/LiteRT `tflite/kernels/stablehlo_shift_left.cc` @ 7d88950ea445f5b671d18e64f9614aff397fde50
/// computes it: the value promoted to int32, shifted by the count modulo 32 (what x86 does with the
/// C++ shift, undefined for counts outside [0, 31]), truncated back to the element type. A
/// builtin-resolver kernel (LiteRT's reference resolver does not register it).
struct TFLiteStablehloShiftLeft: Kernel {
    static let registration = TFLiteOps.op("STABLEHLO_SHIFT_LEFT") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteStablehloShiftLeft()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "rhs", a.dtype)
        guard a.shape == b.shape else { throw KernelError("inputs must have one shape, found \(a.shape) and \(b.shape)") }
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { x, s in T(truncatingIfNeeded: Int32(x) &<< Int32(s)) }
        }
        switch a.dtype {
        case .int8: return [.tensor(try run(Int8.self))]
        case .int16: return [.tensor(try run(Int16.self))]
        case .int32: return [.tensor(try run(Int32.self))]
        default: throw KernelError("\(a.dtype) STABLEHLO_SHIFT_LEFT is not implemented (int8, int16, int32, as LiteRT)", unsupported: true)
        }
    }
}
