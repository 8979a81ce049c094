import LockstepCore

/// LSTM (versions 1–4), the full kernel (`kernel_type` FULL): one step of the 24-input LSTM of
/// UNIDIRECTIONAL_SEQUENCE_LSTM on `input [batch, n_input]` → `output [batch, n_output]`, with the
/// variable `output_state` (input 18) and `cell_state` (19) carried across invocations. Float32 and
/// hybrid (int8 weights) cells, CIFG, peephole, projection, clipping, layer norm (inputs 20–23), as
/// google-ai-edge/LiteRT `tflite/kernels/lstm.cc` and `lstm_eval.cc` compute them (`LSTMCell`),
/// and the full-integer 8x8→16 cell (int8 input and output state, int16 cell state;
/// `TFLiteIntegerLSTMSupport`, `IntegerLSTMCell`). The BASIC kernel (4-input uint8 LSTM) and the
/// integer 8x8→8 cell (12 intermediates) are not implemented.
struct TFLiteLSTM: Kernel {
    static let registration = TFLiteOps.op("LSTM") { context in
        let a = context.attributes
        let kind = try a.string("kernel_type") ?? "FULL"
        guard kind == "FULL" else { throw KernelError("the \(kind) LSTM kernel is not implemented", unsupported: true) }
        let n = context.node.inputs.count
        guard n == 20 || n == 24 else { throw KernelError("expected 20 or 24 inputs, found \(n)") }
        let options = try TFLiteLSTMSupport.Options(a)
        return TFLiteLSTM(options: options,
                          states: (try TFLiteRecurrentSupport.stateName(context, 18, "output_state"),
                                   try TFLiteRecurrentSupport.stateName(context, 19, "cell_state")),
                          quantization: TFLiteRecurrentSupport.quantizations(context),
                          integer: try TFLiteIntegerLSTMSupport(context, options: options, requireSmallCellScale: true),
                          layerNorm: n == 24 && !context.node.inputs[21].isEmpty)
    }

    let options: TFLiteLSTMSupport.Options
    let states: (output: String, cell: String)
    let quantization: [QuantizationParameters?]
    /// The integer (8x8→16) form's declarations, when the input is int8.
    let integer: TFLiteIntegerLSTMSupport?
    /// 24 inputs with forget-gate layer norm coefficients (LiteRT's `use_layer_norm`).
    let layerNorm: Bool

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.rank == 2 else { throw KernelError("input must be [batch, n_input], found \(x.shape)") }
        let (batch, nInput) = (x.shape[0], x.shape[1])
        if x.dtype == .int8, let integer {
            // LiteRT runs the 2-D input as one time-major step of the whole batch.
            return [.tensor(try integer.run(inputs, x: x, batch: batch, time: 1, nInput: nInput, timeMajor: true, outputShape: { [batch, $0] },
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
        var out = [Float](repeating: 0, count: batch * cell.nOutput)
        // LiteRT runs the 2-D input as one time-major step of the whole batch.
        LSTMCell.evaluate(cell, x: try x.scalars(as: Float.self), aux: nil, h: &h, c: &c, batch: batch, time: 1, timeMajor: true,
                          forward: true, output: &out, outputStride: cell.nOutput, outputOffset: 0)
        context.assignVariableTensor(states.output, try Tensor(float32: h, shape: [batch, cell.nOutput]))
        context.assignVariableTensor(states.cell, try Tensor(float32: c, shape: [batch, cell.nCell]))
        return [.tensor(try Tensor(float32: out, shape: [batch, cell.nOutput]))]
    }
}
