#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// TFLite's activation lookup tables, built and read as `LUTPopulate` / `LUTLookup` in
/// `tflite/kernels/internal/common.h` (google-ai-edge/LiteRT; `ai-edge-litert` 2.3.0) do.
///
/// 8-bit tables have 256 entries indexed by the input's bit pattern (an int8 table is ordered
/// 0, 1, …, 127, −128, …, −1). 16-bit tables have 513 entries: the top 9 bits of the input
/// pick an entry, the low 7 bits interpolate to the next one.
public enum TFLiteLookupTable {
    /// The float functions TFLite's kernels tabulate, evaluated in float as its lambdas do
    /// (`tflite/kernels/activations.cc`, glibc `expf`/`tanhf`/`expm1f`).
    public enum Function: Sendable {
        /// LOGISTIC: `1 / (1 + expf(−x))`.
        case logistic
        /// TANH: `tanhf(x)`.
        case tanh
        /// ELU: `x < 0 ? expm1f(x) : x`.
        case elu

        public func callAsFunction(_ x: Float) -> Float {
            switch self {
            case .logistic: return 1 / (1 + expf(-x))
            case .tanh: return tanhf(x)
            case .elu: return x < 0 ? expm1f(x) : x
            }
        }
    }

    /// `LUTPopulate<int8_t | uint8_t>` (`detail::LUTPopulateInt8`): for every input value q,
    /// `clamp(int32(round(f(inputScale · (q − inputZeroPoint)) · (1/outputScale)) + outputZeroPoint))`
    /// in float. `T` is `Int8` or `UInt8`; the table holds the output bit patterns.
    public static func populate8<T: FixedWidthInteger>(_: T.Type, inputScale: Float, inputZeroPoint: Int32,
                                                       outputScale: Float, outputZeroPoint: Int32,
                                                       _ transform: (Float) -> Float) -> [UInt8] {
        precondition(T.bitWidth == 8, "8-bit tables are for Int8 or UInt8")
        var lut = [UInt8](repeating: 0, count: 256)
        let inverseScale: Float = 1 / outputScale
        let minValue = Int32(T.min), maxValue = Int32(T.max)
        for value in minValue...maxValue {
            let dequantized = inputScale * Float(value - inputZeroPoint)
            let transformed = transform(dequantized)
            let rescaled = TFLiteFixedPoint.round(transformed * inverseScale)
            let quantized = TFLiteFixedPoint.truncatingToInt32(rescaled + Float(outputZeroPoint))
            let clamped = Swift.max(Swift.min(maxValue, quantized), minValue)
            lut[Int(UInt8(truncatingIfNeeded: value))] = UInt8(truncatingIfNeeded: clamped)
        }
        return lut
    }

    /// `LUTPopulate<int16_t>` (`detail::LUTPopulateInt16<FloatT>`): 512 samples of `transform`
    /// over the input range plus the end point, each corrected by half the interpolation error
    /// at the interval's midpoint. `FloatT` is Float for activations, Double for the int16
    /// softmax tables.
    public static func populate16<F: BinaryFloatingPoint>(_: F.Type, inputScale: F, inputZeroPoint: Int32,
                                                          outputScale: F, outputZeroPoint: Int32,
                                                          _ transform: (F) -> F) -> [Int16] {
        let inputMin = inputScale * F(Int32(Int16.min) - inputZeroPoint)
        let inputMax = inputScale * F(Int32(Int16.max) - inputZeroPoint)
        let outputMin = outputScale * F(Int32(Int16.min) - outputZeroPoint)
        let outputMax = outputScale * F(Int32(Int16.max) - outputZeroPoint)
        let steps = 512
        let step = (inputMax - inputMin) / F(steps)
        let halfStep = step / 2
        let outputScalingInverse = F(Int32(Int16.max) - Int32(Int16.min) + 1) / (outputMax - outputMin)
        let tableMin = F(Int16.min), tableMax = F(Int16.max)
        func round(_ v: F) -> F { v.rounded(.toNearestOrAwayFromZero) }
        // `static_cast<int16_t>` of the clamped value; a NaN (∞ − ∞ where the function overflows,
        // e.g. EXP of large inputs) passes the clamp and converts as x86 does: INT32_MIN, low bits 0
        // (`builtin_dtype_exp_int16` once crashed the process here).
        func toInt16(_ v: F) -> Int16 { v.isNaN ? Int16(truncatingIfNeeded: Int32.min) : Int16(v) }
        var lut = [Int16](repeating: 0, count: steps + 1)
        for i in 0..<steps {
            let value = transform(inputMin + F(i) * step)
            let valueMidpoint = transform(inputMin + F(i) * step + halfStep)
            let valueNext = transform(inputMin + F(i + 1) * step)
            let sample = round(value * outputScalingInverse)
            let midpointInterpolated = round((valueNext * outputScalingInverse + round(value * outputScalingInverse)) / 2)
            let midpoint = round(valueMidpoint * outputScalingInverse)
            let bias = round((midpointInterpolated - midpoint) / 2)
            lut[i] = toInt16(Swift.min(Swift.max(sample - bias, tableMin), tableMax))
        }
        lut[steps] = toInt16(Swift.min(Swift.max(round(transform(inputMax) * outputScalingInverse), tableMin), tableMax))
        return lut
    }

    /// `LUTLookup(int16_t, const int16_t*)`: the entry of the top 9 bits, plus the slope to the
    /// next entry times the low 7 bits, rounded (`(slope · offset + 64) >> 7`).
    @inline(__always)
    public static func lookup(_ value: Int16, _ lut: UnsafePointer<Int16>) -> Int16 {
        let index = Int(256 + (Int32(value) >> 7))
        let offset = Int32(value & 0x7f)
        let base = lut[index]
        let slope = Int16(truncatingIfNeeded: Int32(lut[index + 1]) - Int32(base))
        let delta = (Int32(slope) * offset + 64) >> 7
        return Int16(truncatingIfNeeded: Int32(base) + delta)
    }

    /// `LUTLookup` for 8-bit values: the entry at the value's bit pattern.
    @inline(__always)
    public static func lookup<T: FixedWidthInteger>(_ value: T, _ lut: UnsafePointer<UInt8>) -> T {
        T(truncatingIfNeeded: lut[Int(UInt8(truncatingIfNeeded: value))])
    }

    /// Applies an 8-bit table to every element (`optimized_integer_ops::LookupTable`).
    public static func apply8<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, lut: [UInt8], into output: UnsafeMutableBufferPointer<T>) {
        precondition(lut.count == 256 && input.count == output.count)
        lut.withUnsafeBufferPointer { table in
            for i in 0..<input.count { output[i] = lookup(input[i], table.baseAddress!) }
        }
    }

    /// gemmlowp-era `sigmoid_table_uint16` (`common.h`): sigmoid(i/24) in Q0.16, i = 0…255;
    /// the int16 LOGISTIC and TANH reference kernels interpolate it.
    public static let sigmoidTableUInt16: [UInt16] = [
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
        40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
        46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
        52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
        56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
        59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
        61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
        62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
        63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
        64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
        64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
        65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
        65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
        65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
        65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
        65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
        65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
        65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
        65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
        65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
        65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
        65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
        65534, 65534, 65535,
    ]
}
