import LockstepCore

/// RESHAPE (version 1): the same elements under a new shape taken from the optional `shape`
/// input (1-D int32), else the `new_shape` option, else the declared output shape; one entry may
/// be -1 (inferred). Any element type; no copy.
struct TFLiteReshape: Kernel {
    static let registration = TFLiteOps.op("RESHAPE") { context in
        try TFLiteSupport.arity(context, inputs: 1...2)
        var declared: [Int]?
        if case .tensor(_, let shape?)? = context.valueInfo(context.node.outputs[0])?.type { declared = shape.fixedDimensions }
        return TFLiteReshape(newShape: try context.attributes.ints("new_shape"), declared: declared)
    }

    let newShape: [Int]?
    let declared: [Int]?

    func outputShape(_ inputs: [Value?]) throws -> [Int] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        var target: [Int]
        if let s = try Inputs.optionalTensor(inputs, 1), s.rank == 1 {
            target = try TFLiteSupport.integers(s, "shape")
        } else if let newShape, !newShape.isEmpty || x.count == 1 {
            target = newShape
        } else if let declared {
            target = declared
        } else {
            throw KernelError("no target shape: no shape input, no new_shape option and no fixed declared output shape")
        }
        let unknown = target.indices.filter { target[$0] == -1 }
        guard unknown.count <= 1, target.allSatisfy({ $0 >= -1 }) else { throw KernelError("invalid target shape \(target)") }
        if let i = unknown.first {
            let known = target.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            guard known > 0, x.count % known == 0 else { throw KernelError("cannot reshape \(x.shape) to \(target)") }
            target[i] = x.count / known
        }
        guard target.reduce(1, *) == x.count else { throw KernelError("cannot reshape \(x.shape) (\(x.count) elements) to \(target)") }
        return target
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: try Inputs.tensor(inputs, 0).dtype, shape: try outputShape(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try DataMovement.reshape(try Inputs.tensor(inputs, 0), to: try outputShape(inputs)))]
    }
}
