/// QUANTIZE, DEQUANTIZE, requantisation and CONCATENATION rescaling as TFLite's reference
/// kernels compute them (google-ai-edge/LiteRT, `ai-edge-litert` 2.3.0):
/// - `reference_ops::AffineQuantize` (`reference/quantize.h`): `round(x / scale) + zp` in float;
/// - `reference_ops::Dequantize` (`reference/dequantize.h`): `float(double(scale) · (q − zp))`,
///   and float16 → float32 for DEQUANTIZE of float16 weights;
/// - `reference_ops::Requantize` (`reference/requantize.h`), QUANTIZE between integer types:
///   `MultiplyByQuantizedMultiplier(q − zpIn, QuantizeMultiplier(double(sIn)/double(sOut))) + zpOut`;
/// - `reference_ops::ConcatenationWithScaling` (`reference/concatenation.h`, uint8 inputs whose
///   parameters differ from the output's): `round(q · (sIn/sOut) − zpIn · (sIn/sOut)) + zpOut` in float.
public enum TFLiteQuantize {
    /// QUANTIZE float → int8/uint8/int16 (per-tensor).
    public static func quantize<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<Float>, scale: Float, zeroPoint: Int32,
                                                      output: UnsafeMutableBufferPointer<T>) {
        for i in 0..<input.count {
            let v = TFLiteFixedPoint.truncatingToInt32(TFLiteFixedPoint.round(input[i] / scale)) &+ zeroPoint
            output[i] = T(truncatingIfNeeded: min(max(v, Int32(T.min)), Int32(T.max)))
        }
    }

    /// QUANTIZE float → integer per axis (`PerChannelQuantize`): element i uses the scale and
    /// zero point of its index along `axis` of `shape`.
    public static func quantizePerChannel<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<Float>, shape: [Int], axis: Int,
                                                                scales: [Float], zeroPoints: [Int32],
                                                                output: UnsafeMutableBufferPointer<T>) {
        let inner = shape[(axis + 1)...].reduce(1, *), dim = shape[axis]
        for i in 0..<input.count {
            let c = (i / inner) % dim
            let v = TFLiteFixedPoint.truncatingToInt32(TFLiteFixedPoint.round(input[i] / scales[c])) &+ zeroPoints[c]
            output[i] = T(truncatingIfNeeded: min(max(v, Int32(T.min)), Int32(T.max)))
        }
    }

    /// DEQUANTIZE integer → float (per-tensor).
    public static func dequantize<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, scale: Float, zeroPoint: Int32,
                                                        output: UnsafeMutableBufferPointer<Float>) {
        let s = Double(scale)
        for i in 0..<input.count { output[i] = Float(s * Double(Int32(input[i]) - zeroPoint)) }
    }

    /// DEQUANTIZE integer → float per axis (`PerChannelDequantize`).
    public static func dequantizePerChannel<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, shape: [Int], axis: Int,
                                                                  scales: [Float], zeroPoints: [Int32],
                                                                  output: UnsafeMutableBufferPointer<Float>) {
        let inner = shape[(axis + 1)...].reduce(1, *), dim = shape[axis]
        for i in 0..<input.count {
            let c = (i / inner) % dim
            output[i] = Float(Double(scales[c]) * Double(Int32(input[i]) - zeroPoints[c]))
        }
    }

    /// DEQUANTIZE float16 → float32 (float16 weights): the exact conversion.
    public static func dequantizeFloat16(_ input: UnsafeBufferPointer<UInt16>, output: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<input.count { output[i] = Float(Float16(bitPattern: input[i])) }
    }

    /// QUANTIZE between integer types (`Requantize`).
    public static func requantize<In: FixedWidthInteger, Out: FixedWidthInteger>(
        _ input: UnsafeBufferPointer<In>, inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32,
        rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT, output: UnsafeMutableBufferPointer<Out>
    ) {
        let m = TFLiteQuantizationParams.Multiplier(Double(inputScale) / Double(outputScale), rounding: rounding)
        for i in 0..<input.count {
            let v = m.apply(Int32(input[i]) &- inputZeroPoint, rounding: rounding) &+ outputZeroPoint
            output[i] = Out(truncatingIfNeeded: min(max(v, Int32(Out.min)), Int32(Out.max)))
        }
    }

    /// CONCATENATION's rescaling of one uint8 input whose scale or zero point differ from the
    /// output's (an input with equal parameters is copied unchanged).
    public static func concatenationRescale(_ input: UnsafeBufferPointer<UInt8>, inputScale: Float, inputZeroPoint: Int32,
                                            outputScale: Float, outputZeroPoint: Int32, output: UnsafeMutableBufferPointer<UInt8>) {
        if inputScale == outputScale && inputZeroPoint == outputZeroPoint {
            for i in 0..<input.count { output[i] = input[i] }
            return
        }
        let inverseOutputScale: Float = 1 / outputScale
        let scale = inputScale * inverseOutputScale
        let bias = Float(-inputZeroPoint) * scale
        for i in 0..<input.count {
            let v = TFLiteFixedPoint.truncatingToInt32(TFLiteFixedPoint.round(Float(input[i]) * scale + bias)) &+ outputZeroPoint
            output[i] = UInt8(min(max(v, 0), 255))
        }
    }
}
