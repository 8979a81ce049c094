import LockstepCore

/// EyeLike (opsets 9–22+): a 2-D tensor shaped like the input with ones on diagonal `k` (default 0;
/// positive above the main diagonal) and zeros elsewhere, of type `dtype` (default: the input's).
struct EyeLikeKernel: Kernel {
    let dtype: DType?
    let k: Int

    static let registration = OpRegistration("EyeLike", versions: 9...Int.max) { context in
        let a = context.attributes
        var dtype: DType?
        if let code = try a.int("dtype") {
            guard let t = DType(onnxCode: Int32(truncatingIfNeeded: code)) else { throw KernelError("attribute 'dtype' is not a known element type: \(code)") }
            dtype = t
        }
        return EyeLikeKernel(dtype: dtype, k: try a.int("k", default: 0))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        guard x.rank == 2 else { throw KernelError("input must be 2-D, found shape \(x.shape)") }
        return [TensorInfo(dtype: dtype ?? x.dtype, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        guard x.rank == 2 else { throw KernelError("input must be 2-D, found shape \(x.shape)") }
        let target = dtype ?? x.dtype
        guard target != .string else { throw KernelError("EyeLike is not defined for string") }
        let one = try TypeConversion.convert(try Tensor(dtype: .int64, shape: [1], values: [Int64(1)]), to: target)
        let rows = x.shape[0], cols = x.shape[1]
        var table = [Int](repeating: DataMovement.outside, count: rows * cols)
        for i in 0..<rows where i + k >= 0 && i + k < cols { table[i * cols + i + k] = 0 }
        let flat = try DataMovement.gather(one, shape: [rows * cols], offsets: [table])
        return [.tensor(try DataMovement.reshape(flat, to: x.shape))]
    }
}
