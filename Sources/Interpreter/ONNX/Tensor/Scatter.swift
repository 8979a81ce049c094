import LockstepCore

/// Scatter (opsets 9–10; deprecated in 11 in favour of ScatterElements): ScatterElements without
/// reduction — `updates` overwrite `data` at `indices` along `axis` (default 0).
struct ScatterKernel: Kernel {
    let axis: Int

    static let registration = OpRegistration("Scatter", versions: 9...10) { context in
        ScatterKernel(axis: try context.attributes.int("axis", default: 0))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try Inputs.tensor(inputs, 0, name: "data"))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let data = try Inputs.tensor(inputs, 0, name: "data")
        let indices = try Inputs.tensor(inputs, 1, name: "indices")
        let updates = try Inputs.tensor(inputs, 2, name: "updates")
        guard updates.shape == indices.shape else {
            throw KernelError("updates shape \(updates.shape) must equal indices shape \(indices.shape)")
        }
        let targets = try ElementIndexing.offsets(data: data.shape, indices: indices, axis: axis)
        return [.tensor(try Scattering.overwrite(data: data, updates: updates, targets: targets, slice: 1))]
    }
}
