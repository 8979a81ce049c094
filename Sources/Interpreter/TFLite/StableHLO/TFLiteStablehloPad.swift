import LockstepCore

/// STABLEHLO_PAD (1): the StableHLO `pad` — `edge_padding_low` / `_high` elements of
/// `padding_value` (negative: cropping) around the input and `interior_padding` between its
/// elements; output dims `n + (n − 1)·interior + low + high` — as google-ai-edge/LiteRT
/// `tflite/kernels/stablehlo_pad.cc` @ 195a2276a733e0bdfc96589d6ff0132c25ad6ac5 computes it (a strided
/// copy; when any output dimension is ≤ 0 every output dimension is 0, as there). Any
/// byte-addressable type.
struct TFLiteStablehloPad: Kernel {
    static let registration = TFLiteOps.op("STABLEHLO_PAD") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        return TFLiteStablehloPad(low: try a.ints("edge_padding_low") ?? [], high: try a.ints("edge_padding_high") ?? [],
                                  interior: try a.ints("interior_padding") ?? [])
    }

    let low: [Int]
    let high: [Int]
    let interior: [Int]

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, pad) = try Inputs.two(inputs)
        try TFLiteIndexing.requireRaw(x, "operand")
        try TFLiteSupport.requireType(pad, "padding_value", x.dtype)
        guard pad.count == 1 else { throw KernelError("padding_value must hold one element, found shape \(pad.shape)") }
        let rank = x.rank
        guard rank >= 1, low.count == rank, high.count == rank, interior.count == rank, interior.allSatisfy({ $0 >= 0 }) else {
            throw KernelError("paddings (low \(low), high \(high), interior \(interior)) must hold \(rank) values, interior ≥ 0")
        }
        var shape: [Int] = []
        for d in 0..<rank {
            let gaps: Int = max(x.shape[d] - 1, 0) * interior[d]
            shape.append(x.shape[d] + gaps + low[d] + high[d])
        }
        if shape.contains(where: { $0 <= 0 }) { shape = [Int](repeating: 0, count: rank) }
        let strides = DataMovement.strides(x.shape)
        let pool = try DataMovement.concatenate([try DataMovement.reshape(x, to: [x.count]), try DataMovement.reshape(pad, to: [1])],
                                                axis: 0, shape: [x.count + 1])
        return [.tensor(try TFLiteIndexing.remap(pool, to: shape) { index in
            var offset = 0
            for d in 0..<rank {
                let p = index[d] - low[d], step = interior[d] + 1
                guard p >= 0, p % step == 0, p / step < x.shape[d] else { return x.count }
                offset += p / step * strides[d]
            }
            return offset
        })]
    }
}
