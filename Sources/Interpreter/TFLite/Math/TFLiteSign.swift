import LockstepCore

/// SIGN (1–2): `(0 < x) - (x < 0)` — 1, 0 or −1 (0 for NaN), float32 and int32.
struct TFLiteSign: Kernel {
    static let registration = TFLiteOps.op("SIGN") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteSign()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        switch x.dtype {
        case .float32: return [.tensor(try Elementwise.map(x, as: Float.self, output: .float32) { Float((0 < $0 ? 1 : 0) - ($0 < 0 ? 1 : 0)) })]
        case .float64: return [.tensor(try Elementwise.map(x, as: Double.self, output: .float64) { Double((0 < $0 ? 1 : 0) - ($0 < 0 ? 1 : 0)) })]
        case .int32: return [.tensor(try Elementwise.map(x, as: Int32.self, output: .int32) { Int32((0 < $0 ? 1 : 0) - ($0 < 0 ? 1 : 0)) })]
        default: throw KernelError("\(x.dtype) SIGN is not implemented", unsupported: true)
        }
    }
}
