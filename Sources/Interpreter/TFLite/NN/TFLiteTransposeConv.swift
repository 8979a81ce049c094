import LockstepCore

/// TRANSPOSE_CONV (versions 1–5): inputs `output_shape` (int32 `[N, H, W, O]`), `weights
/// [O, KH, KW, C]`, `input [N, h, w, C]`, optional `bias [O]` (version 3+). Each input position
/// scatters `input · weights` into a `KH × KW` window of the output at `stride`; SAME centres the
/// windows as TFLite does (total padding `(h - 1)·stride + KH - H`, the odd element at the end),
/// VALID pads nothing and leaves the output's tail to the bias. Then the fused activation.
/// Computed as LiteRT's reference kernels do (`TFLiteTransposeConvolution`): float32 summed in the
/// scatter order; int8 (per-channel or per-tensor weights, int32 bias) and int16x8 (int64 bias)
/// requantised per output channel; float input with int8 weights through the hybrid kernel.
struct TFLiteTransposeConv: Kernel {
    static let registration = TFLiteOps.op("TRANSPOSE_CONV") { context in
        try TFLiteSupport.arity(context, inputs: 3...4)
        let a = context.attributes
        return TFLiteTransposeConv(same: try TFLitePadding.autoPad(a) == .sameUpper,
                                   strides: [try a.int("stride_h", default: 1), try a.int("stride_w", default: 1)],
                                   activation: try FusedActivation(a), quantization: try TFLiteQuantization(context))
    }

    let same: Bool
    let strides: [Int]
    let activation: FusedActivation
    let quantization: TFLiteQuantization

    func parameters(_ inputs: [Value?]) throws -> (TFLiteTransposeConvolution.Geometry, x: Tensor, w: Tensor, b: Tensor?, output: [Int]) {
        let shape = try TFLiteSupport.integers(try Inputs.tensor(inputs, 0, name: "output_shape"), "output_shape")
        let w = try Inputs.tensor(inputs, 1, name: "weights"), x = try Inputs.tensor(inputs, 2, name: "input")
        let b = try Inputs.optionalTensor(inputs, 3)
        switch (x.dtype, w.dtype) {
        case (.float32, .float32), (.float32, .int8), (.int8, .int8), (.int16, .int8): break
        default: throw KernelError("\(x.dtype) input with \(w.dtype) weights is not implemented", unsupported: true)
        }
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
            guard b.count == m else { throw KernelError("bias must have \(m) elements, found shape \(b.shape)") }
            let expected: [DType] = x.dtype == .float32 ? [.float32] : x.dtype == .int16 ? [.int64, .int32] : [.int32]
            guard expected.contains(b.dtype) else { throw KernelError("bias must be \(expected[0]) for \(x.dtype) input, found \(b.dtype)") }
        }
        let kernel = [w.shape[1], w.shape[2]], inSize = [x.shape[1], x.shape[2]], outSize = [shape[1], shape[2]]
        var begin = [0, 0]
        for i in 0..<2 {
            // ComputePaddingHeightWidth over the output size, as a convolution from it would pad.
            let total = (inSize[i] - 1) * strides[i] + kernel[i] - outSize[i]
            begin[i] = same ? max(0, total) / 2 : 0
        }
        let g = TFLiteTransposeConvolution.Geometry(batches: x.shape[0], inputHeight: inSize[0], inputWidth: inSize[1], inputDepth: c,
                                                    filterHeight: kernel[0], filterWidth: kernel[1], outputHeight: outSize[0],
                                                    outputWidth: outSize[1], outputDepth: m, strideHeight: strides[0], strideWidth: strides[1],
                                                    padHeight: begin[0], padWidth: begin[1])
        _ = try DataMovement.checkedCount(shape)
        return (g, x, w, b, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (_, x, _, _, output) = try parameters(inputs)
        return [TensorInfo(dtype: x.dtype, shape: output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (g, x, w, b, output) = try parameters(inputs)
        let lo = Float(activation.lo), hi = Float(activation.hi)
        switch (x.dtype, w.dtype) {
        case (.float32, .float32):
            let bias = try b.map { try $0.scalars(as: Float.self) }
            return [.tensor(try TFLiteBuffers.build(.float32, output, Float.self) { y in
                try TFLiteBuffers.read(x, Float.self) { xs in
                    try TFLiteBuffers.read(w, Float.self) { ws in
                        TFLiteBuffers.optional(bias) { bs in
                            TFLiteTransposeConvolution.float(g, input: xs.baseAddress!, weights: ws.baseAddress!, bias: bs?.baseAddress, lo: lo, hi: hi,
                                                             output: y.baseAddress!)
                        }
                    }
                }
            })]
        case (.float32, _):
            guard let wq = quantization.inputs.count > 1 ? quantization.inputs[1] : nil, !wq.scales.isEmpty else {
                throw KernelError("int8 weights without quantisation parameters")
            }
            guard wq.scales.count == 1 || wq.scales.count == g.outputDepth else { throw KernelError("weights have \(wq.scales.count) scales for \(g.outputDepth) channels") }
            let bias = try b.map { try $0.scalars(as: Float.self) }
            return [.tensor(try TFLiteBuffers.build(.float32, output, Float.self) { y in
                try TFLiteBuffers.read(x, Float.self) { xs in
                    try TFLiteBuffers.read(w, Int8.self) { ws in
                        TFLiteBuffers.optional(bias) { bs in
                            TFLiteTransposeConvolution.hybrid(g, input: xs.baseAddress!, weights: ws, scales: wq.scales, bias: bs?.baseAddress, lo: lo, hi: hi,
                                                              output: y.baseAddress!)
                        }
                    }
                }
            })]
        default:
            return [.tensor(try quantized(g, x, w, b, output))]
        }
    }

    /// int8 and 16x8 with per-channel multipliers (`PopulateConvolutionQuantizationParams`).
    func quantized(_ g: TFLiteTransposeConvolution.Geometry, _ x: Tensor, _ w: Tensor, _ b: Tensor?, _ output: [Int]) throws -> Tensor {
        let q = quantization
        guard let wq = q.inputs.count > 1 ? q.inputs[1] : nil, !wq.scales.isEmpty else { throw KernelError("int8 weights without quantisation parameters") }
        guard wq.scales.count == 1 || wq.scales.count == g.outputDepth else { throw KernelError("weights have \(wq.scales.count) scales for \(g.outputDepth) channels") }
        // TRANSPOSE_CONV's input is operand 2; its output operand 0.
        let (si, zi) = try q.input(2), (so, zo) = try q.output()
        let multipliers = TFLiteQuantizationParams.perChannelMultipliers(inputScale: si, filterScales: wq.scales, outputScale: so, channels: g.outputDepth)
        if x.dtype == .int16 {
            let (lo, hi) = try q.activationRange(Int16.self)
            let bias = try TFLiteBuffers.bias64(b)
            return try TFLiteBuffers.build(.int16, output, Int16.self) { o in
                try TFLiteBuffers.read(x, Int16.self) { xs in
                    try TFLiteBuffers.read(w, Int8.self) { ws in
                        TFLiteTransposeConvolution.int16(g, input: xs, weights: ws, bias: bias, inputOffset: -zi, outputOffset: zo, multipliers: multipliers,
                                                         activationMin: lo, activationMax: hi, output: o)
                    }
                }
            }
        }
        let (lo, hi) = try q.activationRange(Int8.self)
        let bias = try TFLiteBuffers.bias32(b)
        return try TFLiteBuffers.build(.int8, output, Int8.self) { o in
            try TFLiteBuffers.read(x, Int8.self) { xs in
                try TFLiteBuffers.read(w, Int8.self) { ws in
                    TFLiteBuffers.optional(bias) { bs in
                        TFLiteTransposeConvolution.int8(g, input: xs, weights: ws, bias: bs, inputOffset: -zi, outputOffset: zo, multipliers: multipliers,
                                                        activationMin: lo, activationMax: hi, output: o)
                    }
                }
            }
        }
    }
}
