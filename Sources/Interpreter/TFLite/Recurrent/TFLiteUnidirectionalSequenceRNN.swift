import LockstepCore

/// UNIDIRECTIONAL_SEQUENCE_RNN (versions 1–3): the RNN cell of `RNN` over a sequence, `input
/// [batch, time, input_size]` (`[time, batch, input_size]` with `time_major`) → `output [batch, time,
/// units]` (time-major alike), the variable `hidden_state [batch, units]` carried from step to step
/// and across invocations. Float or hybrid weights. Mirrors google-ai-edge/LiteRT
/// `tflite/kernels/unidirectional_sequence_rnn.cc`: time-major steps the whole batch at once,
/// batch-major runs each batch row's sequence on its own (the same values).
struct TFLiteUnidirectionalSequenceRNN: Kernel {
    static let registration = TFLiteOps.op("UNIDIRECTIONAL_SEQUENCE_RNN") { context in
        try TFLiteSupport.arity(context, inputs: 5...5)
        let a = context.attributes
        return TFLiteUnidirectionalSequenceRNN(activation: try RecurrentCell.Activation(a),
                                               asymmetric: try a.int("asymmetric_quantize_inputs", default: 0) != 0,
                                               timeMajor: try a.int("time_major", default: 0) != 0,
                                               state: try TFLiteRecurrentSupport.stateName(context, 4, "hidden_state"),
                                               quantization: TFLiteRecurrentSupport.quantizations(context))
    }

    let activation: RecurrentCell.Activation
    let asymmetric: Bool
    let timeMajor: Bool
    let state: String
    let quantization: [QuantizationParameters?]

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "input"), w = try Inputs.tensor(inputs, 1, name: "weights")
        guard x.rank == 3, w.rank == 2 else { throw KernelError("input must have rank 3 and weights rank 2, found \(x.shape) and \(w.shape)") }
        return [TensorInfo(dtype: .float32, shape: [x.shape[0], x.shape[1], w.shape[0]])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.rank == 3 else { throw KernelError("input must have rank 3, found \(x.shape)") }
        let (batch, time, inputSize) = timeMajor ? (x.shape[1], x.shape[0], x.shape[2]) : (x.shape[0], x.shape[1], x.shape[2])
        let w = try TFLiteRecurrentSupport.rnnWeights(inputs, w: 1, r: 2, b: 3, inputSize: inputSize, quantization: quantization)
        let units = w.units
        let xs = try TFLiteRecurrentSupport.floats(x, "input")
        var h = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 4, name: "hidden_state"), "hidden_state", count: batch * units)
        var out = [Float](repeating: 0, count: batch * time * units)
        guard !out.isEmpty else { return [.tensor(try Tensor(float32: out, shape: x.shape.dropLast() + [units]))] }
        xs.withUnsafeBufferPointer { xb in
            h.withUnsafeMutableBufferPointer { hb in
                out.withUnsafeMutableBufferPointer { ob in
                    let xp = xb.baseAddress!, hp = hb.baseAddress!, op = ob.baseAddress!
                    if timeMajor {
                        for t in 0..<time {
                            RecurrentCell.rnnStep(w, x: xp + t * batch * inputSize, aux: nil, h: hp, batch: batch, activation: activation,
                                                  asymmetric: asymmetric, out: op + t * batch * units, stride: units)
                        }
                    } else {
                        for b in 0..<batch {
                            for t in 0..<time {
                                RecurrentCell.rnnStep(w, x: xp + (b * time + t) * inputSize, aux: nil, h: hp + b * units, batch: 1,
                                                      activation: activation, asymmetric: asymmetric, out: op + (b * time + t) * units, stride: units)
                            }
                        }
                    }
                }
            }
        }
        context.assignVariableTensor(state, try Tensor(float32: h, shape: [batch, units]))
        return [.tensor(try Tensor(float32: out, shape: x.shape.dropLast() + [units]))]
    }
}
