import LockstepCore

/// ConvTranspose (ONNX opsets 1, 11, 22): transposed convolution of `X [N, C, in…]` with
/// `W [C, M/group, k…]` plus optional bias `B [M]` (1-D to 3-D spatial). Output size
/// `stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pads`, or `output_shape`
/// with the padding derived from it (SAME_UPPER puts an odd total's extra element at the end,
/// otherwise at the beginning); SAME_* without `output_shape` gives `in * stride`.
/// GEMM (`cblas_sgemm`/`dgemm`) into a column buffer, then col2im.
struct ConvTransposeKernel: Kernel {
    static let registration = OpRegistration("ConvTranspose", versions: 1...Int.max) { context in
        try ConvTransposeKernel(context.attributes)
    }

    let autoPad: AutoPad
    let kernelShape: [Int]?
    let strides: [Int]?
    let dilations: [Int]?
    let pads: [Int]?
    let outputPadding: [Int]?
    let outputShape: [Int]?
    let group: Int

    init(_ a: AttributeReader) throws {
        autoPad = try AutoPad(attribute: a.string("auto_pad"))
        kernelShape = try a.ints("kernel_shape")
        strides = try a.ints("strides")
        dilations = try a.ints("dilations")
        pads = try a.ints("pads")
        outputPadding = try a.ints("output_padding")
        outputShape = try a.ints("output_shape")
        group = try a.int("group", default: 1)
        guard group >= 1 else { throw KernelError("attribute 'group' must be positive, found \(group)") }
    }

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
        let c = x.shape[1]
        guard w.shape[0] == c, c % group == 0 else {
            throw KernelError("input 'X' has \(c) channels but 'W' \(w.shape) expects \(w.shape[0]) (divisible by group \(group))")
        }
        let m = w.shape[1] * group
        if let b {
            try NNSupport.requireSameType(b, "B", as: x.dtype)
            guard b.shape == [m] else { throw KernelError("input 'B' must have shape [\(m)], found \(b.shape)") }
        }
        let window = try Padding.transposed(input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations,
                                            pads: pads, autoPad: autoPad, outputPadding: outputPadding, outputShape: outputShape)
        let p = ConvolutionParameters(layout: .channelsFirst, batch: x.shape[0], inputChannels: c, outputChannels: m,
                                      groups: group, window: window)
        return (p, x, w, b, [x.shape[0], m] + window.input)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (_, x, _, _, output) = try parameters(inputs)
        return [TensorInfo(dtype: x.dtype, shape: output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (p, x, w, b, output) = try parameters(inputs)
        struct Visitor: BLASFloatVisitor {
            let p: ConvolutionParameters, t: [Tensor?], output: [Int]
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                [try NNSupport.read(t[0]!, as: T.self) { x in
                    try NNSupport.read(t[1]!, as: T.self) { w in
                        try NNSupport.readOptional(t[2], as: T.self) { b in
                            try NNSupport.build(T.dtype, output, as: T.self) { y in
                                try Convolution.transposed(p, x: x, w: w, bias: b, y: y)
                            }
                        }
                    }
                }]
            }
        }
        return try NNSupport.compute([x, w, b]) { Visitor(p: p, t: $0, output: output) }
    }
}
