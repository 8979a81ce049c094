import LockstepCore

/// ScatterND (opsets 11–18+): a copy of `data` where each index tuple (last axis of `indices`, length
/// k) selects the slice data[i₀, …, i_{k−1}, :] that receives the matching slice of `updates`
/// (shape indices.shape[..<−1] + data.shape[k...]). `reduction` (16+: none, add, mul; 18+: max,
/// min) combines instead of overwriting. Negative indices count from the end.
struct ScatterNDKernel: Kernel {
    let reduction: Scattering.Reduction

    static let registration = OpRegistration("ScatterND", versions: 11...Int.max) { context in
        ScatterNDKernel(reduction: try Scattering.reduction(context.attributes, opset: context.opset))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try Inputs.tensor(inputs, 0, name: "data"))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let data = try Inputs.tensor(inputs, 0, name: "data")
        let indices = try Inputs.tensor(inputs, 1, name: "indices")
        let updates = try Inputs.tensor(inputs, 2, name: "updates")
        let (bases, slice, shape) = try NDIndexing.bases(data: data.shape, indices: indices, batchDims: 0)
        guard updates.shape == shape else { throw KernelError("updates shape \(updates.shape) must be \(shape)") }
        return [.tensor(try Scattering.apply(data: data, updates: updates, targets: bases, slice: slice, reduction: reduction))]
    }
}
