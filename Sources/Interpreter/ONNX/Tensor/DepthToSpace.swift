import LockstepCore

/// DepthToSpace (opsets 1–28+): moves depth into spatial blocks of `blocksize` on a 4-D NCHW input.
/// `mode` (11+, default "DCR"): DCR reads depth as (row, column, channel), CRD as (channel, row,
/// column). A reshape, a transpose and a reshape, done as one gather; every element type.
struct DepthToSpaceKernel: Kernel {
    let blocksize: Int
    let crd: Bool

    static let registration = OpRegistration("DepthToSpace", versions: 1...Int.max) { context in
        let a = context.attributes
        guard let blocksize = try a.int("blocksize"), blocksize > 0 else { throw KernelError("attribute 'blocksize' must be a positive integer") }
        let mode = try a.string("mode", default: "DCR")
        guard mode == "DCR" || mode == "CRD" else { throw KernelError("attribute 'mode' must be \"DCR\" or \"CRD\", found \"\(mode)\"") }
        return DepthToSpaceKernel(blocksize: blocksize, crd: mode == "CRD")
    }

    func outputShape(_ x: Tensor) throws -> [Int] {
        guard x.rank == 4 else { throw KernelError("input must be 4-D (N, C, H, W), found shape \(x.shape)") }
        let b = blocksize
        guard x.shape[1] % (b * b) == 0 else { throw KernelError("channels \(x.shape[1]) are not divisible by blocksize² = \(b * b)") }
        return [x.shape[0], x.shape[1] / (b * b), x.shape[2] * b, x.shape[3] * b]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let shape = try outputShape(x)
        let (n, c, h, w, b) = (x.shape[0], shape[1], x.shape[2], x.shape[3], blocksize)
        let view = crd ? [n, c, b, b, h, w] : [n, b, b, c, h, w]
        let perm = crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2]
        let moved = try DataMovement.transpose(try DataMovement.reshape(x, to: view), perm: perm)
        return [.tensor(try DataMovement.reshape(moved, to: shape))]
    }
}
