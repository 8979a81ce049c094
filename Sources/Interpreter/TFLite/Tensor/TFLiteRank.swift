import LockstepCore

/// RANK (1): the input's rank as an int32 scalar — google-ai-edge/LiteRT `tflite/kernels/rank.cc`.
struct TFLiteRank: Kernel {
    static let registration = TFLiteOps.op("RANK") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteRank()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .int32, shape: [])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        return [.tensor(try Tensor(dtype: .int32, shape: [], values: [Int32(x.rank)]))]
    }
}
