/// Quantised ADD, SUB and MUL with numpy broadcasting, as TFLite's reference kernels compute
/// them (google-ai-edge/LiteRT, `ai-edge-litert` 2.3.0): `reference_integer_ops::Add`/`Mul`
/// (`tflite/kernels/internal/reference/integer_ops/add.h`, `mul.h`), `reference_ops::Sub`
/// (`reference/sub.h`) and their `Broadcast…Slow` forms. Every output element depends on its
/// two input elements only, so the loop order of the broadcast does not matter.
public enum TFLiteQuantizedElementwise {
    /// ADD (8-bit, and int16 with general scales): both inputs shifted left by
    /// `params.leftShift`, rescaled to a common scale, summed, rescaled to the output.
    @inline(__always)
    public static func add(_ a: Int32, _ b: Int32, _ p: TFLiteQuantizationParams.AddParams,
                           rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) -> Int32 {
        let (x, y) = scaledInputs(a, b, p, rounding)
        return finish(x &+ y, p, rounding)
    }

    /// SUB: as ADD with the difference of the rescaled inputs.
    @inline(__always)
    public static func sub(_ a: Int32, _ b: Int32, _ p: TFLiteQuantizationParams.AddParams,
                           rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) -> Int32 {
        let (x, y) = scaledInputs(a, b, p, rounding)
        return finish(x &- y, p, rounding)
    }

    @inline(__always)
    static func scaledInputs(_ a: Int32, _ b: Int32, _ p: TFLiteQuantizationParams.AddParams,
                             _ rounding: TFLiteFixedPoint.Rounding) -> (Int32, Int32) {
        let shift = Int32(1) << Int32(p.leftShift)
        let x = (p.input1Offset &+ a) &* shift
        let y = (p.input2Offset &+ b) &* shift
        return (p.input1.apply(x, rounding: rounding), p.input2.apply(y, rounding: rounding))
    }

    @inline(__always)
    static func finish(_ raw: Int32, _ p: TFLiteQuantizationParams.AddParams, _ rounding: TFLiteFixedPoint.Rounding) -> Int32 {
        let v = p.output.apply(raw, rounding: rounding) &+ p.outputOffset
        return min(max(v, p.activationMin), p.activationMax)
    }

    /// MUL: `clamp(outputOffset + MultiplyByQuantizedMultiplier((a + offset1)·(b + offset2), m))`
    /// with `m = QuantizeMultiplier(double(s1)·double(s2)/double(sOut))`.
    @inline(__always)
    public static func mul(_ a: Int32, _ b: Int32, input1Offset: Int32, input2Offset: Int32,
                           multiplier: TFLiteQuantizationParams.Multiplier, outputOffset: Int32,
                           activationMin: Int32, activationMax: Int32,
                           rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) -> Int32 {
        let product = (input1Offset &+ a) &* (input2Offset &+ b)
        let v = outputOffset &+ multiplier.apply(product, rounding: rounding)
        return min(max(v, activationMin), activationMax)
    }

    /// DIV (`reference_ops::DivElementwise`, `reference/div.h`): with `v1 = a + offset1`,
    /// `v2 = b + offset2` (signs flipped together when v2 < 0), the quotient is
    /// `v1 · GetReciprocal(v2)` scaled up by v1's headroom, then rescaled by the output multiplier
    /// (`QuantizeMultiplier(float(s1 / (s2 · sOut)))`) with the reciprocal's and headroom's shifts,
    /// plus the output offset, clamped. A zero divisor (v2 = 0) gives the clamp of the offset, not a trap.
    @inline(__always)
    public static func div(_ a: Int32, _ b: Int32, input1Offset: Int32, input2Offset: Int32,
                           multiplier: TFLiteQuantizationParams.Multiplier, outputOffset: Int32,
                           activationMin: Int32, activationMax: Int32) -> Int32 {
        var v1 = input1Offset &+ a, v2 = input2Offset &+ b
        if v2 < 0 {
            v1 = 0 &- v1
            v2 = 0 &- v2
        }
        let (inverse, reciprocalShift) = TFLiteFixedPoint.reciprocal(v2, integerDigits: 31)
        let headroom = TFLiteFixedPoint.countLeadingSignBits(v1)
        let unscaled = TFLiteFixedPoint.saturatingRoundingDoublingHighMul(v1 &* (Int32(1) << Int32(headroom)), inverse)
        let totalShift = multiplier.shift - reciprocalShift - headroom
        let scaled = TFLiteFixedPoint.multiplyByQuantizedMultiplier(unscaled, multiplier.multiplier, totalShift, rounding: .double)
        return min(max(outputOffset &+ scaled, activationMin), activationMax)
    }

    /// Applies `op` to every broadcast pair of `lhs` (shape `lhsShape`) and `rhs` into `output`
    /// (the broadcast shape), reading the elements as Int32.
    public static func broadcast<T: FixedWidthInteger>(lhs: UnsafeBufferPointer<T>, lhsShape: [Int],
                                                       rhs: UnsafeBufferPointer<T>, rhsShape: [Int],
                                                       output: UnsafeMutableBufferPointer<T>,
                                                       _ op: (Int32, Int32) -> Int32) throws {
        let shape = try Broadcast.shape([lhsShape, rhsShape])
        precondition(output.count == shape.reduce(1, *))
        Broadcast.forEach(shape, inputs: [lhsShape, rhsShape]) { i, offsets in
            output[i] = T(truncatingIfNeeded: op(Int32(lhs[offsets[0]]), Int32(rhs[offsets[1]])))
        }
    }
}
