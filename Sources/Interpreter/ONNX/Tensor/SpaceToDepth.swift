import LockstepCore

/// SpaceToDepth (opsets 1–28+): moves spatial blocks of `blocksize` into depth on a 4-D NCHW
/// input (the inverse of DepthToSpace). `mode` (28+, default "DCR"): DCR writes depth as (row,
/// column, channel), CRD as (channel, row, column). Every element type.
struct SpaceToDepthKernel: Kernel {
    let blocksize: Int
    let crd: Bool

    static let registration = OpRegistration("SpaceToDepth", versions: 1...Int.max) { context in
        let a = context.attributes
        guard let blocksize = try a.int("blocksize"), blocksize > 0 else { throw KernelError("attribute 'blocksize' must be a positive integer") }
        let mode = try a.string("mode", default: "DCR")
        guard mode == "DCR" || mode == "CRD" else { throw KernelError("attribute 'mode' must be \"DCR\" or \"CRD\", found \"\(mode)\"") }
        return SpaceToDepthKernel(blocksize: blocksize, crd: mode == "CRD")
    }

    func outputShape(_ x: Tensor) throws -> [Int] {
        guard x.rank == 4 else { throw KernelError("input must be 4-D (N, C, H, W), found shape \(x.shape)") }
        let b = blocksize
        guard x.shape[2] % b == 0, x.shape[3] % b == 0 else {
            throw KernelError("height \(x.shape[2]) and width \(x.shape[3]) must be divisible by blocksize \(b)")
        }
        return [x.shape[0], x.shape[1] * b * b, x.shape[2] / b, x.shape[3] / b]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let shape = try outputShape(x)
        let b = blocksize
        let view = [x.shape[0], x.shape[1], shape[2], b, shape[3], b]
        let perm = crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4]
        let moved = try DataMovement.transpose(try DataMovement.reshape(x, to: view), perm: perm)
        return [.tensor(try DataMovement.reshape(moved, to: shape))]
    }
}
