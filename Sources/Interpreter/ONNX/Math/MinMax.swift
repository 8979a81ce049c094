import LockstepCore

/// Max and Min (opsets 1, 6, 8, 12, 13): elementwise maximum/minimum of one or more tensors of
/// one type with numpy broadcasting (opset 8+; earlier opsets required equal shapes, a special
/// case). Opset 12 adds the integer types. A NaN operand gives NaN (numpy `maximum`, the ONNX
/// reference); float16/bfloat16 compare exactly in float32.
struct MinMaxKernel: Kernel {
    let maximum: Bool

    static let registrations: [OpRegistration] = [true, false].map { maximum in
        OpRegistration(maximum ? "Max" : "Min", versions: 1...Int.max) { context in
            try OpCheck.arity(context, inputs: 1...Int.max)
            return MinMaxKernel(maximum: maximum)
        }
    }

    struct MaxFunction: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { nanPropagatingMax(a, b) }
    }

    struct MinFunction: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { nanPropagatingMin(a, b) }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let tensors = try Variadic.tensors(inputs)
        try OpCheck.type(tensors[0], "data_0", OpCheck.numeric)
        return [TensorInfo(dtype: tensors[0].dtype, shape: try Variadic.shape(tensors))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let tensors = try Variadic.tensors(inputs)
        return [.tensor(try tensors.dropFirst().reduce(tensors[0]) { result, next in
            if result.dtype.isInteger {
                struct Visitor: IntegerVisitor {
                    let a: Tensor, b: Tensor, maximum: Bool
                    func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                        maximum ? try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { Swift.max($0, $1) }
                                : try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { Swift.min($0, $1) }
                    }
                }
                return try result.dtype.dispatchInteger(Visitor(a: result, b: next, maximum: maximum))
            }
            return maximum ? try FloatElementwise.binary(result, next, MaxFunction())
                           : try FloatElementwise.binary(result, next, MinFunction())
        })]
    }
}

/// Input checks of the variadic elementwise ops (Max, Min, Sum, Mean).
enum Variadic {
    /// The inputs as tensors of one element type (at least one; none may be omitted).
    static func tensors(_ inputs: [Value?]) throws -> [Tensor] {
        guard !inputs.isEmpty else { throw KernelError("expected at least 1 input, found 0") }
        let tensors = try inputs.indices.map { try Inputs.tensor(inputs, $0, name: "data_\($0)") }
        for (i, t) in tensors.enumerated().dropFirst() where t.dtype != tensors[0].dtype {
            throw KernelError("inputs must have one element type: 'data_0' is \(tensors[0].dtype), 'data_\(i)' is \(t.dtype)")
        }
        return tensors
    }

    /// The broadcast shape of all inputs.
    static func shape(_ tensors: [Tensor]) throws -> [Int] { try Broadcast.shape(tensors.map(\.shape)) }
}
