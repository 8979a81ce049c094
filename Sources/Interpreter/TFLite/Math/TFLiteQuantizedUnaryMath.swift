import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Integer paths of the elementwise math builtins (LiteRT `tflite/kernels/elementwise.cc`,
/// `exp.cc`, `gelu.cc`, `neg.cc`; `ai-edge-litert` 2.3.0): lookup tables built with
/// `LUTPopulate` from the float function for LOG, EXP, GELU (int8, uint8, int16) and int16 RSQRT;
/// fixed point for int8 RSQRT and ABS; SQRT through float with a truncating requantisation
/// (`SqrtEvalQuantized`); int32 ABS and NEG on the values.
extension TFLiteQuantizedUnaryPaths {
    /// A lookup table of `f` over the input codes: 256 entries for int8 (and uint8 where the
    /// builtin accepts it: `uint8: true`), LiteRT's 513-entry interpolated table for int16 (zero
    /// points must be 0). `f` gets the output's lowest real value for functions that clamp there
    /// (LOG of non-positive inputs).
    static func table(uint8: Bool = false, _ f: @escaping @Sendable (Float, _ outputMin: Float, _ outputScale: Float) -> Float) -> TFLiteQuantizedUnary {
        { x, q in
            let (si, zi) = try q.input(0), (so, zo) = try q.output()
            func table8<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
                let outputMin = Float(Int32(T.min) - zo) * so
                let lut = TFLiteLookupTable.populate8(T.self, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) { f($0, outputMin, so) }
                return try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in try TFLiteBuffers.read(x, T.self) { TFLiteLookupTable.apply8($0, lut: lut, into: o) } }
            }
            switch x.dtype {
            case .int8: return try table8(Int8.self)
            case .uint8 where uint8: return try table8(UInt8.self)
            case .int16:
                guard zi == 0, zo == 0 else { throw KernelError("int16 input and output need zero point 0, found \(zi) and \(zo)") }
                let outputMin = Float(Int32(Int16.min)) * so
                let lut = TFLiteLookupTable.populate16(Float.self, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) { f($0, outputMin, so) }
                return try TFLiteBuffers.build(.int16, x.shape, Int16.self) { o in
                    try TFLiteBuffers.read(x, Int16.self) { xs in
                        lut.withUnsafeBufferPointer { t in for i in 0..<xs.count { o[i] = TFLiteLookupTable.lookup(xs[i], t.baseAddress!) } }
                    }
                }
            default: throw KernelError("\(x.dtype) input is not implemented", unsupported: true)
            }
        }
    }

    /// LOG: `v <= 0 ? outputMin : logf(v)` (`LogLUTPrepare`).
    static let log: TFLiteQuantizedUnary = table { v, outputMin, _ in v <= 0 ? outputMin : logf(v) }
    /// EXP: `expf(v)`.
    static let exp: TFLiteQuantizedUnary = table { v, _, _ in expf(v) }
    /// SQRT int8 / int16 (`SqrtEvalQuantized<T>`, `tflite/kernels/elementwise.cc` of
    /// google-ai-edge/LiteRT): `v = sIn · (q − zIn)` in float, an error when `v < 0`, then
    /// `clamp(int(sqrtf(v) / sOut) + zOut)` — the division truncates toward zero rather than
    /// rounds (`op_sqrt_int8`: truncation matches all 24 elements, rounding 11).
    static let sqrt: TFLiteQuantizedUnary = { x, q in
        let (si, zi) = try q.input(0), (so, zo) = try q.output()
        if x.dtype == .int16, zi != 0 || zo != 0 { throw KernelError("int16 input and output need zero point 0, found \(zi) and \(zo)") }
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in
                try TFLiteBuffers.read(x, T.self) { xs in
                    for i in 0..<xs.count {
                        guard let v = TFLiteQuantizedMath.sqrt(Int32(xs[i]), inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo,
                                                               lo: Int32(T.min), hi: Int32(T.max)) else {
                            throw KernelError("SQRT is only defined for non-negative values (input code \(xs[i]) below the zero point \(zi))")
                        }
                        o[i] = T(truncatingIfNeeded: v)
                    }
                }
            }
        }
        switch x.dtype {
        case .int8: return try run(Int8.self)
        case .int16: return try run(Int16.self)
        default: throw KernelError("\(x.dtype) SQRT is not implemented", unsupported: true)
        }
    }
    /// GELU (`GeluTransform`): `0.5·v·erfcf(v·(−√½))`.
    static let gelu: TFLiteQuantizedUnary = table(uint8: true) { v, _, _ in 0.5 * v * erfcf(v * Float(-0.70710678118654752440)) }
    /// GELU with `approximate` (`GeluTransformApproximate`).
    static let geluApproximate: TFLiteQuantizedUnary = table(uint8: true) { v, _, _ in
        let k = Float(1.12837916709551257390 * 0.70710678118654752440)
        return 0.5 * v * (1 + tanhf(k * (v + 0.044715 * v * v * v)))
    }

    /// RSQRT: int8 in fixed point (`TFLiteQuantizedMath.rsqrt8`); int16 through a table of
    /// `v <= 0 ? 32767·sOut : 1/sqrtf(v)`.
    static let rsqrt: TFLiteQuantizedUnary = { x, q in
        switch x.dtype {
        case .int8:
            let (si, zi) = try q.input(0), (so, zo) = try q.output()
            let m = TFLiteQuantizedMath.rsqrtMultiplier(inputScale: si, outputScale: so)
            let codes = try x.scalars(as: Int8.self)
            if let bad = codes.first(where: { Int32($0) < zi }) {
                throw KernelError("RSQRT is only defined for positive values (input code \(bad) below the zero point \(zi))")
            }
            return try TFLiteBuffers.build(.int8, x.shape, Int8.self) { o in
                for (i, c) in codes.enumerated() { o[i] = TFLiteQuantizedMath.rsqrt8(Int32(c), inputZeroPoint: zi, outputZeroPoint: zo, multiplier: m) }
            }
        default:
            return try table { v, _, scale in v <= 0 ? Float(Int16.max) * scale : 1 / sqrtf(v) }(x, q)
        }
    }

    /// ABS: int8 / int16 `|q − zp|` rescaled when the scales differ; int32 `abs`.
    static let abs: TFLiteQuantizedUnary = { x, q in
        if x.dtype == .int32 {
            return try TFLiteBuffers.build(.int32, x.shape, Int32.self) { o in
                try TFLiteBuffers.read(x, Int32.self) { xs in for i in 0..<xs.count { o[i] = xs[i] == .min ? .min : Swift.abs(xs[i]) } }
            }
        }
        let (si, zi) = try q.input(0), (so, zo) = try q.output()
        let m = si != so ? TFLiteQuantizationParams.Multiplier(Double(si / so)) : nil
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in
                try TFLiteBuffers.read(x, T.self) { xs in
                    for i in 0..<xs.count {
                        o[i] = T(truncatingIfNeeded: TFLiteQuantizedMath.abs(Int32(xs[i]), inputZeroPoint: zi, outputZeroPoint: zo, multiplier: m,
                                                                            lo: Int32(T.min), hi: Int32(T.max)))
                    }
                }
            }
        }
        switch x.dtype {
        case .int8: return try run(Int8.self)
        case .int16: return try run(Int16.self)
        default: throw KernelError("\(x.dtype) ABS is not implemented", unsupported: true)
        }
    }

    /// NEG on int32 / int64 (`neg.cc`: `-x`, wrapping).
    static let neg: TFLiteQuantizedUnary = { x, _ in
        switch x.dtype {
        case .int32:
            return try TFLiteBuffers.build(.int32, x.shape, Int32.self) { o in try TFLiteBuffers.read(x, Int32.self) { xs in for i in 0..<xs.count { o[i] = 0 &- xs[i] } } }
        case .int64:
            return try TFLiteBuffers.build(.int64, x.shape, Int64.self) { o in try TFLiteBuffers.read(x, Int64.self) { xs in for i in 0..<xs.count { o[i] = 0 &- xs[i] } } }
        // neg.cc negates int8 / int16 codes as they are, whatever their quantisation.
        case .int8:
            return try TFLiteBuffers.build(.int8, x.shape, Int8.self) { o in try TFLiteBuffers.read(x, Int8.self) { xs in for i in 0..<xs.count { o[i] = 0 &- xs[i] } } }
        case .int16:
            return try TFLiteBuffers.build(.int16, x.shape, Int16.self) { o in try TFLiteBuffers.read(x, Int16.self) { xs in for i in 0..<xs.count { o[i] = 0 &- xs[i] } } }
        default: throw KernelError("\(x.dtype) NEG is not implemented", unsupported: true)
        }
    }
}
