import LockstepCore

/// STABLEHLO_ADD, STABLEHLO_MULTIPLY, STABLEHLO_MAXIMUM, STABLEHLO_MINIMUM, STABLEHLO_AND (1):
/// elementwise over two inputs of one type and one shape (no broadcasting), as
/// `ElementwiseEval` of google-ai-edge/LiteRT `tflite/kernels/stablehlo_elementwise.h` @
/// 5e5196c2b0fb841a965ce7c2b4694e43e009d665 computes them: `a + b`, `a · b` (integers wrap, bool
/// ORs / ANDs), `std::max` / `std::min` (`a < b ? b : a`, `b < a ? b : a`), `a & b` (integers and
/// bool; not floats). float16 computes in float32 and rounds back, as `Eigen::half` does; float32,
/// float64, int8/16/32/64, uint8/16/32/64 and bool. The JAX / PyTorch ODML exports emit these.
/// LiteRT's reference resolver registers all but STABLEHLO_AND (a builtin-resolver kernel).
struct TFLiteStablehloBinary: Kernel {
    enum Operation: String, Sendable {
        case add = "STABLEHLO_ADD", multiply = "STABLEHLO_MULTIPLY", maximum = "STABLEHLO_MAXIMUM", minimum = "STABLEHLO_MINIMUM"
        case and = "STABLEHLO_AND"
    }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteStablehloBinary(operation: operation)
        }
    }

    let operation: Operation

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "rhs", a.dtype)
        guard a.shape == b.shape else { throw KernelError("inputs must have one shape, found \(a.shape) and \(b.shape)") }
        return [TensorInfo(a)]
    }

    struct Add: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a + b } }
    struct Mul: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a * b } }
    struct Max: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a < b ? b : a } }
    struct Min: FloatBinaryFunction { @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { b < a ? b : a } }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        _ = try prepare(inputs, context: context)
        let (a, b) = try Inputs.two(inputs)
        let op = operation
        if FloatElementwise.types.contains(a.dtype) {
            switch op {
            case .add: return [.tensor(try FloatElementwise.binary(a, b, Add()))]
            case .multiply: return [.tensor(try FloatElementwise.binary(a, b, Mul()))]
            case .maximum: return [.tensor(try FloatElementwise.binary(a, b, Max()))]
            case .minimum: return [.tensor(try FloatElementwise.binary(a, b, Min()))]
            case .and: throw KernelError("(Data Type: \(a.dtype)) is not supported for bitwise/logical AND")
            }
        }
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            switch op {
            case .add: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 &+ $1 }
            case .multiply: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 &* $1 }
            case .maximum: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 < $1 ? $1 : $0 }
            case .minimum: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $1 < $0 ? $1 : $0 }
            case .and: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { $0 & $1 }
            }
        }
        switch a.dtype {
        case .bool:
            // bool arithmetic: + ORs, · ANDs, max ORs, min ANDs, & ANDs (results are 0 or 1).
            let or = op == .add || op == .maximum
            return [.tensor(try Elementwise.binary(a, b, as: UInt8.self, and: UInt8.self, output: .bool) { (x: UInt8, y: UInt8) -> UInt8 in
                or ? (x != 0 || y != 0 ? 1 : 0) : (x != 0 && y != 0 ? 1 : 0)
            })]
        case .int8: return [.tensor(try run(Int8.self))]
        case .int16: return [.tensor(try run(Int16.self))]
        case .int32: return [.tensor(try run(Int32.self))]
        case .int64: return [.tensor(try run(Int64.self))]
        case .uint8: return [.tensor(try run(UInt8.self))]
        case .uint16: return [.tensor(try run(UInt16.self))]
        case .uint32: return [.tensor(try run(UInt32.self))]
        case .uint64: return [.tensor(try run(UInt64.self))]
        default: throw KernelError("\(a.dtype) \(op.rawValue) is not implemented", unsupported: true)
        }
    }
}
