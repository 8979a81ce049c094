#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Quantised SOFTMAX over the last axis as TFLite's reference kernels compute it
/// (google-ai-edge/LiteRT, `ai-edge-litert` 2.3.0, `tflite/kernels/internal/reference/softmax.h`
/// and `SoftmaxPrepare` in `tflite/kernels/activations.cc` with `kReference`):
/// - 8-bit input: gemmlowp fixed point — the input difference to the row maximum rescaled to
///   Q5.26, `exp_on_negative_values`, a Q12 sum, `GetReciprocal`, and a rounding shift to the
///   output type (int8/uint8, or int16);
/// - int16: the two 513-entry tables (exp over [−10, 0], 1/(1+x) over [0, 1]) built in double;
/// - int8 LOG_SOFTMAX (`reference/integer_ops/log_softmax.h`, `LogSoftmaxPrepare`): the same Q5.26
///   exponentials, their Q12 sum's logarithm in fixed point, a rounding shift to scale 1/16.
public enum TFLiteQuantizedSoftmax {
    /// The 8-bit parameters from `SoftmaxPrepare` (`PreprocessSoftmaxScaling` with 5 integer
    /// bits and `CalculateInputRadius`).
    public struct Params8: Sendable, Equatable {
        public var inputMultiplier: Int32
        public var inputLeftShift: Int
        public var diffMin: Int32

        public init(beta: Float, inputScale: Float, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) {
            let (m, s) = TFLiteFixedPoint.preprocessSoftmaxScaling(beta: Double(beta), inputScale: Double(inputScale),
                                                                  inputIntegerBits: 5, rounding: rounding)
            inputMultiplier = m
            inputLeftShift = s
            diffMin = -TFLiteFixedPoint.calculateInputRadius(inputIntegerBits: 5, inputLeftShift: s)
        }
    }

    /// 8-bit SOFTMAX (`reference_ops::Softmax<InputT, OutputT>`): `depth` is the last axis.
    /// The output's zero point must be its type's minimum and its scale 1/256 (int16: 1/32768
    /// with zero point −32768 is TFLite's uint8/int8→int16 variant).
    public static func softmax8<In: FixedWidthInteger, Out: FixedWidthInteger>(
        _ input: UnsafeBufferPointer<In>, depth: Int, params p: Params8,
        rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT, output: UnsafeMutableBufferPointer<Out>
    ) {
        typealias F = TFLiteFixedPoint
        let scaledDiffIntegerBits = 5, accumulationIntegerBits = 12
        precondition(depth > 0 && input.count % depth == 0 && output.count == input.count)
        for row in 0..<(input.count / depth) {
            let base = row * depth
            var maxInRow = Int32(In.min)
            for c in 0..<depth { maxInRow = max(maxInRow, Int32(input[base + c])) }
            var sumOfExps: Int32 = 0
            for c in 0..<depth {
                let diff = Int32(input[base + c]) - maxInRow
                if diff >= p.diffMin {
                    let rescaled = F.multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift, rounding: rounding)
                    let e = F.expOnNegativeValues(rescaled, integerBits: scaledDiffIntegerBits)
                    sumOfExps = sumOfExps &+ F.rescale(e, from: 0, to: accumulationIntegerBits)
                }
            }
            let (scale, bitsOverUnit) = F.reciprocal(sumOfExps, integerDigits: accumulationIntegerBits)
            let exponent = bitsOverUnit + 31 - Out.bitWidth
            for c in 0..<depth {
                let diff = Int32(input[base + c]) - maxInRow
                if diff >= p.diffMin {
                    let rescaled = F.multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift, rounding: rounding)
                    let e = F.expOnNegativeValues(rescaled, integerBits: scaledDiffIntegerBits)
                    let unsaturated = F.roundingDivideByPOT(F.saturatingRoundingDoublingHighMul(scale, e), exponent)
                    let shifted = unsaturated &+ Int32(Out.min)
                    output[base + c] = Out(truncatingIfNeeded: min(max(shifted, Int32(Out.min)), Int32(Out.max)))
                } else {
                    output[base + c] = Out.min
                }
            }
        }
    }

    /// The int8 LOG_SOFTMAX parameters from `LogSoftmaxPrepare` with `kReference`
    /// (`PreprocessLogSoftmaxScalingExp`, beta 1, 5 integer bits): the input multiplier and left
    /// shift, the reverse scaling divisor (`2^(31 − shift) / multiplier` as a multiplier below
    /// one, its shift negated as LiteRT stores it) and the minimum input difference.
    public struct LogParams8: Sendable, Equatable {
        public var inputMultiplier: Int32
        public var inputLeftShift: Int
        public var reverseScalingDivisor: Int32
        public var reverseScalingRightShift: Int
        public var diffMin: Int32

        public init(inputScale: Float) {
            let (m, s) = TFLiteFixedPoint.preprocessSoftmaxScaling(beta: 1, inputScale: Double(inputScale), inputIntegerBits: 5)
            inputMultiplier = m
            inputLeftShift = s
            let reverse = Double(Int64(1) << Int64(31 - s)) / Double(m)
            let (rm, rs) = TFLiteFixedPoint.quantizeMultiplier(reverse)
            reverseScalingDivisor = rm
            reverseScalingRightShift = -rs
            diffMin = -TFLiteFixedPoint.calculateInputRadius(inputIntegerBits: 5, inputLeftShift: s)
        }
    }

    /// int8 / uint8 LOG_SOFTMAX (int8: `reference_integer_ops::LogSoftmax`, output scale 16/256,
    /// zero point 127; uint8: `reference_ops::LogSoftmax` on uint8, the same arithmetic with zero
    /// point 255): the input difference to the row maximum rescaled to Q5.26, a Q12 sum of
    /// `exp_on_negative_values`, its log (`log_x_for_x_greater_than_or_equal_to_1`, Q5.26), and
    /// `(diff − log) / 2^22 + T.max` for differences above the adjusted minimum, `T.min` below it.
    public static func logSoftmax8<T: FixedWidthInteger>(_ input: UnsafeBufferPointer<T>, depth: Int, params p: LogParams8,
                                                         output: UnsafeMutableBufferPointer<T>) {
        precondition(T.bitWidth == 8, "8-bit LOG_SOFTMAX is for Int8 or UInt8")
        typealias F = TFLiteFixedPoint
        let inputIntegerBits = 5, accumulationIntegerBits = 12, outputIntegerBits = 4, outputZeroPoint = Int32(T.max)
        precondition(depth > 0 && input.count % depth == 0 && output.count == input.count)
        for row in 0..<(input.count / depth) {
            let base = row * depth
            var maxInRow = T.min
            for c in 0..<depth { maxInRow = max(maxInRow, input[base + c]) }
            var sumOfExps: Int32 = 0
            for c in 0..<depth {
                let diff = Int32(input[base + c]) - Int32(maxInRow)
                if diff >= p.diffMin {
                    let rescaled = F.multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift)
                    let e = F.expOnNegativeValues(rescaled, integerBits: inputIntegerBits)
                    sumOfExps = sumOfExps &+ F.rescale(e, from: 0, to: accumulationIntegerBits)
                }
            }
            let logSum = F.logXForXGreaterThanOrEqualTo1(sumOfExps, inputIntegerBits: accumulationIntegerBits,
                                                         outputIntegerBits: inputIntegerBits)
            let shiftedLogSum = logSum &+ Int32.min
            let adjustedDiffMin = max(p.diffMin - 1, F.multiplyByQuantizedMultiplier(shiftedLogSum, p.reverseScalingDivisor,
                                                                                    -p.reverseScalingRightShift))
            for c in 0..<depth {
                let diff = Int32(input[base + c]) - Int32(maxInRow)
                if diff > adjustedDiffMin {
                    let rescaled = F.multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift)
                    let v = F.roundingDivideByPOT(rescaled &- logSum, 31 - inputIntegerBits - outputIntegerBits) &+ outputZeroPoint
                    output[base + c] = T(min(max(v, Int32(T.min)), Int32(T.max)))
                } else {
                    output[base + c] = T.min
                }
            }
        }
    }

    /// The int16 parameters from `SoftmaxPrepare`: the exp and 1/(1+x) tables (double) and
    /// the multiplier that maps `[−65535, 0]` input differences onto `[−10, 0]`.
    public struct Params16: Sendable {
        public var expTable: [Int16]
        public var oneOverOnePlusXTable: [Int16]
        public var inputMultiplier: TFLiteQuantizationParams.Multiplier

        public init(beta: Float, inputScale: Float) {
            let range = Double(Int32(Int16.max) - Int32(Int16.min))
            expTable = TFLiteLookupTable.populate16(Double.self, inputScale: 10.0 / range, inputZeroPoint: Int32(Int16.max),
                                                    outputScale: 2.0 / range, outputZeroPoint: 0) { exp($0) }
            oneOverOnePlusXTable = TFLiteLookupTable.populate16(Double.self, inputScale: 1.0 / range, inputZeroPoint: Int32(Int16.min),
                                                                outputScale: 2.0 / range, outputZeroPoint: 0) { 1.0 / (1.0 + $0) }
            inputMultiplier = TFLiteQuantizationParams.Multiplier(Double(inputScale) * Double(beta) / (10.0 / 65535.0))
        }
    }

    /// int16 SOFTMAX (`reference_ops::SoftmaxInt16`).
    public static func softmax16(_ input: UnsafeBufferPointer<Int16>, depth: Int, params p: Params16,
                                 output: UnsafeMutableBufferPointer<Int16>) {
        precondition(depth > 0 && input.count % depth == 0 && output.count == input.count)
        p.expTable.withUnsafeBufferPointer { expLUT in
            p.oneOverOnePlusXTable.withUnsafeBufferPointer { recipLUT in
                for row in 0..<(input.count / depth) {
                    let base = row * depth
                    var maxInRow = Int16.min
                    for c in 0..<depth { maxInRow = max(maxInRow, input[base + c]) }
                    var sumOfExps: Int32 = 0
                    for c in 0..<depth {
                        let diff = Int32(input[base + c]) - Int32(maxInRow)
                        let scaled = p.inputMultiplier.apply(diff) &+ 32767
                        let saturated = Int16(clamping: scaled)
                        let e = TFLiteLookupTable.lookup(saturated, expLUT.baseAddress!)
                        output[base + c] = e
                        sumOfExps = sumOfExps &+ Int32(e)
                    }
                    let headroomPlusOne = TFLiteFixedPoint.countLeadingZeros(UInt32(bitPattern: sumOfExps))
                    let shiftedSum = Int32(truncatingIfNeeded: ((Int64(sumOfExps) << Int64(headroomPlusOne - 1)) + (1 << 13)) >> 14)
                    let symShiftedSum = shiftedSum &+ (-((1 << 15) + (1 << 16)))
                    let reciprocal = TFLiteLookupTable.lookup(Int16(clamping: symShiftedSum), recipLUT.baseAddress!)
                    let rightShift = Int64(31 - headroomPlusOne)
                    let round = Int64(1) << (rightShift - 1)
                    for c in 0..<depth {
                        let r = Int32(truncatingIfNeeded: (Int64(output[base + c]) * Int64(reciprocal) + round) >> rightShift)
                        output[base + c] = Int16(min(max(r, 0), 32767))
                    }
                }
            }
        }
    }
}
