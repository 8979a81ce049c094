import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The full-integer (8x8→16) form of LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM: what LiteRT's Prepare
/// derives (google-ai-edge/LiteRT `tflite/kernels/lstm.cc` and `unidirectional_sequence_lstm.cc`,
/// `PopulateQuantizedLstmParams8x8_16` and `PopulatePrecomputedZPTimesWeightsWithBias`) and the run
/// (`IntegerLSTMCell`). The scales come from the tensor declarations and the op's five
/// `intermediates` (with layer norm, the four gates' matmul outputs; always, the hidden state's
/// scale and zero point), read when the kernel is built; the effective multipliers are the
/// products and quotients LiteRT takes in float (the hidden and peephole ones in double).
struct TFLiteIntegerLSTMSupport: Sendable {
    let quantization: [QuantizationParameters?]
    /// The five intermediates' quantisation (nil where a tensor has none).
    let intermediates: [QuantizationParameters?]
    let output: QuantizationParameters?
    let cellClip: Float
    let projectionClip: Float
    /// LSTM (`lstm.cc`) also requires a cell state scale of at most 2^-9.
    let requireSmallCellScale: Bool

    /// Reads the declarations; nil when the node is not an integer LSTM (input not int8).
    init?(_ context: KernelBuildContext, options: TFLiteLSTMSupport.Options, requireSmallCellScale: Bool) throws {
        guard let name = context.node.inputs.first, case .tensor(.int8?, _)? = context.valueInfo(name)?.type else { return nil }
        let count = context.node.intermediates.count
        if count == 12 { throw KernelError("the 8x8→8 integer LSTM (12 intermediates) is not implemented", unsupported: true) }
        guard count == 5 else { throw KernelError("an integer LSTM needs 5 intermediate tensors (LiteRT's 8x8→16 kernel), found \(count)") }
        quantization = TFLiteRecurrentSupport.quantizations(context)
        intermediates = context.node.intermediates.map { $0.isEmpty ? nil : TFLiteSupport.quantization(context, $0) }
        output = context.node.outputs.first.flatMap { TFLiteSupport.quantization(context, $0) }
        cellClip = options.cellClip
        projectionClip = options.projectionClip
        self.requireSmallCellScale = requireSmallCellScale
    }

    /// Per-tensor scale and zero point of input `i`.
    func scalar(_ i: Int, _ what: String) throws -> (scale: Float, zeroPoint: Int32) {
        try TFLiteQuantization.scalar(i < quantization.count ? quantization[i] : nil, "input \(i) (\(what))")
    }

    /// The cell for `nInput` input features; `inputs` in the op's order (input 0 … 23).
    func cell(_ inputs: [Value?], nInput: Int, layerNorm useLayerNorm: Bool) throws -> IntegerLSTMCell.Cell {
        func tensor(_ i: Int) throws -> Tensor? { i < inputs.count ? try Inputs.optionalTensor(inputs, i) : nil }
        func typed<T: BitwiseCopyable>(_ i: Int, _ what: String, _ dtype: DType, _: T.Type, count: Int) throws -> [T]? {
            guard let t = try tensor(i) else { return nil }
            guard t.dtype == dtype, t.count == count else {
                throw KernelError("input \(i) (\(what)) must be \(dtype) with \(count) values, found \(t.dtype) \(t.shape)")
            }
            return try t.scalars(as: T.self)
        }
        guard let outputWeights = try tensor(4), outputWeights.rank == 2, let recurrentOutput = try tensor(8), recurrentOutput.rank == 2 else {
            throw KernelError("input_to_output_weights and recurrent_to_output_weights must be 2-D")
        }
        let nCell = outputWeights.shape[0], nOutput = recurrentOutput.shape[1]
        let names = ["input", "forget", "cell", "output"]
        let cifg = try tensor(1) == nil
        let peephole = try tensor(11) != nil
        let projectionWeights = try typed(16, "projection_weights", .int8, Int8.self, count: nOutput * nCell)
        guard projectionWeights != nil || nOutput == nCell else {
            throw KernelError("n_output \(nOutput) differs from n_cell \(nCell) without projection weights")
        }
        if peephole && nOutput > nCell {
            throw KernelError("integer peephole LSTM with n_output \(nOutput) > n_cell \(nCell): LiteRT reads past the peephole weights",
                              unsupported: true)
        }

        // Scales (PopulateQuantizedLstmParams8x8_16).
        let (inputScale, inputZeroPoint) = try scalar(0, "input")
        let (stateScale, stateZeroPoint) = try scalar(18, "output_state")
        let (cellStateScale, _) = try scalar(19, "cell_state")
        guard let (cellScale, exact) = TFLiteFixedPoint.checkedLog2(cellStateScale), exact else {
            throw KernelError("cell_state scale \(cellStateScale) is not a power of two, as LiteRT's integer LSTM requires")
        }
        if requireSmallCellScale && cellScale > -9 { throw KernelError("cell_state scale 2^\(cellScale) must be at most 2^-9, as LiteRT requires") }
        guard (-15)...(-9) ~= cellScale else {
            throw KernelError("cell_state scale 2^\(cellScale): LiteRT's integer tanh takes 15 + log2(scale) in 0…6 integer bits", unsupported: true)
        }
        var gateScales: [Float] = [], gateZeroPoints: [Int32] = []
        for g in 0..<4 {
            if useLayerNorm {
                let (s, z) = try TFLiteQuantization.scalar(intermediates[g], "intermediate \(g) (\(names[g]) gate)")
                gateScales.append(s)
                gateZeroPoints.append(z)
            } else {
                gateScales.append(Float(pow(2.0, -12.0)))  // Q3.12 for the activations
                gateZeroPoints.append(0)
            }
        }
        let (hiddenScale, hiddenZeroPoint) = try TFLiteQuantization.scalar(intermediates[4], "intermediate 4 (hidden state)")
        let projectionScale = projectionWeights == nil ? 1 : try scalar(16, "projection_weights").scale
        func multiplier(_ real: Double, _ what: String) throws -> IntegerLSTMCell.Scale {
            guard real.isFinite else { throw KernelError("the effective \(what) scale is \(real); check the tensors' quantisation") }
            return IntegerLSTMCell.Scale(real)
        }

        // Weights, biases and the zero points folded into them (PopulatePrecomputedZPTimesWeightsWithBias).
        func rowSums(_ w: [Int8], rows: Int, cols: Int) -> [Int32] {
            (0..<rows).map { r in (0..<cols).reduce(Int32(0)) { $0 &+ Int32(w[r * cols + $1]) } }
        }
        func effectiveBias(_ w: [Int8], rows: Int, cols: Int, zeroPoint: Int32, bias: [Int32]?) -> [Int32] {
            let base = bias ?? [Int32](repeating: 0, count: rows)
            guard zeroPoint != 0 else { return base }
            return zip(base, rowSums(w, rows: rows, cols: cols)).map { $0 &+ $1 &* zeroPoint }
        }
        var gates: [IntegerLSTMCell.Gate?] = []
        for g in 0..<4 {
            if g == 0 && cifg { gates.append(nil); continue }
            guard let wi = try typed(1 + g, "input_to_\(names[g])_weights", .int8, Int8.self, count: nCell * nInput),
                  let wr = try typed(5 + g, "recurrent_to_\(names[g])_weights", .int8, Int8.self, count: nCell * nOutput) else {
                throw KernelError("the \(names[g]) gate's int8 weights are required")
            }
            guard let bias = try typed(12 + g, "\(names[g])_gate_bias", .int32, Int32.self, count: nCell) else {
                throw KernelError("input \(12 + g) (\(names[g])_gate_bias, int32) is required")
            }
            let wiScale = try scalar(1 + g, "input_to_\(names[g])_weights").scale
            let wrScale = try scalar(5 + g, "recurrent_to_\(names[g])_weights").scale
            var peepholeWeights: [Int16]?
            var peepholeScale = IntegerLSTMCell.Scale(multiplier: 0, shift: 0)
            if peephole && g != 2 {
                let index = g == 3 ? 11 : 9 + g
                guard let w = try typed(index, "cell_to_\(names[g])_weights", .int16, Int16.self, count: nCell) else {
                    throw KernelError("input \(index) (cell_to_\(names[g])_weights, int16) is required with peephole weights")
                }
                peepholeWeights = w
                let s = try scalar(index, "cell_to_\(names[g])_weights").scale
                peepholeScale = try multiplier(Double(Float(pow(2.0, Double(cellScale)) * Double(s) / Double(gateScales[g]))), "cell_to_\(names[g])")
            }
            var layerNormWeights: [Int16]?
            var layerNormScale: Float = 1
            if useLayerNorm {
                guard let w = try typed(20 + g, "\(names[g])_layer_norm_coefficients", .int16, Int16.self, count: nCell) else {
                    throw KernelError("input \(20 + g) (\(names[g])_layer_norm_coefficients, int16) is required with layer norm")
                }
                layerNormWeights = w
                layerNormScale = try scalar(20 + g, "\(names[g])_layer_norm_coefficients").scale
            }
            gates.append(IntegerLSTMCell.Gate(
                inputWeights: wi, recurrentWeights: wr,
                inputEffectiveBias: effectiveBias(wi, rows: nCell, cols: nInput, zeroPoint: -inputZeroPoint, bias: useLayerNorm ? nil : bias),
                recurrentEffectiveBias: effectiveBias(wr, rows: nCell, cols: nOutput, zeroPoint: -stateZeroPoint, bias: nil),
                inputScale: try multiplier(Double(wiScale * inputScale / gateScales[g]), "input_to_\(names[g])"),
                recurrentScale: try multiplier(Double(wrScale * stateScale / gateScales[g]), "recurrent_to_\(names[g])"),
                peephole: peepholeWeights, peepholeScale: peepholeScale,
                layerNorm: layerNormWeights, layerNormBias: bias, layerNormScale: IntegerLSTMCell.Scale(Double(layerNormScale)),
                varianceGuard: max(1, TFLiteFixedPoint.truncatingToInt32(10000 * layerNormScale))))
        }
        let projectionBias = try typed(17, "projection_bias", .int32, Int32.self, count: nOutput)
        let clip: (Float, Float) -> Float = { value, limit in value.isNaN ? 0 : min(max(value, -limit - 1), limit) }
        return IntegerLSTMCell.Cell(
            inputGate: gates[0], forget: gates[1]!, cellGate: gates[2]!, output: gates[3]!,
            projection: projectionWeights,
            projectionEffectiveBias: projectionWeights.map { effectiveBias($0, rows: nOutput, cols: nCell, zeroPoint: hiddenZeroPoint, bias: projectionBias) } ?? [],
            projectionScale: try multiplier(Double(projectionScale * hiddenScale / stateScale), "projection"),
            hiddenScale: try multiplier(Double(Float(pow(2.0, -15.0) / Double(hiddenScale) * pow(2.0, -15.0))), "hidden"),
            hiddenZeroPoint: hiddenZeroPoint, cellScale: cellScale,
            cellClip: cellClip > 0 ? Int16(clip(cellClip / cellStateScale, 32767)) : 0,
            projectionClip: projectionClip > 0 ? Int8(clip(projectionClip / (try TFLiteQuantization.scalar(output, "output").scale), 127)) : 0,
            outputStateZeroPoint: stateZeroPoint, nCell: nCell, nInput: nInput, nOutput: nOutput)
    }

    /// Runs the cell over `x` (int8, `[batch, time, n_input]` or time-major) from the state inputs
    /// 18 / 19, hands the new state to the execution state and returns the int8 output.
    func run(_ inputs: [Value?], x: Tensor, batch: Int, time: Int, nInput: Int, timeMajor: Bool, outputShape: (Int) -> [Int],
             states: (output: String, cell: String), layerNorm: Bool, context: ExecutionContext) throws -> Tensor {
        let cell = try self.cell(inputs, nInput: nInput, layerNorm: layerNorm)
        let hTensor = try Inputs.tensor(inputs, 18, name: "output_state"), cTensor = try Inputs.tensor(inputs, 19, name: "cell_state")
        guard hTensor.dtype == .int8, hTensor.count == batch * cell.nOutput, cTensor.dtype == .int16, cTensor.count == batch * cell.nCell else {
            throw KernelError("output_state must be int8 with \(batch * cell.nOutput) values and cell_state int16 with \(batch * cell.nCell), "
                              + "found \(hTensor.dtype) \(hTensor.shape) and \(cTensor.dtype) \(cTensor.shape)")
        }
        var h = try hTensor.scalars(as: Int8.self), c = try cTensor.scalars(as: Int16.self)
        let out = IntegerLSTMCell.evaluate(cell, x: try x.scalars(as: Int8.self), h: &h, c: &c, batch: batch, time: time, timeMajor: timeMajor)
        context.assignVariableTensor(states.output, try Tensor(dtype: .int8, shape: hTensor.shape, values: h))
        context.assignVariableTensor(states.cell, try Tensor(dtype: .int16, shape: cTensor.shape, values: c))
        return try Tensor(dtype: .int8, shape: outputShape(cell.nOutput), values: out)
    }
}
