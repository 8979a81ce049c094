import LockstepCore

/// REVERSE_V2 (1–2): reverses the input along the axes of the second input. Any element type.
struct TFLiteReverse: Kernel {
    static let registration = TFLiteOps.op("REVERSE_V2") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteReverse()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, a) = try Inputs.two(inputs)
        let axes = Set(try TFLiteSupport.integers(a, "axis").map { try TFLiteSupport.axis($0, rank: x.rank) })
        let strides = DataMovement.strides(x.shape)
        let tables = (0..<x.rank).map { d in
            (0..<x.shape[d]).map { (axes.contains(d) ? x.shape[d] - 1 - $0 : $0) * strides[d] }
        }
        return [.tensor(try DataMovement.gather(x, shape: x.shape, offsets: tables))]
    }
}
