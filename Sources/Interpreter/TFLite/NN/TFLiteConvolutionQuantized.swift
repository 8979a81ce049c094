import LockstepCore

/// The integer paths of CONV_2D and DEPTHWISE_CONV_2D over the quantised kernels
/// (`TFLiteQuantizedConvolution`, TFLite's `reference_integer_ops::ConvPerChannel` /
/// `DepthwiseConvPerChannel`, their uint8 `reference_ops` forms and the 16x8 variants):
/// int8 or uint8 activations with int8/uint8 weights (per-channel or per-tensor scales) and
/// int32 bias; int16 activations with int8 weights and int64 (or int32) bias. Multipliers come
/// from the declared scales, the output clamp from the fused activation.
enum TFLiteQuantizedPaths {
    /// Input / weight type combinations: float with float weights, or integer activations with
    /// integer weights. Float activations with integer weights are the hybrid (dynamic-range)
    /// kernels, not implemented.
    static func checkTypes(_ x: Tensor, _ w: Tensor) throws {
        switch (x.dtype, w.dtype) {
        case (.float32, .float32), (.float64, .float64): return
        case (.int8, .int8), (.uint8, .uint8), (.int16, .int8): return
        case (.float32, .int8), (.float32, .uint8):
            throw KernelError("hybrid (dynamic-range) kernels with float32 input and \(w.dtype) weights are not implemented", unsupported: true)
        default:
            throw KernelError("input \(x.dtype) with weights \(w.dtype) is not implemented", unsupported: x.dtype.isInteger)
        }
    }

    static func convolution(_ p: ConvolutionParameters, x: Tensor, w: Tensor, b: Tensor?, output: [Int], depthwise: Bool,
                            strides: [Int], dilations: [Int], autoPad: AutoPad, quantization q: TFLiteQuantization) throws -> Tensor {
        let g = try TFLiteQuantizedConvolution.Geometry.make(input: x.shape, filter: w.shape, strides: (strides[0], strides[1]),
                                                             dilations: (dilations[0], dilations[1]),
                                                             padding: autoPad == .valid ? .valid : .same, depthwise: depthwise)
        guard g.outputShape == output else { throw KernelError("internal error: quantised output \(g.outputShape), expected \(output)") }
        guard let wq = q.inputs.count > 1 ? q.inputs[1] : nil, !wq.scales.isEmpty else {
            throw KernelError("filter is \(w.dtype) without quantisation parameters")
        }
        let (si, zi) = try q.input(0), (so, zo) = try q.output()
        guard wq.scales.count == 1 || wq.scales.count == g.outputDepth else {
            throw KernelError("filter has \(wq.scales.count) scales for \(g.outputDepth) output channels")
        }
        let multipliers = TFLiteQuantizationParams.perChannelMultipliers(inputScale: si, filterScales: wq.scales, outputScale: so, channels: g.outputDepth)
        if x.dtype == .int16 {
            let (lo, hi) = try q.activationRange(Int16.self)
            let bias = try TFLiteBuffers.bias64(b)
            return try TFLiteBuffers.build(.int16, g.outputShape, Int16.self) { o in
                try TFLiteBuffers.read(x, Int16.self) { xs in
                    try TFLiteBuffers.read(w, Int8.self) { ws in
                        if depthwise {
                            TFLiteQuantizedConvolution.depthwise16x8(g, input: xs, filter: ws, bias: bias, multipliers: multipliers, activationMin: lo, activationMax: hi, output: o)
                        } else {
                            TFLiteQuantizedConvolution.conv16x8(g, input: xs, filter: ws, bias: bias, multipliers: multipliers, activationMin: lo, activationMax: hi, output: o)
                        }
                    }
                }
            }
        }
        let filterOffset = -Int32(truncatingIfNeeded: wq.zeroPoints.first ?? 0)
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            let (lo, hi) = try q.activationRange(T.self)
            let offsets = TFLiteQuantizedConvolution.Offsets(inputOffset: -zi, filterOffset: filterOffset, outputOffset: zo, activationMin: lo, activationMax: hi)
            let bias = try TFLiteBuffers.bias32(b)
            return try TFLiteBuffers.build(x.dtype, g.outputShape, T.self) { o in
                try TFLiteBuffers.read(x, T.self) { xs in
                    try TFLiteBuffers.read(w, T.self) { ws in
                        TFLiteBuffers.optional(bias) { bs in
                            if depthwise {
                                TFLiteQuantizedConvolution.depthwise(g, input: xs, filter: ws, bias: bs, multipliers: multipliers, offsets: offsets, output: o)
                            } else {
                                TFLiteQuantizedConvolution.conv(g, input: xs, filter: ws, bias: bs, multipliers: multipliers, offsets: offsets, output: o)
                            }
                        }
                    }
                }
            }
        }
        return x.dtype == .uint8 ? try run(UInt8.self) : try run(Int8.self)
    }
}
