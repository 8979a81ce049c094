import LockstepCore

/// Tile (opsets 6–13+): repeats the input `repeats[i]` times along axis i (int64 input, one
/// non-negative value per axis). Opset 1 (`tiles`/`axis` inputs) is not supported.
struct TileKernel: Kernel {
    static let registration = OpRegistration("Tile", versions: 6...Int.max) { _ in TileKernel() }

    func plan(_ inputs: [Value?]) throws -> (x: Tensor, shape: [Int]) {
        let (x, repeatsInput) = try Inputs.two(inputs)
        let repeats = try AxisInput.integers(repeatsInput, name: "repeats")
        guard repeats.count == x.rank else { throw KernelError("repeats \(repeats) must have one value per axis of shape \(x.shape)") }
        guard repeats.allSatisfy({ $0 >= 0 }) else { throw KernelError("repeats \(repeats) must be non-negative") }
        let shape = try zip(x.shape, repeats).map { d, r in
            let (p, overflow) = d.multipliedReportingOverflow(by: r)
            guard !overflow else { throw KernelError("repeats \(repeats) make the output of \(x.shape) too large") }
            return p
        }
        try DataMovement.checkedCount(shape)
        return (x, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let strides = DataMovement.strides(p.x.shape)
        let tables = p.shape.indices.map { k in (0..<p.shape[k]).map { ($0 % p.x.shape[k]) * strides[k] } }
        return [.tensor(try DataMovement.gather(p.x, shape: p.shape, offsets: tables))]
    }
}
