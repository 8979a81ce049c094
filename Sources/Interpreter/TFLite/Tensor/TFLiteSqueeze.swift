import LockstepCore

/// SQUEEZE (version 1): drops the size-1 dimensions listed in `squeeze_dims` (negative from the
/// end), or every size-1 dimension when the list is empty. Any element type; no copy.
struct TFLiteSqueeze: Kernel {
    static let registration = TFLiteOps.op("SQUEEZE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteSqueeze(dims: try context.attributes.ints("squeeze_dims") ?? [])
    }

    let dims: [Int]

    func outputShape(_ x: Tensor) throws -> [Int] {
        if dims.isEmpty { return x.shape.filter { $0 != 1 } }
        let axes = Set(try dims.map { try TFLiteSupport.axis($0, rank: x.rank, name: "squeeze_dims entry") })
        for a in axes where x.shape[a] != 1 { throw KernelError("cannot squeeze dimension \(a) of size \(x.shape[a]) in \(x.shape)") }
        return x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        return [.tensor(try DataMovement.reshape(x, to: try outputShape(x)))]
    }
}
