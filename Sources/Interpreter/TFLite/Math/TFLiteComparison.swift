import LockstepCore

/// LESS (1–3), LESS_EQUAL (1–2), GREATER (1–2), GREATER_EQUAL (1–3), EQUAL (1–5), NOT_EQUAL (1–4):
/// elementwise comparison with numpy broadcasting, giving bool. float32 compares as IEEE 754
/// (NaN is unequal to everything); int32, int64 and bool compare as integers. Quantised int8 /
/// uint8 inputs (and int16 for EQUAL / NOT_EQUAL) are compared as LiteRT's
/// `ComparisonWithScaling` does (google-ai-edge/LiteRT `tflite/kernels/comparisons.cc`,
/// `reference/comparisons.h`): each code plus its offset (−zero point), shifted left by 8, times
/// its own scale as a quantised multiplier; int16 LESS / GREATER and the like compare the raw codes
/// (as LiteRT does). float16 compares the values (through float32).
struct TFLiteComparison: Kernel {
    enum Operation: String, Sendable { case less = "LESS", lessEqual = "LESS_EQUAL", greater = "GREATER", greaterEqual = "GREATER_EQUAL", equal = "EQUAL", notEqual = "NOT_EQUAL" }

    /// One input's rescaling: `(code + offset) << 8` times `multiplier · 2^(shift − 31)`.
    struct Scaling: Sendable {
        var offset: Int32
        var multiplier: Int32
        var shift: Int

        init(scale: Float, zeroPoint: Int32) {
            offset = -zeroPoint
            (multiplier, shift) = TFLiteFixedPoint.quantizeMultiplier(Double(scale))
        }

        @inline(__always)
        func callAsFunction(_ code: Int32) -> Int32 {
            TFLiteFixedPoint.multiplyByQuantizedMultiplier((code &+ offset) &* 256, multiplier, shift)
        }
    }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            let q = try TFLiteQuantization(context)
            var scaling: (Scaling, Scaling)?
            if q.inputs.count == 2, let a = q.inputs[0], let b = q.inputs[1], !a.scales.isEmpty, !b.scales.isEmpty {
                let (sa, za) = try q.input(0), (sb, zb) = try q.input(1)
                scaling = (Scaling(scale: sa, zeroPoint: za), Scaling(scale: sb, zeroPoint: zb))
            }
            return TFLiteComparison(operation: operation, scaling: scaling)
        }
    }

    let operation: Operation
    /// Per-input rescaling of quantised inputs (nil when the inputs carry no quantisation).
    let scaling: (Scaling, Scaling)?

    /// Whether integer inputs of `dtype` are compared after rescaling (else as raw codes).
    func rescales(_ dtype: DType) -> Bool {
        switch dtype {
        case .int8, .uint8: return true
        case .int16: return scaling != nil && (operation == .equal || operation == .notEqual)
        default: return false
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (a, b) = try Inputs.two(inputs)
        try TFLiteSupport.requireType(b, "input 2", a.dtype)
        switch a.dtype {
        case .float32, .float64, .float16, .int32, .int64, .bool, .int16: break
        case .int8, .uint8:
            guard scaling != nil else { throw KernelError("\(a.dtype) \(operation.rawValue) needs quantised inputs") }
        default: throw KernelError("\(a.dtype) \(operation.rawValue) is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: .bool, shape: try Broadcast.shape([a.shape, b.shape]))]
    }

    @inline(__always)
    func compare<T: Comparable>(_ x: T, _ y: T) -> Bool {
        switch operation {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        case .notEqual: return x != y
        }
    }

    func run<T: Comparable & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        try Elementwise.binary(a, b, as: T.self, and: T.self, output: .bool) { compare($0, $1) ? UInt8(1) : 0 }
    }

    func runScaled<T: FixedWidthInteger & BitwiseCopyable>(_ a: Tensor, _ b: Tensor, _: T.Type) throws -> Tensor {
        guard let (sa, sb) = scaling else { throw KernelError("\(a.dtype) \(operation.rawValue) needs quantised inputs") }
        return try Elementwise.binary(a, b, as: T.self, and: T.self, output: .bool) { compare(sa(Int32($0)), sb(Int32($1))) ? UInt8(1) : 0 }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (a, b) = try Inputs.two(inputs)
        _ = try prepare(inputs, context: context)
        switch a.dtype {
        case .float32: return [.tensor(try run(a, b, Float.self))]
        case .float64: return [.tensor(try run(a, b, Double.self))]
        case .float16:
            let h = FloatBits.halfToFloat
            return [.tensor(try Elementwise.binary(a, b, as: UInt16.self, and: UInt16.self, output: .bool) { compare(h($0), h($1)) ? UInt8(1) : 0 })]
        case .int32: return [.tensor(try run(a, b, Int32.self))]
        case .int64: return [.tensor(try run(a, b, Int64.self))]
        case .int8: return [.tensor(try runScaled(a, b, Int8.self))]
        case .uint8: return [.tensor(try runScaled(a, b, UInt8.self))]
        case .int16: return [.tensor(rescales(.int16) ? try runScaled(a, b, Int16.self) : try run(a, b, Int16.self))]
        default: return [.tensor(try run(a, b, UInt8.self))]  // bool
        }
    }
}
