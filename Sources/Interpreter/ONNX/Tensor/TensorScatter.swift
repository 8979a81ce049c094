import LockstepCore

/// TensorScatter (opset 24+): KV-cache update. A copy of `past_cache` where, for every prefix index
/// (axes before `axis`, default −2; the first is the batch) and every position s of `update` along
/// `axis`, cache position write_indices[batch] + s (modulo the cache length with `mode`="circular",
/// default "linear") receives the update slice. `write_indices` (int64 [batch]) defaults to 0.
struct TensorScatterKernel: Kernel {
    let axis: Int
    let circular: Bool

    static let registration = OpRegistration("TensorScatter", versions: 24...Int.max) { context in
        let a = context.attributes
        let mode = try a.string("mode", default: "linear")
        guard mode == "linear" || mode == "circular" else { throw KernelError("attribute 'mode' must be \"linear\" or \"circular\", found \"\(mode)\"") }
        return TensorScatterKernel(axis: try a.int("axis", default: -2), circular: mode == "circular")
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try Inputs.tensor(inputs, 0, name: "past_cache"))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let cache = try Inputs.tensor(inputs, 0, name: "past_cache")
        let update = try Inputs.tensor(inputs, 1, name: "update")
        let a = try AxisInput.normalize(axis, rank: cache.rank)
        guard a >= 1 else { throw KernelError("axis \(axis) must not be the batch axis") }
        guard update.rank == cache.rank, cache.shape.indices.allSatisfy({ $0 == a ? update.shape[$0] <= cache.shape[$0] : update.shape[$0] == cache.shape[$0] }) else {
            throw KernelError("update shape \(update.shape) does not fit cache shape \(cache.shape) along axis \(a)")
        }
        let batch = cache.shape[0]
        let writes = try Inputs.optionalTensor(inputs, 2).map { try AxisInput.integers($0, name: "write_indices") } ?? [Int](repeating: 0, count: batch)
        guard writes.count == batch else { throw KernelError("write_indices has \(writes.count) entries for a batch of \(batch)") }
        let maxLength = cache.shape[a], length = update.shape[a]
        let inner = cache.shape[(a + 1)...].reduce(1, *)
        let prefix = cache.shape[..<a].reduce(1, *)
        let perBatch = batch == 0 ? 0 : prefix / batch
        var targets: [Int] = []
        targets.reserveCapacity(prefix * length)
        for p in 0..<prefix {
            let b = perBatch == 0 ? 0 : p / perBatch
            for s in 0..<length {
                var (position, overflow) = writes[b].addingReportingOverflow(s)
                guard !overflow else { throw KernelError("write index \(writes[b]) is out of range") }
                if circular { position = ((position % maxLength) + maxLength) % maxLength }
                guard position >= 0 && position < maxLength else {
                    throw KernelError("write position \(position) is outside the cache length \(maxLength)")
                }
                targets.append((p * maxLength + position) * inner)
            }
        }
        return [.tensor(try Scattering.overwrite(data: cache, updates: update, targets: targets, slice: inner))]
    }
}
