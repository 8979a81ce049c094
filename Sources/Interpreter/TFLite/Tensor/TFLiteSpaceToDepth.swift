import LockstepCore

/// SPACE_TO_DEPTH (versions 1–2), NHWC: the inverse of DEPTH_TO_SPACE,
/// `output[n, h, w, (i·b + j)·C + c] = input[n, h·b + i, w·b + j, c]`. Any element type.
struct TFLiteSpaceToDepth: Kernel {
    static let registration = TFLiteOps.op("SPACE_TO_DEPTH") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let b = try context.attributes.int("block_size", default: 0)
        guard b > 0 else { throw KernelError("block_size must be positive, found \(b)") }
        return TFLiteSpaceToDepth(block: b)
    }

    let block: Int

    func outputShape(_ x: Tensor) throws -> [Int] {
        try TFLiteSupport.requireRank(x, "input", 4)
        guard x.shape[1] % block == 0, x.shape[2] % block == 0 else {
            throw KernelError("height and width of \(x.shape) are not divisible by block_size \(block)")
        }
        return [x.shape[0], x.shape[1] / block, x.shape[2] / block, x.shape[3] * block * block]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let shape = try outputShape(x), b = block
        let view = [x.shape[0], shape[1], b, shape[2], b, x.shape[3]]
        let moved = try DataMovement.transpose(try DataMovement.reshape(x, to: view), perm: [0, 1, 3, 2, 4, 5])
        return [.tensor(try DataMovement.reshape(moved, to: shape))]
    }
}
