#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// ADD (1–5), SUB (1–5), MUL (1–7), DIV (1–2) on float32 with numpy broadcasting and the fused
/// activation clamp applied to each result (`min(max(a ∘ b, lo), hi)`, TFLite's
/// `ActivationFunctionWithMinMax`); int32 and int64 wrap, with the clamp (a no-op for NONE). An
/// integer DIV by zero is an error, as in LiteRT. Quantised int8/uint8/int16 ADD, SUB and MUL
/// rescale both inputs to the output's scale as TFLite's reference kernels do
/// (`TFLiteQuantizedElementwise`: left shift 20 for 8-bit, 15 for 16-bit, the general int16 path
/// when `pot_scale_int16` is false or a scale is not a power of two); float16 ADD / SUB / MUL
/// through float32; quantised DIV as `reference_ops::Div` (reciprocal in fixed
/// point, `TFLiteQuantizedElementwise.div`).
struct TFLiteBinaryArithmetic: Kernel {
    enum Operation: String, Sendable { case add = "ADD", sub = "SUB", mul = "MUL", div = "DIV" }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteBinaryArithmetic(operation: operation, activation: try FusedActivation(context.attributes),
                                          quantization: try TFLiteQuantization(context),
                                          potScaleInt16: try context.attributes.int("pot_scale_int16", default: 1) != 0)
        }
    }

    let operation: Operation
    let activation: FusedActivation
    let quantization: TFLiteQuantization
    /// ADD/SUB int16: power-of-two scales (the general 16-bit path is used when false).
    let potScaleInt16: Bool

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        switch a.dtype {
        case .float32, .float64, .int32, .int64: break
        case .int8, .uint8, .int16:
            if a.dtype == .int16, operation == .add || operation == .sub, potScaleInt16, try powerOfTwoScales() {
                throw KernelError("int16 \(operation.rawValue) with pot_scale_int16 is not implemented", unsupported: true)
            }
        case .float16 where operation != .div && activation.name == "NONE": break
        default:
            throw KernelError("\(a.dtype) \(operation.rawValue) is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        switch a.dtype {
        case .float32: return [.tensor(try float(a, b, Float.self))]
        case .float64: return [.tensor(try float(a, b, Double.self))]
        case .int32: return [.tensor(try integer(a, b, Int32.self))]
        case .int64: return [.tensor(try integer(a, b, Int64.self))]
        case .float16:
            switch operation {
            case .add: return [.tensor(try FloatElementwise.binary(a, b, Half.Add()))]
            case .sub: return [.tensor(try FloatElementwise.binary(a, b, Half.Sub()))]
            default: return [.tensor(try FloatElementwise.binary(a, b, Half.Mul()))]
            }
        case .int8: return [.tensor(try quantized(a, b, Int8.self))]
        case .uint8: return [.tensor(try quantized(a, b, UInt8.self))]
        default: return [.tensor(try quantized(a, b, Int16.self))]
        }
    }

    /// float16 ADD / SUB / MUL without a fused activation: the float32 result rounded to float16,
    /// as `Eigen::half` arithmetic computes it (checked by the element-type probes).
    enum Half {
        struct Add: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a + b } }
        struct Sub: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a - b } }
        struct Mul: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a * b } }
    }

    /// int16 ADD / SUB take LiteRT's power-of-two path only when all three scales are powers of
    /// two (`CheckedLog2`: `log(x) / log(2)` within 1e-3 of an integer); otherwise the general
    /// 16-bit path, even with `pot_scale_int16` set (`add.cc` / `sub.cc` Prepare).
    func powerOfTwoScales() throws -> Bool {
        func pot(_ x: Float) -> Bool {
            let l = logf(x) * (1 / logf(2))
            return abs(l - l.rounded(.toNearestOrAwayFromZero)) < 1e-3
        }
        let (s1, s2, so) = (try quantization.input(0).scale, try quantization.input(1).scale, try quantization.output().scale)
        return pot(s1) && pot(s2) && pot(so)
    }

    func float<T: BLASFloat>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        let lo = T(activation.lo), hi = T(activation.hi)
        switch operation {
        case .add: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { FusedActivation.clamp($0 + $1, lo, hi) }
        case .sub: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { FusedActivation.clamp($0 - $1, lo, hi) }
        case .mul: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { FusedActivation.clamp($0 * $1, lo, hi) }
        case .div: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { FusedActivation.clamp($0 / $1, lo, hi) }
        }
    }

    func integer<T: FixedWidthInteger & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        // Integer activation ranges: RELU [0, max], RELU6 [0, 6], RELU_N1_TO_1 [-1, 1], NONE the type's range.
        let lo: T = activation.name == "NONE" ? T.min : T(activation.lo)
        let hi: T = activation.hi >= Double(T.max) || activation.name == "NONE" || activation.name == "RELU" ? T.max : T(activation.hi)
        func clamp(_ v: T) -> T { Swift.min(Swift.max(v, lo), hi) }
        switch operation {
        case .add: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { clamp($0 &+ $1) }
        case .sub: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { clamp($0 &- $1) }
        case .mul: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { clamp($0 &* $1) }
        case .div:
            if try b.scalars(as: T.self).contains(0) { throw KernelError("integer division by zero") }
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { clamp($1 == -1 ? 0 &- $0 : $0 / $1) }
        }
    }
}

extension TFLiteBinaryArithmetic {
    func quantized<T: FixedWidthInteger & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        let q = quantization
        let (s1, z1) = try q.input(0), (s2, z2) = try q.input(1), (so, zo) = try q.output()
        let (lo, hi) = try q.activationRange(T.self)
        let shape = try Broadcast.shape([a.shape, b.shape])
        let op: (Int32, Int32) -> Int32
        switch operation {
        case .mul:
            let m = TFLiteQuantizationParams.Multiplier(Double(s1) * Double(s2) / Double(so))
            op = { TFLiteQuantizedElementwise.mul($0, $1, input1Offset: -z1, input2Offset: -z2, multiplier: m, outputOffset: zo, activationMin: lo, activationMax: hi) }
        case .add, .sub:
            let p = TFLiteQuantizationParams.AddParams(leftShift: T.self == Int16.self ? 15 : 20, input1Scale: s1, input1ZeroPoint: z1,
                                                       input2Scale: s2, input2ZeroPoint: z2, outputScale: so, outputZeroPoint: zo,
                                                       activationMin: lo, activationMax: hi)
            op = operation == .add ? { TFLiteQuantizedElementwise.add($0, $1, p) } : { TFLiteQuantizedElementwise.sub($0, $1, p) }
        case .div:
            // div.cc Prepare: the multiplier's quotient is taken in float, then widened.
            let m = TFLiteQuantizationParams.Multiplier(Double(s1 / (s2 * so)))
            op = { TFLiteQuantizedElementwise.div($0, $1, input1Offset: -z1, input2Offset: -z2, multiplier: m, outputOffset: zo,
                                                  activationMin: lo, activationMax: hi) }
        }
        return try TFLiteBuffers.build(a.dtype, shape, T.self) { o in
            try TFLiteBuffers.read(a, T.self) { xs in
                try TFLiteBuffers.read(b, T.self) { ys in
                    try TFLiteQuantizedElementwise.broadcast(lhs: xs, lhsShape: a.shape, rhs: ys, rhsShape: b.shape, output: o, op)
                }
            }
        }
    }
}
