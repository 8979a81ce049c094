import LockstepCore

/// CONV_3D (version 1), float32: `input [N, D, H, W, C]` ⊛ `filter [KD, KH, KW, C, O]` (+ optional
/// `bias [O]`) → `[N, OD, OH, OW, O]`, with strides, dilations, SAME/VALID padding and the fused
/// activation. Mirrors google-ai-edge/LiteRT `tflite/kernels/internal/reference/conv3d.h` (the
/// kernel `BUILTIN_REF` registers): each output starts at 0, adds `input · filter` tap by tap
/// (depth, height, width, then input channel) in float, then `+ bias` and the clamp — Lockstep keeps
/// that order per output (the loop runs across output channels innermost, which changes no sum),
/// so results are bit-exact.
struct TFLiteConv3D: Kernel {
    static let registration = TFLiteOps.op("CONV_3D") { context in
        try TFLiteSupport.arity(context, inputs: 2...3)
        return TFLiteConv3D(options: try Window3D.Options(context.attributes))
    }

    let options: Window3D.Options

    func shapes(_ inputs: [Value?]) throws -> (x: Tensor, w: Tensor, b: Tensor?, window: Window3D) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), w = try Inputs.tensor(inputs, 1, name: "filter")
        let b = try Inputs.optionalTensor(inputs, 2)
        guard x.dtype == .float32 else { throw KernelError("\(x.dtype) CONV_3D is not implemented (LiteRT computes float32 only)", unsupported: true) }
        try TFLiteSupport.requireType(w, "filter", .float32)
        try TFLiteSupport.requireRank(x, "input", 5)
        try TFLiteSupport.requireRank(w, "filter", 5)
        guard x.shape.dropFirst().allSatisfy({ $0 > 0 }), w.shape.allSatisfy({ $0 > 0 }) else {
            throw KernelError("input \(x.shape) and filter \(w.shape) need positive sizes")
        }
        guard w.shape[3] == x.shape[4] else { throw KernelError("filter \(w.shape) does not match the \(x.shape[4]) input channels") }
        if let b {
            try TFLiteSupport.requireType(b, "bias", .float32)
            guard b.count == w.shape[4] else { throw KernelError("bias must have \(w.shape[4]) elements, found shape \(b.shape)") }
        }
        let window = try Window3D(options, input: Array(x.shape[1...3]), filter: Array(w.shape[0...2]))
        return (x, w, b, window)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, w, _, window) = try shapes(inputs)
        return [TensorInfo(dtype: .float32, shape: [x.shape[0]] + window.output + [w.shape[4]])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, w, b, win) = try shapes(inputs)
        let n = x.shape[0], c = x.shape[4], o = w.shape[4]
        let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
        let (OD, OH, OW) = (win.output[0], win.output[1], win.output[2])
        let (KD, KH, KW) = (win.filter[0], win.filter[1], win.filter[2])
        let shape = [n, OD, OH, OW, o]
        let lo = Float(options.activation.lo), hi = Float(options.activation.hi)
        let xr = try ElementReader(x, as: Float.self), wr = try ElementReader(w, as: Float.self)
        let br = try b.map { try ElementReader($0, as: Float.self) }
        let output = try OutputBuffer<Float>(.float32, shape: shape)
        var acc = [Float](repeating: 0, count: o)
        withExtendedLifetime((xr, wr, br)) {
            let xp = xr.pointer, wp = wr.pointer, y = output.pointer
            var out = 0
            for batch in 0..<n {
                for od in 0..<OD {
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            for k in 0..<o { acc[k] = 0 }
                            for kd in 0..<KD {
                                let id = od * win.strides[0] - win.pads[0] + kd * win.dilations[0]
                                if id < 0 || id >= ID { continue }
                                for kh in 0..<KH {
                                    let ih = oh * win.strides[1] - win.pads[1] + kh * win.dilations[1]
                                    if ih < 0 || ih >= IH { continue }
                                    for kw in 0..<KW {
                                        let iw = ow * win.strides[2] - win.pads[2] + kw * win.dilations[2]
                                        if iw < 0 || iw >= IW { continue }
                                        let xin = xp + (((batch * ID + id) * IH + ih) * IW + iw) * c
                                        let wtap = wp + ((kd * KH + kh) * KW + kw) * c * o
                                        for ic in 0..<c {
                                            let v = xin[ic], wrow = wtap + ic * o
                                            for k in 0..<o { acc[k] += v * wrow[k] }
                                        }
                                    }
                                }
                            }
                            for k in 0..<o {
                                let bias: Float = br.map { $0.pointer[k] } ?? 0
                                y[out + k] = FusedActivation.clamp(acc[k] + bias, lo, hi)
                            }
                            out += o
                        }
                    }
                }
            }
        }
        return [.tensor(try output.tensor(.float32, shape: shape))]
    }
}

/// The window of CONV_3D / CONV_3D_TRANSPOSE (`Conv3DOptions`), sized as LiteRT's
/// `ComputePadding3DValues` (google-ai-edge/LiteRT `tflite/kernels/padding.h`): SAME gives
/// `ceil(in / stride)` outputs, VALID `(in + stride − effective filter) / stride`; the front padding
/// is half the total `(out − 1)·stride + effective filter − in` (clamped at 0), rounded down.
struct Window3D: Sendable {
    struct Options: Sendable {
        let same: Bool
        /// Depth, height, width.
        let strides: [Int]
        let dilations: [Int]
        let activation: FusedActivation

        init(_ a: AttributeReader) throws {
            same = try TFLitePadding.autoPad(a) == .sameUpper
            strides = [try a.int("stride_d", default: 1), try a.int("stride_h", default: 1), try a.int("stride_w", default: 1)]
            dilations = [try a.int("dilation_d_factor", default: 1), try a.int("dilation_h_factor", default: 1),
                         try a.int("dilation_w_factor", default: 1)]
            activation = try FusedActivation(a)
            guard strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }) else {
                throw KernelError("strides \(strides) and dilations \(dilations) must be positive")
            }
        }
    }

    let input: [Int]
    let filter: [Int]
    let output: [Int]
    let strides: [Int]
    let dilations: [Int]
    /// Front padding per spatial dimension.
    let pads: [Int]

    /// The window of a convolution over `input` (D, H, W) with `filter` (KD, KH, KW).
    init(_ o: Options, input: [Int], filter: [Int]) throws {
        self.input = input
        self.filter = filter
        strides = o.strides
        dilations = o.dilations
        var output: [Int] = [], pads: [Int] = []
        for i in 0..<3 {
            let effective = (filter[i] - 1) * o.dilations[i] + 1
            let out = o.same ? (input[i] + o.strides[i] - 1) / o.strides[i] : (input[i] + o.strides[i] - effective) / o.strides[i]
            guard out >= 0 else { throw KernelError("filter \(filter) with dilations \(o.dilations) is larger than the input \(input)") }
            output.append(out)
            pads.append(max(0, (out - 1) * o.strides[i] + effective - input[i]) / 2)
        }
        self.output = output
        self.pads = pads
    }
}
