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
///
/// The kernel is not generic: it keeps a closure made where the function type is concrete, so
/// the elementwise loop is specialised for it (a generic kernel called through `any Kernel`
/// would run its unspecialised witness, dispatching every element dynamically).
struct FloatUnaryKernel: Kernel {
    let inputName: String
    let compute: @Sendable (Tensor) throws -> Tensor
    /// The same function over blocks, for fused chains.
    let elementwise: ElementwiseFunction?

    init<F: FloatUnaryFunction>(_ function: F, inputName: String = "X") {
        self.inputName = inputName
        self.compute = { x in try FloatElementwise.unary(x, function) }
        self.elementwise = .unary(function)
    }

    /// A registration whose factory checks arity and reads attributes with `make`.
    static func registration<F: FloatUnaryFunction>(_ op: String, versions: ClosedRange<Int>, input: String = "X",
                                                    _ make: @escaping @Sendable (AttributeReader) throws -> F) -> OpRegistration {
        OpRegistration(op, versions: versions) { context in
            try OpCheck.arity(context, inputs: 1...1)
            return FloatUnaryKernel(try make(context.attributes), inputName: input)
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: inputName)
        try OpCheck.type(x, inputName, OpCheck.floats)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try compute(try Inputs.tensor(inputs, 0, name: inputName)))]
    }
}

/// Adapter for unary ops defined on integers and floats (Abs, Neg, Sign, Relu): floats through
/// a `FloatUnaryFunction`, integers through an `IntegerUnaryFunction`; `types` are the element
/// types the op's schema allows. Not generic, for the reason given at `FloatUnaryKernel`.
struct NumericUnaryKernel: Kernel {
    let types: [DType]
    let inputName: String
    let computeFloat: @Sendable (Tensor) throws -> Tensor
    let computeInteger: @Sendable (Tensor) throws -> Tensor
    /// The float function over blocks, for fused chains (integer inputs never fuse).
    let elementwise: ElementwiseFunction?

    static func registration<F: FloatUnaryFunction, I: IntegerUnaryFunction>(
        _ op: String, versions: ClosedRange<Int>, input: String = "X", types: [DType], float: F, integer: I
    ) -> OpRegistration {
        OpRegistration(op, versions: versions) { context in
            try OpCheck.arity(context, inputs: 1...1)
            return NumericUnaryKernel(types: types, inputName: input,
                                      computeFloat: { x in try FloatElementwise.unary(x, float) },
                                      computeInteger: { x in try IntegerElementwise.unary(x, integer) },
                                      elementwise: .unary(float))
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: inputName)
        try OpCheck.type(x, inputName, types)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: inputName)
        return [.tensor(x.dtype.isInteger ? try computeInteger(x) : try computeFloat(x))]
    }
}
