import LockstepCore

/// Arity and element-type checks shared by the elementwise ONNX ops, with uniform messages
/// ("expected 1 input, found 2"; "input 'X': expected float16, …, found int32").
enum OpCheck {
    static let floats = FloatElementwise.types
    static let integers = IntegerElementwise.types
    static let signedIntegers = IntegerElementwise.signedTypes
    /// Every 8–64-bit integer and IEEE float type (ONNX "all numeric types").
    static let numeric = IntegerElementwise.types + FloatElementwise.types

    /// Checks the node's input and output counts when the kernel is built.
    static func arity(_ context: KernelBuildContext, inputs: ClosedRange<Int>, outputs: ClosedRange<Int> = 1...1) throws {
        let n = context.node.inputs.count
        guard inputs.contains(n) else { throw KernelError("expected \(describe(inputs, "input")), found \(n)") }
        let m = context.node.outputs.count
        guard outputs.contains(m) else { throw KernelError("expected \(describe(outputs, "output")), found \(m)") }
    }

    static func describe(_ range: ClosedRange<Int>, _ noun: String) -> String {
        if range.lowerBound == range.upperBound { return "\(range.lowerBound) \(noun)\(range.lowerBound == 1 ? "" : "s")" }
        if range.upperBound == Int.max { return "at least \(range.lowerBound) \(noun)\(range.lowerBound == 1 ? "" : "s")" }
        return "\(range.lowerBound) to \(range.upperBound) \(noun)s"
    }

    /// Throws unless `tensor` has one of `allowed` element types.
    static func type(_ tensor: Tensor, _ name: String, _ allowed: [DType]) throws {
        guard allowed.contains(tensor.dtype) else {
            throw KernelError("input '\(name)': expected \(list(allowed)), found \(tensor.dtype)")
        }
    }

    /// Throws unless `b` has the element type of `a` (ONNX's shared type parameter `T`).
    static func sameType(_ a: Tensor, _ aName: String, _ b: Tensor, _ bName: String) throws {
        guard a.dtype == b.dtype else {
            throw KernelError("inputs '\(aName)' and '\(bName)' must have one element type, found \(a.dtype) and \(b.dtype)")
        }
    }

    static func list(_ types: [DType]) -> String {
        let names = types.map(\.rawValue)
        guard names.count > 1 else { return names.first ?? "nothing" }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }
}

/// Adapter for the ONNX ops `Y = f(X)` defined on float16, bfloat16, float32 and float64
/// (Exp, Log, Sin, Sigmoid, Elu, …): one input, one output of the input's type and shape.
struct FloatUnaryKernel<F: FloatUnaryFunction>: Kernel {
    let function: F
    let inputName: String

    /// A registration whose factory checks arity and reads attributes with `make`.
    static func registration(_ op: String, versions: ClosedRange<Int>, input: String = "X",
                             _ make: @escaping @Sendable (AttributeReader) throws -> F) -> OpRegistration {
        OpRegistration(op, versions: versions) { context in
            try OpCheck.arity(context, inputs: 1...1)
            return FloatUnaryKernel(function: try make(context.attributes), inputName: input)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: inputName)
        try OpCheck.type(x, inputName, OpCheck.floats)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try FloatElementwise.unary(try Inputs.tensor(inputs, 0, name: inputName), function))]
    }
}

/// Adapter for unary ops defined on integers and floats (Abs, Neg, Sign): floats through `F`,
/// integers through `I`; `types` are the element types the op's schema allows.
struct NumericUnaryKernel<F: FloatUnaryFunction, I: IntegerUnaryFunction>: Kernel {
    let float: F
    let integer: I
    let types: [DType]
    let inputName: String

    static func registration(_ op: String, versions: ClosedRange<Int>, input: String = "X", types: [DType],
                             float: F, integer: I) -> OpRegistration {
        OpRegistration(op, versions: versions) { context in
            try OpCheck.arity(context, inputs: 1...1)
            return NumericUnaryKernel(float: float, integer: integer, types: types, inputName: input)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: inputName)
        try OpCheck.type(x, inputName, types)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: inputName)
        if x.dtype.isInteger { return [.tensor(try IntegerElementwise.unary(x, integer))] }
        return [.tensor(try FloatElementwise.unary(x, float))]
    }
}
