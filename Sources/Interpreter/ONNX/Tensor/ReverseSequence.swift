import LockstepCore

/// ReverseSequence (opsets 10–28+): for each batch entry b (along `batch_axis`, default 1), reverses
/// the first sequence_lens[b] entries along `time_axis` (default 0) and copies the rest. The two
/// axes must be 0 and 1 in either order; lengths must lie in [0, time steps]. Every element type.
struct ReverseSequenceKernel: Kernel {
    let batchAxis: Int
    let timeAxis: Int

    static let registration = OpRegistration("ReverseSequence", versions: 10...Int.max) { context in
        let a = context.attributes
        return ReverseSequenceKernel(batchAxis: try a.int("batch_axis", default: 1), timeAxis: try a.int("time_axis", default: 0))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] { [TensorInfo(try Inputs.one(inputs))] }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, lengthsTensor) = try Inputs.two(inputs)
        guard x.rank >= 2 else { throw KernelError("input must have rank ≥ 2, found shape \(x.shape)") }
        let b = try AxisInput.normalize(batchAxis, rank: x.rank, name: "batch_axis")
        let t = try AxisInput.normalize(timeAxis, rank: x.rank, name: "time_axis")
        guard Set([b, t]) == Set([0, 1]) else { throw KernelError("batch_axis and time_axis must be 0 and 1, found \(batchAxis) and \(timeAxis)") }
        let lengths = try AxisInput.integers(lengthsTensor, name: "sequence_lens")
        let batch = x.shape[b], steps = x.shape[t]
        guard lengths.count == batch else { throw KernelError("sequence_lens has \(lengths.count) entries for a batch of \(batch)") }
        for l in lengths where l < 0 || l > steps { throw KernelError("sequence length \(l) is outside 0…\(steps)") }
        let strides = DataMovement.strides(x.shape)
        let inner = x.shape[2...].reduce(1, *)
        // One table entry per (axis 0, axis 1) pair; inner axes follow contiguously.
        var table = [Int](repeating: 0, count: x.shape[0] * x.shape[1])
        for i in 0..<x.shape[0] {
            for j in 0..<x.shape[1] {
                let (bi, ti) = b == 0 ? (i, j) : (j, i)
                let source = ti < lengths[bi] ? lengths[bi] - 1 - ti : ti
                let (si, sj) = b == 0 ? (bi, source) : (source, bi)
                table[i * x.shape[1] + j] = si * strides[0] + sj * strides[1]
            }
        }
        let flat = try DataMovement.gather(x, shape: [table.count, inner], offsets: [table, DataMovement.identityTable(inner, stride: 1)])
        return [.tensor(try DataMovement.reshape(flat, to: x.shape))]
    }
}
