import LockstepCore

/// Gemm (ONNX opsets 1, 6, 7, 9, 11, 13): `Y = alpha * A' * B' + beta * C` with `A'`/`B'`
/// optionally transposed (`transA`, `transB`), `C` optional (opset 11) and broadcast to
/// `[M, N]` (unidirectional). Floats run on `cblas_sgemm`/`cblas_dgemm` (float16/bfloat16 in
/// float32); int32/int64/uint32/uint64 (opset 9+) by plain wrapping loops.
struct GemmKernel: Kernel {
    static let registration = OpRegistration("Gemm", versions: 1...Int.max) { context in try GemmKernel(context.attributes) }

    let alpha: Float
    let beta: Float
    let transA: Bool
    let transB: Bool

    init(_ a: AttributeReader) throws {
        alpha = try a.float("alpha", default: 1)
        beta = try a.float("beta", default: 1)
        transA = try a.int("transA", default: 0) != 0
        transB = try a.int("transB", default: 0) != 0
    }

    func dimensions(_ inputs: [Value?]) throws -> (a: Tensor, b: Tensor, c: Tensor?, m: Int, n: Int, k: Int) {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        let c = try Inputs.optionalTensor(inputs, 2)
        guard a.dtype.isComputedAsFloat || [.int32, .int64, .uint32, .uint64].contains(a.dtype) else {
            throw KernelError("input 'A' must be a float or 32/64-bit integer type, found \(a.dtype)")
        }
        try NNSupport.requireSameType(b, "B", as: a.dtype)
        guard a.rank == 2 else { throw KernelError("input 'A' must be a matrix, found shape \(a.shape)") }
        guard b.rank == 2 else { throw KernelError("input 'B' must be a matrix, found shape \(b.shape)") }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else {
            throw KernelError("inner dimensions differ: A\(transA ? "ᵀ" : "") is [\(m), \(k)], B\(transB ? "ᵀ" : "") is [\(kb), \(n)]")
        }
        if let c {
            try NNSupport.requireSameType(c, "C", as: a.dtype)
            guard c.rank <= 2, (try? Broadcast.shape([c.shape, [m, n]])) == [m, n] else {
                throw KernelError("input 'C' of shape \(c.shape) cannot be broadcast to [\(m), \(n)]")
            }
        }
        return (a, b, c, m, n, k)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let d = try dimensions(inputs)
        return [TensorInfo(dtype: d.a.dtype, shape: [d.m, d.n])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b, c, m, n, k) = try dimensions(inputs)
        if a.dtype.isComputedAsFloat {
            struct Visitor: BLASFloatVisitor {
                let kernel: GemmKernel, t: [Tensor?], m: Int, n: Int, k: Int
                func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                    [try NNSupport.read(t[0]!, as: T.self) { a in
                        try NNSupport.read(t[1]!, as: T.self) { b in
                            try NNSupport.build(T.dtype, [m, n], as: T.self) { y in
                                var beta: T = 0
                                if let c = t[2], kernel.beta != 0 {
                                    try kernel.fill(y, from: c, as: T.self, m: m, n: n)
                                    beta = T(kernel.beta)
                                }
                                T.gemm(m: m, n: n, k: k, alpha: T(kernel.alpha), a: a, transposeA: kernel.transA,
                                       b: b, transposeB: kernel.transB, beta: beta, c: y)
                            }
                        }
                    }]
                }
            }
            return try NNSupport.compute([a, b, c]) { Visitor(kernel: self, t: $0, m: m, n: n, k: k) }
        }
        struct IntegerVisitor: Interpreter.IntegerVisitor {
            let kernel: GemmKernel, a: Tensor, b: Tensor, c: Tensor?, m: Int, n: Int, k: Int
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                try kernel.integerGemm(a, b, c, as: T.self, m: m, n: n, k: k)
            }
        }
        return [.tensor(try a.dtype.dispatchInteger(IntegerVisitor(kernel: self, a: a, b: b, c: c, m: m, n: n, k: k)))]
    }

    /// Writes `C` broadcast to `[m, n]` into `y`.
    func fill<T: TensorScalar>(_ y: UnsafeMutablePointer<T>, from c: Tensor, as _: T.Type, m: Int, n: Int) throws {
        let strides = Broadcast.strides(of: c.shape, in: [m, n])
        try NNSupport.read(c, as: T.self) { cp in
            for i in 0..<m {
                for j in 0..<n { y[i * n + j] = cp[i * strides[0] + j * strides[1]] }
            }
        }
    }

    func integerGemm<T: TensorInteger>(_ a: Tensor, _ b: Tensor, _ c: Tensor?, as _: T.Type, m: Int, n: Int, k: Int) throws -> Tensor {
        let alpha = T(clampingDouble: Double(self.alpha)), beta = T(clampingDouble: Double(self.beta))
        return try NNSupport.read(a, as: T.self) { ap in
            try NNSupport.read(b, as: T.self) { bp in
                try NNSupport.build(a.dtype, [m, n], as: T.self) { y in
                    if let c, beta != 0 { try fill(y, from: c, as: T.self, m: m, n: n) }
                    let (sai, sak) = transA ? (1, m) : (k, 1)
                    let (sbk, sbj) = transB ? (1, k) : (n, 1)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum: T = 0
                            for p in 0..<k { sum = sum &+ ap[i * sai + p * sak] &* bp[p * sbk + j * sbj] }
                            let prior = (c != nil && beta != 0) ? beta &* y[i * n + j] : 0
                            y[i * n + j] = alpha &* sum &+ prior
                        }
                    }
                }
            }
        }
    }
}
