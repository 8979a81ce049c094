import LockstepCore

/// Helpers shared by If, Loop and Scan: reading scalar controls, slicing scan inputs and
/// stacking per-iteration outputs.
enum ControlFlowSupport {
    /// A bool scalar (or one-element) tensor's value.
    static func bool(_ t: Tensor, name: String) throws -> Bool {
        guard t.count == 1 else { throw KernelError("\(name) must hold a single element, found shape \(t.shape)") }
        switch t.dtype {
        case .bool, .uint8: return try t.scalars(as: UInt8.self)[0] != 0
        default: throw KernelError("\(name) must be bool, found \(t.dtype)")
        }
    }

    /// An int64 (or int32) scalar tensor's value.
    static func integer(_ t: Tensor, name: String) throws -> Int64 {
        guard t.count == 1 else { throw KernelError("\(name) must hold a single element, found shape \(t.shape)") }
        switch t.dtype {
        case .int64: return try t.scalars(as: Int64.self)[0]
        case .int32: return Int64(try t.scalars(as: Int32.self)[0])
        default: throw KernelError("\(name) must be int64, found \(t.dtype)")
        }
    }

    static func boolScalar(_ v: Bool) throws -> Tensor { try Tensor(dtype: .bool, shape: [], values: [UInt8(v ? 1 : 0)]) }
    static func int64Scalar(_ v: Int64) throws -> Tensor { try Tensor(dtype: .int64, shape: [], values: [v]) }

    /// `t` split into its slices along `axis`, each without that axis.
    static func slices(_ t: Tensor, axis: Int) throws -> [Tensor] {
        var shape = t.shape
        shape.remove(at: axis)
        let parts = try SequenceSupport.split(t, axis: axis, lengths: [Int](repeating: 1, count: t.shape[axis]))
        return try parts.map { try SequenceSupport.reshaped($0, shape) }
    }

    /// Per-iteration tensors (one shape and type) stacked along a new `axis`
    /// (in `[-(r+1), r]` for element rank r). `empty` describes the result when there are none.
    static func stack(_ tensors: [Tensor], axis: Int, empty: (DType, [Int])) throws -> Tensor {
        guard let first = tensors.first else {
            let (dtype, elementShape) = empty
            var shape = elementShape
            let a = try SequenceSupport.axis(axis, rank: elementShape.count, extra: true)
            shape.insert(0, at: a)
            if dtype == .string { return try Tensor(strings: [], shape: shape) }
            return try Tensor(dtype: dtype, shape: shape, storage: TensorStorage(copying: UnsafeRawBufferPointer(start: nil, count: 0)))
        }
        let a = try SequenceSupport.axis(axis, rank: first.rank, extra: true)
        for t in tensors where t.shape != first.shape || t.dtype != first.dtype {
            throw KernelError("per-iteration outputs change from \(first.dtype)\(first.shape) to \(t.dtype)\(t.shape)")
        }
        var shape = first.shape
        shape.insert(1, at: a)
        return try SequenceSupport.concat(try tensors.map { try SequenceSupport.reshaped($0, shape) }, axis: a)
    }

    /// Element type and fixed shape a graph output declares (for empty scan outputs); unknown
    /// dimensions become 0, an unknown type float32.
    static func declared(_ info: ValueInfo) -> (DType, [Int]) {
        guard case .tensor(let type, let shape) = info.type else { return (.float32, []) }
        return (type ?? .float32, shape?.dimensions.map { $0.fixedValue ?? 0 } ?? [])
    }
}

extension ControlFlowSupport {
    /// A zero-filled tensor (empty strings for string tensors).
    static func zeros(_ dtype: DType, shape: [Int]) throws -> Tensor {
        if dtype == .string { return try Tensor(strings: [[UInt8]](repeating: [], count: shape.reduce(1, *)), shape: shape) }
        guard let bytes = dtype.storageBytes(count: shape.reduce(1, *)) else { throw KernelError("shape \(shape) is too large") }
        return try Tensor(dtype: dtype, shape: shape, storage: TensorStorage(byteCount: bytes) { _ in })
    }
}
