import LockstepCore

/// Mod (opsets 10, 13, 28): elementwise remainder with numpy broadcasting.
///
/// - `fmod = 0` (default): the result has the divisor's sign (Python `%`, numpy `mod`):
///   A − floor(A/B)·B. Opset 28 defines it for floats too (earlier opsets only for integers,
///   but runtimes and the ONNX reference accept floats): ±0 with the divisor's sign for an
///   exact multiple; NaN for x = ±Inf or y = ±0; x or y itself for y = ±Inf.
/// - `fmod = 1`: C `fmod`, the result has the dividend's sign: A − trunc(A/B)·B.
///
/// An integer divisor of 0 gives 0 (instead of trapping), and min % −1 gives 0. float16 and
/// bfloat16 compute in float32 (fmod is exact) and round back.
struct ModKernel: Kernel {
    let fmod: Bool

    static let registration = OpRegistration("Mod", versions: 10...Int.max) { context in
        try OpCheck.arity(context, inputs: 2...2)
        let fmod = try context.attributes.int("fmod", default: 0)
        guard fmod == 0 || fmod == 1 else { throw KernelError("attribute 'fmod': expected 0 or 1, found \(fmod)") }
        return ModKernel(fmod: fmod == 1)
    }

    struct TruncatedFunction: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { T.fmod(a, b) }
    }

    struct FlooredFunction: FloatBinaryFunction {
        @inline(__always) func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T {
            let r = T.fmod(a, b)
            if r == 0 { return T(signOf: b, magnitudeOf: 0) }
            if (r < 0) != (b < 0) { return r + b }
            return r
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try OpCheck.type(a, "A", OpCheck.numeric)
        try OpCheck.sameType(a, "A", b, "B")
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        if !a.dtype.isInteger {
            return [.tensor(fmod ? try FloatElementwise.binary(a, b, TruncatedFunction())
                                 : try FloatElementwise.binary(a, b, FlooredFunction()))]
        }
        struct Visitor: IntegerVisitor {
            let a: Tensor, b: Tensor, fmod: Bool
            func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                if fmod {
                    return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { x, y in
                        y == 0 ? 0 : x.remainderReportingOverflow(dividingBy: y).partialValue
                    }
                }
                return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { (x: T, y: T) -> T in
                    if y == 0 { return 0 }
                    let r = x.remainderReportingOverflow(dividingBy: y).partialValue
                    return r != 0 && (r < 0) != (y < 0) ? r &+ y : r
                }
            }
        }
        return [.tensor(try a.dtype.dispatchInteger(Visitor(a: a, b: b, fmod: fmod)))]
    }
}
