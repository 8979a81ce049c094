import LockstepCore

/// RNN (versions 1–3): one step of a fully connected RNN, `input [batch, input_size]`,
/// `weights [units, input_size]`, `recurrent_weights [units, units]`, `bias [units]` and the
/// variable `hidden_state [batch, units]`: `h = act(bias + W·x + R·h)`, which is both the output
/// and the new state (carried across invocations, `lockstep run --steps`). Float32 weights, or
/// int8 weights with one scale each (hybrid: the input and the state are quantised per batch row at
/// run time, symmetrically or with `asymmetric_quantize_inputs`). Mirrors google-ai-edge/LiteRT
/// `tflite/kernels/basic_rnn.cc` and `internal/kernel_utils.cc` `RnnBatchStep` (`RecurrentCell`).
struct TFLiteRNN: Kernel {
    static let registration = TFLiteOps.op("RNN") { context in
        try TFLiteSupport.arity(context, inputs: 5...5)
        let a = context.attributes
        return TFLiteRNN(activation: try RecurrentCell.Activation(a),
                         asymmetric: try a.int("asymmetric_quantize_inputs", default: 0) != 0,
                         state: try TFLiteRecurrentSupport.stateName(context, 4, "hidden_state"),
                         quantization: TFLiteRecurrentSupport.quantizations(context))
    }

    let activation: RecurrentCell.Activation
    let asymmetric: Bool
    let state: String
    let quantization: [QuantizationParameters?]

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "input"), w = try Inputs.tensor(inputs, 1, name: "weights")
        guard x.rank == 2, w.rank == 2 else { throw KernelError("input and weights must have rank 2, found \(x.shape) and \(w.shape)") }
        return [TensorInfo(dtype: .float32, shape: [x.shape[0], w.shape[0]])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.rank == 2 else { throw KernelError("input must be [batch, input_size], found \(x.shape)") }
        let (batch, inputSize) = (x.shape[0], x.shape[1])
        let w = try TFLiteRecurrentSupport.rnnWeights(inputs, w: 1, r: 2, b: 3, inputSize: inputSize, quantization: quantization)
        let xs = try TFLiteRecurrentSupport.floats(x, "input")
        var h = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 4, name: "hidden_state"), "hidden_state", count: batch * w.units)
        var out = [Float](repeating: 0, count: batch * w.units)
        guard batch > 0, w.units > 0 else { return [.tensor(try Tensor(float32: out, shape: [batch, w.units]))] }
        xs.withUnsafeBufferPointer { xp in
            h.withUnsafeMutableBufferPointer { hp in
                out.withUnsafeMutableBufferPointer { op in
                    RecurrentCell.rnnStep(w, x: xp.baseAddress!, aux: nil, h: hp.baseAddress!, batch: batch, activation: activation,
                                          asymmetric: asymmetric, out: op.baseAddress!, stride: w.units)
                }
            }
        }
        context.assignVariableTensor(state, try Tensor(float32: h, shape: [batch, w.units]))
        return [.tensor(try Tensor(float32: out, shape: [batch, w.units]))]
    }
}
