import LockstepCore

/// LOGICAL_AND, LOGICAL_OR (numpy broadcasting) and LOGICAL_NOT (version 1) on bool tensors.
struct TFLiteLogical: Kernel {
    enum Operation: String, Sendable { case and = "LOGICAL_AND", or = "LOGICAL_OR", not = "LOGICAL_NOT" }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: operation == .not ? 1...1 : 2...2)
            return TFLiteLogical(operation: operation)
        }
    }

    let operation: Operation

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0)
        guard a.dtype == .bool else { throw KernelError("input must be bool, found \(a.dtype)") }
        if operation == .not {
            return [.tensor(try Elementwise.map(a, as: UInt8.self, output: .bool) { $0 == 0 ? UInt8(1) : 0 })]
        }
        let b = try Inputs.tensor(inputs, 1)
        guard b.dtype == .bool else { throw KernelError("input 2 must be bool, found \(b.dtype)") }
        if operation == .and {
            return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) { $0 != 0 && $1 != 0 ? UInt8(1) : 0 })]
        }
        return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) { $0 != 0 || $1 != 0 ? UInt8(1) : 0 })]
    }
}
