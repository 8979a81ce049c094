import LockstepCore

/// BROADCAST_TO (2–3): the input broadcast (numpy rules) to the shape of the second input.
struct TFLiteBroadcastTo: Kernel {
    static let registration = TFLiteOps.op("BROADCAST_TO") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteBroadcastTo()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, s) = try Inputs.two(inputs)
        let shape = try TFLiteSupport.integers(s, "shape")
        guard try Broadcast.shape([x.shape, shape]) == shape else { throw KernelError("\(x.shape) cannot be broadcast to \(shape)") }
        try DataMovement.checkedCount(shape)
        let strides = Broadcast.strides(of: x.shape, in: shape)
        let tables = (0..<shape.count).map { d in (0..<shape[d]).map { $0 * strides[d] } }
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: tables))]
    }
}
