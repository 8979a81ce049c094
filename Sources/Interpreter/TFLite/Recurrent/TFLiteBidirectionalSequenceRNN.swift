import LockstepCore

/// BIDIRECTIONAL_SEQUENCE_RNN (versions 1–3): a forward and a backward RNN cell over one sequence.
/// Inputs: `input [batch, time, n]` (`[time, batch, n]` with `time_major`); forward `weights`,
/// `recurrent_weights`, `bias`, variable `hidden_state` (1–4); the same backward (5–8); optional
/// `aux_input` and forward / backward `aux_weights` (9–11). Outputs: `fw_output` and, unless
/// `merge_outputs` (then the backward units follow the forward ones in `fw_output`), `bw_output`.
/// Float or hybrid weights. Mirrors google-ai-edge/LiteRT
/// `tflite/kernels/bidirectional_sequence_rnn.cc`, including what it does with an `aux_input` but no
/// aux weights (the backward cell reads it instead of `input` — time-major only; batch-major reads
/// `input`) and, for hybrid time-major models, its outer loop that runs both directions `time`
/// times over (the states carry through the repeats; the last pass is the output).
struct TFLiteBidirectionalSequenceRNN: Kernel {
    static let registration = TFLiteOps.op("BIDIRECTIONAL_SEQUENCE_RNN") { context in
        try TFLiteSupport.arity(context, inputs: 12...12, outputs: 1...2)
        let a = context.attributes
        let merge = try a.int("merge_outputs", default: 0) != 0
        guard context.node.outputs.count == (merge ? 1 : 2) else {
            throw KernelError("expected \(merge ? 1 : 2) outputs with merge_outputs \(merge), found \(context.node.outputs.count)")
        }
        let fwAux = !context.node.inputs[10].isEmpty, bwAux = !context.node.inputs[11].isEmpty
        guard fwAux == bwAux else { throw KernelError("forward and backward aux weights must both be given or both be omitted") }
        return TFLiteBidirectionalSequenceRNN(activation: try RecurrentCell.Activation(a),
                                              asymmetric: try a.int("asymmetric_quantize_inputs", default: 0) != 0,
                                              timeMajor: try a.int("time_major", default: 0) != 0, merge: merge,
                                              states: (try TFLiteRecurrentSupport.stateName(context, 4, "fw_hidden_state"),
                                                       try TFLiteRecurrentSupport.stateName(context, 8, "bw_hidden_state")),
                                              quantization: TFLiteRecurrentSupport.quantizations(context))
    }

    let activation: RecurrentCell.Activation
    let asymmetric: Bool
    let timeMajor: Bool
    let merge: Bool
    let states: (fw: String, bw: String)
    let quantization: [QuantizationParameters?]

    /// Whether the forward weights are int8 (hybrid).
    func hybrid(_ inputs: [Value?]) -> Bool {
        if case .tensor(let w)?? = inputs.count > 1 ? inputs[1] : nil { return w.dtype == .int8 }
        return false
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.rank == 3 else { throw KernelError("input must have rank 3, found \(x.shape)") }
        let (batch, time, inputSize) = timeMajor ? (x.shape[1], x.shape[0], x.shape[2]) : (x.shape[0], x.shape[1], x.shape[2])
        let auxTensor = try Inputs.optionalTensor(inputs, 9)
        let useAuxWeights = inputs.count > 10 && inputs[10] != nil
        if let auxTensor {
            guard auxTensor.rank == 3, auxTensor.shape[0] == x.shape[0], auxTensor.shape[1] == x.shape[1] else {
                throw KernelError("aux_input \(auxTensor.shape) must match the input \(x.shape) but for its last dimension")
            }
        }
        // No aux weights but an aux input: the backward cell reads it (tf.nn.static_bidirectional_rnn stacking).
        let nonStacking = auxTensor != nil && !useAuxWeights
        let auxSize = useAuxWeights ? auxTensor?.shape[2] ?? 0 : 0
        // LiteRT steps through aux_input (and, without aux weights, the backward cell's input) in
        // strides of input_size in these layouts; other sizes would read past the tensor there.
        if let auxTensor, auxTensor.shape[2] != inputSize, timeMajor || (hybrid(inputs) && useAuxWeights) || nonStacking {
            throw KernelError("aux_input must have the input's size \(inputSize) in this layout, found \(auxTensor.shape)", unsupported: true)
        }
        let fw = try TFLiteRecurrentSupport.rnnWeights(inputs, w: 1, r: 2, b: 3, aux: useAuxWeights ? 10 : nil, auxSize: auxSize,
                                                       inputSize: inputSize, quantization: quantization, direction: "fw_")
        let bwInputSize = inputSize
        let bw = try TFLiteRecurrentSupport.rnnWeights(inputs, w: 5, r: 6, b: 7, aux: useAuxWeights ? 11 : nil, auxSize: auxSize,
                                                       inputSize: bwInputSize, quantization: quantization, direction: "bw_")
        let hybrid = fw.input.isHybrid
        guard bw.input.isHybrid == hybrid else { throw KernelError("forward and backward weights must have one element type") }
        let xs = try TFLiteRecurrentSupport.floats(x, "input")
        let auxValues = try auxTensor.map { try TFLiteRecurrentSupport.floats($0, "aux_input") } ?? []
        var hf = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 4, name: "fw_hidden_state"), "fw_hidden_state", count: batch * fw.units)
        var hb = try TFLiteRecurrentSupport.floats(try Inputs.tensor(inputs, 8, name: "bw_hidden_state"), "bw_hidden_state", count: batch * bw.units)
        let fwStep = merge ? fw.units + bw.units : fw.units, bwStep = merge ? fw.units + bw.units : bw.units
        var fwOut = [Float](repeating: 0, count: batch * time * fwStep)
        var bwOut = [Float](repeating: 0, count: merge ? 0 : batch * time * bwStep)
        let bwValues = nonStacking && timeMajor ? auxValues : xs
        let auxForCells = useAuxWeights ? auxValues : []
        if batch > 0, time > 0 {
            func run(_ xp: UnsafePointer<Float>, _ bwp: UnsafePointer<Float>, _ ap: UnsafePointer<Float>?, _ hfp: UnsafeMutablePointer<Float>,
                     _ hbp: UnsafeMutablePointer<Float>, _ fop: UnsafeMutablePointer<Float>, _ bop: UnsafeMutablePointer<Float>) {
                if timeMajor {
                    // LiteRT's hybrid time-major loop repeats both passes `time` times.
                    for _ in 0..<(hybrid ? time : 1) {
                        for t in 0..<time {
                            RecurrentCell.rnnStep(fw, x: xp + t * inputSize * batch, aux: ap.map { $0 + t * inputSize * batch }, h: hfp, batch: batch,
                                                  activation: activation, asymmetric: asymmetric, out: fop + t * fwStep * batch, stride: fwStep)
                        }
                        for t in stride(from: time - 1, through: 0, by: -1) {
                            RecurrentCell.rnnStep(bw, x: bwp + t * bwInputSize * batch, aux: ap.map { $0 + t * inputSize * batch }, h: hbp,
                                                  batch: batch, activation: activation, asymmetric: asymmetric,
                                                  out: bop + t * bwStep * batch, stride: bwStep)
                        }
                    }
                } else {
                    // The aux rows are `aux_size` apart in the float kernel, `input_size` apart in the hybrid one (as LiteRT).
                    let auxStride = hybrid ? inputSize : auxSize
                    for b in 0..<batch {
                        for t in 0..<time {
                            RecurrentCell.rnnStep(fw, x: xp + (b * time + t) * inputSize, aux: ap.map { $0 + b * auxStride * time + t * auxStride },
                                                  h: hfp + b * fw.units, batch: 1, activation: activation, asymmetric: asymmetric,
                                                  out: fop + b * fwStep * time + t * fwStep, stride: fwStep)
                        }
                        for t in stride(from: time - 1, through: 0, by: -1) {
                            RecurrentCell.rnnStep(bw, x: xp + (b * time + t) * inputSize, aux: ap.map { $0 + b * auxStride * time + t * auxStride },
                                                  h: hbp + b * bw.units, batch: 1, activation: activation, asymmetric: asymmetric,
                                                  out: bop + b * bwStep * time + t * bwStep, stride: bwStep)
                        }
                    }
                }
            }
            let scratch = [Float](repeating: 0, count: 1)
            xs.withUnsafeBufferPointer { xb in
                bwValues.withUnsafeBufferPointer { bwb in
                    auxForCells.withUnsafeBufferPointer { ab in
                        hf.withUnsafeMutableBufferPointer { hfb in
                            hb.withUnsafeMutableBufferPointer { hbb in
                                fwOut.withUnsafeMutableBufferPointer { fob in
                                    bwOut.withUnsafeMutableBufferPointer { bob in
                                        scratch.withUnsafeBufferPointer { sb in
                                            let bop = merge ? fob.baseAddress! + fw.units : bob.baseAddress!
                                            run(xb.baseAddress ?? sb.baseAddress!, bwb.baseAddress ?? sb.baseAddress!,
                                                auxForCells.isEmpty ? nil : ab.baseAddress, hfb.baseAddress ?? UnsafeMutablePointer(mutating: sb.baseAddress!),
                                                hbb.baseAddress ?? UnsafeMutablePointer(mutating: sb.baseAddress!), fob.baseAddress!, bop)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        context.assignVariableTensor(states.fw, try Tensor(float32: hf, shape: [batch, fw.units]))
        context.assignVariableTensor(states.bw, try Tensor(float32: hb, shape: [batch, bw.units]))
        let lead = Array(x.shape.prefix(2))
        var outputs: [Value?] = [.tensor(try Tensor(float32: fwOut, shape: lead + [fwStep]))]
        if !merge { outputs.append(.tensor(try Tensor(float32: bwOut, shape: lead + [bwStep]))) }
        return outputs
    }
}
