import LockstepCore

/// And, Or, Xor (opsets 7+; opset 1's legacy `broadcast` attribute is not supported): logical
/// operations on bool tensors with numpy broadcasting. Any nonzero byte reads as true; the
/// output holds 0 or 1.
struct LogicalBinaryKernel: Kernel {
    enum Operation: String, Sendable, CaseIterable { case and = "And", or = "Or", xor = "Xor" }
    let operation: Operation

    static let registrations: [OpRegistration] = Operation.allCases.map { operation in
        OpRegistration(operation.rawValue, versions: 7...Int.max) { context in
            try OpCheck.arity(context, inputs: 2...2)
            return LogicalBinaryKernel(operation: operation)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try OpCheck.type(a, "A", [.bool])
        try OpCheck.type(b, "B", [.bool])
        return [TensorInfo(dtype: .bool, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        switch operation {
        case .and:
            return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) { $0 != 0 && $1 != 0 ? UInt8(1) : 0 })]
        case .or:
            return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) { $0 != 0 || $1 != 0 ? UInt8(1) : 0 })]
        case .xor:
            return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) { ($0 != 0) != ($1 != 0) ? UInt8(1) : 0 })]
        }
    }
}

/// Not (opset 1): logical negation of a bool tensor.
struct NotKernel: Kernel {
    static let registration = OpRegistration("Not", versions: 1...Int.max) { context in
        try OpCheck.arity(context, inputs: 1...1)
        return NotKernel()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try OpCheck.type(x, "X", [.bool])
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        return [.tensor(try Elementwise.map(x, as: UInt8.self, output: .bool) { $0 == 0 ? UInt8(1) : 0 })]
    }
}
