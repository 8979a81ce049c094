import LockstepCore

/// The declared quantisation of a node's inputs and outputs, read once when the kernel is built
/// (TFLite reads it in Prepare): the integer paths of the op adapters take scales and zero
/// points from here, never from the runtime tensors (graph inputs fed from .npy files carry none).
struct TFLiteQuantization: Sendable {
    let inputs: [QuantizationParameters?]
    let outputs: [QuantizationParameters?]
    /// `fused_activation_function` of the node (NONE when it has none).
    let activation: TFLiteQuantizationParams.FusedActivation

    init(_ context: KernelBuildContext) throws {
        inputs = context.node.inputs.map { $0.isEmpty ? nil : TFLiteSupport.quantization(context, $0) }
        outputs = context.node.outputs.map { $0.isEmpty ? nil : TFLiteSupport.quantization(context, $0) }
        let name = try context.attributes.string("fused_activation_function") ?? "NONE"
        activation = TFLiteQuantizationParams.FusedActivation(rawValue: name) ?? .none
    }

    /// Per-tensor scale and zero point of input `i`.
    func input(_ i: Int) throws -> (scale: Float, zeroPoint: Int32) { try Self.scalar(i < inputs.count ? inputs[i] : nil, "input \(i)") }

    /// Per-tensor scale and zero point of output `i`.
    func output(_ i: Int = 0) throws -> (scale: Float, zeroPoint: Int32) { try Self.scalar(i < outputs.count ? outputs[i] : nil, "output \(i)") }

    static func scalar(_ q: QuantizationParameters?, _ what: String) throws -> (scale: Float, zeroPoint: Int32) {
        guard let q, let s = q.scales.first else { throw KernelError("\(what) is an integer tensor without quantisation parameters") }
        guard let z = Int32(exactly: q.zeroPoints.first ?? 0) else { throw KernelError("\(what) has zero point \(q.zeroPoints[0]) out of range") }
        return (s, z)
    }

    /// The clamp of the fused activation on output 0 for integer type `T`.
    func activationRange<T: FixedWidthInteger>(_: T.Type) throws -> (min: Int32, max: Int32) {
        let (s, z) = try output()
        guard let r = TFLiteQuantizationParams.activationRange(activation, scale: s, zeroPoint: z, qmin: Int32(T.min), qmax: Int32(T.max)) else {
            throw KernelError("fused activation \(activation.rawValue) is not supported on quantised outputs", unsupported: true)
        }
        return r
    }
}

/// Typed buffers for the quantised kernels (which take `UnsafeBufferPointer`s).
enum TFLiteBuffers {
    /// A new tensor whose elements `fill` writes (every element).
    @inline(__always)
    static func build<T: BitwiseCopyable>(_ dtype: DType, _ shape: [Int], _: T.Type,
                                          _ fill: (UnsafeMutableBufferPointer<T>) throws -> Void) throws -> Tensor {
        let buffer = try OutputBuffer<T>(dtype, shape: shape)
        try fill(UnsafeMutableBufferPointer(start: buffer.pointer, count: buffer.count))
        return try buffer.tensor(dtype, shape: shape)
    }

    /// `t`'s elements as `T`.
    @inline(__always)
    static func read<T, R>(_ t: Tensor, _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) throws -> R {
        try t.withElements(as: T.self) { try body($0) }
    }

    /// An optional array as an optional buffer.
    @inline(__always)
    static func optional<T, R>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> R) rethrows -> R {
        if let a { return try a.withUnsafeBufferPointer { try body($0) } }
        return try body(nil)
    }

    /// A bias tensor (int32 or int64) as int64 values (16x8 kernels).
    static func bias64(_ b: Tensor?) throws -> [Int64]? {
        guard let b else { return nil }
        switch b.dtype {
        case .int64: return try b.scalars(as: Int64.self)
        case .int32: return try b.scalars(as: Int32.self).map(Int64.init)
        default: throw KernelError("bias must be int32 or int64, found \(b.dtype)")
        }
    }

    /// A bias tensor as int32 values (8-bit kernels).
    static func bias32(_ b: Tensor?) throws -> [Int32]? {
        guard let b else { return nil }
        guard b.dtype == .int32 else { throw KernelError("bias must be int32, found \(b.dtype)") }
        return try b.scalars(as: Int32.self)
    }
}
