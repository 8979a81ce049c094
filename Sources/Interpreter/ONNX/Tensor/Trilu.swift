import LockstepCore

/// Trilu (opset 14+): keeps the upper (`upper`=1, default: j − i ≥ k) or lower (j − i ≤ k)
/// triangle of the last two axes and zeroes the rest; k is the optional int64 scalar input
/// (default 0). Every element type (strings become empty).
struct TriluKernel: Kernel {
    let upper: Bool

    static let registration = OpRegistration("Trilu", versions: 14...Int.max) { context in
        TriluKernel(upper: try context.attributes.int("upper", default: 1) != 0)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard x.rank >= 2 else { throw KernelError("input must have rank ≥ 2, found shape \(x.shape)") }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        guard x.rank >= 2 else { throw KernelError("input must have rank ≥ 2, found shape \(x.shape)") }
        let k = try Inputs.optionalTensor(inputs, 1).map { try AxisInput.scalar($0, name: "k") } ?? 0
        let rows = x.shape[x.rank - 2], cols = x.shape[x.rank - 1]
        let batch = x.shape.dropLast(2).reduce(1, *)
        // Gather over [batch, rows, cols] where the column table depends on the row: use a
        // flat per-element table over one matrix and reuse it for every batch.
        var table = [Int](repeating: DataMovement.outside, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols where upper ? j - i >= k : j - i <= k { table[i * cols + j] = i * cols + j }
        }
        let matrix = rows * cols
        let flat = try DataMovement.gather(try DataMovement.reshape(x, to: [batch * matrix]), shape: [batch, matrix],
                                           offsets: [DataMovement.identityTable(batch, stride: matrix), table])
        return [.tensor(try DataMovement.reshape(flat, to: x.shape))]
    }
}
