import LockstepCore

/// DFT (ONNX opsets 17, 20): the discrete Fourier transform of `input [d₀…dₙ, 1 or 2]` (last axis:
/// real, or real and imaginary parts) along one signal axis, `X[k] = Σₜ x[t]·e^{-2πikt/L}`, or with
/// `inverse` `x[t] = (1/L)·Σₖ X[k]·e^{+2πikt/L}`. `L` is `dft_length` (zero-padding or truncating
/// the signal; default: the axis length, or `2·(len - 1)` for the inverse one-sided case).
/// `onesided` forward returns bins `0…⌊L/2⌋` (RFFT); `onesided` inverse reads those bins as the half
/// of a Hermitian spectrum and returns the real signal with last axis 1 (IRFFT; the imaginary
/// parts of bin 0 and, for even `L`, bin `L/2` are ignored). Otherwise the output is complex (last
/// axis 2). The axis is the `axis` attribute (default 1) up to opset 19, and the optional scalar
/// `axis` input (default -2) from opset 20; negative axes count from the back. Float64 arithmetic
/// (a direct O(L²) transform), rounded to the input's float type.
struct DFTKernel: Kernel {
    static let registration = OpRegistration("DFT", versions: 17...Int.max) { context in
        let a = context.attributes
        let inverse = try a.int("inverse", default: 0), onesided = try a.int("onesided", default: 0)
        guard inverse == 0 || inverse == 1 else { throw KernelError("attribute 'inverse' must be 0 or 1, found \(inverse)") }
        guard onesided == 0 || onesided == 1 else { throw KernelError("attribute 'onesided' must be 0 or 1, found \(onesided)") }
        return DFTKernel(inverse: inverse == 1, onesided: onesided == 1,
                         axisAttribute: context.opset < 20 ? try a.int("axis", default: 1) : nil)
    }

    let inverse: Bool
    let onesided: Bool
    /// The `axis` attribute before opset 20; `nil` when the axis is the third input.
    let axisAttribute: Int?

    struct Plan {
        let x: Tensor
        let axis: Int
        let length: Int
        let outputShape: [Int]
    }

    func plan(_ inputs: [Value?]) throws -> Plan {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        let r = x.rank
        guard r >= 2, x.shape[r - 1] == 1 || x.shape[r - 1] == 2 else {
            throw KernelError("input must be [signal…, 1 or 2] (real or complex), found shape \(x.shape)")
        }
        let requested = try axisAttribute ?? MiscSupport.scalarInt(inputs, 2, name: "axis") ?? -2
        let axis = requested < 0 ? requested + r : requested
        guard axis >= 0, axis <= r - 2 else { throw KernelError("axis \(requested) is out of range for input rank \(r) (the last axis holds the complex parts)") }
        let dim = x.shape[axis]
        let length = try MiscSupport.scalarInt(inputs, 1, name: "dft_length") ?? (inverse && onesided ? 2 * (dim - 1) : dim)
        guard length >= 1 else { throw KernelError("dft_length must be positive, found \(length)") }
        var shape = x.shape
        if inverse && onesided {
            shape[axis] = length
            shape[r - 1] = 1
        } else {
            shape[axis] = onesided ? length / 2 + 1 : length
            shape[r - 1] = 2
        }
        return Plan(x: x, axis: axis, length: length, outputShape: shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let x = p.x, r = x.rank, n = p.length
        let dim = x.shape[p.axis], parts = x.shape[r - 1]
        let outer = x.shape[..<p.axis].reduce(1, *), inner = x.shape[(p.axis + 1)..<(r - 1)].reduce(1, *)
        let irfft = inverse && onesided
        let bins = p.outputShape[p.axis], outParts = p.outputShape[r - 1]
        let input = try x.doubleValues()
        var output = [Double](repeating: 0, count: p.outputShape.reduce(1, *))
        let table = FourierTable(length: n)
        var re = [Double](repeating: 0, count: n), im = re, outRe = re, outIm = re
        input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for o in 0..<outer {
                    for i in 0..<inner {
                        // Gather the line (zero-padded or truncated to n).
                        for t in 0..<n { re[t] = 0; im[t] = 0 }
                        if irfft {
                            // Hermitian extension of bins 0…n/2.
                            let half = n / 2 + 1
                            for k in 0..<min(half, dim) {
                                let base = ((o * dim + k) * inner + i) * parts
                                re[k] = src[base]
                                im[k] = parts == 2 ? src[base + 1] : 0
                            }
                            im[0] = 0
                            if n % 2 == 0 { im[n / 2] = 0 }
                            for k in half..<max(half, n) {
                                re[k] = re[n - k]
                                im[k] = -im[n - k]
                            }
                        } else {
                            for t in 0..<min(n, dim) {
                                let base = ((o * dim + t) * inner + i) * parts
                                re[t] = src[base]
                                if parts == 2 { im[t] = src[base + 1] }
                            }
                        }
                        table.transform(re: re, im: im, count: bins, inverse: inverse, outRe: &outRe, outIm: &outIm)
                        for k in 0..<bins {
                            let base = ((o * bins + k) * inner + i) * outParts
                            dst[base] = outRe[k]
                            if outParts == 2 { dst[base + 1] = outIm[k] }
                        }
                    }
                }
            }
        }
        return [.tensor(try NNSupport.tensor(output, dtype: x.dtype, shape: p.outputShape))]
    }
}
