import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Eigen's float `tanh`, `logistic`, `exp` and `erfc` as LiteRT's Eigen expressions evaluate them
/// (`tensor_utils::ApplyTanhToVector` / `ApplySigmoidToVector`: `Eigen::Map<…>.array().tanh()` /
/// `.logistic()`; `reference_ops::Gelu`: `.tanh()` / `.erfc()`), so the recurrent ops' activations
/// and GELU match LiteRT bit for bit. The algorithms and coefficients are Eigen's as TensorFlow
/// 2.21 ships it (the headers under `tensorflow/include` of the tensorflow 2.21.0 wheel:
/// `Eigen/src/Core/arch/Default/GenericPacketMathFunctions.h` `ptanh_float`, `pexp_float`,
/// `pldexp_fast` / `pldexp_generic`, `twoprod_low` (Veltkamp splitting);
/// `Eigen/src/Core/functors/UnaryFunctors.h` `scalar_logistic_op<float>`;
/// `unsupported/Eigen/src/SpecialFunctions/SpecialFunctionsImpl.h` `generic_fast_erfc<float>`),
/// built without FMA (LiteRT's x86 wheel: SSE, `pmadd` is a multiply then an add). Where Eigen's
/// packet and scalar paths differ (`pexp`: the polynomial in packets, `std::exp` for the scalar
/// tail), both are given; an expression over a 16-byte-aligned buffer takes the packet path on
/// whole groups of four and the scalar path on the rest.
public enum EigenFloat {
    /// `ptanh_float`: the input clamped to ±7.90738964080810547 (where the approximant reaches 1
    /// without FMA), then the odd [9/8] rational approximant `x·(1 + x²·p(x²)) / q(x²)`. Packets and
    /// the scalar tail compute the same function.
    @inline(__always)
    public static func tanh(_ a: Float) -> Float {
        let clamp: Float = 7.90738964080810547
        let x = min(max(a, -clamp), clamp)
        let x2 = x * x, x3 = x2 * x
        var p: Float = 1.394553628e-8
        p = p * x2 + 2.102733560e-5
        p = p * x2 + 3.520756727e-3
        p = p * x2 + 1.340216100e-1
        var q: Float = 8.015776984e-7
        q = q * x2 + 3.326951409e-4
        q = q * x2 + 2.597254514e-2
        q = q * x2 + 4.673548340e-1
        q = q * x2 + 1.0
        return (x3 * p + x) / q
    }

    /// `scalar_logistic_op<float>::packetOp`: `e / (1 + e)` with `e = exp(min(x, 16.6355324))` from a
    /// range-reduced degree-5 polynomial (`exp(x/2)²`), 0 below −104.
    @inline(__always)
    public static func logisticPacket(_ input: Float) -> Float {
        if input < -104 { return 0 }
        var x = min(input, 16.6355324)
        x = x * 0.5
        let m = (x * 1.44269504088896341 + 0.5).rounded(.down)
        var r = m * -0.693359375 + x
        r = m * 2.12194440e-4 + r
        let r2 = r * r
        let pEven = r2 * 4.1898667812347412109375e-2 + 0.49999141693115234375
        let pOdd = r2 * 8.33471305668354034423828125e-3 + 0.16666877269744873046875
        let pLow = r + 1
        var p = r * pOdd + pEven
        p = r2 * p + pLow
        // pldexp_fast: p · 2^m with the biased exponent clamped to [0, 255].
        let biased = min(max(m + 127, 0), 255)
        var e = p * Float(bitPattern: UInt32(Int32(biased)) << 23)
        e = e * e
        return e / (1 + e)
    }

    /// `scalar_logistic_op<float>::operator()` (elements outside whole packets): `e / (1 + e)` with
    /// `e = std::exp(min(x, 16.6355324))`.
    @inline(__always)
    public static func logisticScalar(_ x: Float) -> Float {
        let e = expf(min(x, 16.6355324))
        return e / (1 + e)
    }

    /// `pexp_float` (packets): `exp(x)` as `2^m · exp(r)`, `m = floor(x·log2(e) + ½)`, `r` from a
    /// two-part `m·ln 2` and a degree-6 polynomial; scaled by `pldexp_fast` when every lane of the
    /// packet has |x| ≤ 87, else by `pldexp_generic` with 0 below −104; at least `x` (`pmax`). Both
    /// scalings are exact where the result is normal, so each lane's value depends only on itself:
    /// `pldexp_generic` is taken here exactly for the lanes beyond 87.
    @inline(__always)
    public static func expPacket(_ input: Float) -> Float {
        let x = min(input, 88.723)
        let m = (x * 1.44269504088896341 + 0.5).rounded(.down)
        var r = m * -0.693359375 + x
        r = m * 2.12194440e-4 + r
        let r2 = r * r
        var pEven = r2 * 1.37449637986719608306884765625e-3 + 4.166965186595916748046875e-2
        let pOdd = r2 * 8.36894474923610687255859375e-3 + 0.16666518151760101318359375
        pEven = r2 * pEven + 0.49999988079071044921875
        let pLow = r + 1
        var y = r * pOdd + pEven
        y = r2 * y + pLow
        if Swift.abs(x) <= 87 { return pmax(ldexpFast(y, m), input) }
        if input < -104 { return 0 }
        return pmax(ldexpGeneric(y, m), input)
    }

    /// `std::max(a, b)` as Eigen's `pmax` emulates it: `a < b ? b : a`.
    @inline(__always)
    static func pmax(_ a: Float, _ b: Float) -> Float { a < b ? b : a }

    /// `pldexp_fast`: `a · 2^e` with the biased exponent clamped to [0, 255].
    @inline(__always)
    static func ldexpFast(_ a: Float, _ e: Float) -> Float {
        let biased = Swift.min(Swift.max(e + 127, 0), 255)
        return a * Float(bitPattern: UInt32(Int32(biased)) << 23)
    }

    /// `pldexp_generic`: `a · 2^e` in four factors (`e` clamped to ±278), so no step overflows.
    @inline(__always)
    static func ldexpGeneric(_ a: Float, _ exponent: Float) -> Float {
        let e = Int32(Swift.min(Swift.max(exponent, -278), 278))
        var b = e >> 2
        var c = Float(bitPattern: UInt32(bitPattern: (b &+ 127) << 23))
        var out = ((a * c) * c) * c
        b = e &- 3 &* b
        c = Float(bitPattern: UInt32(bitPattern: (b &+ 127) << 23))
        out = out * c
        return out
    }

    /// `twoprod_low(x, x, x²)` without FMA: the low part of `x·x` by Veltkamp splitting.
    @inline(__always)
    static func squareLow(_ x: Float, _ x2: Float) -> Float {
        let gamma = Float(4097) * x
        let rho = x - gamma
        let hi = rho + gamma, lo = x - hi
        var p = hi * hi + -x2
        p = hi * lo + p
        p = lo * hi + p
        p = lo * lo + p
        return p
    }

    /// `generic_fast_erfc<float>`: `1 + x·S(x²)` for |x| ≤ 1, else `exp(−x²)(1 − x²_lo) · P(1/x²) /
    /// (x·Q(1/x²))` (+2 for x < 0); the input clamped to ±11. `packet` picks `pexp_float` over
    /// the C library's `expf` (Eigen's scalar `pexp`).
    public static func erfc(_ input: Float, packet: Bool) -> Float {
        let x = Swift.min(Swift.max(input, -11), 11)
        let x2 = x * x
        var s: Float = 5.61802298761904239654541015625e-04
        s = s * x2 + -4.91381669417023658752441406250e-03
        s = s * x2 + 2.67075151205062866210937500000e-02
        s = s * x2 + -1.12800106406211853027343750000e-01
        s = s * x2 + 3.76122951507568359375000000000e-01
        s = s * x2 + -1.12837910652160644531250000000e+00
        let small = x * s + 1
        guard 1 < x2 else { return small }
        let x2Low = squareLow(x, x2)
        let e = packet ? expPacket(-x2) : expf(-x2)
        let z = e - e * x2Low
        let q2 = 1 / x2
        var num: Float = 1.0208116471767425537109375e-01
        num = num * q2 + 4.2920666933059692382812500e-01
        num = num * q2 + 3.2379078865051269531250000e-01
        num = num * q2 + 5.3971976041793823242187500e-02
        var den: Float = 1.7251677811145782470703125e-02
        den = den * q2 + 3.9137163758277893066406250e-01
        den = den * q2 + 1.0000000000000000000000000e+00
        den = den * q2 + 6.2173241376876831054687500e-01
        den = den * q2 + 9.5662862062454223632812500e-02
        let r = num / (x * den)
        return z * r + (x < 0 ? 2 : 0)
    }
}
