import LockstepCore

/// SequenceLength (opset 11): the number of tensors in the sequence, as an int64 scalar.
struct SequenceLengthKernel: Kernel {
    static let registration = OpRegistration("SequenceLength", versions: 11...Int.max) { _ in SequenceLengthKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .int64, shape: [])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (tensors, _) = try SequenceSupport.sequence(inputs, 0)
        return [.tensor(try Tensor(dtype: .int64, shape: [], values: [Int64(tensors.count)]))]
    }
}
