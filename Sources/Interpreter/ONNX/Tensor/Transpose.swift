import LockstepCore

/// Transpose (opsets 1–25+): permutes the axes; output axis k is input axis `perm[k]` (default:
/// the axes reversed). Works for every element type.
struct TransposeKernel: Kernel {
    let perm: [Int]?

    static let registration = OpRegistration("Transpose", versions: 1...Int.max) { context in
        TransposeKernel(perm: try context.attributes.ints("perm"))
    }

    func permutation(_ x: Tensor) throws -> [Int] {
        guard let perm else { return Array((0..<x.rank).reversed()) }
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("perm \(perm) is not a permutation of the \(x.rank) axes of shape \(x.shape)")
        }
        return perm
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try permutation(x).map { x.shape[$0] })]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        return [.tensor(try DataMovement.transpose(x, perm: try permutation(x)))]
    }
}
