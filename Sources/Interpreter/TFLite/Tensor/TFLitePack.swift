import LockstepCore

/// PACK (1–3): stacks its `values_count` inputs (one shape, one type) along a new dimension
/// `axis` (negative from `rank + 1`). Any element type.
struct TFLitePack: Kernel {
    static let registration = TFLiteOps.op("PACK") { context in
        guard !context.node.inputs.isEmpty else { throw KernelError("expected at least one input") }
        return TFLitePack(axis: try context.attributes.int("axis", default: 0))
    }

    let axis: Int

    func geometry(_ inputs: [Value?]) throws -> ([Tensor], Int, [Int]) {
        let parts = try inputs.indices.map { try Inputs.tensor(inputs, $0) }
        let first = parts[0]
        for (i, p) in parts.enumerated() where p.shape != first.shape || p.dtype != first.dtype {
            throw KernelError("input \(i) is \(p.dtype)\(p.shape), input 0 is \(first.dtype)\(first.shape)")
        }
        let a = try TFLiteSupport.axis(axis, rank: first.rank + 1)
        var shape = first.shape
        shape.insert(parts.count, at: a)
        return (parts, a, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (parts, _, shape) = try geometry(inputs)
        return [TensorInfo(dtype: parts[0].dtype, shape: shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (parts, a, shape) = try geometry(inputs)
        var one = parts[0].shape
        one.insert(1, at: a)
        return [.tensor(try DataMovement.concatenate(try parts.map { try DataMovement.reshape($0, to: one) }, axis: a, shape: shape))]
    }
}
