import LockstepCore

/// Conv (ONNX opsets 1, 11, 22): N-d convolution (1-D to 3-D spatial) of `X [N, C, …]` with
/// `W [M, C/group, k…]` plus optional bias `B [M]`; `pads`, `strides`, `dilations`, `group`,
/// `auto_pad` (SAME_UPPER/SAME_LOWER/VALID/NOTSET), `kernel_shape` (inferred from `W`).
/// float32 runs on `PackedMatrix` with constant weights packed once per session (depthwise: a
/// direct loop), float64 through `cblas_dgemm`, float16/bfloat16 in float32 rounded back.
struct ConvKernel: Kernel {
    static let registration = OpRegistration("Conv", versions: 1...Int.max) { context in
        var kernel = try ConvKernel(context.attributes)
        // Constant float32 weights are packed once here, for every run of the session.
        if context.node.inputs.count > 1, let w = context.constantValue(context.node.inputs[1]) {
            kernel.packed = ConvolutionWeights(w, groups: kernel.group)
        }
        return kernel
    }

    let autoPad: AutoPad
    let kernelShape: [Int]?
    let strides: [Int]?
    let dilations: [Int]?
    let pads: [Int]?
    let group: Int
    /// The weights packed for `PackedMatrix` when they are a constant of the graph.
    var packed: ConvolutionWeights?

    init(_ a: AttributeReader) throws {
        autoPad = try AutoPad(attribute: a.string("auto_pad"))
        kernelShape = try a.ints("kernel_shape")
        strides = try a.ints("strides")
        dilations = try a.ints("dilations")
        pads = try a.ints("pads")
        group = try a.int("group", default: 1)
        guard group >= 1 else { throw KernelError("attribute 'group' must be positive, found \(group)") }
    }

    /// Checks the inputs and resolves the convolution's geometry.
    func parameters(_ inputs: [Value?]) throws -> (ConvolutionParameters, x: Tensor, w: Tensor, b: Tensor?, output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "X"), w = try Inputs.tensor(inputs, 1, name: "W")
        let b = try Inputs.optionalTensor(inputs, 2)
        try NNSupport.requireFloat(x, "X")
        try NNSupport.requireSameType(w, "W", as: x.dtype)
        guard x.rank >= 3 else { throw KernelError("input 'X' must have rank 3 or more ([N, C, spatial…]), found shape \(x.shape)") }
        guard w.rank == x.rank else { throw KernelError("input 'W' must have rank \(x.rank) like 'X', found shape \(w.shape)") }
        let kernel = Array(w.shape[2...])
        if let kernelShape, kernelShape != kernel {
            throw KernelError("attribute 'kernel_shape' \(kernelShape) does not match the weight's spatial shape \(kernel)")
        }
        let c = x.shape[1], m = w.shape[0]
        guard c % group == 0, w.shape[1] * group == c else {
            throw KernelError("input 'X' has \(c) channels but 'W' \(w.shape) with group \(group) expects \(w.shape[1] * group)")
        }
        guard m % group == 0 else { throw KernelError("'W' has \(m) output channels, not divisible by group \(group)") }
        if let b {
            try NNSupport.requireSameType(b, "B", as: x.dtype)
            guard b.shape == [m] else { throw KernelError("input 'B' must have shape [\(m)], found \(b.shape)") }
        }
        let window = try Padding.forward(input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations,
                                         pads: pads, autoPad: autoPad)
        let p = ConvolutionParameters(layout: .channelsFirst, batch: x.shape[0], inputChannels: c, outputChannels: m,
                                      groups: group, window: window)
        return (p, x, w, b, [x.shape[0], m] + window.output)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (_, x, _, _, output) = try parameters(inputs)
        return [TensorInfo(dtype: x.dtype, shape: output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (p, x, w, b, output) = try parameters(inputs)
        struct Visitor: BLASFloatVisitor {
            let p: ConvolutionParameters, t: [Tensor?], output: [Int], packed: ConvolutionWeights?
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                [try NNSupport.read(t[0]!, as: T.self) { x in
                    try NNSupport.read(t[1]!, as: T.self) { w in
                        try NNSupport.readOptional(t[2], as: T.self) { b in
                            try NNSupport.build(T.dtype, output, as: T.self) { y in
                                try Convolution.forward(p, x: x, w: w, bias: b, y: y, packed: packed)
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x, w, b]) { Visitor(p: p, t: $0, output: output, packed: packed) }
    }
}
