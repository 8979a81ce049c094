import LockstepCore

/// Distance in units in the last place between two values of one floating-point type: the number
/// of representable values between them (0 for equal values, and for +0 vs −0).
public enum ULP {
    /// The distance of `a` and `b` (already values of `dtype`, as Double) counted in `dtype`;
    /// nil for types without a defined ordering of bit patterns here (integers, float8 and
    /// smaller, where ULP rules fall back to their atol) or when either value is NaN.
    public static func distance(_ a: Double, _ b: Double, in dtype: DType) -> Double? {
        if a.isNaN || b.isNaN { return nil }
        switch dtype {
        case .float64:
            return gap(ordered64(a.bitPattern), ordered64(b.bitPattern))
        case .float32:
            return gap(ordered(UInt64(Float(a).bitPattern), bits: 32), ordered(UInt64(Float(b).bitPattern), bits: 32))
        case .float16:
            return gap(ordered(UInt64(FloatBits.floatToHalf(Float(a))), bits: 16), ordered(UInt64(FloatBits.floatToHalf(Float(b))), bits: 16))
        case .bfloat16:
            return gap(ordered(UInt64(FloatBits.floatToBFloat16(Float(a))), bits: 16),
                       ordered(UInt64(FloatBits.floatToBFloat16(Float(b))), bits: 16))
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2,
             .int2, .uint2, .int4, .uint4, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .bool, .string,
             .complex64, .complex128:
            return nil
        }
    }

    /// |x − y| without overflow (float64 patterns of opposite sign can be 2⁶⁴ apart).
    @inline(__always)
    static func gap(_ x: Int64, _ y: Int64) -> Double {
        let (d, overflow) = x.subtractingReportingOverflow(y)
        return overflow ? Swift.abs(Double(x) - Double(y)) : Double(d.magnitude)
    }

    /// Maps a sign-magnitude bit pattern of `bits` width onto a line where adjacent floats differ
    /// by one (−0 and +0 both map to 0).
    @inline(__always)
    static func ordered(_ pattern: UInt64, bits: Int) -> Int64 {
        let signBit = UInt64(1) << (bits - 1)
        let magnitude = Int64(pattern & (signBit - 1))
        return pattern & signBit != 0 ? -magnitude : magnitude
    }

    @inline(__always)
    static func ordered64(_ pattern: UInt64) -> Int64 {
        let magnitude = Int64(bitPattern: pattern & 0x7fff_ffff_ffff_ffff)
        return pattern >> 63 != 0 ? -magnitude : magnitude
    }
}
