import LockstepCore

/// WHERE (1–2) with one input: the coordinates of the non-zero (true) elements in row-major order,
/// as an int64 tensor `[count, rank]` — google-ai-edge/LiteRT `tflite/kernels/where.cc`
/// (`reference_ops::SelectTrueCoords`). Floating-point elements count when `x != 0` (NaN counts,
/// -0 does not); other types when any bit is set.
struct TFLiteWhere: Kernel {
    static let registration = TFLiteOps.op("WHERE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteWhere()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        try TFLiteIndexing.requireRaw(x, "condition")
        var flags = [Bool](repeating: false, count: x.count)
        if FloatElementwise.types.contains(x.dtype) {
            for (i, v) in try x.doubleValues().enumerated() { flags[i] = v != 0 }
        } else {
            try DataMovement.withRawElements(x) { raw, width in
                guard let raw else { return }
                let bytes = raw.assumingMemoryBound(to: UInt8.self)
                for i in 0..<x.count { flags[i] = (0..<width).contains { bytes[i * width + $0] != 0 } }
            }
        }
        let strides = DataMovement.strides(x.shape)
        var coords: [Int64] = []
        for (i, f) in flags.enumerated() where f {
            var r = i
            for s in strides { coords.append(Int64(r / s)); r %= s }
        }
        return [.tensor(try Tensor(dtype: .int64, shape: [coords.count / max(x.rank, 1), x.rank], values: coords))]
    }
}
