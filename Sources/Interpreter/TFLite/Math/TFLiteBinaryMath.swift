import LockstepCore

/// SQUARED_DIFFERENCE (1–2: `(a - b)²` as `d·d`), POW (1: `powf`), FLOOR_DIV (1–3:
/// `floor(a / b)`), FLOOR_MOD (1–2: `fmod` moved to the divisor's sign) with numpy broadcasting,
/// float32 as TFLite's reference kernels compute them; FLOOR_DIV / FLOOR_MOD / POW also on int32
/// (a zero divisor is an error, as in LiteRT). int8 SQUARED_DIFFERENCE rescales both inputs and the
/// square as `squared_difference.cc` does (`TFLiteQuantizedMath.squaredDifference`). FLOOR_DIV and
/// FLOOR_MOD also on int8 / int16 (FLOOR_MOD on int64) and SQUARED_DIFFERENCE on int32, on the raw
/// values as LiteRT's kernels compute them (wrapping; checked by the element-type probes).
struct TFLiteBinaryMath: Kernel {
    enum Operation: String, Sendable { case squaredDifference = "SQUARED_DIFFERENCE", pow = "POW", floorDiv = "FLOOR_DIV", floorMod = "FLOOR_MOD" }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteBinaryMath(operation: operation, quantization: try TFLiteQuantization(context))
        }
    }

    let operation: Operation
    let quantization: TFLiteQuantization

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        let rawInteger: Bool
        switch (a.dtype, operation) {
        case (.int32, _): rawInteger = true
        case (.int8, .floorDiv), (.int8, .floorMod), (.int16, .floorDiv), (.int16, .floorMod), (.int64, .floorMod): rawInteger = true
        default: rawInteger = false
        }
        guard a.dtype == .float32 || a.dtype == .float64 || rawInteger || (a.dtype == .int8 && operation == .squaredDifference) else {
            throw KernelError("\(a.dtype) \(operation.rawValue) is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: a.dtype, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        switch a.dtype {
        case .int8 where operation != .squaredDifference: return [.tensor(try integer(a, b, Int8.self))]
        case .int8:
            let (s1, z1) = try quantization.input(0), (s2, z2) = try quantization.input(1), (so, zo) = try quantization.output()
            let p = TFLiteQuantizedMath.SquaredDifferenceParams(input1Scale: s1, input1ZeroPoint: z1, input2Scale: s2, input2ZeroPoint: z2,
                                                                outputScale: so, outputZeroPoint: zo)
            let shape = try Broadcast.shape([a.shape, b.shape])
            return [.tensor(try TFLiteBuffers.build(.int8, shape, Int8.self) { o in
                try TFLiteBuffers.read(a, Int8.self) { xs in
                    try TFLiteBuffers.read(b, Int8.self) { ys in
                        try TFLiteQuantizedElementwise.broadcast(lhs: xs, lhsShape: a.shape, rhs: ys, rhsShape: b.shape, output: o) {
                            TFLiteQuantizedMath.squaredDifference($0, $1, p)
                        }
                    }
                }
            })]
        case .int32: return [.tensor(try integer(a, b, Int32.self))]
        case .int16: return [.tensor(try integer(a, b, Int16.self))]
        case .int64: return [.tensor(try integer(a, b, Int64.self))]
        case .float64: return [.tensor(try float(a, b, Double.self))]
        default: return [.tensor(try float(a, b, Float.self))]
        }
    }

    func float<T: BLASFloat>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        switch operation {
        case .squaredDifference:
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { let d = $0 - $1; return d * d }
        case .pow: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { T.pow($0, $1) }
        case .floorDiv: return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { ($0 / $1).rounded(.down) }
        case .floorMod:
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: T.dtype) { x, y in
                let r = T.fmod(x, y)
                return r != 0 && ((y < 0) != (r < 0)) ? r + y : r
            }
        }
    }

    func integer<T: FixedWidthInteger & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        if operation != .pow && operation != .squaredDifference, try b.scalars(as: T.self).contains(0) { throw KernelError("integer division by zero") }
        switch operation {
        case .floorDiv:
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { x, y in
                let q = x.dividedReportingOverflow(by: y).partialValue
                return (x.remainderReportingOverflow(dividingBy: y).partialValue != 0) && ((x < 0) != (y < 0)) ? q &- 1 : q
            }
        case .floorMod:
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { x, y in
                let r = x.remainderReportingOverflow(dividingBy: y).partialValue
                return r != 0 && ((y < 0) != (r < 0)) ? r &+ y : r
            }
        case .pow:
            if try b.scalars(as: T.self).contains(where: { $0 < 0 }) { throw KernelError("POW of \(a.dtype) needs non-negative exponents") }
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { x, y in
                var r: T = 1
                var k: T = 0
                while k < y { r = r &* x; k += 1 }
                return r
            }
        case .squaredDifference:
            return try Elementwise.binary(a, b, as: T.self, and: T.self, output: a.dtype) { let d = $0 &- $1; return d &* d }
        }
    }
}
