import LockstepCore

/// MaxPool (ONNX opsets 1, 8, 10, 11, 12, 22): windowed maximum over 1-D to 3-D spatial
/// dimensions with `pads`, `strides`, `dilations` (10+), `ceil_mode` (10+), `auto_pad`; float
/// types and (12+) int8/uint8. The optional `Indices` output (8+) holds each maximum's flat index
/// in `X`, its spatial part row-major or, with `storage_order = 1`, column-major. NaN propagates
/// (see `Pooling`).
struct MaxPoolKernel: Kernel {
    static let registration = OpRegistration("MaxPool", versions: 1...Int.max) { context in
        try MaxPoolKernel(attributes: PoolingAttributes(context.attributes),
                          columnMajor: try context.attributes.int("storage_order", default: 0) != 0,
                          wantsIndices: context.node.outputs.count > 1 && !context.node.outputs[1].isEmpty)
    }

    let attributes: PoolingAttributes
    let columnMajor: Bool
    /// The node asks for the `Indices` output.
    let wantsIndices: Bool

    func parameters(_ inputs: [Value?]) throws -> (Tensor, PoolingParameters) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        guard x.dtype.isComputedAsFloat || x.dtype == .int8 || x.dtype == .uint8 else {
            throw KernelError("input 'X' must be a float type, int8 or uint8, found \(x.dtype)")
        }
        return (x, try attributes.parameters(x))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, p) = try parameters(inputs)
        let shape = p.channelsFirstOutputShape
        return [TensorInfo(dtype: x.dtype, shape: shape)] + (wantsIndices ? [TensorInfo(dtype: .int64, shape: shape)] : [])
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, p) = try parameters(inputs)
        let shape = p.channelsFirstOutputShape
        let count = shape.reduce(1, *)
        let indices = wantsIndices ? UnsafeMutablePointer<Int64>.allocate(capacity: max(1, count)) : nil
        defer { indices?.deallocate() }
        let y: Tensor
        let columnMajor = self.columnMajor
        switch x.dtype {
        case .int8:
            y = try NNSupport.read(x, as: Int8.self) { xp in
                try NNSupport.build(.int8, shape, as: Int8.self) { yp in
                    try Pooling.max(p, x: xp, y: yp, lowest: Int8.min, indices: indices, columnMajorIndices: columnMajor)
                }
            }
        case .uint8:
            y = try NNSupport.read(x, as: UInt8.self) { xp in
                try NNSupport.build(.uint8, shape, as: UInt8.self) { yp in
                    try Pooling.max(p, x: xp, y: yp, lowest: UInt8.min, indices: indices, columnMajorIndices: columnMajor)
                }
            }
        default:
            struct Visitor: BLASFloatVisitor {
                let t: [Tensor?], p: PoolingParameters, shape: [Int], indices: UnsafeMutablePointer<Int64>?, columnMajor: Bool
                func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                    [try NNSupport.read(t[0]!, as: T.self) { xp in
                        try NNSupport.build(T.dtype, shape, as: T.self) { yp in
                            try Pooling.max(p, x: xp, y: yp, lowest: -T.greatestFiniteMagnitude, indices: indices, columnMajorIndices: columnMajor)
                        }
                    }]
                }
            }
            let outputs = try NNSupport.compute([x]) { Visitor(t: $0, p: p, shape: shape, indices: indices, columnMajor: columnMajor) }
            guard case .tensor(let t)? = outputs[0] else { throw KernelError("internal error: no output") }
            y = t
        }
        guard let indices else { return [.tensor(y)] }
        let index = try NNSupport.build(.int64, shape, as: Int64.self) { $0.update(from: indices, count: count) }
        return [.tensor(y), .tensor(index)]
    }
}
