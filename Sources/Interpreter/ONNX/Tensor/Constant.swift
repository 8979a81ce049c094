import LockstepCore

/// Constant (opsets 1–25+): outputs the tensor given by exactly one attribute: `value` (1+),
/// `sparse_value` (11+, densified: indices are either [NNZ] flat positions or [NNZ, rank]
/// coordinates), `value_float`/`value_floats` (12+, float32 scalar / 1-D), `value_int`/`value_ints`
/// (int64 scalar / 1-D) and `value_string`/`value_strings`. The tensor is built once, when the
/// graph is compiled (copied once into aligned memory when the attribute views a misaligned
/// file offset, so kernels never copy it per run).
struct ConstantKernel: Kernel {
    let value: Tensor

    /// Folded at compile time: its value is a constant of the graph, not a step of every run.
    static let registration: OpRegistration = {
        var r = OpRegistration("Constant", versions: 1...Int.max) { context in
            ConstantKernel(value: try ConstantKernel.tensor(context.node).aligned())
        }
        r.foldsConstants = true
        return r
    }()

    static func tensor(_ node: Node) throws -> Tensor {
        let present = node.attributes.filter { $0.name.hasPrefix("value") || $0.name == "sparse_value" }
        guard present.count == 1, let attribute = present.first else {
            throw KernelError(present.isEmpty ? "one of the attributes value, sparse_value, value_* is required"
                                              : "exactly one value attribute is allowed, found \(present.map(\.name).joined(separator: ", "))")
        }
        switch (attribute.name, attribute.value) {
        case ("value", .tensor(let t)): return t
        case ("sparse_value", .sparseTensor(let s)): return try densify(s)
        case ("value_float", .float(let f)): return try Tensor(float32: [f], shape: [])
        case ("value_floats", .floats(let fs)): return try Tensor(float32: fs, shape: [fs.count])
        case ("value_int", .int(let i)): return try Tensor(dtype: .int64, shape: [], values: [i])
        case ("value_ints", .ints(let v)): return try Tensor(dtype: .int64, shape: [v.count], values: v)
        case ("value_string", .string(let s)): return try Tensor(strings: [s], shape: [])
        case ("value_strings", .strings(let v)): return try Tensor(strings: v, shape: [v.count])
        default:
            throw KernelError("attribute '\(attribute.name)' is not a Constant value attribute of kind \(attribute.value.kindName)")
        }
    }

    /// Scatters a sparse tensor's values into a zero (empty-string) tensor of its dense shape.
    static func densify(_ sparse: SparseTensor) throws -> Tensor {
        let shape = sparse.denseShape
        guard let count = Shape.elementCount(shape) else { throw KernelError("sparse_value has an invalid dense shape \(shape)") }
        let values = sparse.values
        let nnz = values.count
        let raw = try AxisInput.integers(sparse.indices, name: "sparse_value indices")
        var positions = [Int](repeating: 0, count: nnz)
        if sparse.indices.rank == 1 {
            guard raw.count == nnz else { throw KernelError("sparse_value has \(nnz) values but \(raw.count) indices") }
            positions = raw
        } else if sparse.indices.rank == 2, sparse.indices.shape == [nnz, shape.count] {
            let strides = DataMovement.strides(shape)
            for i in 0..<nnz {
                var p = 0
                for k in 0..<shape.count {
                    let c = raw[i * shape.count + k]
                    guard c >= 0 && c < shape[k] else { throw KernelError("sparse_value index \(c) is out of range for dimension \(shape[k])") }
                    p += c * strides[k]
                }
                positions[i] = p
            }
        } else {
            throw KernelError("sparse_value indices must be [NNZ] or [NNZ, \(shape.count)], found \(sparse.indices.shape)")
        }
        var table = [Int](repeating: DataMovement.outside, count: count)
        for (i, p) in positions.enumerated() {
            guard p >= 0 && p < count else { throw KernelError("sparse_value index \(p) is out of range for \(count) elements") }
            table[p] = i
        }
        return try DataMovement.reshape(try DataMovement.gather(try DataMovement.reshape(values, to: [nnz]), shape: [count], offsets: [table]), to: shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] { [TensorInfo(value)] }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] { [.tensor(value)] }
}
