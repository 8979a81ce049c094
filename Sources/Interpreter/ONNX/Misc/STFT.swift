import LockstepCore

/// STFT (ONNX opset 17): the short-time Fourier transform of `signal [batch, length, 1 or 2]`.
/// Frame `f` is `signal[b, f·frame_step ..< f·frame_step + frame_length]` multiplied by `window`
/// (1-D, default all ones) and transformed with a DFT of length `frame_length` (default: the
/// window's length, else the signal length); there are `⌊(length - frame_length) / frame_step⌋ + 1`
/// frames. Output `[batch, frames, bins, 2]` with `bins = ⌊frame_length/2⌋ + 1` when `onesided`
/// (default 1), else `frame_length`. Float64 arithmetic, rounded to the signal's float type.
struct STFTKernel: Kernel {
    static let registration = OpRegistration("STFT", versions: 17...Int.max) { context in
        let onesided = try context.attributes.int("onesided", default: 1)
        guard onesided == 0 || onesided == 1 else { throw KernelError("attribute 'onesided' must be 0 or 1, found \(onesided)") }
        return STFTKernel(onesided: onesided == 1)
    }

    let onesided: Bool

    struct Plan {
        let signal: Tensor
        let window: Tensor?
        let step: Int
        let frameLength: Int
        let outputShape: [Int]
    }

    func plan(_ inputs: [Value?]) throws -> Plan {
        let signal = try Inputs.tensor(inputs, 0, name: "signal")
        try NNSupport.requireFloat(signal, "signal")
        guard signal.rank == 3, signal.shape[2] == 1 || signal.shape[2] == 2 else {
            throw KernelError("signal must be [batch, length, 1 or 2], found shape \(signal.shape)")
        }
        guard let step = try MiscSupport.scalarInt(inputs, 1, name: "frame_step") else { throw KernelError("input 1 (frame_step) is required") }
        guard step >= 1 else { throw KernelError("frame_step must be positive, found \(step)") }
        let window = try Inputs.optionalTensor(inputs, 2)
        if let window {
            try NNSupport.requireSameType(window, "window", as: signal.dtype)
            guard window.rank == 1 else { throw KernelError("window must be 1-D, found shape \(window.shape)") }
        }
        let length = signal.shape[1]
        let given = try MiscSupport.scalarInt(inputs, 3, name: "frame_length")
        let frameLength = given ?? window?.shape[0] ?? length
        if let window, window.shape[0] != frameLength {
            throw KernelError("window length \(window.shape[0]) differs from frame_length \(frameLength)")
        }
        guard frameLength >= 1, frameLength <= length else {
            throw KernelError("frame_length \(frameLength) must be in [1, \(length)] (the signal length)")
        }
        let frames = (length - frameLength) / step + 1
        let bins = onesided ? frameLength / 2 + 1 : frameLength
        return Plan(signal: signal, window: window, step: step, frameLength: frameLength,
                    outputShape: [signal.shape[0], frames, bins, 2])
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.signal.dtype, shape: p.outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let signal = try p.signal.doubleValues()
        let window = try p.window?.doubleValues() ?? [Double](repeating: 1, count: p.frameLength)
        let (batch, length, parts) = (p.signal.shape[0], p.signal.shape[1], p.signal.shape[2])
        let (frames, bins, n) = (p.outputShape[1], p.outputShape[2], p.frameLength)
        let table = FourierTable(length: n)
        var output = [Double](repeating: 0, count: p.outputShape.reduce(1, *))
        var re = [Double](repeating: 0, count: n), im = re, outRe = re, outIm = re
        output.withUnsafeMutableBufferPointer { dst in
            for b in 0..<batch {
                for f in 0..<frames {
                    for t in 0..<n {
                        let base = (b * length + f * p.step + t) * parts
                        re[t] = signal[base] * window[t]
                        im[t] = parts == 2 ? signal[base + 1] * window[t] : 0
                    }
                    table.transform(re: re, im: im, count: bins, inverse: false, outRe: &outRe, outIm: &outIm)
                    let base = (b * frames + f) * bins * 2
                    for k in 0..<bins {
                        dst[base + 2 * k] = outRe[k]
                        dst[base + 2 * k + 1] = outIm[k]
                    }
                }
            }
        }
        return [.tensor(try NNSupport.tensor(output, dtype: p.signal.dtype, shape: p.outputShape))]
    }
}
