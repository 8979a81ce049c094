import LockstepCore

/// Encoders from real numbers to the small floating-point formats (float16, bfloat16, the float8
/// kinds, float8e8m0, float4e2m1, float6), rounding to nearest even as ONNX `Cast` specifies
/// (onnx/docs/Operators.md#Cast, onnx/docs/Float8.md). Decoders live in `FloatBits`.
///
/// Every encoder works from a `Double`, which holds every float32/float16/bfloat16/float8 value
/// exactly, so a conversion rounds once (float64 → float16 does not go through float32).
public enum FloatEncoding {
    /// How a format spends its largest exponent and its sign bit.
    public enum Kind: Sendable {
        /// IEEE 754 style: the all-ones exponent holds ±Inf and NaN (float16, bfloat16, float8e5m2).
        case ieee
        /// "fn": no infinities; only S.1111.111 is NaN (float8e4m3fn).
        case finiteWithNaN
        /// "fnuz": no infinities, no negative zero; 0x80 is the only NaN (float8e4m3fnuz, float8e5m2fnuz).
        case finiteUnsignedZeroNaN
        /// No infinities and no NaN at all (float4e2m1, float6e2m3, float6e3m2): everything saturates.
        case finite
    }

    /// A binary floating-point format with `exponentBits` and `mantissaBits` (sign bit above both).
    public struct Format: Sendable {
        public let exponentBits: Int
        public let mantissaBits: Int
        public let bias: Int
        public let kind: Kind

        public init(exponentBits: Int, mantissaBits: Int, bias: Int, kind: Kind) {
            self.exponentBits = exponentBits
            self.mantissaBits = mantissaBits
            self.bias = bias
            self.kind = kind
        }

        /// Exponent of the smallest normal number.
        public var minExponent: Int { 1 - bias }

        var signBit: UInt16 { 1 << UInt16(exponentBits + mantissaBits) }
        var exponentMask: UInt16 { (1 << UInt16(exponentBits)) - 1 }
        var mantissaMask: UInt16 { (1 << UInt16(mantissaBits)) - 1 }

        /// Code (without sign) of the largest finite value.
        public var maxFiniteCode: UInt16 {
            switch kind {
            case .ieee: return ((exponentMask - 1) << UInt16(mantissaBits)) | mantissaMask
            case .finiteWithNaN: return (exponentMask << UInt16(mantissaBits)) | (mantissaMask - 1)
            case .finiteUnsignedZeroNaN, .finite: return (exponentMask << UInt16(mantissaBits)) | mantissaMask
            }
        }

        /// The largest finite value.
        public var maxFinite: Double {
            let code = maxFiniteCode
            let e = Int(code >> UInt16(mantissaBits)) - bias
            let m = Double(Int(code & mantissaMask) + (1 << mantissaBits))
            return m * Double(sign: .plus, exponent: e - mantissaBits, significand: 1)
        }

        public static let float16 = Format(exponentBits: 5, mantissaBits: 10, bias: 15, kind: .ieee)
        public static let bfloat16 = Format(exponentBits: 8, mantissaBits: 7, bias: 127, kind: .ieee)
        public static let float8e4m3fn = Format(exponentBits: 4, mantissaBits: 3, bias: 7, kind: .finiteWithNaN)
        public static let float8e4m3fnuz = Format(exponentBits: 4, mantissaBits: 3, bias: 8, kind: .finiteUnsignedZeroNaN)
        public static let float8e5m2 = Format(exponentBits: 5, mantissaBits: 2, bias: 15, kind: .ieee)
        public static let float8e5m2fnuz = Format(exponentBits: 5, mantissaBits: 2, bias: 16, kind: .finiteUnsignedZeroNaN)
        public static let float4e2m1 = Format(exponentBits: 2, mantissaBits: 1, bias: 1, kind: .finite)
        public static let float6e2m3 = Format(exponentBits: 2, mantissaBits: 3, bias: 1, kind: .finite)
        public static let float6e3m2 = Format(exponentBits: 3, mantissaBits: 2, bias: 3, kind: .finite)

        /// The format of a small floating-point `dtype` (not float32/float64/float8e8m0).
        public static func of(_ dtype: DType) -> Format? {
            switch dtype {
            case .float16: return .float16
            case .bfloat16: return .bfloat16
            case .float8e4m3fn: return .float8e4m3fn
            case .float8e4m3fnuz: return .float8e4m3fnuz
            case .float8e5m2: return .float8e5m2
            case .float8e5m2fnuz: return .float8e5m2fnuz
            case .float4e2m1: return .float4e2m1
            case .float6e2m3: return .float6e2m3
            case .float6e3m2: return .float6e3m2
            case .float32, .float64, .float8e8m0, .int2, .uint2, .int4, .uint4, .int8, .uint8, .int16, .uint16,
                 .int32, .uint32, .int64, .uint64, .bool, .string, .complex64, .complex128:
                return nil
            }
        }
    }

    /// Encodes `x` in `format`, rounding to nearest even. With `saturate`, ±Inf and values whose
    /// rounding exceeds the largest finite value become ±max (the float8 rule of Cast-19+); without
    /// it they become ±Inf where the format has infinities, else NaN. `.finite` formats always
    /// saturate; NaN there becomes the sign-bit-only code, as ml_dtypes (the onnx reference) does.
    public static func encode(_ x: Double, _ format: Format, saturate: Bool) -> UInt16 {
        let m = format.mantissaBits
        let negative = x.sign == .minus
        let sign: UInt16 = negative ? format.signBit : 0
        let expAll = format.exponentMask << UInt16(m)
        func overflow() -> UInt16 {
            switch format.kind {
            case .ieee: return saturate ? sign | format.maxFiniteCode : sign | expAll
            case .finiteWithNaN: return saturate ? sign | format.maxFiniteCode : sign | expAll | format.mantissaMask
            case .finiteUnsignedZeroNaN: return saturate ? sign | format.maxFiniteCode : format.signBit
            case .finite: return sign | format.maxFiniteCode
            }
        }
        if x.isNaN {
            switch format.kind {
            case .ieee: return sign | expAll | (1 << UInt16(m - 1))
            case .finiteWithNaN: return sign | expAll | format.mantissaMask
            case .finiteUnsignedZeroNaN: return format.signBit
            case .finite: return format.signBit
            }
        }
        if x.isInfinite { return overflow() }
        let a = x.magnitude
        if a == 0 { return format.kind == .finiteUnsignedZeroNaN ? 0 : sign }
        var e = max(Int(a.exponent), format.minExponent)
        let quantum = Double(sign: .plus, exponent: e - m, significand: 1)
        var q = (a / quantum).rounded(.toNearestOrEven)
        if q == 0 { return format.kind == .finiteUnsignedZeroNaN ? 0 : sign }
        let implicit = Double(1 << m)
        if q >= 2 * implicit { q /= 2; e += 1 }
        if q * Double(sign: .plus, exponent: e - m, significand: 1) > format.maxFinite { return overflow() }
        let code: UInt16
        if q < implicit {
            code = UInt16(q)  // subnormal (e == minExponent)
        } else {
            code = UInt16(e + format.bias) << UInt16(m) | UInt16(q - implicit)
        }
        return sign | code
    }

    /// Decodes a code of `format` (ignoring bits above the sign bit).
    public static func decode(_ code: UInt16, _ format: Format) -> Double {
        let m = format.mantissaBits
        let negative = code & format.signBit != 0
        let exponentField = Int((code >> UInt16(m)) & format.exponentMask)
        let mantissa = Int(code & format.mantissaMask)
        switch format.kind {
        case .ieee where exponentField == Int(format.exponentMask):
            return mantissa == 0 ? (negative ? -.infinity : .infinity) : .nan
        case .finiteWithNaN where exponentField == Int(format.exponentMask) && mantissa == Int(format.mantissaMask):
            return .nan
        case .finiteUnsignedZeroNaN where code & (format.signBit | format.exponentMask << UInt16(m) | format.mantissaMask) == format.signBit:
            return .nan
        default:
            break
        }
        let magnitude: Double
        if exponentField == 0 {
            magnitude = Double(mantissa) * Double(sign: .plus, exponent: format.minExponent - m, significand: 1)
        } else {
            magnitude = Double(mantissa + (1 << m)) * Double(sign: .plus, exponent: exponentField - format.bias - m, significand: 1)
        }
        return negative ? -magnitude : magnitude
    }

    /// Rounding direction of float8e8m0 encoding (Cast-24 `round_mode`).
    public enum E8M0Rounding: String, Sendable { case up, down, nearest }

    /// Encodes `x` as float8e8m0 (a biased power of two, 0xFF = NaN) from its float32 bits, as the
    /// onnx reference does: NaN/Inf → 0xFF; `up` adds one to the exponent when any mantissa bit is
    /// set, `nearest` rounds on the guard bit (ties to the larger exponent unless it is 0),
    /// `down` truncates; `saturate` keeps 0xFE from rounding into NaN. The sign is ignored
    /// (negative inputs are undefined by the spec).
    public static func encodeE8M0(_ x: Float, saturate: Bool, rounding: E8M0Rounding) -> UInt8 {
        let bits = x.bitPattern
        var exponent = Int((bits >> 23) & 0xff)
        if exponent == 0xff { return 0xff }
        switch rounding {
        case .up:
            if bits & 0x7f_ffff != 0, !(saturate && exponent == 0xfe) { exponent += 1 }
        case .nearest:
            let guardBit = bits & 0x40_0000 != 0
            let roundBit = bits & 0x20_0000 != 0
            let sticky = bits & 0x1f_ffff != 0
            let lsb = exponent > 0
            if guardBit && (roundBit || sticky || lsb), !(saturate && exponent == 0xfe) { exponent += 1 }
        case .down:
            break
        }
        return UInt8(truncatingIfNeeded: exponent)
    }
}
