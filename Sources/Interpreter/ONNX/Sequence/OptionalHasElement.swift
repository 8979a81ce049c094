import LockstepCore

/// OptionalHasElement (opsets 15, 18): true (bool scalar) when the input optional holds a value.
/// From opset 18 the input may also be a tensor or sequence (true) or be omitted (false).
struct OptionalHasElementKernel: Kernel {
    static let registration = OpRegistration("OptionalHasElement", versions: 15...Int.max) { _ in OptionalHasElementKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .bool, shape: [])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let has: Bool
        switch inputs.first ?? nil {
        case nil, .optional(nil)?: has = false
        case .optional(.some)?, .tensor?, .sequence?: has = true
        }
        return [.tensor(try Tensor(dtype: .bool, shape: [], values: [UInt8(has ? 1 : 0)]))]
    }
}
