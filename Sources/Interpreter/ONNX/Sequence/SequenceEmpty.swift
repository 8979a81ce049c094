import LockstepCore

/// SequenceEmpty (opset 11): an empty sequence of element type `dtype` (default float32).
struct SequenceEmptyKernel: Kernel {
    let dtype: DType

    static let registration = OpRegistration("SequenceEmpty", versions: 11...Int.max) { context in
        let code = try context.attributes.int("dtype", default: 1)
        guard let dtype = DType(onnxCode: Int32(clamping: code)) else { throw KernelError("dtype \(code) is not a known element type") }
        return SequenceEmptyKernel(dtype: dtype)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.sequence([], elementType: dtype)]
    }
}
