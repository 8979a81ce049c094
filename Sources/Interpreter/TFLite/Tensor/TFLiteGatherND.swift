import LockstepCore

/// GATHER_ND (1–5): `indices [..., k]` (int32/int64) pick slices `params[i₀, …, iₖ₋₁]`; output
/// `indices.shape[..-1] + params.shape[k...]`. An index out of range is an error, as in LiteRT.
struct TFLiteGatherND: Kernel {
    static let registration = TFLiteOps.op("GATHER_ND") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteGatherND()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (params, i) = try Inputs.two(inputs)
        let indices = try TFLiteSupport.integers(i, "indices")
        guard i.rank >= 1, let k = i.shape.last, k <= params.rank else { throw KernelError("indices \(i.shape) do not fit params \(params.shape)") }
        let slices = k == 0 ? 1 : indices.count / k
        let inner = Array(params.shape[k...])
        let strides = DataMovement.strides(params.shape)
        var offsets: [Int] = []
        offsets.reserveCapacity(slices)
        for s in 0..<slices {
            var o = 0
            for d in 0..<k {
                let v = indices[s * k + d]
                guard v >= 0, v < params.shape[d] else { throw KernelError("index \(v) is out of range for dimension \(d) of \(params.shape)") }
                o += v * strides[d]
            }
            offsets.append(o)
        }
        var tables = [offsets]
        for d in k..<params.rank { tables.append(DataMovement.identityTable(params.shape[d], stride: strides[d])) }
        let gathered = try DataMovement.gather(params, shape: [slices] + inner, offsets: tables)
        return [.tensor(try DataMovement.reshape(gathered, to: Array(i.shape.dropLast()) + inner))]
    }
}
