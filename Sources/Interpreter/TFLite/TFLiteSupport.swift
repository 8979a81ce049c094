import LockstepCore

/// A TFLite fused activation (`ActivationFunctionType`) as the float kernels apply it: the
/// result is clamped to `[lo, hi]` with `min(max(x, lo), hi)` (NaN passes through). `NONE`
/// clamps to the finite float32 range, as TFLite's `CalculateActivationRange` gives
/// `lowest()`/`max()` for it, so ±Inf leaves a fused op as ∓/±`Float.greatestFiniteMagnitude`.
struct FusedActivation: Sendable, Equatable {
    let name: String
    let lo: Double
    let hi: Double

    static let none = FusedActivation(name: "NONE", lo: -Double(Float.greatestFiniteMagnitude), hi: Double(Float.greatestFiniteMagnitude))

    init(name: String, lo: Double, hi: Double) {
        self.name = name
        self.lo = lo
        self.hi = hi
    }

    /// Reads `fused_activation_function` (default `NONE`). TANH and SIGN_BIT are not fused by
    /// TFLite's float kernels of these ops; they are refused.
    init(_ a: AttributeReader, attribute: String = "fused_activation_function") throws {
        let value = try a.string(attribute) ?? "NONE"
        switch value {
        case "NONE": self = .none
        case "RELU": self.init(name: value, lo: 0, hi: Double(Float.greatestFiniteMagnitude))
        case "RELU_N1_TO_1": self.init(name: value, lo: -1, hi: 1)
        case "RELU6": self.init(name: value, lo: 0, hi: 6)
        default: throw KernelError("fused activation \(value) is not supported by this op", unsupported: true)
        }
    }

    /// `min(max(x, lo), hi)` as TFLite's `ActivationFunctionWithMinMax` (std::max / std::min).
    @inline(__always)
    static func clamp<T: FloatingPoint>(_ x: T, _ lo: T, _ hi: T) -> T {
        let a = x < lo ? lo : x
        return hi < a ? hi : a
    }

    /// Clamps `count` values in place.
    @inline(__always)
    func apply<T: BLASFloat>(_ y: UnsafeMutablePointer<T>, count: Int) {
        let l = T(lo), h = T(hi)
        for i in 0..<count { y[i] = Self.clamp(y[i], l, h) }
    }
}

/// TFLite `Padding` (`SAME`, `VALID`) as the shared kernels' `AutoPad`: TFLite's SAME puts the
/// odd padding element at the end (`ComputePaddingHeightWidth`), which is `SAME_UPPER`.
enum TFLitePadding {
    static func autoPad(_ a: AttributeReader) throws -> AutoPad {
        let value = try a.string("padding") ?? "SAME"
        switch value {
        case "SAME": return .sameUpper
        case "VALID": return .valid
        default: throw KernelError("padding \(value) is not SAME or VALID")
        }
    }
}

/// Checks and helpers shared by the TFLite op adapters.
enum TFLiteSupport {
    /// Throws unless `t` is float32 or float64 (float64 only in the `--precision float64` mode).
    static func requireFloat(_ t: Tensor, _ name: String) throws {
        guard t.dtype == .float32 || t.dtype == .float64 else {
            throw KernelError("input '\(name)' has element type \(t.dtype); only float32 is implemented for this op", unsupported: t.dtype.isInteger)
        }
    }

    /// Throws unless `t` has rank `rank`.
    static func requireRank(_ t: Tensor, _ name: String, _ rank: Int) throws {
        guard t.rank == rank else { throw KernelError("input '\(name)' must have rank \(rank), found shape \(t.shape)") }
    }

    /// Throws unless `t` has element type `dtype`.
    static func requireType(_ t: Tensor, _ name: String, _ dtype: DType) throws {
        guard t.dtype == dtype else { throw KernelError("input '\(name)' must be \(dtype) like the op's first input, found \(t.dtype)") }
    }

    /// The declared element type of output `k` of the node being built, if the file declares one.
    static func declaredType(_ context: KernelBuildContext, output k: Int = 0) -> DType? {
        guard k < context.node.outputs.count, case .tensor(let t, _)? = context.valueInfo(context.node.outputs[k])?.type else { return nil }
        return t
    }

    /// The declared quantisation of value `name`.
    static func quantization(_ context: KernelBuildContext, _ name: String) -> QuantizationParameters? {
        context.valueInfo(name)?.quantization
    }

    /// Requires `inputs` inputs (omitted optional ones count) and at least `outputs` outputs.
    static func arity(_ context: KernelBuildContext, inputs: ClosedRange<Int>, outputs: ClosedRange<Int> = 1...1) throws {
        let n = context.node.inputs.count, m = context.node.outputs.count
        guard inputs.contains(n) else { throw KernelError("expected \(describe(inputs)) inputs, found \(n)") }
        guard outputs.contains(m) else { throw KernelError("expected \(describe(outputs)) outputs, found \(m)") }
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
    }

    /// The integer values of a shape/axis-like input (int32 or int64).
    static func integers(_ t: Tensor, _ name: String) throws -> [Int] {
        switch t.dtype {
        case .int32: return try t.scalars(as: Int32.self).map(Int.init)
        case .int64: return try t.scalars(as: Int64.self).map { Int(truncatingIfNeeded: $0) }
        default: throw KernelError("input '\(name)' must be int32 or int64, found \(t.dtype)")
        }
    }

    /// Normalises a possibly negative axis for `rank`.
    static func axis(_ axis: Int, rank: Int, name: String = "axis") throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw KernelError("\(name) \(axis) is out of range for rank \(rank)") }
        return a
    }
}
