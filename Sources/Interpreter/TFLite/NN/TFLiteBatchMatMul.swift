import LockstepCore

/// BATCH_MATMUL (versions 1–3): `x [..., M, K]` · `y [..., K, N]` with numpy broadcasting of the
/// batch dimensions; `adj_x` / `adj_y` transpose the last two dimensions of an operand first.
/// Each output sums over k in order (TFLite's reference), `OrderedAccumulation.matmul`.
/// Integer operands (google-ai-edge/LiteRT `tflite/kernels/batch_matmul.cc` @
/// 01d971c556e3f74b696b96e0c2aa1e73b179a14e `EvalQuantized`): int8 × int8 → int8 (requantised) or
/// → int32 (the raw sums, when the file declares an int32 output), int16 × int16 and int16 × int8
/// → int16 (`TFLiteQuantizedBatchMatMul16`), float32 × int8 hybrid.
struct TFLiteBatchMatMul: Kernel {
    static let registration = TFLiteOps.op("BATCH_MATMUL") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        return TFLiteBatchMatMul(adjX: try a.int("adj_x", default: 0) != 0, adjY: try a.int("adj_y", default: 0) != 0,
                                 quantization: try TFLiteQuantization(context),
                                 asymmetricInputs: try a.int("asymmetric_quantize_inputs", default: 0) != 0,
                                 outputType: TFLiteSupport.declaredType(context))
    }

    let adjX: Bool
    let adjY: Bool
    let quantization: TFLiteQuantization
    /// Hybrid (float × int8): quantise the left rows asymmetrically (else symmetrically).
    let asymmetricInputs: Bool
    /// The declared output type (int8 × int8 may produce int32 sums).
    let outputType: DType?

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
        if x.dtype != .int8 && x.dtype != .int16 { try TFLiteSupport.requireFloat(x, "x") }
        if !((x.dtype == .float32 || x.dtype == .int16) && y.dtype == .int8) { try TFLiteSupport.requireType(y, "y", x.dtype) }
        let out: DType = x.dtype == .int8 && outputType == .int32 ? .int32 : x.dtype
        return [TensorInfo(dtype: out, shape: try geometry(x, y).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, y) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        if x.dtype == .int8 && outputType == .int32 { return [.tensor(try int32Sums(x, y))] }
        if x.dtype == .int8 { return [.tensor(try quantized(x, y))] }
        if x.dtype == .int16 { return [.tensor(try quantized16(x, y))] }
        if x.dtype == .float32, y.dtype == .int8 { return [.tensor(try hybrid(x, y))] }
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

    /// int16 × int16 / int16 × int8 → int16 (`EvalInt16`, `EvalInt16Int8`).
    func quantized16(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        let a = adjX ? try swapLast(x) : x, b = adjY ? try swapLast(y) : y
        let shape = try IntegerKernels.matMulShape(a.shape, b.shape)
        let (s1, z1) = try quantization.input(0), (s2, z2) = try quantization.input(1), (so, zo) = try quantization.output()
        guard y.dtype == .int8 || (z1 == 0 && z2 == 0 && zo == 0) else { throw KernelError("int16 BATCH_MATMUL needs zero points 0") }
        let m = TFLiteQuantizationParams.Multiplier(Double(s1) * Double(s2) / Double(so))
        return try TFLiteBuffers.build(.int16, shape.output, Int16.self) { o in
            try TFLiteBuffers.read(a, Int16.self) { xs in
                if y.dtype == .int8 {
                    try TFLiteBuffers.read(b, Int8.self) { ys in
                        TFLiteQuantizedBatchMatMul16.batchMatMul(shape: shape, lhs: xs, rhs: ys, lhsOffset: -z1, rhsOffset: -z2, multiplier: m,
                                                                 outputOffset: zo, output: o)
                    }
                } else {
                    try TFLiteBuffers.read(b, Int16.self) { ys in
                        TFLiteQuantizedBatchMatMul16.batchMatMul(shape: shape, lhs: xs, rhs: ys, lhsOffset: -z1, rhsOffset: -z2, multiplier: m,
                                                                 outputOffset: zo, output: o)
                    }
                }
            }
        }
    }

    /// int8 × int8 → int32: the plain sums of the codes (`EvalInt8Int32`, no offsets).
    func int32Sums(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        let a = adjX ? try swapLast(x) : x, b = adjY ? try swapLast(y) : y
        let shape = try IntegerKernels.matMulShape(a.shape, b.shape)
        let (m, k, n) = (shape.m, shape.k, shape.n)
        return try TFLiteBuffers.build(.int32, shape.output, Int32.self) { o in
            try TFLiteBuffers.read(a, Int8.self) { xs in
                try TFLiteBuffers.read(b, Int8.self) { ys in
                    IntegerKernels.forEachBatch(shape) { out, i0, j0 in
                        for i in 0..<m {
                            for j in 0..<n {
                                var acc: Int32 = 0
                                for p in 0..<k { acc = acc &+ Int32(xs[i0 * m * k + i * k + p]) &* Int32(ys[j0 * k * n + p * n + j]) }
                                o[out * m * n + i * n + j] = acc
                            }
                        }
                    }
                }
            }
        }
    }

    func swapLast(_ t: Tensor) throws -> Tensor {
        var perm = Array(0..<t.rank)
        perm.swapAt(t.rank - 2, t.rank - 1)
        return try DataMovement.transpose(t, perm: perm)
    }

    /// float32 × int8 (dynamic range) through `TFLiteHybrid.batchMatMul`, batch by batch.
    func hybrid(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        guard let q = quantization.inputs.count > 1 ? quantization.inputs[1] : nil, q.scales.count == 1 else {
            throw KernelError("hybrid BATCH_MATMUL needs one scale on its int8 operand", unsupported: true)
        }
        let a = adjX ? try swapLast(x) : x, b = adjY ? try swapLast(y) : y
        let g = try geometry(a, b)
        let plane = g.m * g.n, aStride = g.m * g.k, bStride = g.k * g.n
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        return try NNSupport.read(a, as: Float.self) { ap in
            try NNSupport.read(b, as: Int8.self) { bp in
                try NNSupport.build(.float32, g.output, as: Float.self) { out in
                    if plane == 0 { return }
                    Broadcast.forEach(g.batch, inputs: [aBatch, bBatch]) { i, offsets in
                        TFLiteHybrid.batchMatMul(m: g.m, n: g.n, k: g.k, a: ap + offsets[0] * aStride, b: bp + offsets[1] * bStride,
                                                 filterScale: q.scales[0], asymmetric: asymmetricInputs, y: out + i * plane)
                    }
                }
            }
        }
    }
}
