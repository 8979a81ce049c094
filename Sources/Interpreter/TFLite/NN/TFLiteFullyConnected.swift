import LockstepCore

/// FULLY_CONNECTED (versions 1–14): `input [..., K]` viewed as `[B, K]` (B = count / K) times
/// `weights [O, K]`ᵀ plus optional `bias [O]`, then the fused activation. Output `[B, O]`, or with
/// `keep_num_dims` the input's shape with the last dimension replaced by O. Each output is the
/// dot product summed in depth order, then the bias (TFLite's reference order,
/// `OrderedAccumulation.fullyConnected`). `weights_format` must be DEFAULT (SHUFFLED4x16INT8 is an int8-only layout).
struct TFLiteFullyConnected: Kernel {
    static let registration = TFLiteOps.op("FULLY_CONNECTED") { context in
        try TFLiteSupport.arity(context, inputs: 2...3, outputs: 1...2)
        let a = context.attributes
        let format = try a.string("weights_format") ?? "DEFAULT"
        guard format == "DEFAULT" else { throw KernelError("weights_format \(format) is not implemented", unsupported: true) }
        var sparse: TFLiteDensify?
        if let info = context.valueInfo(context.node.inputs[1]), let sparsity = info.sparsity {
            guard case .tensor(_, let shape?) = info.type, let dense = shape.fixedDimensions else {
                throw KernelError("sparse weights need a fixed dense shape, found \(info.type)")
            }
            sparse = TFLiteDensify(sparsity: sparsity, denseShape: dense)
        }
        return TFLiteFullyConnected(activation: try FusedActivation(a), keepNumDims: try a.int("keep_num_dims", default: 0) != 0,
                                    quantization: try TFLiteQuantization(context), sparseWeights: sparse,
                                    asymmetricInputs: try a.int("asymmetric_quantize_inputs", default: 0) != 0)
    }

    let activation: FusedActivation
    let keepNumDims: Bool
    let quantization: TFLiteQuantization
    /// Sparse weights (FULLY_CONNECTED version 8+) are densified before the product; the sums
    /// then include the zeros, which changes nothing but the sign of an all-zero sum.
    let sparseWeights: TFLiteDensify?
    /// Hybrid weights: quantise the input rows asymmetrically (else symmetrically).
    let asymmetricInputs: Bool

    func shapes(_ inputs: [Value?]) throws -> (x: Tensor, w: Tensor, b: Tensor?, batch: Int, output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        var w = try Inputs.tensor(inputs, 1, name: "weights")
        if let sparseWeights { w = try Inputs.tensor(try sparseWeights.evaluate([.tensor(w)], context: nil), 0, name: "weights") }
        let b = try Inputs.optionalTensor(inputs, 2)
        try TFLiteQuantizedPaths.checkTypes(x, w)
        try TFLiteSupport.requireRank(w, "weights", 2)
        let o = w.shape[0], k = w.shape[1]
        guard k > 0, x.count % k == 0 else {
            throw KernelError("input \(x.shape) holds \(x.count) values, not a multiple of the weights' depth \(k)")
        }
        if let b {
            if x.dtype.isFloatingPoint { try TFLiteSupport.requireType(b, "bias", x.dtype) }
            if x.dtype == .float32, w.dtype == .int8 { try TFLiteSupport.requireType(b, "bias", .float32) }
            guard b.count == o else { throw KernelError("bias must have \(o) elements, found shape \(b.shape)") }
        }
        let batch = x.count / k
        let output: [Int]
        if keepNumDims {
            guard x.rank >= 1, x.shape[x.rank - 1] == k else {
                throw KernelError("with keep_num_dims the input's last dimension must be \(k), found shape \(x.shape)")
            }
            output = Array(x.shape.dropLast()) + [o]
        } else {
            output = [batch, o]
        }
        return (x, w, b, batch, output)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let s = try shapes(inputs)
        return [TensorInfo(dtype: s.x.dtype, shape: s.output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let s = try shapes(inputs)
        if s.x.dtype.isInteger { return [.tensor(try quantized(s.x, s.w, s.b, batch: s.batch, output: s.output))] }
        if s.x.dtype == .float32, s.w.dtype == .int8 {
            let units = s.w.shape[0], depth = s.w.shape[1]
            let (scales, perChannel) = try TFLiteHybrid.channelScales(quantization.inputs[1], channels: units)
            let y = try NNSupport.read(s.x, as: Float.self) { xs in
                try NNSupport.read(s.w, as: Int8.self) { ws in
                    try NNSupport.readOptional(s.b, as: Float.self) { bs in
                        try NNSupport.build(.float32, s.output, as: Float.self) { y in
                            TFLiteHybrid.fullyConnected(x: xs, batch: s.batch, depth: depth, w: ws, units: units, scales: scales, perChannel: perChannel,
                                                        bias: bs, asymmetric: asymmetricInputs, activation: activation, y: y)
                        }
                    }
                }
            }
            return [.tensor(y)]
        }
        struct Visitor: BLASFloatVisitor {
            let x: Tensor, w: Tensor, b: Tensor?, batch: Int, output: [Int], activation: FusedActivation
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let o = w.shape[0], k = w.shape[1]
                return try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.read(w, as: T.self) { w in
                        try NNSupport.readOptional(b, as: T.self) { b in
                            try NNSupport.build(T.dtype, output, as: T.self) { y in
                                OrderedAccumulation.fullyConnected(rows: batch, outputs: o, depth: k, x: x, w: w, bias: b, y: y)
                                activation.apply(y, count: batch * o)
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(try s.x.dtype.dispatchBLASFloat(Visitor(x: s.x, w: s.w, b: s.b, batch: s.batch, output: s.output, activation: activation)))]
    }
}

extension TFLiteFullyConnected {
    /// int8/uint8 (per-tensor or per-channel weights, int32 bias) and int16x8 (int64 bias) through
    /// `TFLiteQuantizedFullyConnected` (TFLite's `reference_integer_ops::FullyConnected`).
    func quantized(_ x: Tensor, _ w: Tensor, _ b: Tensor?, batch: Int, output: [Int]) throws -> Tensor {
        let q = quantization
        guard let wq = q.inputs.count > 1 ? q.inputs[1] : nil, !wq.scales.isEmpty else { throw KernelError("weights are \(w.dtype) without quantisation parameters") }
        let (si, zi) = try q.input(0), (so, zo) = try q.output()
        let units = w.shape[0], depth = w.shape[1]
        let multipliers = wq.scales.count > 1
            ? TFLiteQuantizationParams.perChannelMultipliers(inputScale: si, filterScales: wq.scales, outputScale: so, channels: units)
            : [TFLiteQuantizationParams.convolutionMultiplier(inputScale: si, filterScale: wq.scales[0], outputScale: so)]
        guard multipliers.count == 1 || multipliers.count == units else { throw KernelError("weights have \(wq.scales.count) scales for \(units) units") }
        // What LiteRT 2.3.0's reference kernel rescales with (see TFLiteQuantizedFullyConnected).
        let scales = TFLiteQuantizedFullyConnected.effectiveScales(inputScale: si, filterScales: wq.scales, outputScale: so)
        if x.dtype == .int16 {
            let (lo, hi) = try q.activationRange(Int16.self)
            let bias = try TFLiteBuffers.bias64(b)
            return try TFLiteBuffers.build(.int16, output, Int16.self) { o in
                try TFLiteBuffers.read(x, Int16.self) { xs in
                    try TFLiteBuffers.read(w, Int8.self) { ws in
                        TFLiteQuantizedFullyConnected.fullyConnected16x8(batches: batch, accumDepth: depth, outputDepth: units, input: xs, filter: ws,
                                                                          bias: bias, multipliers: multipliers, activationMin: lo, activationMax: hi,
                                                                          effectiveScales: scales, output: o)
                    }
                }
            }
        }
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            let (lo, hi) = try q.activationRange(T.self)
            let offsets = TFLiteQuantizedConvolution.Offsets(inputOffset: -zi, filterOffset: -Int32(truncatingIfNeeded: wq.zeroPoints.first ?? 0),
                                                             outputOffset: zo, activationMin: lo, activationMax: hi)
            let bias = try TFLiteBuffers.bias32(b)
            return try TFLiteBuffers.build(x.dtype, output, T.self) { o in
                try TFLiteBuffers.read(x, T.self) { xs in
                    try TFLiteBuffers.read(w, T.self) { ws in
                        TFLiteBuffers.optional(bias) { bs in
                            TFLiteQuantizedFullyConnected.fullyConnected(batches: batch, accumDepth: depth, outputDepth: units, input: xs, filter: ws,
                                                                         bias: bs, multipliers: multipliers, offsets: offsets,
                                                                         effectiveScales: scales, output: o)
                        }
                    }
                }
            }
        }
        return x.dtype == .uint8 ? try run(UInt8.self) : try run(Int8.self)
    }
}
