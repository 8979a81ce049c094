#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// CausalConvWithState (ONNX opset 27): depthwise causal 1-D convolution for streaming.
/// `input [N, C, L]` is prefixed with `past_state [N, C, k - 1]` (zeros when absent) and
/// convolved with `weight [C, 1, k]` (+ `bias [C]`) without padding, giving `[N, C, L]`;
/// `activation` `silu` (alias `swish`) applies `x · sigmoid(x)` in float32 to the convolution
/// rounded to the input type. `present_state` is the last `k - 1` positions of the prefixed input.
struct CausalConvWithStateKernel: Kernel {
    static let registration = OpRegistration("CausalConvWithState", versions: 27...Int.max) { context in
        let activation = try context.attributes.string("activation", default: "none")
        guard ["none", "silu", "swish"].contains(activation) else {
            throw KernelError("attribute 'activation' must be none, silu or swish, found '\(activation)'")
        }
        return CausalConvWithStateKernel(silu: activation != "none")
    }

    let silu: Bool

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, w: Tensor, b: Tensor?, past: Tensor?, k: Int) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), w = try Inputs.tensor(inputs, 1, name: "weight")
        try NNSupport.requireFloat(x, "input")
        try NNSupport.requireSameType(w, "weight", as: x.dtype)
        guard x.rank == 3 else { throw KernelError("input must be [N, C, L], found shape \(x.shape)") }
        let (n, c) = (x.shape[0], x.shape[1])
        guard w.rank == 3, w.shape[0] == c, w.shape[1] == 1, w.shape[2] >= 1 else {
            throw KernelError("weight must be [\(c), 1, k], found shape \(w.shape)")
        }
        let k = w.shape[2]
        let b = try Inputs.optionalTensor(inputs, 2), past = try Inputs.optionalTensor(inputs, 3)
        if let b {
            try NNSupport.requireSameType(b, "bias", as: x.dtype)
            guard b.shape == [c] else { throw KernelError("bias must be [\(c)], found \(b.shape)") }
        }
        if let past {
            try NNSupport.requireSameType(past, "past_state", as: x.dtype)
            guard past.shape == [n, c, k - 1] else { throw KernelError("past_state must be [\(n), \(c), \(k - 1)], found \(past.shape)") }
        }
        return (x, w, b, past, k)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _, _, _, k) = try operands(inputs)
        return [TensorInfo(x), TensorInfo(dtype: x.dtype, shape: [x.shape[0], x.shape[1], k - 1])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, w, b, past, k) = try operands(inputs)
        let (n, c, l) = (x.shape[0], x.shape[1], x.shape[2])
        // Prefix the state (exact in every float type: values are only copied).
        let values = try x.doubleValues(), state = try past?.doubleValues()
        var padded = [Double](repeating: 0, count: n * c * (l + k - 1))
        for i in 0..<(n * c) {
            for j in 0..<(k - 1) { padded[i * (l + k - 1) + j] = state?[i * (k - 1) + j] ?? 0 }
            for j in 0..<l { padded[i * (l + k - 1) + k - 1 + j] = values[i * l + j] }
        }
        let paddedTensor = try NNSupport.tensor(padded, dtype: x.dtype, shape: [n, c, l + k - 1])
        let window = try Padding.forward(input: [l + k - 1], kernel: [k])
        let p = ConvolutionParameters(layout: .channelsFirst, batch: n, inputChannels: c, outputChannels: c, groups: c, window: window)
        struct Visitor: BLASFloatVisitor {
            let p: ConvolutionParameters, t: [Tensor?], shape: [Int]
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                [try NNSupport.read(t[0]!, as: T.self) { xp in
                    try NNSupport.read(t[1]!, as: T.self) { wp in
                        try NNSupport.readOptional(t[2], as: T.self) { bp in
                            try NNSupport.build(T.dtype, shape, as: T.self) { yp in
                                try Convolution.forward(p, x: xp, w: wp, bias: bp, y: yp)
                            }
                        }
                    }
                }]
            }
        }
        guard case .tensor(var y)? = try NNSupport.compute([paddedTensor, w, b], { Visitor(p: p, t: $0, shape: [n, c, l]) })[0] else {
            throw KernelError("internal error: no output")
        }
        if silu {
            let v = try y.floatValues()
            let activated = v.map { (x: Float) -> Double in Double(x * (1 / (1 + expf(-x)))) }
            y = try NNSupport.tensor(activated, dtype: x.dtype, shape: y.shape)
        }
        var present = [Double](repeating: 0, count: n * c * (k - 1))
        for i in 0..<(n * c) { for j in 0..<(k - 1) { present[i * (k - 1) + j] = padded[i * (l + k - 1) + l + j] } }
        return [.tensor(y), .tensor(try NNSupport.tensor(present, dtype: x.dtype, shape: [n, c, k - 1]))]
    }
}
