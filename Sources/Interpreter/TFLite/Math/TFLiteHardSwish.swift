import LockstepCore

/// HARD_SWISH (version 1), float: `x · min(6, max(0, x + 3)) / 6`, multiplied first and divided
/// after, as `reference_ops::HardSwish` (LiteRT `tflite/kernels/internal/reference/hard_swish.h`).
enum TFLiteHardSwish {
    struct Function: FloatUnaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let s = x + 3
            let r = 0 < s ? s : 0  // std::max(0, x + 3)
            let m = r < 6 ? r : 6  // std::min(6, …)
            return x * m / 6
        }
    }
    static let registration = TFLiteUnaryKernel.registration("HARD_SWISH", Function(), quantized: { x, q in
        let (si, zi) = try q.input(0), (so, zo) = try q.output()
        let p = TFLiteQuantizedActivations.HardSwishParams(inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo)
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in try TFLiteBuffers.read(x, T.self) { TFLiteQuantizedActivations.hardSwish($0, p, output: o) } }
        }
        switch x.dtype {
        case .int8: return try run(Int8.self)
        case .uint8: return try run(UInt8.self)
        default: throw KernelError("\(x.dtype) HARD_SWISH is not implemented", unsupported: true)
        }
    })
}
