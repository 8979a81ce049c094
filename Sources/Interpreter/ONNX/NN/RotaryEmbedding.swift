import LockstepCore

/// RotaryEmbedding (ONNX opset 23): rotates the first `rotary_embedding_dim` (default: all) values
/// of each head by position-dependent angles: with halves (or, `interleaved`, even/odd pairs)
/// `x1`, `x2`: `(cos·x1 - sin·x2, sin·x1 + cos·x2)`; the rest passes through. Input
/// `[batch, heads, sequence, head size]`, or `[batch, sequence, hidden]` with `num_heads`.
/// `cos_cache`/`sin_cache` are `[max position, dim / 2]` indexed by `position_ids [batch,
/// sequence]`, or `[batch, sequence, dim / 2]` without position ids. Float64 arithmetic,
/// rounded once to the input type.
struct RotaryEmbeddingKernel: Kernel {
    static let registration = OpRegistration("RotaryEmbedding", versions: 23...Int.max) { context in
        let a = context.attributes
        return RotaryEmbeddingKernel(interleaved: try a.int("interleaved", default: 0) != 0,
                                     rotaryDim: try a.int("rotary_embedding_dim", default: 0), heads: try a.int("num_heads", default: 0))
    }

    let interleaved: Bool
    let rotaryDim: Int
    let heads: Int

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, cos: Tensor, sin: Tensor, positions: [Int]?) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), cos = try Inputs.tensor(inputs, 1, name: "cos_cache")
        let sin = try Inputs.tensor(inputs, 2, name: "sin_cache")
        try NNSupport.requireFloat(x, "input")
        guard x.rank == 3 || x.rank == 4 else { throw KernelError("input must have rank 3 or 4, found shape \(x.shape)") }
        if x.rank == 3 {
            guard heads > 0, x.shape[2] % heads == 0 else { throw KernelError("3-D input \(x.shape) needs num_heads dividing its hidden size") }
        }
        guard cos.shape == sin.shape else { throw KernelError("cos_cache \(cos.shape) and sin_cache \(sin.shape) differ") }
        let positions = try Inputs.optionalTensor(inputs, 3).map { try NNSupport.ints($0, name: "position_ids") }
        return (x, cos, sin, positions)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try operands(inputs).x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, cosTensor, sinTensor, positions) = try operands(inputs)
        let values = try x.doubleValues(), cosValues = try cosTensor.doubleValues(), sinValues = try sinTensor.doubleValues()
        // Element offset of (b, s, h, d) in the input, whatever its layout.
        let b = x.shape[0]
        let (s, h, size): (Int, Int, Int) = x.rank == 4 ? (x.shape[2], x.shape[1], x.shape[3]) : (x.shape[1], heads, x.shape[2] / heads)
        func offset(_ bi: Int, _ si: Int, _ hi: Int, _ d: Int) -> Int {
            x.rank == 4 ? ((bi * h + hi) * s + si) * size + d : ((bi * s + si) * h + hi) * size + d
        }
        let dim = rotaryDim == 0 ? size : rotaryDim
        guard dim <= size, dim % 2 == 0 else { throw KernelError("rotary_embedding_dim \(dim) must be even and at most the head size \(size)") }
        let half = dim / 2
        guard cosTensor.shape.last == half else { throw KernelError("cos_cache's last dimension must be \(half), found \(cosTensor.shape)") }
        if let positions {
            guard positions.count == b * s else { throw KernelError("position_ids must have \(b * s) values, found \(positions.count)") }
            guard cosTensor.rank == 2, positions.allSatisfy({ $0 >= 0 && $0 < cosTensor.shape[0] }) else {
                throw KernelError("position_ids must index the \(cosTensor.shape[0]) rows of cos_cache")
            }
        } else {
            guard cosTensor.shape == [b, s, half] else { throw KernelError("without position_ids cos_cache must be [\(b), \(s), \(half)], found \(cosTensor.shape)") }
        }
        var out = values
        for bi in 0..<b {
            for si in 0..<s {
                let row = (positions?[bi * s + si] ?? (bi * s + si)) * half
                for hi in 0..<h {
                    for i in 0..<half {
                        let (i1, i2) = interleaved ? (2 * i, 2 * i + 1) : (i, i + half)
                        let x1 = values[offset(bi, si, hi, i1)], x2 = values[offset(bi, si, hi, i2)]
                        let c = cosValues[row + i], sn = sinValues[row + i]
                        out[offset(bi, si, hi, i1)] = c * x1 - sn * x2
                        out[offset(bi, si, hi, i2)] = sn * x1 + c * x2
                    }
                }
            }
        }
        return [.tensor(try NNSupport.tensor(out, dtype: x.dtype, shape: x.shape))]
    }
}
