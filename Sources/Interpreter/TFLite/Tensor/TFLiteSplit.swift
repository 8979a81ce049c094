import LockstepCore

/// SPLIT (1–4: inputs `axis`, `value`; `num_splits` equal parts) and SPLIT_V (1–2: inputs
/// `value`, `size_splits`, `axis`; one size may be -1). Any element type.
struct TFLiteSplit: Kernel {
    static func registration(variable: Bool) -> OpRegistration {
        TFLiteOps.op(variable ? "SPLIT_V" : "SPLIT") { context in
            try TFLiteSupport.arity(context, inputs: variable ? 3...3 : 2...2, outputs: 1...Int.max)
            return TFLiteSplit(variable: variable, count: context.node.outputs.count)
        }
    }

    let variable: Bool
    let count: Int

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, variable ? 0 : 1, name: "value")
        let axisValues = try TFLiteSupport.integers(try Inputs.tensor(inputs, variable ? 2 : 0, name: "axis"), "axis")
        guard axisValues.count == 1 else { throw KernelError("axis must hold one value") }
        let a = try TFLiteSupport.axis(axisValues[0], rank: x.rank)
        var sizes: [Int]
        if variable {
            sizes = try TFLiteSupport.integers(try Inputs.tensor(inputs, 1, name: "size_splits"), "size_splits")
            guard sizes.count == count else { throw KernelError("size_splits has \(sizes.count) entries for \(count) outputs") }
            if let i = sizes.firstIndex(of: -1) { sizes[i] = x.shape[a] - sizes.enumerated().filter { $0.offset != i }.reduce(0) { $0 + $1.element } }
        } else {
            guard count > 0, x.shape[a] % count == 0 else { throw KernelError("dimension \(a) of \(x.shape) does not split into \(count) equal parts") }
            sizes = [Int](repeating: x.shape[a] / count, count: count)
        }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == x.shape[a] else {
            throw KernelError("split sizes \(sizes) do not add up to dimension \(a) of \(x.shape)")
        }
        let strides = DataMovement.strides(x.shape)
        var start = 0
        return try sizes.map { size in
            var tables = (0..<x.rank).map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
            tables[a] = (start..<(start + size)).map { $0 * strides[a] }
            var shape = x.shape
            shape[a] = size
            start += size
            return .tensor(try DataMovement.gather(x, shape: shape, offsets: tables))
        }
    }
}
