import LockstepCore

/// DeformConv (ONNX opsets 19, 22), 2-D: convolution whose kernel taps are displaced by learned
/// offsets. Tap `(kh, kw)` of output `(i, j)` samples `X` at
/// `(i·stride - pad + kh·dilation + Δh, j·stride - pad + kw·dilation + Δw)` bilinearly (positions
/// outside the image contribute 0), scaled by `mask` (default 1), times the weight; `offset` is
/// `[N, offset_group · kh · kw · 2, oh, ow]` with (Δh, Δw) pairs, `mask` `[N, offset_group · kh · kw,
/// oh, ow]`; `group` splits channels as for Conv. Float64 accumulation, rounded to the input type.
struct DeformConvKernel: Kernel {
    static let registration = OpRegistration("DeformConv", versions: 19...Int.max) { context in
        let a = context.attributes
        return DeformConvKernel(kernelShape: try a.ints("kernel_shape"), strides: try a.ints("strides"), dilations: try a.ints("dilations"),
                                pads: try a.ints("pads"), group: try a.int("group", default: 1), offsetGroup: try a.int("offset_group", default: 1))
    }

    let kernelShape: [Int]?
    let strides: [Int]?
    let dilations: [Int]?
    let pads: [Int]?
    let group: Int
    let offsetGroup: Int

    struct Plan { var x: Tensor, w: Tensor, offset: Tensor, b: Tensor?, mask: Tensor?, window: SpatialWindow, output: [Int] }

    func plan(_ inputs: [Value?]) throws -> Plan {
        let x = try Inputs.tensor(inputs, 0, name: "X"), w = try Inputs.tensor(inputs, 1, name: "W"), offset = try Inputs.tensor(inputs, 2, name: "offset")
        let b = try Inputs.optionalTensor(inputs, 3), mask = try Inputs.optionalTensor(inputs, 4)
        try NNSupport.requireFloat(x, "X")
        for (t, name) in [(w, "W"), (offset, "offset"), (b, "B"), (mask, "mask")] { if let t { try NNSupport.requireSameType(t, name, as: x.dtype) } }
        guard x.rank == 4, w.rank == 4 else { throw KernelError("DeformConv supports 2-D inputs [N, C, H, W], found X \(x.shape) and W \(w.shape)", unsupported: x.rank != 4) }
        let kernel = Array(w.shape[2...])
        if let kernelShape, kernelShape != kernel { throw KernelError("kernel_shape \(kernelShape) does not match W \(w.shape)") }
        let (n, c, m) = (x.shape[0], x.shape[1], w.shape[0])
        guard group >= 1, offsetGroup >= 1, w.shape[1] * group == c, m % group == 0, c % offsetGroup == 0 else {
            throw KernelError("X \(x.shape), W \(w.shape), group \(group) and offset_group \(offsetGroup) do not fit together")
        }
        let window = try Padding.forward(input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations, pads: pads)
        let taps = kernel.reduce(1, *)
        guard offset.shape == [n, offsetGroup * taps * 2] + window.output else {
            throw KernelError("offset must have shape \([n, offsetGroup * taps * 2] + window.output), found \(offset.shape)")
        }
        if let mask, mask.shape != [n, offsetGroup * taps] + window.output {
            throw KernelError("mask must have shape \([n, offsetGroup * taps] + window.output), found \(mask.shape)")
        }
        if let b, b.shape != [m] { throw KernelError("B must have shape [\(m)], found \(b.shape)") }
        return Plan(x: x, w: w, offset: offset, b: b, mask: mask, window: window, output: [n, m] + window.output)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let x = try p.x.doubleValues(), w = try p.w.doubleValues(), offset = try p.offset.doubleValues()
        let mask = try p.mask?.doubleValues(), bias = try p.b?.doubleValues()
        let (n, c, ih, iw) = (p.x.shape[0], p.x.shape[1], p.x.shape[2], p.x.shape[3])
        let (m, cg) = (p.w.shape[0], p.w.shape[1])
        let (kh, kw) = (p.w.shape[2], p.w.shape[3])
        let (oh, ow) = (p.window.output[0], p.window.output[1])
        let mg = m / group, perOffsetGroup = c / offsetGroup, taps = kh * kw
        func sample(_ plane: Int, _ h: Double, _ v: Double) -> Double {
            let h0 = Int(h.rounded(.down)), w0 = Int(v.rounded(.down))
            let dh = h - Double(h0), dw = v - Double(w0)
            var sum = 0.0
            for (yy, wy) in [(h0, 1 - dh), (h0 + 1, dh)] where yy >= 0 && yy < ih {
                for (xx, wx) in [(w0, 1 - dw), (w0 + 1, dw)] where xx >= 0 && xx < iw {
                    sum += wy * wx * x[(plane * ih + yy) * iw + xx]
                }
            }
            return sum
        }
        var y = [Double](repeating: 0, count: n * m * oh * ow)
        for b in 0..<n {
            for oc in 0..<m {
                let g = oc / mg
                for i in 0..<oh {
                    for j in 0..<ow {
                        var acc = bias?[oc] ?? 0
                        for icg in 0..<cg {
                            let ic = g * cg + icg
                            let og = ic / perOffsetGroup
                            for a in 0..<kh {
                                for bb in 0..<kw {
                                    let tap = a * kw + bb
                                    let oBase = ((b * offsetGroup + og) * taps + tap) * 2
                                    let dy = offset[((oBase) * oh + i) * ow + j], dx = offset[((oBase + 1) * oh + i) * ow + j]
                                    let h = Double(i * p.window.strides[0] - p.window.padsBegin[0] + a * p.window.dilations[0]) + dy
                                    let v = Double(j * p.window.strides[1] - p.window.padsBegin[1] + bb * p.window.dilations[1]) + dx
                                    let scale = mask.map { $0[(((b * offsetGroup + og) * taps + tap) * oh + i) * ow + j] } ?? 1
                                    acc += sample(b * c + ic, h, v) * w[((oc * cg + icg) * kh + a) * kw + bb] * scale
                                }
                            }
                        }
                        y[((b * m + oc) * oh + i) * ow + j] = acc
                    }
                }
            }
        }
        return [.tensor(try NNSupport.tensor(y, dtype: p.x.dtype, shape: p.output))]
    }
}
