import LockstepCore

/// SVDF (versions 1–4): a fully connected layer factorised into a feature and a time filter over a
/// memory of the last `memory_size` feature activations. Inputs `input [batch, input_size]`,
/// `weights_feature [num_filters, input_size]`, `weights_time [num_filters, memory_size]`, optional
/// `bias [num_units]` (`num_units = num_filters / rank`), and the variable `activation_state
/// [batch, memory_size · num_filters]`, carried across invocations; output `[batch, num_units]`.
/// Mirrors google-ai-edge/LiteRT `tflite/kernels/svdf.cc` and `internal/reference/svdf.h`: the state
/// shifts left by one, the feature products of this input fill each filter's newest slot, each
/// filter's memory is dotted with its time weights, the `rank` filters of a unit are summed, then
/// the bias and the activation. Three forms: float32; hybrid (int8 `weights_feature` with one scale,
/// int8 `weights_time` dequantised once, the input quantised per batch row as LiteRT's x86 build
/// does); integer (int8 input and output, int8 feature and int16 time weights, int32 bias, int16
/// state; RELU only, as LiteRT) with the fixed-point rescaling of `EvalIntegerSVDF`.
struct TFLiteSVDF: Kernel {
    static let registration = TFLiteOps.op("SVDF") { context in
        try TFLiteSupport.arity(context, inputs: 5...5)
        let a = context.attributes
        let rank = try a.int("rank", default: 0)
        guard rank > 0 else { throw KernelError("rank \(rank) must be positive") }
        let q = TFLiteRecurrentSupport.quantizations(context)
        return TFLiteSVDF(rank: rank, activation: try RecurrentCell.Activation(a),
                          asymmetric: try a.int("asymmetric_quantize_inputs", default: 0) != 0,
                          state: try TFLiteRecurrentSupport.stateName(context, 4, "activation_state"),
                          quantization: q, output: context.node.outputs.first.flatMap { TFLiteSupport.quantization(context, $0) })
    }

    let rank: Int
    let activation: RecurrentCell.Activation
    let asymmetric: Bool
    let state: String
    let quantization: [QuantizationParameters?]
    let output: QuantizationParameters?

    struct Dimensions {
        let batch, inputSize, filters, units, memory: Int
    }

    func dimensions(_ inputs: [Value?]) throws -> Dimensions {
        let x = try Inputs.tensor(inputs, 0, name: "input"), wf = try Inputs.tensor(inputs, 1, name: "weights_feature")
        let wt = try Inputs.tensor(inputs, 2, name: "weights_time")
        guard x.rank == 2, wf.rank == 2, wt.rank == 2 else {
            throw KernelError("input, weights_feature and weights_time must have rank 2, found \(x.shape), \(wf.shape), \(wt.shape)")
        }
        let filters = wf.shape[0]
        guard wf.shape[1] == x.shape[1], wt.shape[0] == filters, filters % rank == 0 else {
            throw KernelError("weights_feature \(wf.shape) and weights_time \(wt.shape) do not match input \(x.shape) and rank \(rank)")
        }
        return Dimensions(batch: x.shape[0], inputSize: x.shape[1], filters: filters, units: filters / rank, memory: wt.shape[1])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let d = try dimensions(inputs)
        let x = try Inputs.tensor(inputs, 0, name: "input")
        return [TensorInfo(dtype: x.dtype == .int8 ? .int8 : .float32, shape: [d.batch, d.units])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let d = try dimensions(inputs)
        let x = try Inputs.tensor(inputs, 0, name: "input"), wf = try Inputs.tensor(inputs, 1, name: "weights_feature")
        let stateTensor = try Inputs.tensor(inputs, 4, name: "activation_state")
        guard stateTensor.count == d.batch * d.memory * d.filters else {
            throw KernelError("activation_state must hold \(d.batch) × \(d.memory * d.filters) values, found \(stateTensor.shape)")
        }
        if x.dtype == .int8 { return try integer(inputs, d, context: context) }
        let xs = try TFLiteRecurrentSupport.floats(x, "input")
        var memory = try TFLiteRecurrentSupport.floats(stateTensor, "activation_state")
        let wt = try Inputs.tensor(inputs, 2, name: "weights_time")
        let timeWeights: [Float]
        switch wt.dtype {
        case .float32: timeWeights = try wt.scalars(as: Float.self)
        case .int8:  // hybrid: dequantised once (LiteRT's float_weights_time)
            guard let scale = (quantization[2] ?? wt.quantization)?.scales.first else { throw KernelError("int8 weights_time needs a scale") }
            timeWeights = try wt.scalars(as: Int8.self).map { Float($0) * scale }
        default: throw KernelError("weights_time has element type \(wt.dtype)", unsupported: true)
        }
        let feature = try RecurrentCell.Weights(wf, "weights_feature", rows: d.filters, cols: d.inputSize, quantization: quantization[1])
        let bias = try Inputs.optionalTensor(inputs, 3).map { try TFLiteRecurrentSupport.floats($0, "bias", count: d.units) }
        let stateSize = d.batch * d.memory * d.filters
        if stateSize > 1 { for i in 0..<(stateSize - 1) { memory[i] = memory[i + 1] } }
        var scratch = [Float](repeating: 0, count: d.batch * d.filters)
        if !xs.isEmpty, !scratch.isEmpty {
            xs.withUnsafeBufferPointer { xb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    feature.accumulate(rows: d.filters, cols: d.inputSize, xb.baseAddress!, batch: d.batch, asymmetric: asymmetric, sb.baseAddress!, stride: d.filters)
                }
            }
        }
        for i in 0..<(d.batch * d.filters) { memory[i * d.memory + d.memory - 1] = scratch[i] }
        var out = [Float](repeating: 0, count: d.batch * d.units)
        // ApplyTimeWeightsBiasAndActivation: per filter dot(weights_time, memory) (NEON order), sum of the rank filters per unit.
        for b in 0..<d.batch {
            for f in 0..<d.filters {
                scratch[b * d.filters + f] = Self.neonDot(timeWeights, f * d.memory, memory, (b * d.filters + f) * d.memory, d.memory)
            }
        }
        for o in 0..<(d.batch * d.units) {
            var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
            let base = o * rank, vectorEnd = rank & ~3
            var r = 0
            while r < vectorEnd { l0 += scratch[base + r]; l1 += scratch[base + r + 1]; l2 += scratch[base + r + 2]; l3 += scratch[base + r + 3]; r += 4 }
            out[o] += ((l0 + l1) + l2) + l3
            while r < rank { out[o] += scratch[base + r]; r += 1 }
        }
        if let bias { for b in 0..<d.batch { for u in 0..<d.units { out[b * d.units + u] += bias[u] } } }
        for i in 0..<out.count { out[i] = activation.apply(out[i]) }
        context.assignVariableTensor(state, try Tensor(float32: memory, shape: stateTensor.shape))
        return [.tensor(try Tensor(float32: out, shape: [d.batch, d.units]))]
    }

    /// `NeonVectorVectorDotProduct`: four lane sums over whole groups of four, `((l0 + l1) + l2) + l3`,
    /// then the rest one by one.
    static func neonDot(_ a: [Float], _ ai: Int, _ b: [Float], _ bi: Int, _ n: Int) -> Float {
        var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
        let vectorEnd = n & ~3
        var k = 0
        while k < vectorEnd {
            l0 += a[ai + k] * b[bi + k]; l1 += a[ai + k + 1] * b[bi + k + 1]
            l2 += a[ai + k + 2] * b[bi + k + 2]; l3 += a[ai + k + 3] * b[bi + k + 3]
            k += 4
        }
        var r = ((l0 + l1) + l2) + l3
        while k < n { r += a[ai + k] * b[bi + k]; k += 1 }
        return r
    }

    /// `EvalIntegerSVDF` (int8 input/output, int16 state).
    func integer(_ inputs: [Value?], _ d: Dimensions, context: ExecutionContext) throws -> [Value?] {
        guard activation == .relu else { throw KernelError("integer SVDF supports only RELU, as LiteRT; found \(activation.rawValue)") }
        let x = try Inputs.tensor(inputs, 0, name: "input"), wf = try Inputs.tensor(inputs, 1, name: "weights_feature")
        let wt = try Inputs.tensor(inputs, 2, name: "weights_time"), st = try Inputs.tensor(inputs, 4, name: "activation_state")
        guard wf.dtype == .int8, wt.dtype == .int16, st.dtype == .int16 else {
            throw KernelError("integer SVDF needs int8 weights_feature, int16 weights_time and state, found \(wf.dtype), \(wt.dtype), \(st.dtype)", unsupported: true)
        }
        let input = try TFLiteQuantization.scalar(quantization[0], "input"), feature = try TFLiteQuantization.scalar(quantization[1], "weights_feature")
        let time = try TFLiteQuantization.scalar(quantization[2], "weights_time"), stateQ = try TFLiteQuantization.scalar(quantization[4], "activation_state")
        let out = try TFLiteQuantization.scalar(output, "output")
        let scale1 = Double(input.scale) * Double(feature.scale) / Double(stateQ.scale)
        let scale2 = Double(stateQ.scale) * Double(time.scale) / Double(out.scale)
        let (m1, s1) = TFLiteFixedPoint.quantizeMultiplier(scale1), (m2, s2) = TFLiteFixedPoint.quantizeMultiplier(scale2)
        let xs = try x.scalars(as: Int8.self), w = try wf.scalars(as: Int8.self), t = try wt.scalars(as: Int16.self)
        var state = try st.scalars(as: Int16.self)
        let bias = try Inputs.optionalTensor(inputs, 3).map { b -> [Int32] in
            guard b.dtype == .int32, b.count == d.units else { throw KernelError("bias must be int32 with \(d.units) values, found \(b.dtype) \(b.shape)") }
            return try b.scalars(as: Int32.self)
        }
        let stateSize = d.batch * d.memory * d.filters
        if stateSize > 1 { for i in 0..<(stateSize - 1) { state[i] = state[i + 1] } }
        for b in 0..<d.batch {
            for r in 0..<d.filters {
                var dot: Int32 = 0
                for c in 0..<d.inputSize { dot &+= Int32(w[r * d.inputSize + c]) &* (Int32(xs[b * d.inputSize + c]) &- input.zeroPoint) }
                dot = TFLiteFixedPoint.multiplyByQuantizedMultiplier(dot, m1, s1)
                state[(b * d.filters + r) * d.memory + d.memory - 1] = Int16(min(max(dot, Int32(Int16.min)), Int32(Int16.max)))
            }
        }
        var scratch = [Int32](repeating: 0, count: d.batch * d.filters)
        for b in 0..<d.batch {
            for f in 0..<d.filters {
                var dot: Int32 = 0
                for k in 0..<d.memory { dot &+= Int32(t[f * d.memory + k]) &* Int32(state[(b * d.filters + f) * d.memory + k]) }
                scratch[b * d.filters + f] = dot
            }
        }
        var result = [Int8](repeating: 0, count: d.batch * d.units)
        for o in 0..<(d.batch * d.units) {
            var sum: Int32 = 0
            for r in 0..<rank { sum &+= scratch[o * rank + r] }
            if let bias { sum &+= bias[o % d.units] }
            let v = TFLiteFixedPoint.multiplyByQuantizedMultiplier(sum, m2, s2) &+ out.zeroPoint
            result[o] = Int8(min(max(v, -128), 127))
        }
        context.assignVariableTensor(self.state, try Tensor(dtype: .int16, shape: st.shape, values: state))
        return [.tensor(try Tensor(dtype: .int8, shape: [d.batch, d.units], values: result))]
    }
}
