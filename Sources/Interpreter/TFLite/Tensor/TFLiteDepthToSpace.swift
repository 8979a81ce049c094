import LockstepCore

/// DEPTH_TO_SPACE (version 1), NHWC: `output[n, h·b + i, w·b + j, c] = input[n, h, w, (i·b + j)·C' + c]`
/// with `b = block_size`, `C' = C / b²`. Any element type.
struct TFLiteDepthToSpace: Kernel {
    static let registration = TFLiteOps.op("DEPTH_TO_SPACE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let b = try context.attributes.int("block_size", default: 0)
        guard b > 0 else { throw KernelError("block_size must be positive, found \(b)") }
        return TFLiteDepthToSpace(block: b)
    }

    let block: Int

    func outputShape(_ x: Tensor) throws -> [Int] {
        try TFLiteSupport.requireRank(x, "input", 4)
        guard x.shape[3] % (block * block) == 0 else { throw KernelError("depth \(x.shape[3]) is not divisible by block_size² = \(block * block)") }
        return [x.shape[0], x.shape[1] * block, x.shape[2] * block, x.shape[3] / (block * block)]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let shape = try outputShape(x), b = block
        let view = [x.shape[0], x.shape[1], x.shape[2], b, b, shape[3]]
        let moved = try DataMovement.transpose(try DataMovement.reshape(x, to: view), perm: [0, 1, 3, 2, 4, 5])
        return [.tensor(try DataMovement.reshape(moved, to: shape))]
    }
}
