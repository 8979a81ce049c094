import LockstepCore

/// Upsample (ONNX opsets 7, 9; deprecated at 10): Resize with `scales` (an attribute in opset 7,
/// the second input from 9), `mode` nearest (default) or linear, `asymmetric` coordinates and
/// ONNX Runtime's legacy nearest rounding. Integer nearest scales repeat elements.
struct UpsampleKernel: Kernel {
    static let registration = OpRegistration("Upsample", versions: 7...9) { context in
        let a = context.attributes
        let mode = try a.string("mode", default: "nearest")
        let method: ResizeMethod
        switch mode {
        case "nearest": method = .nearest(.legacy)
        case "linear", "bilinear": method = .linear
        default: throw KernelError("attribute 'mode' must be nearest or linear, found '\(mode)'")
        }
        let scales = context.opset < 9 ? try a.floats("scales").map { $0.map(Double.init) } : nil
        if context.opset < 9 && scales == nil { throw KernelError("attribute 'scales' is required") }
        return UpsampleKernel(method: method, scales: scales)
    }

    let method: ResizeMethod
    /// Opset 7: the `scales` attribute.
    let scales: [Double]?

    func plan(_ inputs: [Value?]) throws -> ResizeKernel.Plan {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        let scales = try self.scales ?? Inputs.tensor(inputs, 1, name: "scales").doubleValues()
        return try ResizeKernel.plan(x, scales: scales, sizes: nil, roi: nil, axes: nil, policy: .stretch)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try ResizeKernel.resize(try plan(inputs), method: method, transform: .asymmetric, antialias: false,
                                         excludeOutside: false, extrapolation: 0))]
    }
}
