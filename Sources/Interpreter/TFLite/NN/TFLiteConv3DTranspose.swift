import LockstepCore

/// CONV_3D_TRANSPOSE (version 1), float32: inputs `output_shape` (int32 `[N, D, H, W, O]`),
/// `filter [KD, KH, KW, O, C]`, `input [N, d, h, w, C]`, optional `bias [O]`. Mirrors
/// google-ai-edge/LiteRT `tflite/kernels/internal/reference/conv3d_transpose.h`: the output starts
/// at 0; every input element (batch, depth, height, width, channel order) scatters
/// `input · filter` into the outputs its window reaches (taps depth, height, width, then output
/// channel), skipping those outside; then `+ bias` and the clamp. The padding is the one a
/// CONV_3D from `output_shape` to the input would use (`Window3D`), and that convolution's output
/// size must equal the input's. Lockstep scatters in the same order, so results are bit-exact.
struct TFLiteConv3DTranspose: Kernel {
    static let registration = TFLiteOps.op("CONV_3D_TRANSPOSE") { context in
        try TFLiteSupport.arity(context, inputs: 3...4)
        return TFLiteConv3DTranspose(options: try Window3D.Options(context.attributes))
    }

    let options: Window3D.Options

    func shapes(_ inputs: [Value?]) throws -> (x: Tensor, w: Tensor, b: Tensor?, window: Window3D, output: [Int]) {
        let shapeTensor = try Inputs.tensor(inputs, 0, name: "output_shape")
        let w = try Inputs.tensor(inputs, 1, name: "filter"), x = try Inputs.tensor(inputs, 2, name: "input")
        let b = try Inputs.optionalTensor(inputs, 3)
        guard x.dtype == .float32 else {
            throw KernelError("\(x.dtype) CONV_3D_TRANSPOSE is not implemented (LiteRT computes float32 only)", unsupported: true)
        }
        guard shapeTensor.dtype == .int32, shapeTensor.shape == [5] else {
            throw KernelError("output_shape must be int32 of shape [5], found \(shapeTensor.dtype) \(shapeTensor.shape)")
        }
        let shape = try shapeTensor.scalars(as: Int32.self).map(Int.init)
        try TFLiteSupport.requireType(w, "filter", .float32)
        try TFLiteSupport.requireRank(x, "input", 5)
        try TFLiteSupport.requireRank(w, "filter", 5)
        guard shape.allSatisfy({ $0 >= 0 }), Shape.elementCount(shape) != nil else { throw KernelError("output_shape \(shape) is invalid") }
        guard w.shape.allSatisfy({ $0 > 0 }) else { throw KernelError("filter \(w.shape) needs positive sizes") }
        guard w.shape[4] == x.shape[4] else { throw KernelError("filter \(w.shape) does not match the \(x.shape[4]) input channels") }
        guard shape[0] == x.shape[0], shape[4] == w.shape[3] else {
            throw KernelError("output_shape \(shape) does not match batch \(x.shape[0]) and the filter's \(w.shape[3]) output channels")
        }
        if let b {
            try TFLiteSupport.requireType(b, "bias", .float32)
            guard b.count == w.shape[3] else { throw KernelError("bias must have \(w.shape[3]) elements, found shape \(b.shape)") }
        }
        let window = try Window3D(options, input: Array(shape[1...3]), filter: Array(w.shape[0...2]))
        guard window.output == Array(x.shape[1...3]) else {
            throw KernelError("input \(x.shape) does not match output_shape \(shape): a convolution back would give \(window.output)")
        }
        return (x, w, b, window, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .float32, shape: try shapes(inputs).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, w, b, win, shape) = try shapes(inputs)
        let n = x.shape[0], c = x.shape[4], o = shape[4]
        // The window was sized with the output as the convolution's input and vice versa.
        let (OD, OH, OW) = (win.input[0], win.input[1], win.input[2])
        let (ID, IH, IW) = (win.output[0], win.output[1], win.output[2])
        let (KD, KH, KW) = (win.filter[0], win.filter[1], win.filter[2])
        let lo = Float(options.activation.lo), hi = Float(options.activation.hi)
        let xr = try ElementReader(x, as: Float.self), wr = try ElementReader(w, as: Float.self)
        let br = try b.map { try ElementReader($0, as: Float.self) }
        let count = shape.reduce(1, *)
        let output = try OutputBuffer<Float>(.float32, shape: shape)
        withExtendedLifetime((xr, wr, br)) {
            let xp = xr.pointer, wp = wr.pointer, y = output.pointer
            for i in 0..<count { y[i] = 0 }
            for batch in 0..<n {
                for id in 0..<ID {
                    for ih in 0..<IH {
                        for iw in 0..<IW {
                            let xin = xp + (((batch * ID + id) * IH + ih) * IW + iw) * c
                            for ic in 0..<c {
                                let v = xin[ic]
                                for kd in 0..<KD {
                                    let od = id * win.strides[0] - win.pads[0] + kd * win.dilations[0]
                                    if od < 0 || od >= OD { continue }
                                    for kh in 0..<KH {
                                        let oh = ih * win.strides[1] - win.pads[1] + kh * win.dilations[1]
                                        if oh < 0 || oh >= OH { continue }
                                        for kw in 0..<KW {
                                            let ow = iw * win.strides[2] - win.pads[2] + kw * win.dilations[2]
                                            if ow < 0 || ow >= OW { continue }
                                            let yout = y + (((batch * OD + od) * OH + oh) * OW + ow) * o
                                            let wtap = wp + ((kd * KH + kh) * KW + kw) * o * c + ic
                                            for k in 0..<o { yout[k] += v * wtap[k * c] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let br {
                for p in 0..<(count / max(o, 1)) {
                    for k in 0..<o { y[p * o + k] = FusedActivation.clamp(y[p * o + k] + br.pointer[k], lo, hi) }
                }
            } else {
                for i in 0..<count { y[i] = FusedActivation.clamp(y[i], lo, hi) }
            }
        }
        return [.tensor(try output.tensor(.float32, shape: shape))]
    }
}
