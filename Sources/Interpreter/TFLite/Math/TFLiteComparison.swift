import LockstepCore

/// LESS (1–3), LESS_EQUAL (1–2), GREATER (1–2), GREATER_EQUAL (1–3), EQUAL (1–5), NOT_EQUAL (1–4):
/// elementwise comparison with numpy broadcasting, giving bool. float32 compares as IEEE 754
/// (NaN is unequal to everything); int32, int64 and bool compare as integers; quantised int8 /
/// uint8 / int16 inputs compare their codes when both share scale and zero point (as the real
/// values then order the same way); other quantised pairs are not implemented.
struct TFLiteComparison: Kernel {
    enum Operation: String, Sendable { case less = "LESS", lessEqual = "LESS_EQUAL", greater = "GREATER", greaterEqual = "GREATER_EQUAL", equal = "EQUAL", notEqual = "NOT_EQUAL" }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            let q = try TFLiteQuantization(context)
            return TFLiteComparison(operation: operation, sameQuantization: q.inputs.count == 2 && q.inputs[0] == q.inputs[1])
        }
    }

    let operation: Operation
    let sameQuantization: Bool

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        switch a.dtype {
        case .float32, .float64, .int32, .int64, .bool: break
        case .int8, .uint8, .int16 where sameQuantization: break
        default: throw KernelError("\(a.dtype) \(operation.rawValue) is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: .bool, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    @inline(__always)
    func compare<T: Comparable>(_ x: T, _ y: T) -> Bool {
        switch operation {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        case .notEqual: return x != y
        }
    }

    func run<T: Comparable & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        try Elementwise.binary(a, b, as: T.self, and: T.self, output: .bool) { compare($0, $1) ? UInt8(1) : 0 }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        switch a.dtype {
        case .float32: return [.tensor(try run(a, b, Float.self))]
        case .float64: return [.tensor(try run(a, b, Double.self))]
        case .int32: return [.tensor(try run(a, b, Int32.self))]
        case .int64: return [.tensor(try run(a, b, Int64.self))]
        case .int8: return [.tensor(try run(a, b, Int8.self))]
        case .uint8, .bool: return [.tensor(try run(a, b, UInt8.self))]
        default: return [.tensor(try run(a, b, Int16.self))]
        }
    }
}
