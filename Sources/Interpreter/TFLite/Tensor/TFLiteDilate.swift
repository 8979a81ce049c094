import LockstepCore

/// DILATE (1): spreads the input's elements `dilations[d]` apart along each dimension d (int32
/// factors ≥ 1), filling the gaps with the scalar `padding_value`; output dims `(n − 1)·k + 1` —
/// google-ai-edge/LiteRT `tflite/kernels/dilate.cc` (the same scatter as `dilate::Dilate` of
/// `reduce_window.cc`). Any byte-addressable type, input and padding value of one type.
struct TFLiteDilate: Kernel {
    static let registration = TFLiteOps.op("DILATE") { context in
        try TFLiteSupport.arity(context, inputs: 3...3)
        return TFLiteDilate()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0), k = try Inputs.tensor(inputs, 1), pad = try Inputs.tensor(inputs, 2)
        try TFLiteIndexing.requireRaw(x, "input")
        try TFLiteSupport.requireType(pad, "padding_value", x.dtype)
        guard pad.count == 1 else { throw KernelError("padding_value must hold one element, found shape \(pad.shape)") }
        let factors = try TFLiteSupport.integers(k, "dilations")
        guard factors.count == x.rank, factors.allSatisfy({ $0 >= 1 }) else {
            throw KernelError("dilations \(factors) must hold \(x.rank) factors ≥ 1")
        }
        return [.tensor(try TFLiteDilate.dilate(x, factors: factors, padding: pad))]
    }

    /// `x` dilated by `factors`, gaps holding `padding`'s element.
    static func dilate(_ x: Tensor, factors: [Int], padding: Tensor) throws -> Tensor {
        let shape = zip(x.shape, factors).map { $0 == 0 ? 0 : ($0 - 1) * $1 + 1 }
        let strides = DataMovement.strides(x.shape)
        let combined = try DataMovement.concatenate([try DataMovement.reshape(x, to: [x.count]), try DataMovement.reshape(padding, to: [1])],
                                                    axis: 0, shape: [x.count + 1])
        return try TFLiteIndexing.remap(combined, to: shape) { index in
            var offset = 0
            for d in 0..<index.count {
                guard index[d] % factors[d] == 0 else { return x.count }
                offset += index[d] / factors[d] * strides[d]
            }
            return offset
        }
    }
}
