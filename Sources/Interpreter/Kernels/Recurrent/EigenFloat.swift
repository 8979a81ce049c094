import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Eigen's float `tanh` and `logistic` as LiteRT's `tensor_utils::ApplyTanhToVector` /
/// `ApplySigmoidToVector` evaluate them (`Eigen::Map<…>.array().tanh()` / `.logistic()`), so the
/// recurrent ops' activations match LiteRT bit for bit. The algorithms and coefficients are
/// Eigen's as TensorFlow 2.21 ships it (`Eigen/src/Core/arch/Default/GenericPacketMathFunctions.h`
/// `ptanh_float`, `Eigen/src/Core/functors/UnaryFunctors.h` `scalar_logistic_op<float>`), built
/// without FMA (LiteRT's x86 wheel: SSE, `pmadd` is a multiply then an add).
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
}
