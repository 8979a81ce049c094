/// Bit-exact conversions between the small floating-point formats and `Float`.
/// Written against IEEE 754 and the ONNX float8/float4 definitions (onnx/docs/Float8.md,
/// onnx 1.23.2); no library offers all of them portably.
public enum FloatBits {
    /// IEEE 754 binary16 → Float (exact; keeps NaN payload sign, ±Inf, subnormals, −0).
    @inline(__always)
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = Int((h >> 10) & 0x1f)
        let mant = UInt32(h & 0x3ff)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            // subnormal: mant * 2^-24
            let v = Float(mant) * Float(bitPattern: 0x3380_0000)  // 2^-24
            return sign != 0 ? -v : v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7f80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | (UInt32(exp + 112) << 23) | (mant << 13))
    }

    /// Float → IEEE 754 binary16, round to nearest even (overflow to ±Inf, NaN stays NaN).
    public static func floatToHalf(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exp = Int((bits >> 23) & 0xff)
        var mant = bits & 0x7f_ffff
        if exp == 255 { return sign | 0x7c00 | (mant != 0 ? 0x200 | UInt16(mant >> 13) : 0) }
        var e = exp - 127 + 15
        if e >= 31 { return sign | 0x7c00 }
        if e <= 0 {
            if e < -10 { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - e)
            var half = mant >> shift
            let rem = mant & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if rem > halfway || (rem == halfway && (half & 1) == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(e) << 10 | (mant >> 13)
        let rem = mant & 0x1fff
        if rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1) { half += 1 }
        if half >= 0x7c00 { e = 31; return sign | 0x7c00 }
        return sign | UInt16(half)
    }

    @inline(__always)
    public static func bfloat16ToFloat(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

    /// Float → bfloat16, round to nearest even; NaN stays a quiet NaN.
    public static func floatToBFloat16(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        if f.isNaN { return UInt16(bits >> 16) | 0x40 }
        let rounding = ((bits >> 16) & 1) + 0x7fff
        return UInt16((bits &+ rounding) >> 16)
    }

    /// Decodes a float8 / float6 / float4 code of `dtype` (one of the float8 kinds, float6e2m3,
    /// float6e3m2 or float4e2m1) to Float.
    public static func smallFloatToFloat(_ code: UInt8, _ dtype: DType) -> Float {
        switch dtype {
        case .float8e4m3fn:
            if code & 0x7f == 0x7f { return .nan }
            return decode(code, expBits: 4, mantBits: 3, bias: 7)
        case .float8e4m3fnuz:
            if code == 0x80 { return .nan }
            return decode(code, expBits: 4, mantBits: 3, bias: 8)
        case .float8e5m2:
            let e = (code >> 2) & 0x1f
            if e == 0x1f { return code & 3 == 0 ? (code & 0x80 != 0 ? -.infinity : .infinity) : .nan }
            return decode(code, expBits: 5, mantBits: 2, bias: 15)
        case .float8e5m2fnuz:
            if code == 0x80 { return .nan }
            return decode(code, expBits: 5, mantBits: 2, bias: 16)
        case .float8e8m0:
            if code == 0xff { return .nan }
            return Float(sign: .plus, exponent: Int(code) - 127, significand: 1)
        case .float4e2m1:
            return decode(code & 0x0f, expBits: 2, mantBits: 1, bias: 1, signBit: 3)
        case .float6e2m3:  // no Inf/NaN (OCP MX float6 E2M3)
            return decode(code & 0x3f, expBits: 2, mantBits: 3, bias: 1, signBit: 5)
        case .float6e3m2:  // no Inf/NaN (OCP MX float6 E3M2)
            return decode(code & 0x3f, expBits: 3, mantBits: 2, bias: 3, signBit: 5)
        default:
            return .nan
        }
    }

    private static func decode(_ code: UInt8, expBits: Int, mantBits: Int, bias: Int, signBit: Int = 7) -> Float {
        let negative = (code >> UInt8(signBit)) & 1 == 1
        let exp = Int(code >> UInt8(mantBits)) & ((1 << expBits) - 1)
        let mant = Int(code) & ((1 << mantBits) - 1)
        let value: Float
        if exp == 0 {
            value = Float(mant) * Float(sign: .plus, exponent: 1 - bias - mantBits, significand: 1)
        } else {
            value = Float(mant + (1 << mantBits)) * Float(sign: .plus, exponent: exp - bias - mantBits, significand: 1)
        }
        return negative ? -value : value
    }
}
