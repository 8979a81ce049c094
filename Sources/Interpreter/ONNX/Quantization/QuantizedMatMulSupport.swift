import LockstepCore

/// Operand preparation shared by MatMulInteger and QLinearMatMul: per-tensor, per-row (A) and
/// per-column (B) parameters broadcast to the operands' matrices.
enum QuantizedMatMul {
    /// `values` of `shape` broadcast to `target` (row-major), or a `KernelError` when they do not broadcast.
    static func broadcast(_ values: [Double], shape: [Int], to target: [Int], what: String) throws -> [Double] {
        let result = try? Broadcast.shape([shape, target])
        guard result == target else { throw KernelError("\(what) of shape \(shape) does not broadcast to \(target)") }
        if shape == target { return values }
        var out = [Double](repeating: 0, count: target.reduce(1, *))
        out.withUnsafeMutableBufferPointer { o in
            Broadcast.forEach(target, inputs: [shape]) { i, off in o[i] = values[off[0]] }
        }
        return out
    }

    /// A row parameter of operand A (`[batch…, M, K]`): a scalar, an M-vector, or a tensor
    /// broadcastable to `[batch…, M, 1]`. Returns one value per (batch, row).
    static func rowParameter(_ p: Tensor, batch: [Int], rows: Int, what: String) throws -> [Double] {
        let values = try p.doubleValues()
        let target = batch + [rows, 1]
        if values.count == 1 { return [Double](repeating: values[0], count: target.reduce(1, *)) }
        let shape = p.rank == 1 ? [p.shape[0], 1] : p.shape
        return try broadcast(values, shape: shape, to: target, what: what)
    }

    /// A column parameter of operand B (`[batch…, K, N]`): a scalar, an N-vector, or a tensor
    /// broadcastable to `[batch…, 1, N]`. Returns one value per (batch, column).
    static func columnParameter(_ p: Tensor, batch: [Int], columns: Int, what: String) throws -> [Double] {
        let values = try p.doubleValues()
        let target = batch + [1, columns]
        if values.count == 1 { return [Double](repeating: values[0], count: target.reduce(1, *)) }
        let shape = p.rank == 1 ? [1, p.shape[0]] : p.shape
        return try broadcast(values, shape: shape, to: target, what: what)
    }

    /// Operand A widened to Int32 minus its (row) zero point.
    static func operandA(_ a: Tensor, zeroPoint: Tensor?, _ shape: IntegerKernels.MatMulShape) throws -> [Int32] {
        guard let zeroPoint else { return try a.int32Values() }
        guard zeroPoint.dtype == a.dtype else { throw KernelError("a_zero_point type \(zeroPoint.dtype) differs from A's \(a.dtype)") }
        let zps = try rowParameter(zeroPoint, batch: shape.aBatchShape, rows: shape.m, what: "a_zero_point").map { Int32($0) }
        let k = shape.k
        return try a.int32Values { i in zps[i / max(k, 1)] }
    }

    /// Operand B widened to Int32 minus its (column) zero point.
    static func operandB(_ b: Tensor, zeroPoint: Tensor?, _ shape: IntegerKernels.MatMulShape) throws -> [Int32] {
        guard let zeroPoint else { return try b.int32Values() }
        guard zeroPoint.dtype == b.dtype else { throw KernelError("b_zero_point type \(zeroPoint.dtype) differs from B's \(b.dtype)") }
        let zps = try columnParameter(zeroPoint, batch: shape.bBatchShape, columns: shape.n, what: "b_zero_point").map { Int32($0) }
        let (k, n) = (shape.k, shape.n)
        return try b.int32Values { i in
            let batch = i / max(k * n, 1)
            return zps[batch * n + i % max(n, 1)]
        }
    }

    /// Checks that a and b are int8/uint8 (the ONNX integer matmul/conv operand types).
    static func checkEightBit(_ t: Tensor, _ name: String) throws {
        guard t.dtype == .int8 || t.dtype == .uint8 else { throw KernelError("\(name) must be int8 or uint8, found \(t.dtype)") }
    }
}
