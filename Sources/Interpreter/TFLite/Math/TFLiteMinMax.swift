import LockstepCore

/// MAXIMUM and MINIMUM (1–4): elementwise with numpy broadcasting. float32 as TFLite's reference
/// (`a > b ? a : b`, `a < b ? a : b`: a NaN in `a` gives `b`… unless `b` is NaN); int32 / int64;
/// quantised int8 / uint8 / int16 on codes, which TFLite also does (inputs and output share
/// parameters); float16 compared through float32.
struct TFLiteMinMax: Kernel {
    static func registration(maximum: Bool) -> OpRegistration {
        TFLiteOps.op(maximum ? "MAXIMUM" : "MINIMUM") { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteMinMax(maximum: maximum)
        }
    }

    let maximum: Bool

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        guard [.float32, .float64, .float16, .int32, .int64, .int8, .uint8, .int16].contains(a.dtype) else {
            throw KernelError("\(a.dtype) \(maximum ? "MAXIMUM" : "MINIMUM") is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func run<T: Comparable & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        maximum ? try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 > $1 ? $0 : $1 }
            : try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 < $1 ? $0 : $1 }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        switch a.dtype {
        case .float32: return [.tensor(try run(a, b, Float.self))]
        case .float64: return [.tensor(try run(a, b, Double.self))]
        case .float16:
            // Eigen::half compares through float32; the result is one of the inputs, bit for bit.
            let h = FloatBits.halfToFloat, maximum = self.maximum
            return [.tensor(try Elementwise.binary(a, b, as: UInt16.self, and: UInt16.self, output: .float16) { x, y in
                maximum ? (h(x) > h(y) ? x : y) : (h(x) < h(y) ? x : y)
            })]
        case .int32: return [.tensor(try run(a, b, Int32.self))]
        case .int64: return [.tensor(try run(a, b, Int64.self))]
        case .int8: return [.tensor(try run(a, b, Int8.self))]
        case .uint8: return [.tensor(try run(a, b, UInt8.self))]
        default: return [.tensor(try run(a, b, Int16.self))]
        }
    }
}
