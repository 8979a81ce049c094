import LockstepCore

/// Split (opsets 1–18+): splits the input along `axis` (default 0, negative from 11) into one
/// tensor per node output. Part sizes come from the `split` input (opsets 1 and 13+) or attribute
/// (1–12); without them the axis is divided equally: it must divide evenly before opset 18, while
/// from 18 `num_outputs` may leave a smaller last part (ceil(len / n) per part).
struct SplitKernel: Kernel {
    let axis: Int
    let attributeSplit: [Int]?
    let splitFromInput: Bool
    let numOutputs: Int?
    let outputCount: Int
    let opset: Int

    static let registration = OpRegistration("Split", versions: 1...Int.max) { context in
        let attributes = context.attributes
        let numOutputs = try attributes.int("num_outputs")
        if let numOutputs, numOutputs < 1 { throw KernelError("attribute 'num_outputs' must be at least 1, found \(numOutputs)") }
        if let numOutputs, numOutputs != context.node.outputs.count {
            throw KernelError("attribute 'num_outputs' is \(numOutputs), the node has \(context.node.outputs.count) outputs")
        }
        return SplitKernel(axis: try attributes.int("axis", default: 0),
                           attributeSplit: context.opset < 13 ? try attributes.ints("split") : nil,
                           splitFromInput: context.opset == 1 || context.opset >= 13,
                           numOutputs: numOutputs, outputCount: context.node.outputs.count, opset: context.opset)
    }

    func plan(_ inputs: [Value?]) throws -> (x: Tensor, axis: Int, sizes: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        let a = try AxisInput.normalize(axis, rank: x.rank)
        let length = x.shape[a]
        var sizes = attributeSplit
        if splitFromInput, let split = try Inputs.optionalTensor(inputs, 1) {
            if let numOutputs { throw KernelError("input 'split' and attribute 'num_outputs' (\(numOutputs)) cannot both be given") }
            sizes = try AxisInput.integers(split, name: "split")
        }
        if let sizes {
            guard sizes.count == outputCount else { throw KernelError("split \(sizes) has \(sizes.count) parts, the node has \(outputCount) outputs") }
            guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == length else {
                throw KernelError("split \(sizes) does not add up to the length \(length) of axis \(a)")
            }
            return (x, a, sizes)
        }
        let n = numOutputs ?? outputCount
        guard n > 0 else { throw KernelError("the node has no outputs") }
        if length % n == 0 { return (x, a, [Int](repeating: length / n, count: n)) }
        guard opset >= 18, numOutputs != nil else {
            throw KernelError("axis \(a) of length \(length) cannot be split into \(n) equal parts")
        }
        let part = (length + n - 1) / n
        let full = length / part
        var result = [Int](repeating: part, count: full)
        if full < n { result.append(length - part * full) }
        while result.count < n { result.append(0) }
        guard result.count == n else { throw KernelError("axis \(a) of length \(length) cannot be split into \(n) parts") }
        return (x, a, result)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return p.sizes.map { size in
            var shape = p.x.shape
            shape[p.axis] = size
            return TensorInfo(dtype: p.x.dtype, shape: shape)
        }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let strides = DataMovement.strides(p.x.shape)
        var start = 0
        return try p.sizes.map { size in
            var shape = p.x.shape
            shape[p.axis] = size
            var tables = p.x.shape.indices.map { DataMovement.identityTable(p.x.shape[$0], stride: strides[$0]) }
            tables[p.axis] = (start..<(start + size)).map { $0 * strides[p.axis] }
            start += size
            return .tensor(try DataMovement.gather(p.x, shape: shape, offsets: tables))
        }
    }
}
