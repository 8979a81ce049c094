import LockstepCore

/// TRANSPOSE (versions 1–7): output dimension k is input dimension `perm[k]` (int32/int64
/// permutation input). Any element type.
struct TFLiteTranspose: Kernel {
    static let registration = TFLiteOps.op("TRANSPOSE") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteTranspose()
    }

    func permutation(_ inputs: [Value?]) throws -> (Tensor, [Int]) {
        let (x, p) = try Inputs.two(inputs)
        let perm = try TFLiteSupport.integers(p, "perm").map { $0 < 0 ? $0 + x.rank : $0 }
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("perm \(perm) is not a permutation of the \(x.rank) dimensions of \(x.shape)")
        }
        return (x, perm)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, perm) = try permutation(inputs)
        return [TensorInfo(dtype: x.dtype, shape: perm.map { x.shape[$0] })]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, perm) = try permutation(inputs)
        return [.tensor(try DataMovement.transpose(x, perm: perm))]
    }
}
