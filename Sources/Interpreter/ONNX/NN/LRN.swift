import LockstepCore

/// LRN (ONNX opsets 1, 13): local response normalisation across channels of `X [N, C, …]`:
/// `Y = X / (bias + alpha / size * Σ X²)^beta`, the sum over channels
/// `c - floor((size - 1) / 2) … c + ceil((size - 1) / 2)` clipped to `0..<C`.
struct LRNKernel: Kernel {
    static let registration = OpRegistration("LRN", versions: 1...Int.max) { context in
        let a = context.attributes
        guard let size = try a.int("size"), size > 0 else { throw KernelError("attribute 'size' must be a positive INT") }
        return LRNKernel(size: size, alpha: Double(try a.float("alpha", default: 1e-4)), beta: Double(try a.float("beta", default: 0.75)),
                         bias: Double(try a.float("bias", default: 1)))
    }

    let size: Int
    let alpha: Double
    let beta: Double
    let bias: Double

    func input(_ inputs: [Value?]) throws -> Tensor {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        guard x.rank >= 2 else { throw KernelError("input 'X' must have rank 2 or more ([N, C, …]), found shape \(x.shape)") }
        return x
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try input(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try input(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], kernel: LRNKernel
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let c = x.shape[1], plane = x.shape[2...].reduce(1, *)
                let before = (kernel.size - 1) / 2, after = kernel.size - 1 - before
                let scale = T(kernel.alpha / Double(kernel.size)), bias = T(kernel.bias), beta = T(kernel.beta)
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        let squares = UnsafeMutablePointer<T>.allocate(capacity: max(1, plane))
                        defer { squares.deallocate() }
                        for n in 0..<x.shape[0] {
                            for ch in 0..<c {
                                squares.update(repeating: 0, count: plane)
                                for k in max(0, ch - before)...min(c - 1, ch + after) {
                                    let src = xp + (n * c + k) * plane
                                    for i in 0..<plane { squares[i] += src[i] * src[i] }
                                }
                                let base = (n * c + ch) * plane
                                for i in 0..<plane { yp[base + i] = xp[base + i] / T.pow(bias + scale * squares[i], beta) }
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, kernel: self) }
    }
}
