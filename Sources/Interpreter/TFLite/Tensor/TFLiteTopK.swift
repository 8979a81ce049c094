import LockstepCore

/// TOPK_V2 (1–3): the `k` largest values along the last dimension in descending order, and their
/// int32 indices; equal values keep the lower index first. float32, int32, int8/uint8 codes.
struct TFLiteTopK: Kernel {
    static let registration = TFLiteOps.op("TOPK_V2") { context in
        try TFLiteSupport.arity(context, inputs: 2...2, outputs: 2...2)
        return TFLiteTopK()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, kt) = try Inputs.two(inputs)
        let ks = try TFLiteSupport.integers(kt, "k")
        guard ks.count == 1, let depth = x.shape.last, ks[0] >= 0, ks[0] <= depth else {
            throw KernelError("k must be one value in 0…\(x.shape.last ?? 0), found \(ks)")
        }
        let k = ks[0], rows = depth == 0 ? 0 : x.count / depth
        let v = try x.doubleValues()
        var picked: [Int] = []
        picked.reserveCapacity(rows * k)
        for r in 0..<rows {
            let order = (0..<depth).sorted { a, b in
                let va = v[r * depth + a], vb = v[r * depth + b]
                return va != vb ? va > vb : a < b
            }
            picked += order.prefix(k).map { r * depth + $0 }
        }
        let shape = Array(x.shape.dropLast()) + [k]
        let values = try DataMovement.gather(try DataMovement.reshape(x, to: [x.count]), shape: [picked.count], offsets: [picked])
        let indices = try Tensor(dtype: .int32, shape: shape, values: picked.map { Int32($0 % max(1, depth)) })
        return [.tensor(try DataMovement.reshape(values, to: shape)), .tensor(indices)]
    }
}
