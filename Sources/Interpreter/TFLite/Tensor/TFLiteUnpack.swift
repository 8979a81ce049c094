import LockstepCore

/// UNPACK (1–4): splits the input along `axis` into `num` tensors without that dimension.
/// Any element type.
struct TFLiteUnpack: Kernel {
    static let registration = TFLiteOps.op("UNPACK") { context in
        try TFLiteSupport.arity(context, inputs: 1...1, outputs: 1...Int.max)
        return TFLiteUnpack(axis: try context.attributes.int("axis", default: 0), count: context.node.outputs.count)
    }

    let axis: Int
    let count: Int

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let a = try TFLiteSupport.axis(axis, rank: x.rank)
        guard x.shape[a] == count else { throw KernelError("dimension \(a) of \(x.shape) is not the \(count) outputs") }
        let strides = DataMovement.strides(x.shape)
        var rest = x.shape
        rest.remove(at: a)
        return try (0..<count).map { i in
            var tables = (0..<x.rank).map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
            tables[a] = [i * strides[a]]
            var one = x.shape
            one[a] = 1
            return .tensor(try DataMovement.reshape(try DataMovement.gather(x, shape: one, offsets: tables), to: rest))
        }
    }
}
