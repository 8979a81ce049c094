import LockstepCore

/// MIRROR_PAD (1–3): pads each dimension by mirroring the input, `mode` REFLECT (edge not
/// repeated) or SYMMETRIC (edge repeated); `paddings` `[rank, 2]`. Any element type.
struct TFLiteMirrorPad: Kernel {
    static let registration = TFLiteOps.op("MIRROR_PAD") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let mode = try context.attributes.string("mode") ?? "REFLECT"
        guard mode == "REFLECT" || mode == "SYMMETRIC" else { throw KernelError("mode \(mode) is not REFLECT or SYMMETRIC") }
        return TFLiteMirrorPad(symmetric: mode == "SYMMETRIC")
    }

    let symmetric: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, p) = try Inputs.two(inputs)
        let pads = try TFLiteSupport.integers(p, "paddings")
        guard pads.count == 2 * x.rank else { throw KernelError("paddings must have shape [\(x.rank), 2], found \(p.shape)") }
        let strides = DataMovement.strides(x.shape)
        var shape: [Int] = [], tables: [[Int]] = []
        for d in 0..<x.rank {
            let n = x.shape[d], before = pads[2 * d], after = pads[2 * d + 1]
            let limit = symmetric ? n : n - 1
            guard before >= 0, after >= 0, before <= limit, after <= limit else {
                throw KernelError("paddings \(before), \(after) are too large for dimension \(d) of size \(n) (\(symmetric ? "SYMMETRIC" : "REFLECT"))")
            }
            shape.append(n + before + after)
            tables.append((0..<(n + before + after)).map { o in
                var i = o - before
                if i < 0 { i = symmetric ? -i - 1 : -i }
                if i >= n { i = symmetric ? 2 * n - i - 1 : 2 * n - i - 2 }
                return i * strides[d]
            })
        }
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: tables))]
    }
}
