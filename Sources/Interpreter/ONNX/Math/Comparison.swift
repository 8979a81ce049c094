import LockstepCore

/// Equal (opsets 7, 11, 13, 19), Less and Greater (opsets 7, 9, 13), LessOrEqual and
/// GreaterOrEqual (opsets 12, 16): elementwise comparison of two tensors of one type with numpy
/// broadcasting, giving bool. Floats compare as IEEE 754 (NaN compares false, except that it
/// is unequal to everything; −0 == +0); float16/bfloat16 compare exactly in float32. Equal
/// also accepts bool (opset 11+) and string (opset 19+, bytewise).
struct ComparisonKernel: Kernel {
    enum Operation: String, Sendable, CaseIterable {
        case equal = "Equal", less = "Less", greater = "Greater", lessOrEqual = "LessOrEqual", greaterOrEqual = "GreaterOrEqual"

        var firstVersion: Int { self == .lessOrEqual || self == .greaterOrEqual ? 12 : 7 }
    }
    let operation: Operation

    static let registrations: [OpRegistration] = Operation.allCases.map { operation in
        OpRegistration(operation.rawValue, versions: operation.firstVersion...Int.max) { context in
            try OpCheck.arity(context, inputs: 2...2)
            return ComparisonKernel(operation: operation)
        }
    }

    var types: [DType] { operation == .equal ? OpCheck.numeric + [.bool, .string] : OpCheck.numeric }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try OpCheck.type(a, "A", types)
        try OpCheck.sameType(a, "A", b, "B")
        return [TensorInfo(dtype: .bool, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        switch a.dtype {
        case .string:
            let shape = try Broadcast.shape([a.shape, b.shape])
            return [.tensor(try Tensor.build(.bool, shape: shape, as: UInt8.self) { out in
                try Elementwise.forEachBroadcast([a.shape, b.shape]) { i, k in
                    out[i] = a.strings[k[0]] == b.strings[k[1]] ? 1 : 0
                }
            })]
        case .bool:
            return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) {
                ($0 != 0) == ($1 != 0) ? UInt8(1) : 0
            })]
        case .float16:
            return [.tensor(try compare(a, b, as: UInt16.self) { FloatBits.halfToFloat($0) })]
        case .bfloat16:
            return [.tensor(try compare(a, b, as: UInt16.self) { FloatBits.bfloat16ToFloat($0) })]
        case .float32, .float64, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64:
            struct Visitor: ScalarVisitor {
                let kernel: ComparisonKernel, a: Tensor, b: Tensor
                func visit<T: TensorScalar>(_: T.Type) throws -> Tensor { try kernel.compare(a, b, as: T.self) { $0 } }
            }
            return [.tensor(try a.dtype.dispatch(Visitor(kernel: self, a: a, b: b)))]
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3,
             .float6e3m2, .int2, .uint2, .int4, .uint4, .complex64, .complex128:
            throw KernelError("input 'A': element type \(a.dtype) is not supported")  // prepare rejects these
        }
    }

    /// Compares elements stored as `S` after mapping them to a comparable value with `value`.
    /// Inlined into each caller so that `value` and the comparison are inlined into the loop.
    @inline(__always)
    func compare<S: BitwiseCopyable, C: Comparable>(_ a: Tensor, _ b: Tensor, as: S.Type, _ value: (S) -> C) throws -> Tensor {
        switch operation {
        case .equal:
            return try Elementwise.binary(a, b, as: S.self, and: S.self, output: .bool) { value($0) == value($1) ? UInt8(1) : 0 }
        case .less:
            return try Elementwise.binary(a, b, as: S.self, and: S.self, output: .bool) { value($0) < value($1) ? UInt8(1) : 0 }
        case .greater:
            return try Elementwise.binary(a, b, as: S.self, and: S.self, output: .bool) { value($0) > value($1) ? UInt8(1) : 0 }
        case .lessOrEqual:
            return try Elementwise.binary(a, b, as: S.self, and: S.self, output: .bool) { value($0) <= value($1) ? UInt8(1) : 0 }
        case .greaterOrEqual:
            return try Elementwise.binary(a, b, as: S.self, and: S.self, output: .bool) { value($0) >= value($1) ? UInt8(1) : 0 }
        }
    }
}
