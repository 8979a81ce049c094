import LockstepCore

/// RFFT2D (version 1): the 2-D real FFT over the two innermost dimensions of a float32 input
/// `[..., H, W]` with `fft_length` (int32 `[fft_h, fft_w]`, powers of two): each slice is cropped or
/// zero-padded to `fft_h × fft_w`, transformed, and the output `[..., fft_h, fft_w / 2 + 1]` is
/// complex64 — as google-ai-edge/LiteRT `tflite/kernels/rfft2d.cc` (the `fft2d` library's `rdft2d`
/// in double precision, then reordered to `tf.signal.rfft2d`'s layout and rounded to float).
/// Lockstep transforms in double too (`ComplexFFT`), so results agree to float rounding.
struct TFLiteRfft2d: Kernel {
    static let registration = TFLiteOps.op("RFFT2D") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteRfft2d()
    }

    func lengths(_ inputs: [Value?]) throws -> (x: Tensor, height: Int, width: Int) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        let lengths = try Inputs.tensor(inputs, 1, name: "fft_length")
        guard x.dtype == .float32 else { throw KernelError("\(x.dtype) RFFT2D is not implemented (LiteRT takes float32)", unsupported: true) }
        guard x.rank >= 2 else { throw KernelError("input must have rank 2 or more, found shape \(x.shape)") }
        guard lengths.dtype == .int32, lengths.shape == [2] else {
            throw KernelError("fft_length must be int32 of shape [2], found \(lengths.dtype) \(lengths.shape)")
        }
        let v = try lengths.scalars(as: Int32.self).map(Int.init)
        for n in v where n <= 0 || n & (n - 1) != 0 || n > 1 << 24 {
            throw KernelError("fft_length \(v) must hold powers of two (LiteRT's fft2d library requires them)")
        }
        return (x, v[0], v[1])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, h, w) = try lengths(inputs)
        return [TensorInfo(dtype: .complex64, shape: Array(x.shape.dropLast(2)) + [h, w / 2 + 1])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, h, w) = try lengths(inputs)
        let inH = x.shape[x.rank - 2], inW = x.shape[x.rank - 1]
        let slices = x.shape.dropLast(2).reduce(1, *)
        let shape = Array(x.shape.dropLast(2)) + [h, w / 2 + 1]
        let outPerSlice = h * (w / 2 + 1)
        let reader = try ElementReader(x, as: Float.self)
        let output = try OutputBuffer<Complex64>(.complex64, shape: shape)
        var slice = [Double](repeating: 0, count: h * w)
        withExtendedLifetime(reader) {
            for s in 0..<slices {
                let base = reader.pointer + s * inH * inW
                for r in 0..<h {
                    for c in 0..<w { slice[r * w + c] = r < inH && c < inW ? Double(base[r * inW + c]) : 0 }
                }
                slice.withUnsafeBufferPointer { ComplexFFT.realForward2D($0.baseAddress!, height: h, width: w, into: output.pointer + s * outPerSlice) }
            }
        }
        return [.tensor(try output.tensor(.complex64, shape: shape))]
    }
}
