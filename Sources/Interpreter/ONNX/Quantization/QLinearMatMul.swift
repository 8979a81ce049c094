import LockstepCore

/// QLinearMatMul (opsets 10, 21): numpy `matmul` of quantised int8/uint8 operands.
/// `acc = Σ (a − a_zp)(b − b_zp)` exactly in Int32; then
/// `y = saturate(round_half_even(acc · (a_scale · b_scale / y_scale)) + y_zp)` with the
/// combined scale formed in the scales' type (float32, or float16/bfloat16 rounded after each
/// operation) and the product in float32 (as ONNX Runtime requantises). Scales and zero points
/// are per tensor, per row (A) or per column (B); y's per tensor or broadcastable to the output.
/// float8 operands (opset 21) are not implemented.
struct QLinearMatMulKernel: Kernel {
    static let registration = OpRegistration("QLinearMatMul", versions: 10...Int.max) { _ in QLinearMatMulKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "a"), b = try Inputs.tensor(inputs, 3, name: "b")
        let yZero = try Inputs.tensor(inputs, 7, name: "y_zero_point")
        for (t, name) in [(a, "a"), (b, "b"), (yZero, "y_zero_point")] {
            if t.dtype.isFloatingPoint { throw KernelError("float8 \(name) is not implemented", unsupported: true) }
            try QuantizedMatMul.checkEightBit(t, name)
        }
        let scaleType = try Inputs.tensor(inputs, 1, name: "a_scale").dtype
        for i in [4, 6] where try Inputs.tensor(inputs, i).dtype != scaleType {
            throw KernelError("scales must share one type, found \(scaleType) and \(try Inputs.tensor(inputs, i).dtype)")
        }
        guard scaleType == .float32 || scaleType == .float16 || scaleType == .bfloat16 else {
            throw KernelError("scales must be float32, float16 or bfloat16, found \(scaleType)")
        }
        return [TensorInfo(dtype: yZero.dtype, shape: try IntegerKernels.matMulShape(a.shape, b.shape).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "a"), b = try Inputs.tensor(inputs, 3, name: "b")
        let aScale = try Inputs.tensor(inputs, 1), bScale = try Inputs.tensor(inputs, 4)
        let yScale = try Inputs.tensor(inputs, 6), yZero = try Inputs.tensor(inputs, 7)
        let shape = try IntegerKernels.matMulShape(a.shape, b.shape)
        let av = try QuantizedMatMul.operandA(a, zeroPoint: try Inputs.tensor(inputs, 2, name: "a_zero_point"), shape)
        let bv = try QuantizedMatMul.operandB(b, zeroPoint: try Inputs.tensor(inputs, 5, name: "b_zero_point"), shape)
        let rowScales = try QuantizedMatMul.rowParameter(aScale, batch: shape.aBatchShape, rows: shape.m, what: "a_scale")
        let columnScales = try QuantizedMatMul.columnParameter(bScale, batch: shape.bBatchShape, columns: shape.n, what: "b_scale")
        let outMatrix = shape.batch + [shape.m, shape.n]
        func expand(_ t: Tensor, _ what: String) throws -> [Double] {
            let v = try t.doubleValues()
            if v.count == 1 { return [Double](repeating: v[0], count: outMatrix.reduce(1, *)) }
            let s = t.rank == 1 ? [1, t.shape[0]] : t.shape
            return try QuantizedMatMul.broadcast(v, shape: s, to: outMatrix, what: what)
        }
        let yScales = try expand(yScale, "y_scale"), yZeros = try expand(yZero, "y_zero_point")
        let narrow: DType? = aScale.dtype == .float32 ? nil : aScale.dtype
        let (lo, hi) = QuantizedType.range(yZero.dtype)!
        var acc = [Int32](repeating: 0, count: outMatrix.reduce(1, *))
        acc.withUnsafeMutableBufferPointer { out in
            av.withUnsafeBufferPointer { ap in
                bv.withUnsafeBufferPointer { bp in IntegerKernels.batchedMatMul(shape, a: ap, b: bp, out: out) }
            }
        }
        let (m, n) = (shape.m, shape.n)
        var values = [Int32](repeating: 0, count: acc.count)
        IntegerKernels.forEachBatch(shape) { batch, aBatch, bBatch in
            for i in 0..<m {
                let sa = Float(rowScales[aBatch * m + i])
                for j in 0..<n {
                    let o = (batch * m + i) * n + j
                    var s = sa * Float(columnScales[bBatch * n + j])
                    if let narrow { s = QuantRounding.round(s, to: narrow) }
                    s = s / Float(yScales[o])
                    if let narrow { s = QuantRounding.round(s, to: narrow) }
                    values[o] = Requantize.requantizeFloat(acc[o], scale: s, zeroPoint: Int32(yZeros[o]), min: lo, max: hi)
                }
            }
        }
        return [.tensor(try values.withUnsafeBufferPointer { try QuantizedType.integerTensor(yZero.dtype, shape: shape.output, values: $0) })]
    }
}
