import LockstepCore

/// SequenceConstruct (opset 11): a sequence of the input tensors, which share one element type.
struct SequenceConstructKernel: Kernel {
    static let registration = OpRegistration("SequenceConstruct", versions: 11...Int.max) { _ in SequenceConstructKernel() }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        guard !inputs.isEmpty else { throw KernelError("SequenceConstruct needs at least one input") }
        let tensors = try inputs.indices.map { try Inputs.tensor(inputs, $0) }
        if let bad = tensors.first(where: { $0.dtype != tensors[0].dtype }) {
            throw KernelError("inputs must share one element type, found \(tensors[0].dtype) and \(bad.dtype)")
        }
        return [.sequence(tensors, elementType: tensors[0].dtype)]
    }
}
