import LockstepCore

/// Convolution attributes of ConvInteger / QLinearConv (as ONNX Conv): `auto_pad`, `dilations`,
/// `group`, `kernel_shape`, `pads`, `strides`, with the spec defaults.
struct IntegerConvAttributes: Sendable {
    let autoPad: String
    let dilations: [Int]?
    let group: Int
    let kernelShape: [Int]?
    let pads: [Int]?
    let strides: [Int]?

    init(_ a: AttributeReader) throws {
        autoPad = try a.string("auto_pad", default: "NOTSET")
        dilations = try a.ints("dilations")
        group = try a.int("group", default: 1)
        kernelShape = try a.ints("kernel_shape")
        pads = try a.ints("pads")
        strides = try a.ints("strides")
    }

    func geometry(input: [Int], weight: [Int]) throws -> IntegerKernels.ConvGeometry {
        try IntegerKernels.convGeometry(input: input, weight: weight, group: group, kernelShape: kernelShape, pads: pads,
                                        strides: strides, dilations: dilations, autoPad: autoPad)
    }

    /// `w` widened to Int32 minus its zero point (a scalar, or one per output channel).
    static func weights(_ w: Tensor, zeroPoint: Tensor?) throws -> [Int32] {
        guard let zeroPoint else { return try w.int32Values() }
        guard zeroPoint.dtype == w.dtype else { throw KernelError("w_zero_point type \(zeroPoint.dtype) differs from w's \(w.dtype)") }
        let zps = try zeroPoint.int32Values()
        if zps.count == 1 { return try w.int32Values { _ in zps[0] } }
        guard zeroPoint.rank == 1, zps.count == w.shape[0] else {
            throw KernelError("w_zero_point must be a scalar or one value per output channel (\(w.shape[0])), found shape \(zeroPoint.shape)")
        }
        let perChannel = max(w.count / max(w.shape[0], 1), 1)
        return try w.int32Values { i in zps[i / perChannel] }
    }

    /// `x` widened to Int32 minus its (scalar) zero point.
    static func input(_ x: Tensor, zeroPoint: Tensor?) throws -> [Int32] {
        guard let zeroPoint else { return try x.int32Values() }
        guard zeroPoint.dtype == x.dtype else { throw KernelError("x_zero_point type \(zeroPoint.dtype) differs from x's \(x.dtype)") }
        guard zeroPoint.count == 1 else { throw KernelError("x_zero_point must be a scalar, found shape \(zeroPoint.shape)") }
        let zp = try zeroPoint.int32Values()[0]
        return try x.int32Values { _ in zp }
    }

    /// Runs the integer convolution into a new Int32 buffer of the output's size.
    static func run(_ g: IntegerKernels.ConvGeometry, x: [Int32], w: [Int32], bias: [Int32]?) -> [Int32] {
        var out = [Int32](repeating: 0, count: g.outputShape.reduce(1, *))
        if x.isEmpty || w.isEmpty {
            // Nothing to accumulate (no input channels or an empty batch): the bias alone.
            if let bias {
                let spatial = g.outSpatial.reduce(1, *)
                for i in 0..<out.count { out[i] = bias[(i / max(spatial, 1)) % g.outChannels] }
            }
            return out
        }
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    guard let ob = o.baseAddress, let xb = xp.baseAddress, let wb = wp.baseAddress else { return }
                    if let bias {
                        bias.withUnsafeBufferPointer { IntegerKernels.conv(g, x: xb, w: wb, bias: $0.baseAddress, out: ob) }
                    } else {
                        IntegerKernels.conv(g, x: xb, w: wb, bias: nil, out: ob)
                    }
                }
            }
        }
        return out
    }
}

/// ConvInteger (opset 10): N-d convolution of int8/uint8 `x` and `w` minus their zero points
/// (x: scalar; w: scalar or per output channel), accumulated exactly in Int32. Padding
/// contributes the zero point (i.e. 0 after subtraction). Output int32. Attributes as Conv.
struct ConvIntegerKernel: Kernel {
    let attributes: IntegerConvAttributes

    static let registration = OpRegistration("ConvInteger", versions: 10...Int.max) { context in
        ConvIntegerKernel(attributes: try IntegerConvAttributes(context.attributes))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "x"), w = try Inputs.tensor(inputs, 1, name: "w")
        try QuantizedMatMul.checkEightBit(x, "x")
        try QuantizedMatMul.checkEightBit(w, "w")
        return [TensorInfo(dtype: .int32, shape: try attributes.geometry(input: x.shape, weight: w.shape).outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "x"), w = try Inputs.tensor(inputs, 1, name: "w")
        let g = try attributes.geometry(input: x.shape, weight: w.shape)
        let xv = try IntegerConvAttributes.input(x, zeroPoint: try Inputs.optionalTensor(inputs, 2))
        let wv = try IntegerConvAttributes.weights(w, zeroPoint: try Inputs.optionalTensor(inputs, 3))
        let out = IntegerConvAttributes.run(g, x: xv, w: wv, bias: nil)
        return [.tensor(try Tensor(dtype: .int32, shape: g.outputShape, values: out))]
    }
}
