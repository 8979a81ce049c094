import LockstepCore

/// Reads the LSTM ops' weight inputs into an `LSTMCell.Cell` (float or hybrid). The positions are
/// those of LSTM / UNIDIRECTIONAL_SEQUENCE_LSTM (`Layout.standard`) and of either direction of
/// BIDIRECTIONAL_SEQUENCE_LSTM.
enum TFLiteLSTMSupport {
    /// Input positions of one LSTM cell's tensors.
    struct Layout {
        /// input_to_{input, forget, cell, output}_weights.
        var inputWeights: [Int]
        /// recurrent_to_{input, forget, cell, output}_weights.
        var recurrentWeights: [Int]
        /// cell_to_{input, forget, output}_weights (peephole).
        var peephole: [Int]
        /// {input, forget, cell, output}_gate_bias.
        var bias: [Int]
        var projection: Int
        var projectionBias: Int
        /// {input, forget, cell, output} layer norm coefficients (none for the bidirectional op).
        var layerNorm: [Int]?
        /// aux_input_to_{input, forget, cell, output}_weights.
        var auxWeights: [Int]?

        static let standard = Layout(inputWeights: [1, 2, 3, 4], recurrentWeights: [5, 6, 7, 8], peephole: [9, 10, 11],
                                     bias: [12, 13, 14, 15], projection: 16, projectionBias: 17, layerNorm: [20, 21, 22, 23])
    }

    /// The LSTM options shared by the three ops.
    struct Options {
        var activation: RecurrentCell.Activation
        var cellClip: Float
        var projectionClip: Float
        var asymmetric: Bool

        init(_ a: AttributeReader) throws {
            activation = try RecurrentCell.Activation(a, default: "TANH")
            cellClip = try a.float("cell_clip", default: 0)
            projectionClip = try a.float("proj_clip", default: 0)
            asymmetric = try a.int("asymmetric_quantize_inputs", default: 0) != 0
        }
    }

    /// The cell for input size `nInput` (and `nAux` aux-input features when aux weights are given).
    static func cell(_ inputs: [Value?], _ layout: Layout, nInput: Int, nAux: Int, options: Options,
                     quantization q: [QuantizationParameters?], direction: String = "") throws -> LSTMCell.Cell {
        func tensor(_ i: Int) throws -> Tensor? { i < inputs.count ? try Inputs.optionalTensor(inputs, i) : nil }
        func required(_ i: Int, _ what: String) throws -> Tensor {
            guard let t = try tensor(i) else { throw KernelError("input \(i) (\(direction)\(what)) is required") }
            return t
        }
        let outputWeights = try required(layout.inputWeights[3], "input_to_output_weights")
        guard outputWeights.rank == 2 else { throw KernelError("\(direction)input_to_output_weights must have rank 2, found \(outputWeights.shape)") }
        let nCell = outputWeights.shape[0]
        let recurrentOutput = try required(layout.recurrentWeights[3], "recurrent_to_output_weights")
        guard recurrentOutput.rank == 2, recurrentOutput.shape[0] == nCell else {
            throw KernelError("\(direction)recurrent_to_output_weights must be [\(nCell), n_output], found \(recurrentOutput.shape)")
        }
        let nOutput = recurrentOutput.shape[1]
        let names = ["input", "forget", "cell", "output"]
        let cifg = try tensor(layout.inputWeights[0]) == nil
        func weights(_ i: Int, cols: Int, _ what: String) throws -> RecurrentCell.Weights {
            try RecurrentCell.Weights(try required(i, what), "\(direction)\(what)", rows: nCell, cols: cols, quantization: q[i])
        }
        func vector(_ i: Int, _ what: String, count: Int) throws -> [Float]? {
            guard let t = try tensor(i) else { return nil }
            switch t.dtype {
            case .float32:
                return try TFLiteRecurrentSupport.floats(t, "\(direction)\(what)", count: count)
            case .int8:  // hybrid peephole weights: recovered as scale · w (VectorScalarMultiply)
                guard t.count == count, let scale = (q[i] ?? t.quantization)?.scales.first else {
                    throw KernelError("int8 \(direction)\(what) needs \(count) values and a scale")
                }
                return try t.scalars(as: Int8.self).map { scale * Float($0) }
            default:
                throw KernelError("\(direction)\(what) has element type \(t.dtype); float32 and int8 (hybrid) are implemented", unsupported: true)
            }
        }
        var gates: [LSTMCell.Gate?] = []
        for g in 0..<4 {
            if g == 0 && cifg { gates.append(nil); continue }
            let peephole: [Float]? = g == 2 ? nil : try vector(layout.peephole[g == 3 ? 2 : g], "cell_to_\(names[g])_weights", count: nCell)
            let aux: RecurrentCell.Weights? = try layout.auxWeights.flatMap { a in
                try tensor(a[g]).map { _ in try weights(a[g], cols: nAux, "aux_input_to_\(names[g])_weights") }
            }
            guard let bias = try vector(layout.bias[g], "\(names[g])_gate_bias", count: nCell) else {
                throw KernelError("input \(layout.bias[g]) (\(direction)\(names[g])_gate_bias) is required")
            }
            let norm = try layout.layerNorm.flatMap { try vector($0[g], "\(names[g])_layer_norm_coefficients", count: nCell) }
            gates.append(LSTMCell.Gate(input: try weights(layout.inputWeights[g], cols: nInput, "input_to_\(names[g])_weights"), aux: aux,
                                       recurrent: try weights(layout.recurrentWeights[g], cols: nOutput, "recurrent_to_\(names[g])_weights"),
                                       peephole: peephole, layerNorm: norm, bias: bias))
        }
        let hybrid = gates[1]!.input.isHybrid
        for case let g? in gates where g.input.isHybrid != hybrid || g.recurrent.isHybrid != hybrid {
            throw KernelError("\(direction)LSTM weights must all be float32 or all int8 (hybrid)", unsupported: true)
        }
        var projection: RecurrentCell.Weights?
        if let p = try tensor(layout.projection) {
            projection = try RecurrentCell.Weights(p, "\(direction)projection_weights", rows: nOutput, cols: nCell, quantization: q[layout.projection])
        } else if nOutput != nCell {
            throw KernelError("\(direction)n_output \(nOutput) differs from n_cell \(nCell) without projection weights")
        }
        return LSTMCell.Cell(inputGate: gates[0], forget: gates[1]!, cellGate: gates[2]!, output: gates[3]!, projection: projection,
                             projectionBias: try vector(layout.projectionBias, "projection_bias", count: nOutput),
                             nCell: nCell, nInput: nInput, nAux: nAux, nOutput: nOutput, activation: options.activation,
                             cellClip: options.cellClip, projectionClip: options.projectionClip, asymmetric: options.asymmetric)
    }
}
