import LockstepCore

/// CONCATENATION (versions 1–5): joins the inputs along `axis` (negative from the end); all
/// dimensions but `axis` must agree. Any element type with fused activation NONE; float inputs
/// with RELU/RELU6/RELU_N1_TO_1 are clamped afterwards. Quantised inputs with differing scales
/// are not implemented.
struct TFLiteConcatenation: Kernel {
    static let registration = TFLiteOps.op("CONCATENATION") { context in
        guard !context.node.inputs.isEmpty else { throw KernelError("expected at least one input") }
        let a = context.attributes
        let activation = try FusedActivation(a)
        let quantizations = context.node.inputs.map { TFLiteSupport.quantization(context, $0) }
        let out = context.node.outputs.first.flatMap { TFLiteSupport.quantization(context, $0) }
        if let out, quantizations.contains(where: { $0 != out }) {
            throw KernelError("quantised inputs with scales or zero points other than the output's are not implemented", unsupported: true)
        }
        return TFLiteConcatenation(axis: try a.int("axis", default: 0), activation: activation)
    }

    let axis: Int
    let activation: FusedActivation

    func outputShape(_ parts: [Tensor]) throws -> (axis: Int, shape: [Int]) {
        let first = parts[0]
        let a = try TFLiteSupport.axis(axis, rank: first.rank)
        var shape = first.shape
        shape[a] = 0
        for (i, p) in parts.enumerated() {
            guard p.dtype == first.dtype else { throw KernelError("input \(i) is \(p.dtype), input 0 is \(first.dtype)") }
            guard p.rank == first.rank, p.shape.enumerated().allSatisfy({ $0.offset == a || $0.element == first.shape[$0.offset] }) else {
                throw KernelError("input \(i) has shape \(p.shape), which does not match \(first.shape) outside axis \(a)")
            }
            shape[a] += p.shape[a]
        }
        return (a, shape)
    }

    func tensors(_ inputs: [Value?]) throws -> [Tensor] {
        try inputs.indices.map { try Inputs.tensor(inputs, $0) }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let parts = try tensors(inputs)
        return [TensorInfo(dtype: parts[0].dtype, shape: try outputShape(parts).shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let parts = try tensors(inputs)
        let (a, shape) = try outputShape(parts)
        var y = try DataMovement.concatenate(parts, axis: a, shape: shape)
        if activation.name != "NONE" {
            guard y.dtype == .float32 else { throw KernelError("fused \(activation.name) on \(y.dtype) is not implemented", unsupported: true) }
            let lo = Float(activation.lo), hi = Float(activation.hi)
            y = try Elementwise.map(y, as: Float.self, output: .float32) { FusedActivation.clamp($0, lo, hi) }
        }
        return [.tensor(y)]
    }
}
