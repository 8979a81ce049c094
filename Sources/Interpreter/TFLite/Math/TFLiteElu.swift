import LockstepCore

/// ELU (version 1): float `x < 0 ? expm1(x) : x`; int8/uint8 through an 8-bit lookup table of the
/// same function (TFLite's `LUTPopulate` with `expm1f`).
enum TFLiteElu {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T { x < 0 ? T.expm1(x) : x }
    }
    static let registration = TFLiteUnaryKernel.registration("ELU", Function(), quantized: { x, q in
        let (si, zi) = try q.input(0), (so, zo) = try q.output()
        func table<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            let lut = TFLiteLookupTable.populate8(T.self, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo,
                                                  TFLiteLookupTable.Function.elu.callAsFunction)
            return try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in try TFLiteBuffers.read(x, T.self) { TFLiteLookupTable.apply8($0, lut: lut, into: o) } }
        }
        switch x.dtype {
        case .int8: return try table(Int8.self)
        case .uint8: return try table(UInt8.self)
        default: throw KernelError("\(x.dtype) ELU is not implemented", unsupported: true)
        }
    })
}
