import LockstepCore

/// BATCH_MATMUL (versions 1–3): `x [..., M, K]` · `y [..., K, N]` with numpy broadcasting of the
/// batch dimensions; `adj_x` / `adj_y` transpose the last two dimensions of an operand first.
/// Each output sums over k in order (TFLite's reference), `OrderedAccumulation.matmul`.
struct TFLiteBatchMatMul: Kernel {
    static let registration = TFLiteOps.op("BATCH_MATMUL") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        return TFLiteBatchMatMul(adjX: try a.int("adj_x", default: 0) != 0, adjY: try a.int("adj_y", default: 0) != 0,
                                 quantization: try TFLiteQuantization(context))
    }

    let adjX: Bool
    let adjY: Bool
    let quantization: TFLiteQuantization

    struct Geometry {
        var m: Int, n: Int, k: Int
        var batch: [Int]
        var output: [Int]
    }

    func geometry(_ x: Tensor, _ y: Tensor) throws -> Geometry {
        guard x.rank >= 2, y.rank >= 2 else { throw KernelError("inputs must have rank 2 or more, found \(x.shape) and \(y.shape)") }
        let m = adjX ? x.shape[x.rank - 1] : x.shape[x.rank - 2], kx = adjX ? x.shape[x.rank - 2] : x.shape[x.rank - 1]
        let ky = adjY ? y.shape[y.rank - 1] : y.shape[y.rank - 2], n = adjY ? y.shape[y.rank - 2] : y.shape[y.rank - 1]
        guard kx == ky else { throw KernelError("inner dimensions differ: x \(x.shape) (adj_x \(adjX)) and y \(y.shape) (adj_y \(adjY))") }
        let batch = try Broadcast.shape([Array(x.shape.dropLast(2)), Array(y.shape.dropLast(2))])
        return Geometry(m: m, n: n, k: kx, batch: batch, output: batch + [m, n])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, y) = try Inputs.two(inputs)
        if x.dtype != .int8 { try TFLiteSupport.requireFloat(x, "x") }
        try TFLiteSupport.requireType(y, "y", x.dtype)
        return [TensorInfo(dtype: x.dtype, shape: try geometry(x, y).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, y) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype == .int8 { return [.tensor(try quantized(x, y))] }
        let g = try geometry(x, y)
        struct Visitor: BLASFloatVisitor {
            let x: Tensor, y: Tensor, g: Geometry, adjX: Bool, adjY: Bool
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let xBatch = Array(x.shape.dropLast(2)), yBatch = Array(y.shape.dropLast(2))
                let xStride = x.shape.suffix(2).reduce(1, *), yStride = y.shape.suffix(2).reduce(1, *)
                let plane = g.m * g.n
                return try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.read(y, as: T.self) { yp in
                        try NNSupport.build(T.dtype, g.output, as: T.self) { out in
                            if plane == 0 { return }
                            if g.k == 0 { out.update(repeating: 0, count: g.output.reduce(1, *)); return }
                            // Operands as [m, k] and [k, n]; each output sums over k in order.
                            let at = adjX ? UnsafeMutablePointer<T>.allocate(capacity: g.m * g.k) : nil
                            let bt = adjY ? UnsafeMutablePointer<T>.allocate(capacity: g.k * g.n) : nil
                            defer { at?.deallocate(); bt?.deallocate() }
                            Broadcast.forEach(g.batch, inputs: [xBatch, yBatch]) { i, offsets in
                                var a = xp + offsets[0] * xStride, b = yp + offsets[1] * yStride
                                if let at {
                                    for r in 0..<g.k { for c in 0..<g.m { at[c * g.k + r] = a[r * g.m + c] } }
                                    a = UnsafePointer(at)
                                }
                                if let bt {
                                    for r in 0..<g.n { for c in 0..<g.k { bt[c * g.n + r] = b[r * g.k + c] } }
                                    b = UnsafePointer(bt)
                                }
                                OrderedAccumulation.matmul(m: g.m, n: g.n, k: g.k, a: a, b: b, c: out + i * plane)
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(x: x, y: y, g: g, adjX: adjX, adjY: adjY)))]
    }

    /// int8 (`reference_ops::BatchMatMul` with offsets and one `sX·sY/sOut` multiplier) through
    /// `TFLiteQuantizedFullyConnected.batchMatMul`; adjoint operands are transposed first.
    func quantized(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        let a = adjX ? try swapLast(x) : x, b = adjY ? try swapLast(y) : y
        let shape = try IntegerKernels.matMulShape(a.shape, b.shape)
        let (s1, z1) = try quantization.input(0), (s2, z2) = try quantization.input(1), (so, zo) = try quantization.output()
        let m = TFLiteQuantizationParams.Multiplier(Double(s1) * Double(s2) / Double(so))
        return try TFLiteBuffers.build(.int8, shape.output, Int8.self) { o in
            try TFLiteBuffers.read(a, Int8.self) { xs in
                try TFLiteBuffers.read(b, Int8.self) { ys in
                    TFLiteQuantizedFullyConnected.batchMatMul(shape: shape, lhs: xs, rhs: ys, lhsOffset: -z1, rhsOffset: -z2, multiplier: m,
                                                              outputOffset: zo, activationMin: -128, activationMax: 127, output: o)
                }
            }
        }
    }

    func swapLast(_ t: Tensor) throws -> Tensor {
        var perm = Array(0..<t.rank)
        perm.swapAt(t.rank - 2, t.rank - 1)
        return try DataMovement.transpose(t, perm: perm)
    }
}
