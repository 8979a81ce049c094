import LockstepCore

/// Arity and kind checks for kernel inputs, with uniform messages.
public enum Inputs {
    /// The tensor at `index`, or a `KernelError` when it is missing or not a tensor.
    public static func tensor(_ inputs: [Value?], _ index: Int, name: String? = nil) throws -> Tensor {
        guard index < inputs.count, let value = inputs[index] else {
            throw KernelError("input \(index)\(name.map { " (\($0))" } ?? "") is required")
        }
        guard case .tensor(let t) = value else {
            throw KernelError("input \(index)\(name.map { " (\($0))" } ?? "") must be a tensor, found \(value.typeDescription)")
        }
        return t
    }

    /// The tensor at `index` when present (optional inputs).
    public static func optionalTensor(_ inputs: [Value?], _ index: Int) throws -> Tensor? {
        guard index < inputs.count, inputs[index] != nil else { return nil }
        return try tensor(inputs, index)
    }

    public static func one(_ inputs: [Value?]) throws -> Tensor { try tensor(inputs, 0) }

    public static func two(_ inputs: [Value?]) throws -> (Tensor, Tensor) { (try tensor(inputs, 0), try tensor(inputs, 1)) }
}
