import LockstepCore

/// What the recurrent op adapters share: their state inputs must be variable tensors (LiteRT's
/// `GetVariableInput`), which they read, update in place and hand back to the execution state, so
/// that the next invocation (`lockstep run --steps`) starts from it; and the weights of RNN cells.
enum TFLiteRecurrentSupport {
    /// The name of state input `index`, which must be a variable tensor of the graph.
    static func stateName(_ context: KernelBuildContext, _ index: Int, _ what: String) throws -> String {
        guard index < context.node.inputs.count, !context.node.inputs[index].isEmpty else {
            throw KernelError("input \(index) (\(what)) is required")
        }
        let name = context.node.inputs[index]
        guard context.valueInfo(name)?.isVariable == true else {
            throw KernelError("input \(index) (\(what)) '\(name)' must be a variable tensor (is_variable), as LiteRT requires")
        }
        return name
    }

    /// The declared quantisation of every input (hybrid weight scales), read at build time.
    static func quantizations(_ context: KernelBuildContext) -> [QuantizationParameters?] {
        context.node.inputs.map { $0.isEmpty ? nil : TFLiteSupport.quantization(context, $0) }
    }

    /// A float32 tensor's values (an activation input or the state).
    static func floats(_ t: Tensor, _ name: String, count: Int? = nil) throws -> [Float] {
        guard t.dtype == .float32 else { throw KernelError("\(name) must be float32, found \(t.dtype)", unsupported: t.dtype.isInteger) }
        if let count, t.count != count { throw KernelError("\(name) must hold \(count) values, found shape \(t.shape)") }
        return try t.scalars(as: Float.self)
    }

    /// The weights of an RNN cell from inputs `w` (`[units, input_size]`), `r` (`[units, units]`),
    /// `b` (`[units]`) and, when present, auxiliary weights `aux` (`[units, aux_size]`).
    static func rnnWeights(_ inputs: [Value?], w: Int, r: Int, b: Int, aux: Int? = nil, auxSize: Int = 0, inputSize: Int,
                           quantization q: [QuantizationParameters?], direction: String = "") throws -> RecurrentCell.RNNWeights {
        let wt = try Inputs.tensor(inputs, w, name: "\(direction)weights")
        guard wt.rank == 2, wt.shape[1] == inputSize else { throw KernelError("\(direction)weights must be [units, \(inputSize)], found \(wt.shape)") }
        let units = wt.shape[0]
        let input = try RecurrentCell.Weights(wt, "\(direction)weights", rows: units, cols: inputSize, quantization: q[w])
        let rt = try Inputs.tensor(inputs, r, name: "\(direction)recurrent_weights")
        let recurrent = try RecurrentCell.Weights(rt, "\(direction)recurrent_weights", rows: units, cols: units, quantization: q[r])
        guard input.isHybrid == recurrent.isHybrid else { throw KernelError("\(direction)weights and recurrent weights must have one element type") }
        let bias = try floats(try Inputs.tensor(inputs, b, name: "\(direction)bias"), "\(direction)bias", count: units)
        var auxWeights: RecurrentCell.Weights?
        if let aux, let at = try Inputs.optionalTensor(inputs, aux) {
            auxWeights = try RecurrentCell.Weights(at, "\(direction)aux_weights", rows: units, cols: auxSize, quantization: q[aux])
        }
        return RecurrentCell.RNNWeights(input: input, aux: auxWeights, recurrent: recurrent, bias: bias, inputSize: inputSize,
                                        auxSize: auxWeights == nil ? 0 : auxSize, units: units)
    }
}
