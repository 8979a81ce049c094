import LockstepCore

/// QLinearConv (opset 10): quantised N-d convolution.
/// `acc = Σ (x − x_zp)(w − w_zp) + B` exactly in Int32 (w_zp and w_scale scalar or per output
/// channel; B int32 with scale x_scale·w_scale and zero point 0), then
/// `y = saturate(round_half_even(acc · (x_scale · w_scale / y_scale)) + y_zp)` with the combined
/// scale and the product in float32 (as ONNX Runtime requantises). Attributes as Conv.
struct QLinearConvKernel: Kernel {
    let attributes: IntegerConvAttributes

    static let registration = OpRegistration("QLinearConv", versions: 10...Int.max) { context in
        QLinearConvKernel(attributes: try IntegerConvAttributes(context.attributes))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "x"), w = try Inputs.tensor(inputs, 3, name: "w")
        let yZero = try Inputs.tensor(inputs, 7, name: "y_zero_point")
        try QuantizedMatMul.checkEightBit(x, "x")
        try QuantizedMatMul.checkEightBit(w, "w")
        try QuantizedMatMul.checkEightBit(yZero, "y_zero_point")
        for (i, name) in [(1, "x_scale"), (4, "w_scale"), (6, "y_scale")] where try Inputs.tensor(inputs, i, name: name).dtype != .float32 {
            throw KernelError("\(name) must be float32")
        }
        if let bias = try Inputs.optionalTensor(inputs, 8) {
            guard bias.dtype == .int32, bias.rank == 1, bias.count == w.shape.first else {
                throw KernelError("B must be an int32 vector of \(w.shape.first ?? 0) values, found \(bias.dtype)\(bias.shape)")
            }
        }
        return [TensorInfo(dtype: yZero.dtype, shape: try attributes.geometry(input: x.shape, weight: w.shape).outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "x"), w = try Inputs.tensor(inputs, 3, name: "w")
        let yZero = try Inputs.tensor(inputs, 7, name: "y_zero_point")
        let g = try attributes.geometry(input: x.shape, weight: w.shape)
        let xv = try IntegerConvAttributes.input(x, zeroPoint: try Inputs.tensor(inputs, 2, name: "x_zero_point"))
        let wv = try IntegerConvAttributes.weights(w, zeroPoint: try Inputs.tensor(inputs, 5, name: "w_zero_point"))
        let bias = try Inputs.optionalTensor(inputs, 8)?.scalars(as: Int32.self)
        let acc = IntegerConvAttributes.run(g, x: xv, w: wv, bias: bias)

        let xScale = try Inputs.tensor(inputs, 1).floatValues(), wScale = try Inputs.tensor(inputs, 4).floatValues()
        let yScale = try Inputs.tensor(inputs, 6).floatValues(), yZp = try yZero.int32Values()
        guard xScale.count == 1, yScale.count == 1, yZp.count == 1 else { throw KernelError("x_scale, y_scale and y_zero_point must be scalars") }
        guard wScale.count == 1 || wScale.count == g.outChannels else {
            throw KernelError("w_scale must be a scalar or one value per output channel (\(g.outChannels)), found \(wScale.count)")
        }
        let (lo, hi) = QuantizedType.range(yZero.dtype)!
        let spatial = g.outSpatial.reduce(1, *)
        var values = [Int32](repeating: 0, count: acc.count)
        for n in 0..<g.batch {
            for m in 0..<g.outChannels {
                let scale = xScale[0] * wScale[wScale.count == 1 ? 0 : m] / yScale[0]
                let base = (n * g.outChannels + m) * spatial
                for o in base..<(base + spatial) {
                    values[o] = Requantize.requantizeFloat(acc[o], scale: scale, zeroPoint: yZp[0], min: lo, max: hi)
                }
            }
        }
        return [.tensor(try values.withUnsafeBufferPointer { try QuantizedType.integerTensor(yZero.dtype, shape: g.outputShape, values: $0) })]
    }
}
