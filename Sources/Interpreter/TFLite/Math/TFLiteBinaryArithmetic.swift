import LockstepCore

/// ADD (1–5), SUB (1–5), MUL (1–7), DIV (1–2) on float32 with numpy broadcasting and the fused
/// activation clamp applied to each result (`min(max(a ∘ b, lo), hi)`, TFLite's
/// `ActivationFunctionWithMinMax`); int32 and int64 wrap, with the clamp (a no-op for NONE). An
/// integer DIV by zero is an error, as in LiteRT.
struct TFLiteBinaryArithmetic: Kernel {
    enum Operation: String, Sendable { case add = "ADD", sub = "SUB", mul = "MUL", div = "DIV" }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteBinaryArithmetic(operation: operation, activation: try FusedActivation(context.attributes))
        }
    }

    let operation: Operation
    let activation: FusedActivation

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        switch a.dtype {
        case .float32, .float64, .int32, .int64: break
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
        default: return [.tensor(try integer(a, b, Int64.self))]
        }
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
