import LockstepCore

/// FILL (1–3): a tensor of the shape given by `dims` (int32/int64) holding the scalar `value`;
/// ZEROS_LIKE (1): zeros of the input's shape and type. Any element type of fixed width.
struct TFLiteFill: Kernel {
    static func registration(zerosLike: Bool) -> OpRegistration {
        TFLiteOps.op(zerosLike ? "ZEROS_LIKE" : "FILL") { context in
            try TFLiteSupport.arity(context, inputs: zerosLike ? 1...1 : 2...2)
            return TFLiteFill(zerosLike: zerosLike)
        }
    }

    let zerosLike: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        if zerosLike {
            let x = try Inputs.one(inputs)
            guard let bytes = x.dtype.storageBytes(count: x.count), x.dtype != .string else { throw KernelError("\(x.dtype) is not supported") }
            return [.tensor(try Tensor(dtype: x.dtype, shape: x.shape, storage: TensorStorage(byteCount: bytes) { _ in }))]
        }
        let (d, v) = try Inputs.two(inputs)
        let shape = try TFLiteSupport.integers(d, "dims")
        guard shape.allSatisfy({ $0 >= 0 }), v.count == 1, let width = v.dtype.byteWidth else {
            throw KernelError("FILL needs non-negative dims and one value, found \(shape) and \(v.shape)")
        }
        let count = try DataMovement.checkedCount(shape)
        let value = Array(v.storage.bytes)
        let storage = TensorStorage(byteCount: count * width) { out in
            guard let dst = out.baseAddress else { return }
            value.withUnsafeBytes { src in for i in 0..<count { (dst + i * width).copyMemory(from: src.baseAddress!, byteCount: width) } }
        }
        return [.tensor(try Tensor(dtype: v.dtype, shape: shape, storage: storage))]
    }
}
