import LockstepCore

/// TRANSPOSE_CONV (versions 1–5): inputs `output_shape` (int32 `[N, H, W, O]`), `weights
/// [O, KH, KW, C]`, `input [N, h, w, C]`, optional `bias [O]` (version 3+). Each input position
/// scatters `input · weights` into a `KH × KW` window of the output at `stride`; SAME centres the
/// windows as TFLite does (total padding `(h - 1)·stride + KH - H`, the odd element at the end),
/// VALID pads nothing and leaves the output's tail to the bias. Then the fused activation.
struct TFLiteTransposeConv: Kernel {
    static let registration = TFLiteOps.op("TRANSPOSE_CONV") { context in
        try TFLiteSupport.arity(context, inputs: 3...4)
        let a = context.attributes
        return TFLiteTransposeConv(same: try TFLitePadding.autoPad(a) == .sameUpper,
                                   strides: [try a.int("stride_h", default: 1), try a.int("stride_w", default: 1)],
                                   activation: try FusedActivation(a))
    }

    let same: Bool
    let strides: [Int]
    let activation: FusedActivation

    func parameters(_ inputs: [Value?]) throws -> (ConvolutionParameters, x: Tensor, w: Tensor, b: Tensor?, output: [Int]) {
        let shape = try TFLiteSupport.integers(try Inputs.tensor(inputs, 0, name: "output_shape"), "output_shape")
        let w = try Inputs.tensor(inputs, 1, name: "weights"), x = try Inputs.tensor(inputs, 2, name: "input")
        let b = try Inputs.optionalTensor(inputs, 3)
        try TFLiteSupport.requireFloat(x, "input")
        try TFLiteSupport.requireType(w, "weights", x.dtype)
        try TFLiteSupport.requireRank(x, "input", 4)
        try TFLiteSupport.requireRank(w, "weights", 4)
        guard shape.count == 4, shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("output_shape must hold 4 sizes, found \(shape)") }
        let m = w.shape[0], c = x.shape[3]
        guard w.shape[3] == c else { throw KernelError("weights \(w.shape) do not match the input depth \(c)") }
        guard shape[0] == x.shape[0], shape[3] == m else {
            throw KernelError("output_shape \(shape) does not match batch \(x.shape[0]) and \(m) output channels")
        }
        guard strides.allSatisfy({ $0 > 0 }) else { throw KernelError("strides \(strides) must be positive") }
        if let b {
            try TFLiteSupport.requireType(b, "bias", x.dtype)
            guard b.count == m else { throw KernelError("bias must have \(m) elements, found shape \(b.shape)") }
        }
        let kernel = [w.shape[1], w.shape[2]], inSize = [x.shape[1], x.shape[2]], outSize = [shape[1], shape[2]]
        var begin = [0, 0], end = [0, 0]
        for i in 0..<2 {
            let total = (inSize[i] - 1) * strides[i] + kernel[i] - outSize[i]
            begin[i] = same ? max(0, total) / 2 : 0
            end[i] = total - begin[i]
        }
        let window = SpatialWindow(input: outSize, kernel: kernel, strides: strides, dilations: [1, 1], padsBegin: begin,
                                   padsEnd: end, output: inSize)
        let p = ConvolutionParameters(layout: .channelsLast, batch: x.shape[0], inputChannels: c, outputChannels: m, groups: 1, window: window)
        return (p, x, w, b, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (_, x, _, _, output) = try parameters(inputs)
        return [TensorInfo(dtype: x.dtype, shape: output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (p, x, w, b, output) = try parameters(inputs)
        struct Visitor: BLASFloatVisitor {
            let p: ConvolutionParameters, x: Tensor, w: Tensor, b: Tensor?, output: [Int], activation: FusedActivation
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.read(w, as: T.self) { w in
                        try NNSupport.readOptional(b, as: T.self) { b in
                            try NNSupport.build(T.dtype, output, as: T.self) { y in
                                try Convolution.transposed(p, x: x, w: w, bias: b, y: y)
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
