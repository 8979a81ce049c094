import LockstepCore

/// BitShift (opsets 11, 28): X shifted by Y bits (`direction` "LEFT" or "RIGHT", required) with
/// numpy broadcasting. Opset 11 allowed the unsigned types; opset 28 adds the signed ones and
/// defines the edge cases, followed at every opset: a right shift of a signed value is
/// arithmetic; a left shift discards bits shifted past the top; a shift amount that is
/// negative or ≥ the bit width gives −1 for a right shift of a negative X and 0 otherwise.
struct BitShiftKernel: Kernel {
    let left: Bool

    static let registration = OpRegistration("BitShift", versions: 11...Int.max) { context in
        try OpCheck.arity(context, inputs: 2...2)
        guard let direction = try context.attributes.string("direction") else {
            throw KernelError("attribute 'direction' is required")
        }
        guard direction == "LEFT" || direction == "RIGHT" else {
            throw KernelError("attribute 'direction': expected \"LEFT\" or \"RIGHT\", found \"\(direction)\"")
        }
        return BitShiftKernel(left: direction == "LEFT")
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X"), y = try Inputs.tensor(inputs, 1, name: "Y")
        try OpCheck.type(x, "X", OpCheck.integers)
        try OpCheck.sameType(x, "X", y, "Y")
        return [TensorInfo(dtype: x.dtype, shape: try Broadcast.shape([x.shape, y.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "X"), y = try Inputs.tensor(inputs, 1, name: "Y")
        struct Visitor: IntegerVisitor {
            let x: Tensor, y: Tensor, left: Bool
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                let width = T(truncatingIfNeeded: T.bitWidth)
                if left {
                    return try Elementwise.binary(x, y, as: T.self, and: T.self, output: x.dtype) { v, s in
                        s < 0 || s >= width ? 0 : v &<< s
                    }
                }
                return try Elementwise.binary(x, y, as: T.self, and: T.self, output: x.dtype) { v, s in
                    s < 0 || s >= width ? (v < 0 ? 0 &- 1 : 0) : v &>> s
                }
            }
        }
        return [.tensor(try x.dtype.dispatchInteger(Visitor(x: x, y: y, left: left)))]
    }
}
