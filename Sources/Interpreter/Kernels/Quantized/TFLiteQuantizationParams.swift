/// The quantisation parameters TFLite's kernels derive in `Prepare`, computed as
/// `tflite/kernels/kernel_util.cc` and the op files in `tflite/kernels/` (google-ai-edge/LiteRT,
/// `ai-edge-litert` 2.3.0) compute them.
public enum TFLiteQuantizationParams {
    /// A fixed-point multiplier: `real ≈ multiplier · 2^(shift − 31)` (TFLite's "exponent"
    /// convention: positive shifts are left shifts).
    public struct Multiplier: Sendable, Equatable, CustomStringConvertible {
        public var multiplier: Int32
        public var shift: Int

        public init(multiplier: Int32, shift: Int) {
            self.multiplier = multiplier
            self.shift = shift
        }

        /// `QuantizeMultiplier(real)`.
        public init(_ real: Double, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) {
            (multiplier, shift) = TFLiteFixedPoint.quantizeMultiplier(real, rounding: rounding)
        }

        /// `MultiplyByQuantizedMultiplier(x, multiplier, shift)`.
        @inline(__always)
        public func apply(_ x: Int32, rounding: TFLiteFixedPoint.Rounding = TFLiteFixedPoint.liteRT) -> Int32 {
            TFLiteFixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift, rounding: rounding)
        }

        /// `MultiplyByQuantizedMultiplier(int64 x, multiplier, shift)` (int16x8 paths).
        @inline(__always)
        public func apply(_ x: Int64) -> Int32 { TFLiteFixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift) }

        public var description: String { "(\(multiplier), \(shift))" }
    }

    /// A fused activation (`ActivationFunctionType` in schema.fbs) as TFLite clamps quantised
    /// outputs with it.
    public enum FusedActivation: String, Sendable, CaseIterable {
        case none = "NONE", relu = "RELU", reluN1To1 = "RELU_N1_TO_1", relu6 = "RELU6", tanh = "TANH", signBit = "SIGN_BIT"
    }

    /// `CalculateActivationRangeQuantized`: the output clamp `[min, max]` for a fused activation
    /// on an output of `scale`/`zeroPoint` whose type spans `[qmin, qmax]`. Each bound is
    /// `zeroPoint + int32(round(bound / scale))` in float. TANH and SIGN_BIT have no quantised
    /// range (TFLite rejects them): nil.
    public static func activationRange(_ activation: FusedActivation, scale: Float, zeroPoint: Int32,
                                       qmin: Int32, qmax: Int32) -> (min: Int32, max: Int32)? {
        func quantize(_ f: Float) -> Int32 { zeroPoint &+ Int32(TFLiteFixedPoint.round(f / scale)) }
        switch activation {
        case .none: return (qmin, qmax)
        case .relu: return (max(qmin, quantize(0)), qmax)
        case .relu6: return (max(qmin, quantize(0)), min(qmax, quantize(6)))
        case .reluN1To1: return (max(qmin, quantize(-1)), min(qmax, quantize(1)))
        case .tanh, .signBit: return nil
        }
    }

    /// The integer range of an 8/16-bit quantised type.
    public static func range<T: FixedWidthInteger>(of _: T.Type) -> (min: Int32, max: Int32) { (Int32(T.min), Int32(T.max)) }

    /// `PopulateConvolutionQuantizationParams` (per-channel part, also used by per-tensor int8
    /// and int16 CONV_2D / DEPTHWISE_CONV_2D and per-channel FULLY_CONNECTED): one multiplier per
    /// output channel, `QuantizeMultiplier(double(inputScale) · double(filterScale[c]) /
    /// double(outputScale))`. A single filter scale is used for every channel.
    public static func perChannelMultipliers(inputScale: Float, filterScales: [Float], outputScale: Float,
                                             channels: Int) -> [Multiplier] {
        (0..<channels).map { c in
            let filterScale = Double(filterScales.count == 1 ? filterScales[0] : filterScales[c])
            return Multiplier(Double(inputScale) * filterScale / Double(outputScale))
        }
    }

    /// `GetQuantizedConvolutionMultipler` then `QuantizeMultiplier`: the per-tensor multiplier
    /// of uint8 CONV_2D / DEPTHWISE_CONV_2D and of FULLY_CONNECTED,
    /// `double(inputScale · filterScale) / double(outputScale)` — the product is taken in float.
    public static func convolutionMultiplier(inputScale: Float, filterScale: Float, outputScale: Float) -> Multiplier {
        Multiplier(Double(inputScale * filterScale) / Double(outputScale))
    }

    /// ADD / SUB (int8, uint8 and the general int16 path): inputs are shifted left by
    /// `leftShift` (20 for 8-bit, 15 for int16) and rescaled to twice the larger input scale,
    /// the sum is rescaled to the output (`tflite/kernels/add.cc`, `sub.cc` Prepare).
    public struct AddParams: Sendable, Equatable {
        public var leftShift: Int
        public var input1: Multiplier
        public var input2: Multiplier
        public var output: Multiplier
        public var input1Offset: Int32, input2Offset: Int32, outputOffset: Int32
        public var activationMin: Int32, activationMax: Int32

        /// The parameters for inputs/outputs of the given scales and zero points.
        public init(leftShift: Int, input1Scale: Float, input1ZeroPoint: Int32, input2Scale: Float, input2ZeroPoint: Int32,
                    outputScale: Float, outputZeroPoint: Int32, activationMin: Int32, activationMax: Int32) {
            self.leftShift = leftShift
            let twiceMaxInputScale = 2 * Double(max(input1Scale, input2Scale))
            input1 = Multiplier(Double(input1Scale) / twiceMaxInputScale)
            input2 = Multiplier(Double(input2Scale) / twiceMaxInputScale)
            output = Multiplier(twiceMaxInputScale / (Double(Int64(1) << leftShift) * Double(outputScale)))
            input1Offset = -input1ZeroPoint
            input2Offset = -input2ZeroPoint
            outputOffset = outputZeroPoint
            self.activationMin = activationMin
            self.activationMax = activationMax
        }
    }
}
