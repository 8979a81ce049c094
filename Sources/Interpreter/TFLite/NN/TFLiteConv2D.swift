import LockstepCore

/// CONV_2D (versions 1–8): `input [N, H, W, C]` ∗ `filter [O, KH, KW, C/groups]` (OHWI) + optional
/// `bias [O]`, NHWC output. Options: `padding` (SAME/VALID), `stride_h/w`, `dilation_h/w_factor`,
/// `fused_activation_function`. Groups follow from the filter's input depth (`C / filter C`).
/// float32 sums each output's taps in TFLite's reference order (kh, kw, c), then adds the bias
/// (`OrderedAccumulation.convolution`), then the fused activation clamp.
struct TFLiteConv2D: Kernel {
    static let registration = TFLiteOps.op("CONV_2D") { context in
        try TFLiteSupport.arity(context, inputs: 2...3)
        return try TFLiteConv2D(context.attributes, quantization: try TFLiteQuantization(context))
    }

    let autoPad: AutoPad
    let strides: [Int]
    let dilations: [Int]
    let activation: FusedActivation
    let quantization: TFLiteQuantization

    init(_ a: AttributeReader, quantization: TFLiteQuantization) throws {
        self.quantization = quantization
        autoPad = try TFLitePadding.autoPad(a)
        strides = [try a.int("stride_h", default: 1), try a.int("stride_w", default: 1)]
        dilations = [try a.int("dilation_h_factor", default: 1), try a.int("dilation_w_factor", default: 1)]
        activation = try FusedActivation(a)
    }

    func parameters(_ inputs: [Value?]) throws -> (ConvolutionParameters, x: Tensor, w: Tensor, b: Tensor?, output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), w = try Inputs.tensor(inputs, 1, name: "filter")
        let b = try Inputs.optionalTensor(inputs, 2)
        try TFLiteQuantizedPaths.checkTypes(x, w)
        try TFLiteSupport.requireRank(x, "input", 4)
        try TFLiteSupport.requireRank(w, "filter", 4)
        let c = x.shape[3], m = w.shape[0], cg = w.shape[3]
        guard cg > 0, c % cg == 0 else {
            throw KernelError("input depth \(c) is not a multiple of the filter's input depth \(cg) (filter \(w.shape))")
        }
        let groups = c / cg
        guard m % groups == 0 else { throw KernelError("filter has \(m) output channels, not divisible by \(groups) groups") }
        if let b {
            if x.dtype.isFloatingPoint { try TFLiteSupport.requireType(b, "bias", x.dtype) }
            guard b.count == m else { throw KernelError("bias must have \(m) elements, found shape \(b.shape)") }
        }
        let window = try Padding.forward(input: [x.shape[1], x.shape[2]], kernel: [w.shape[1], w.shape[2]], strides: strides,
                                         dilations: dilations, autoPad: autoPad)
        let p = ConvolutionParameters(layout: .channelsLast, batch: x.shape[0], inputChannels: c, outputChannels: m,
                                      groups: groups, window: window)
        return (p, x, w, b, [x.shape[0]] + window.output + [m])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (_, x, _, _, output) = try parameters(inputs)
        return [TensorInfo(dtype: x.dtype, shape: output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (p, x, w, b, output) = try parameters(inputs)
        if x.dtype.isInteger {
            return [.tensor(try TFLiteQuantizedPaths.convolution(p, x: x, w: w, b: b, output: output, depthwise: false,
                                                                 strides: strides, dilations: dilations, autoPad: autoPad, quantization: quantization))]
        }
        struct Visitor: BLASFloatVisitor {
            let p: ConvolutionParameters, x: Tensor, w: Tensor, b: Tensor?, output: [Int], activation: FusedActivation
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.read(w, as: T.self) { w in
                        try NNSupport.readOptional(b, as: T.self) { b in
                            try NNSupport.build(T.dtype, output, as: T.self) { y in
                                try OrderedAccumulation.convolution(p, x: x, w: w, bias: b, y: y)
                                activation.apply(y, count: output.reduce(1, *))
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.dispatchBLASFloat(Visitor(p: p, x: x, w: w, b: b, output: output, activation: activation)))]
    }
}
