import LockstepCore

/// SHAPE (1): the input's shape as a 1-D tensor of `out_type` (int32 default, or int64).
struct TFLiteShape: Kernel {
    static let registration = TFLiteOps.op("SHAPE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let type = try context.attributes.string("out_type") ?? "INT32"
        return TFLiteShape(int64: type == "INT64" || TFLiteSupport.declaredType(context) == .int64)
    }

    let int64: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if int64 { return [.tensor(try Tensor(dtype: .int64, shape: [x.rank], values: x.shape.map { Int64($0) }))] }
        return [.tensor(try Tensor(dtype: .int32, shape: [x.rank], values: x.shape.map { Int32(truncatingIfNeeded: $0) }))]
    }
}
