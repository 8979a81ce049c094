import LockstepCore

/// BIDIRECTIONAL_SEQUENCE_LSTM (versions 1–3): a forward and a backward LSTM cell over one
/// sequence (`time_major` by default), each the float or hybrid cell of UNIDIRECTIONAL_SEQUENCE_LSTM
/// without layer norm. Inputs: `input`; forward weights 1–17 and backward weights 18–34 (in
/// UNIDIRECTIONAL_SEQUENCE_LSTM's order); variable states 35–38 (forward output and cell state,
/// backward output and cell state), carried across invocations; optional `aux_input` (39) with
/// forward (40–43) and backward (44–47) aux weights. Outputs `fw_output` and, unless
/// `merge_outputs` (then the backward outputs follow the forward ones in `fw_output`),
/// `bw_output`. As google-ai-edge/LiteRT `tflite/kernels/bidirectional_sequence_lstm.cc`: the
/// forward pass, then the backward pass over the reversed sequence; an `aux_input` without aux
/// weights is the backward cell's input (tf.nn.static_bidirectional_rnn stacking).
struct TFLiteBidirectionalSequenceLSTM: Kernel {
    static let registration = TFLiteOps.op("BIDIRECTIONAL_SEQUENCE_LSTM") { context in
        try TFLiteSupport.arity(context, inputs: 48...48, outputs: 1...2)
        let a = context.attributes
        let merge = try a.int("merge_outputs", default: 0) != 0
        guard context.node.outputs.count == (merge ? 1 : 2) else {
            throw KernelError("expected \(merge ? 1 : 2) outputs with merge_outputs \(merge), found \(context.node.outputs.count)")
        }
        return TFLiteBidirectionalSequenceLSTM(options: try TFLiteLSTMSupport.Options(a),
                                               timeMajor: try a.int("time_major", default: 1) != 0, merge: merge,
                                               states: [try TFLiteRecurrentSupport.stateName(context, 35, "fw_output_state"),
                                                        try TFLiteRecurrentSupport.stateName(context, 36, "fw_cell_state"),
                                                        try TFLiteRecurrentSupport.stateName(context, 37, "bw_output_state"),
                                                        try TFLiteRecurrentSupport.stateName(context, 38, "bw_cell_state")],
                                               quantization: TFLiteRecurrentSupport.quantizations(context))
    }

    let options: TFLiteLSTMSupport.Options
    let timeMajor: Bool
    let merge: Bool
    let states: [String]
    let quantization: [QuantizationParameters?]

    static let forward = TFLiteLSTMSupport.Layout(inputWeights: [1, 2, 3, 4], recurrentWeights: [5, 6, 7, 8], peephole: [9, 10, 11],
                                                  bias: [12, 13, 14, 15], projection: 16, projectionBias: 17, layerNorm: nil,
                                                  auxWeights: [40, 41, 42, 43])
    static let backward = TFLiteLSTMSupport.Layout(inputWeights: [18, 19, 20, 21], recurrentWeights: [22, 23, 24, 25], peephole: [26, 27, 28],
                                                   bias: [29, 30, 31, 32], projection: 33, projectionBias: 34, layerNorm: nil,
                                                   auxWeights: [44, 45, 46, 47])

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.dtype == .float32 else { throw KernelError("\(x.dtype) BIDIRECTIONAL_SEQUENCE_LSTM is not implemented", unsupported: true) }
        guard x.rank == 3 else { throw KernelError("input must have rank 3, found \(x.shape)") }
        let (batch, time, nInput) = timeMajor ? (x.shape[1], x.shape[0], x.shape[2]) : (x.shape[0], x.shape[1], x.shape[2])
        let auxTensor = try Inputs.optionalTensor(inputs, 39)
        let useAuxWeights = inputs.count > 41 && inputs[41] != nil  // fw aux_input_to_forget_weights
        if let auxTensor {
            guard auxTensor.rank == 3, auxTensor.shape[0] == x.shape[0], auxTensor.shape[1] == x.shape[1] else {
                throw KernelError("aux_input \(auxTensor.shape) must match the input \(x.shape) but for its last dimension")
            }
        }
        let nonStacking = auxTensor != nil && !useAuxWeights
        let nAux = useAuxWeights ? auxTensor?.shape[2] ?? 0 : 0
        let xs = try x.scalars(as: Float.self)
        let auxValues = try auxTensor.map { try TFLiteRecurrentSupport.floats($0, "aux_input") }
        let bwInputSize = nonStacking ? auxTensor!.shape[2] : nInput
        let fw = try TFLiteLSTMSupport.cell(inputs, Self.forward, nInput: nInput, nAux: nAux, options: options, quantization: quantization, direction: "fw_")
        let bw = try TFLiteLSTMSupport.cell(inputs, Self.backward, nInput: bwInputSize, nAux: nAux, options: options, quantization: quantization, direction: "bw_")
        let width = merge ? fw.nOutput + bw.nOutput : fw.nOutput
        if merge && !timeMajor && batch > 1 {
            // LiteRT steps the state rows `fw + bw` outputs apart here (its output stride), past the state tensors.
            throw KernelError("merged batch-major outputs with more than one batch row are not supported (LiteRT indexes the states with the output stride)", unsupported: true)
        }
        var hf = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 35, name: "fw_output_state"), "fw_output_state", count: batch * fw.nOutput)
        var cf = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 36, name: "fw_cell_state"), "fw_cell_state", count: batch * fw.nCell)
        var hb = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 37, name: "bw_output_state"), "bw_output_state", count: batch * bw.nOutput)
        var cb = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 38, name: "bw_cell_state"), "bw_cell_state", count: batch * bw.nCell)
        var fwOut = [Float](repeating: 0, count: batch * time * width)
        var bwOut = [Float](repeating: 0, count: merge ? 0 : batch * time * bw.nOutput)
        let realAux = useAuxWeights ? auxValues : nil
        LSTMCell.evaluate(fw, x: xs, aux: realAux, h: &hf, c: &cf, batch: batch, time: time, timeMajor: timeMajor, forward: true,
                          output: &fwOut, outputStride: width, outputOffset: 0)
        if merge {
            LSTMCell.evaluate(bw, x: nonStacking ? auxValues! : xs, aux: realAux, h: &hb, c: &cb, batch: batch, time: time, timeMajor: timeMajor,
                              forward: false, output: &fwOut, outputStride: width, outputOffset: fw.nOutput)
        } else {
            LSTMCell.evaluate(bw, x: nonStacking ? auxValues! : xs, aux: realAux, h: &hb, c: &cb, batch: batch, time: time, timeMajor: timeMajor,
                              forward: false, output: &bwOut, outputStride: bw.nOutput, outputOffset: 0)
        }
        for (name, (values, shape)) in zip(states, [(hf, [batch, fw.nOutput]), (cf, [batch, fw.nCell]), (hb, [batch, bw.nOutput]), (cb, [batch, bw.nCell])]) {
            context.assignVariableTensor(name, try Tensor(float32: values, shape: shape))
        }
        let lead = Array(x.shape.prefix(2))
        var outputs: [Value?] = [.tensor(try Tensor(float32: fwOut, shape: lead + [width]))]
        if !merge { outputs.append(.tensor(try Tensor(float32: bwOut, shape: lead + [bw.nOutput]))) }
        return outputs
    }
}
