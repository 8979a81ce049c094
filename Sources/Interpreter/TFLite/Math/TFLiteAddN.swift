import LockstepCore

/// ADD_N (1): the elementwise sum of its inputs (one shape, one type), added in input order.
struct TFLiteAddN: Kernel {
    static let registration = TFLiteOps.op("ADD_N") { context in
        guard !context.node.inputs.isEmpty else { throw KernelError("expected at least one input") }
        return TFLiteAddN()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        var sum = try Inputs.tensor(inputs, 0)
        for i in 1..<max(1, inputs.count) {
            let t = try Inputs.tensor(inputs, i)
            guard t.shape == sum.shape, t.dtype == sum.dtype else { throw KernelError("input \(i) is \(t.dtype)\(t.shape), input 0 is \(sum.dtype)\(sum.shape)") }
            switch sum.dtype {
            case .float32: sum = try Elementwise.binary(sum, t, as: Float.self, and: Float.self, output: .float32) { $0 + $1 }
            case .float64: sum = try Elementwise.binary(sum, t, as: Double.self, and: Double.self, output: .float64) { $0 + $1 }
            case .int32: sum = try Elementwise.binary(sum, t, as: Int32.self, and: Int32.self, output: .int32) { $0 &+ $1 }
            default: throw KernelError("\(sum.dtype) ADD_N is not implemented", unsupported: true)
            }
        }
        return [.tensor(sum)]
    }
}
