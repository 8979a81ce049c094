import LockstepCore

/// SELECT (1–2) and SELECT_V2 (1): `condition ? x : y` elementwise (bool condition), with numpy
/// broadcasting of all three (SELECT_V2; SELECT's same-shape and rank-1 condition cases are
/// covered by it). Any element type of at most 8 bytes.
struct TFLiteSelect: Kernel {
    static func registration(v2: Bool) -> OpRegistration {
        TFLiteOps.op(v2 ? "SELECT_V2" : "SELECT") { context in
            try TFLiteSupport.arity(context, inputs: 3...3)
            return TFLiteSelect()
        }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let c = try Inputs.tensor(inputs, 0, name: "condition"), x = try Inputs.tensor(inputs, 1), y = try Inputs.tensor(inputs, 2)
        guard c.dtype == .bool else { throw KernelError("condition must be bool, found \(c.dtype)") }
        try TFLiteSupport.requireType(y, "y", x.dtype)
        var cond = c
        // SELECT with a rank-1 condition picks whole rows of x / y.
        if c.rank == 1, x.rank > 1, c.shape[0] == x.shape[0] { cond = try DataMovement.reshape(c, to: [c.shape[0]] + [Int](repeating: 1, count: x.rank - 1)) }
        func run<T: BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try Elementwise.ternary(cond, x, y, as: UInt8.self, T.self, T.self, output: x.dtype) { $0 != 0 ? $1 : $2 }
        }
        switch x.dtype.byteWidth {
        case 1: return [.tensor(try run(UInt8.self))]
        case 2: return [.tensor(try run(UInt16.self))]
        case 4: return [.tensor(try run(UInt32.self))]
        case 8: return [.tensor(try run(UInt64.self))]
        default: throw KernelError("\(x.dtype) SELECT is not implemented", unsupported: true)
        }
    }
}
