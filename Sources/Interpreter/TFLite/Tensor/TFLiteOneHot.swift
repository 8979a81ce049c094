import LockstepCore

/// ONE_HOT (1): `indices` (int32/int64), `depth`, `on_value`, `off_value` (one type) → a new
/// dimension of size `depth` at `axis` (-1: last) holding `on_value` where the index matches and
/// `off_value` elsewhere (indices out of range give a row of `off_value`).
struct TFLiteOneHot: Kernel {
    static let registration = TFLiteOps.op("ONE_HOT") { context in
        try TFLiteSupport.arity(context, inputs: 4...4)
        return TFLiteOneHot(axis: try context.attributes.int("axis", default: -1))
    }

    let axis: Int

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let indices = try TFLiteSupport.integers(try Inputs.tensor(inputs, 0, name: "indices"), "indices")
        let shapeIn = try Inputs.tensor(inputs, 0).shape
        let depths = try TFLiteSupport.integers(try Inputs.tensor(inputs, 1, name: "depth"), "depth")
        let on = try Inputs.tensor(inputs, 2, name: "on_value"), off = try Inputs.tensor(inputs, 3, name: "off_value")
        guard depths.count == 1, depths[0] >= 0 else { throw KernelError("depth must be one non-negative value") }
        guard on.count == 1, off.count == 1, on.dtype == off.dtype, let width = on.dtype.byteWidth else {
            throw KernelError("on_value and off_value must be single values of one type")
        }
        let depth = depths[0]
        let a = axis == -1 ? shapeIn.count : axis
        guard a >= 0, a <= shapeIn.count else { throw KernelError("axis \(axis) is out of range for rank \(shapeIn.count + 1)") }
        var shape = shapeIn
        shape.insert(depth, at: a)
        let count = try DataMovement.checkedCount(shape)
        let outer = shapeIn[..<a].reduce(1, *), inner = shapeIn[a...].reduce(1, *)
        let onBytes = Array(on.storage.bytes), offBytes = Array(off.storage.bytes)
        let storage = TensorStorage(byteCount: count * width) { out in
            guard let dst = out.baseAddress else { return }
            for o in 0..<outer {
                for d in 0..<depth {
                    for i in 0..<inner {
                        let hit = indices[o * inner + i] == d
                        let at = ((o * depth + d) * inner + i) * width
                        (hit ? onBytes : offBytes).withUnsafeBytes { (dst + at).copyMemory(from: $0.baseAddress!, byteCount: width) }
                    }
                }
            }
        }
        return [.tensor(try Tensor(dtype: on.dtype, shape: shape, storage: storage))]
    }
}
