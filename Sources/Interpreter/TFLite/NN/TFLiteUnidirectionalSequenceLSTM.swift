import LockstepCore

/// UNIDIRECTIONAL_SEQUENCE_LSTM (versions 1–4): the 24-input LSTM of TFLite over `input [batch,
/// time, n_input]` (`[time, batch, n_input]` with `time_major`), with the state in the variable
/// tensors `output_state [batch, n_output]` (input 18) and `cell_state [batch, n_cell]` (input 19),
/// which it updates — so with `--steps` (one `ExecutionState`) the state carries over between
/// invocations, as in LiteRT. Float32 and hybrid (int8 weights) cells with CIFG, peephole,
/// projection, clipping and layer norm (inputs 20–23), computed by `LSTMCell` as
/// google-ai-edge/LiteRT `tflite/kernels/unidirectional_sequence_lstm.cc` and `lstm_eval.cc`
/// (`EvalFloat`, `EvalHybrid`) do; and the full-integer cell (int8 input and output state, int16
/// cell state, 8x8→16: `EvalInteger8x8_16`, `TFLiteIntegerLSTMSupport`, `IntegerLSTMCell`) the
/// converter emits for int8 Keras LSTMs, with CIFG, peephole, projection, clipping and layer norm.
struct TFLiteUnidirectionalSequenceLSTM: Kernel {
    static let registration = TFLiteOps.op("UNIDIRECTIONAL_SEQUENCE_LSTM") { context in
        let n = context.node.inputs.count
        guard n == 20 || n == 24 else { throw KernelError("expected 20 or 24 inputs, found \(n)") }
        let a = context.attributes
        if try a.int("diagonal_recurrent_tensors", default: 0) != 0 {
            throw KernelError("diagonal recurrent weights are not implemented", unsupported: true)
        }
        let options = try TFLiteLSTMSupport.Options(a)
        return TFLiteUnidirectionalSequenceLSTM(options: options,
                                                timeMajor: try a.int("time_major", default: 0) != 0,
                                                states: (try TFLiteRecurrentSupport.stateName(context, 18, "output_state"),
                                                         try TFLiteRecurrentSupport.stateName(context, 19, "cell_state")),
                                                quantization: TFLiteRecurrentSupport.quantizations(context),
                                                integer: try TFLiteIntegerLSTMSupport(context, options: options, requireSmallCellScale: false),
                                                layerNorm: n == 24 && !context.node.inputs[21].isEmpty)
    }

    let options: TFLiteLSTMSupport.Options
    let timeMajor: Bool
    let states: (output: String, cell: String)
    let quantization: [QuantizationParameters?]
    /// The integer (8x8→16) form's declarations, when the input is int8.
    let integer: TFLiteIntegerLSTMSupport?
    /// 24 inputs with forget-gate layer norm coefficients (LiteRT's `use_layer_norm`).
    let layerNorm: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.rank == 3 else { throw KernelError("input must be [batch, time, features], found \(x.shape)") }
        let (batch, time, nInput) = timeMajor ? (x.shape[1], x.shape[0], x.shape[2]) : (x.shape[0], x.shape[1], x.shape[2])
        if x.dtype == .int8, let integer {
            let shape = { (n: Int) in self.timeMajor ? [time, batch, n] : [batch, time, n] }
            return [.tensor(try integer.run(inputs, x: x, batch: batch, time: time, nInput: nInput, timeMajor: timeMajor, outputShape: shape,
                                            states: states, layerNorm: layerNorm, context: context))]
        }
        guard x.dtype == .float32 else {
            throw KernelError("\(x.dtype) input: float32 (float and hybrid cells) and int8 declared as such (the integer cell) are implemented",
                              unsupported: true)
        }
        var layout = TFLiteLSTMSupport.Layout.standard
        if inputs.count < 24 { layout.layerNorm = nil }
        let cell = try TFLiteLSTMSupport.cell(inputs, layout, nInput: nInput, nAux: 0, options: options, quantization: quantization)
        var h = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 18, name: "output_state"), "output_state", count: batch * cell.nOutput)
        var c = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 19, name: "cell_state"), "cell_state", count: batch * cell.nCell)
        var out = [Float](repeating: 0, count: batch * time * cell.nOutput)
        LSTMCell.evaluate(cell, x: try x.scalars(as: Float.self), aux: nil, h: &h, c: &c, batch: batch, time: time, timeMajor: timeMajor,
                          forward: true, output: &out, outputStride: cell.nOutput, outputOffset: 0)
        context.assignVariableTensor(states.output, try Tensor(float32: h, shape: [batch, cell.nOutput]))
        context.assignVariableTensor(states.cell, try Tensor(float32: c, shape: [batch, cell.nCell]))
        return [.tensor(try Tensor(float32: out, shape: timeMajor ? [time, batch, cell.nOutput] : [batch, time, cell.nOutput]))]
    }
}
