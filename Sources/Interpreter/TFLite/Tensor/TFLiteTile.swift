import LockstepCore

/// TILE (1–2): repeats the input `multiples[d]` times along each dimension. Any element type.
struct TFLiteTile: Kernel {
    static let registration = TFLiteOps.op("TILE") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteTile()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, m) = try Inputs.two(inputs)
        let multiples = try TFLiteSupport.integers(m, "multiples")
        guard multiples.count == x.rank, multiples.allSatisfy({ $0 >= 0 }) else { throw KernelError("multiples \(multiples) do not fit shape \(x.shape)") }
        let shape = zip(x.shape, multiples).map { $0 * $1 }
        try DataMovement.checkedCount(shape)
        let strides = DataMovement.strides(x.shape)
        let tables = (0..<x.rank).map { d in (0..<shape[d]).map { ($0 % max(1, x.shape[d])) * strides[d] } }
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: tables))]
    }
}
