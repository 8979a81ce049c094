import LockstepCore

/// Size (opsets 1–25+): the input's element count as an int64 scalar.
struct SizeKernel: Kernel {
    static let registration = OpRegistration("Size", versions: 1...Int.max) { _ in SizeKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        _ = try Inputs.one(inputs)
        return [TensorInfo(dtype: .int64, shape: [])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try Tensor(dtype: .int64, shape: [], values: [Int64(try Inputs.one(inputs).count)]))]
    }
}
