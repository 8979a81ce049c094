import LockstepCore

/// MatMul (ONNX opsets 1, 9, 13): numpy `matmul`. A 1-D first operand is a row vector and a
/// 1-D second operand a column vector (the added dimension is removed from the result); batch
/// dimensions broadcast. float32 runs on `PackedMatrix` (`multiply`), float64 on `cblas_dgemm`,
/// per batch (a batch of `A` against one matrix `B` is one product); float16/bfloat16 in
/// float32; int32/int64/uint32/uint64 by plain wrapping loops. A constant float32 `B [k, n]`
/// (weights) is packed once per session (`PackedColumns`): same bits, streamed in order.
struct MatMulKernel: Kernel {
    static let registration = OpRegistration("MatMul", versions: 1...Int.max) { context in
        var kernel = MatMulKernel()
        if context.node.inputs.count > 1, let b = context.constantValue(context.node.inputs[1]) {
            kernel.packedB = PackedColumns.packing(b)
        }
        return kernel
    }

    /// `B` packed once per session when it is a constant float32 matrix.
    var packedB: PackedColumns?

    /// The resolved product: `batch` products of `[m, k] · [k, n]`, with the element offsets
    /// of each batch's operands.
    struct Plan {
        var m: Int, n: Int, k: Int
        var outputShape: [Int]
        var batchShape: [Int]
        var aBatchShape: [Int], bBatchShape: [Int]
        var batch: Int { batchShape.reduce(1, *) }

        /// Calls `body(batchIndex, aOffset, bOffset)` for each batch (offsets in elements).
        func forEachBatch(_ body: (Int, Int, Int) -> Void) {
            let aStride = m * k, bStride = k * n
            if batchShape.isEmpty { body(0, 0, 0); return }
            Broadcast.forEach(batchShape, inputs: [aBatchShape, bBatchShape]) { i, off in
                body(i, off[0] * aStride, off[1] * bStride)
            }
        }
    }

    static func plan(_ a: Tensor, _ b: Tensor) throws -> Plan {
        guard a.rank >= 1, b.rank >= 1 else { throw KernelError("MatMul operands must have rank 1 or more, found \(a.shape) and \(b.shape)") }
        let aShape = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let bShape = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let kb = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == kb else { throw KernelError("MatMul inner dimensions differ: \(a.shape) and \(b.shape)") }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        let batch: [Int]
        do { batch = try Broadcast.shape([aBatch, bBatch]) } catch {
            throw KernelError("MatMul batch dimensions of \(a.shape) and \(b.shape) cannot be broadcast")
        }
        var out = batch
        if a.rank > 1 { out.append(m) }
        if b.rank > 1 { out.append(n) }
        return Plan(m: m, n: n, k: k, outputShape: out, batchShape: batch, aBatchShape: aBatch, bBatchShape: bBatch)
    }

    func operands(_ inputs: [Value?]) throws -> (Tensor, Tensor, Plan) {
        let (a, b) = try Inputs.two(inputs)
        guard a.dtype.isComputedAsFloat || [.int32, .int64, .uint32, .uint64].contains(a.dtype) else {
            throw KernelError("MatMul is not defined for \(a.dtype)")
        }
        try NNSupport.requireSameType(b, "B", as: a.dtype)
        return (a, b, try Self.plan(a, b))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, _, plan) = try operands(inputs)
        return [TensorInfo(dtype: a.dtype, shape: plan.outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b, plan) = try operands(inputs)
        if a.dtype.isComputedAsFloat {
            struct Visitor: BLASFloatVisitor {
                let t: [Tensor?], plan: Plan
                func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                    [try NNSupport.read(t[0]!, as: T.self) { a in
                        try NNSupport.read(t[1]!, as: T.self) { b in
                            try NNSupport.build(T.dtype, plan.outputShape, as: T.self) { y in
                                MatMulKernel.multiply(plan, a, b, y, packedB: packedB)
                            }
                        }
                    }]
                }
                let packedB: PackedColumns?
            }
            return try NNSupport.compute([a, b]) { Visitor(t: $0, plan: plan, packedB: packedB) }
        }
        struct IntegerVisitor: Interpreter.IntegerVisitor {
            let a: Tensor, b: Tensor, plan: Plan
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                try NNSupport.read(a, as: T.self) { ap in
                    try NNSupport.read(b, as: T.self) { bp in
                        try NNSupport.build(a.dtype, plan.outputShape, as: T.self) { y in
                            let (m, n, k) = (plan.m, plan.n, plan.k)
                            plan.forEachBatch { i, ao, bo in
                                let yb = y + i * m * n
                                for r in 0..<m {
                                    for c in 0..<n {
                                        var sum: T = 0
                                        for p in 0..<k { sum = sum &+ ap[ao + r * k + p] &* bp[bo + p * n + c] }
                                        yb[r * n + c] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(try a.dtype.dispatchInteger(IntegerVisitor(a: a, b: b, plan: plan)))]
    }

    /// Float product over all batches (one GEMM when `B` has no batch dimensions).
    /// float32 runs on `PackedMatrix` where `PackedGEMM.isEnabled`: `A` (the activations) is
    /// packed per call, `B`'s rows are read in place (or from `packedB`, B packed once when it is
    /// a constant matrix), each output is one fused multiply-add chain.
    static func multiply<T: BLASFloat>(_ plan: Plan, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                       packedB: PackedColumns? = nil) {
        let (m, n, k) = (plan.m, plan.n, plan.k)
        if T.self == Float.self, PackedGEMM.isEnabled {
            let a = UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), b = UnsafeRawPointer(b).assumingMemoryBound(to: Float.self)
            let y = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
            if let packedB, plan.bBatchShape.isEmpty, packedB.rows == k, packedB.columns == n,
               plan.aBatchShape.count == plan.batchShape.count {
                PackedMatrix(a, rows: plan.batch * m, columns: k, rowStride: k).multiply(packedB, c: y, ldc: n, bias: nil)
                return
            }
            if plan.bBatchShape.reduce(1, *) == 1 && plan.aBatchShape.count == plan.batchShape.count {
                PackedMatrix(a, rows: plan.batch * m, columns: k, rowStride: k).multiply(b, rowStride: n, n: n, c: y, ldc: n, bias: nil)
                return
            }
            plan.forEachBatch { i, ao, bo in
                PackedMatrix(a + ao, rows: m, columns: k, rowStride: k).multiply(b + bo, rowStride: n, n: n, c: y + i * m * n, ldc: n, bias: nil)
            }
            return
        }
        if plan.bBatchShape.reduce(1, *) == 1 && plan.aBatchShape.count == plan.batchShape.count {
            // Every batch of A against the same B: stack the batches into one [batch·m, k] matrix.
            T.gemm(m: plan.batch * m, n: n, k: k, alpha: 1, a: a, transposeA: false, b: b, transposeB: false, beta: 0, c: y)
            return
        }
        plan.forEachBatch { i, ao, bo in
            T.gemm(m: m, n: n, k: k, alpha: 1, a: a + ao, transposeA: false, b: b + bo, transposeB: false, beta: 0, c: y + i * m * n)
        }
    }
}
