/// The full-integer LSTM of TFLite's LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM ("8x8→16": int8 input,
/// output state and weights, int16 gates, cell state and peephole / layer-norm weights, int32
/// biases), step by step as google-ai-edge/LiteRT `tflite/kernels/lstm_eval.cc` computes it
/// (`EvalInteger8x8_16`, `LstmStepInteger8x8_16`, `CalculateLstmGateInteger8x8_16`,
/// `UpdateLstmCellInteger`, `CalculateLstmOutputInteger8x8_16`).
///
/// LiteRT's x86 build sends these integer `tensor_utils` calls to the portable functions
/// (`optimized/sse_tensor_utils.h` forwards them to `Portable…`, `reference/portable_tensor_utils.cc`),
/// which the static functions below mirror name for name:
/// - each gate is `Σ x·W + effective bias` (the input's zero point folded into the bias in
///   Prepare), rescaled by its effective multiplier and accumulated into the int16 gate for the
///   input and then the recurrent product, saturating; plus the peephole `MBQM(w · c)`;
/// - layer norm in integers (mean and variance with 10 extra bits, `GetInvSqrtQuantizedMultiplierExp`);
/// - the sigmoid is gemmlowp's `logistic` on Q3.12, the cell gate gemmlowp's `tanh` on Q3.12,
///   the output's `tanh` reads the cell state with `15 + cell_scale` integer bits;
/// - `c = RDBPOT(f·c, 15) + RDBPOT(i·g, 30 + cell_scale)` (CIFG: `i = 32767 − f`), saturating,
///   clipped; `h = MBQM(o · tanh(c)) + zp` to int8, or through the projection.
public enum IntegerLSTMCell {
    /// A multiplier and shift as `QuantizeMultiplier` gives them (`*_scale_a`, `*_scale_b`).
    public struct Scale: Sendable, Equatable {
        public var multiplier: Int32
        public var shift: Int
        public init(_ real: Double) { (multiplier, shift) = TFLiteFixedPoint.quantizeMultiplier(real) }
        public init(multiplier: Int32, shift: Int) { (self.multiplier, self.shift) = (multiplier, shift) }
    }

    /// One gate's parameters.
    public struct Gate: Sendable {
        /// `n_cell × n_input` and `n_cell × n_output` int8 weights.
        public var inputWeights: [Int8]
        public var recurrentWeights: [Int8]
        /// `bias + (−input zero point) · row sums` (bias omitted with layer norm), and
        /// `(−output state zero point) · row sums` (`PrecomputeZeroPointTimesWeightWithBias`).
        public var inputEffectiveBias: [Int32]
        public var recurrentEffectiveBias: [Int32]
        public var inputScale: Scale
        public var recurrentScale: Scale
        /// Peephole weights (int16) and their effective scale; not for the cell gate.
        public var peephole: [Int16]?
        public var peepholeScale: Scale
        /// Layer norm: int16 weights, the gate's int32 bias, the weights' scale and variance guard.
        public var layerNorm: [Int16]?
        public var layerNormBias: [Int32]
        public var layerNormScale: Scale
        public var varianceGuard: Int32
    }

    /// A whole integer cell.
    public struct Cell: Sendable {
        public var inputGate: Gate?
        public var forget: Gate
        public var cellGate: Gate
        public var output: Gate
        /// Projection (`n_output × n_cell` int8), `bias + hidden zero point · row sums`, scale.
        public var projection: [Int8]?
        public var projectionEffectiveBias: [Int32]
        public var projectionScale: Scale
        /// `2^-15 / s_hidden · 2^-15` and the hidden intermediate's zero point.
        public var hiddenScale: Scale
        public var hiddenZeroPoint: Int32
        /// log2 of the cell state's (power-of-two) scale.
        public var cellScale: Int
        public var cellClip: Int16
        public var projectionClip: Int8
        public var outputStateZeroPoint: Int32
        public var nCell: Int
        public var nInput: Int
        public var nOutput: Int
    }

    // MARK: portable tensor_utils (reference/portable_tensor_utils.cc)

    /// `PortableMatrixBatchVectorMultiplyAccumulate` (int8 input, int16 or int8 output): per row
    /// `acc = bias + Σ input·W`, `MBQM(acc) + zp + output`, clamped to the output type.
    static func matrixBatchVectorMultiplyAccumulate<T: FixedWidthInteger>(
        _ input: UnsafePointer<Int8>, bias: [Int32], _ weights: [Int8], _ scale: Scale, batch: Int, nInput: Int, nOutput: Int,
        outputZeroPoint: Int32, _ output: UnsafeMutablePointer<T>
    ) {
        for b in 0..<batch {
            for row in 0..<nOutput {
                var acc = bias[row]
                for col in 0..<nInput { acc = acc &+ Int32(input[b * nInput + col]) &* Int32(weights[row * nInput + col]) }
                acc = TFLiteFixedPoint.multiplyByQuantizedMultiplier(acc, scale.multiplier, scale.shift)
                acc = acc &+ outputZeroPoint &+ Int32(output[b * nOutput + row])
                output[b * nOutput + row] = T(min(max(acc, Int32(T.min)), Int32(T.max)))
            }
        }
    }

    /// `PortableVectorBatchVectorCwiseProductAccumulate` (int16): `result += MBQM(v · batch)`,
    /// saturating. `size` is the vector's length, as LiteRT passes it.
    static func vectorBatchVectorCwiseProductAccumulate(_ vector: [Int16], size: Int, _ batchVector: UnsafePointer<Int16>, batch: Int,
                                                        _ scale: Scale, _ result: UnsafeMutablePointer<Int16>) {
        for b in 0..<batch {
            for v in 0..<size {
                var product = Int32(vector[v]) * Int32(batchVector[b * size + v])
                product = TFLiteFixedPoint.multiplyByQuantizedMultiplier(product, scale.multiplier, scale.shift)
                result[b * size + v] = Int16(clamping: product &+ Int32(result[b * size + v]))
            }
        }
    }

    /// `PortableApplyLayerNorm`: per batch row, the mean and variance with 2^10 / 2^20 headroom,
    /// `GetInvSqrtQuantizedMultiplierExp` of the variance (the guard when it is below one), then
    /// `(1024·x − mean) · invstd · w + bias` rounded by 1024 and rescaled (`scale`, shift + 12).
    static func applyLayerNorm(_ x: UnsafeMutablePointer<Int16>, weights: [Int16], bias: [Int32], _ scale: Scale, varianceLimit: Int32,
                               batch: Int, n: Int) {
        let twoToPower20: Int32 = 1 << 20
        for i in 0..<batch {
            let row = x + i * n
            var sum: Int64 = 0, sumSquares: Int64 = 0
            for j in 0..<n {
                let v = Int32(row[j])
                sum += Int64(v)
                sumSquares += Int64(v * v)
            }
            let mean = Int32(truncatingIfNeeded: sum * 1024 / Int64(n))
            let temp = twoToPower20 / Int32(n)
            let variance = sumSquares &* Int64(temp) &- Int64(mean) * Int64(mean)
            var variance2 = Int32(truncatingIfNeeded: variance / Int64(twoToPower20))
            if variance2 < 1 { variance2 = varianceLimit }
            let (inverseA, inverseB) = TFLiteQuantizedMath.invSqrtQuantizedMultiplierExp(variance2, reverseShift: -1)
            for j in 0..<n {
                let shifted = 1024 &* Int32(row[j]) &- mean
                let rescaled = TFLiteFixedPoint.multiplyByQuantizedMultiplier(shifted, inverseA, inverseB)
                let val3 = Int64(rescaled &* Int32(weights[j]) &+ bias[j])  // int32 arithmetic, as in C++
                let val4 = Int32(truncatingIfNeeded: (val3 > 0 ? val3 + 512 : val3 - 512) / 1024)
                let val5 = TFLiteFixedPoint.multiplyByQuantizedMultiplier(val4, scale.multiplier, scale.shift + 12)
                row[j] = Int16(clamping: val5)
            }
        }
    }

    /// `PortableApplySigmoid`: gemmlowp `logistic` of Q3.12 into Q0.15.
    static func applySigmoid(_ x: UnsafeMutablePointer<Int16>, count: Int) {
        for i in 0..<count { x[i] = TFLiteFixedPoint.logistic16(x[i], integerBits: 3) }
    }

    /// `PortableApplyTanh(integer_bits)`: gemmlowp `tanh` into Q0.15.
    static func applyTanh(integerBits: Int, _ input: UnsafePointer<Int16>, _ output: UnsafeMutablePointer<Int16>, count: Int) {
        for i in 0..<count { output[i] = TFLiteFixedPoint.tanh16(input[i], integerBits: integerBits) }
    }

    /// `PortableCwiseMul(…, shift, int16_t*)`: `RoundingDivideByPOT(a·b, shift)` narrowed to int16.
    @inline(__always)
    static func cwiseMul(_ a: Int16, _ b: Int16, shift: Int) -> Int16 {
        Int16(truncatingIfNeeded: TFLiteFixedPoint.roundingDivideByPOT(Int32(a) * Int32(b), shift))
    }

    /// `PortableCwiseMul(…, multiplier, shift, zp, int8_t*)`: `MBQM(a·b) + zp`, clamped to int8.
    @inline(__always)
    static func cwiseMul(_ a: Int16, _ b: Int16, _ scale: Scale, zeroPoint: Int32) -> Int8 {
        let v = TFLiteFixedPoint.multiplyByQuantizedMultiplier(Int32(a) * Int32(b), scale.multiplier, scale.shift) &+ zeroPoint
        return Int8(min(max(v, -128), 127))
    }

    // MARK: the step

    /// `CalculateLstmGateInteger8x8_16` into `gate` (`batch × n_cell`).
    static func gate(_ p: Gate, _ cell: Cell, x: UnsafePointer<Int8>, h: UnsafePointer<Int8>, c: UnsafePointer<Int16>, batch: Int,
                     tanh: Bool, _ gate: UnsafeMutablePointer<Int16>) {
        let n = cell.nCell
        gate.update(repeating: 0, count: batch * n)
        matrixBatchVectorMultiplyAccumulate(x, bias: p.inputEffectiveBias, p.inputWeights, p.inputScale, batch: batch, nInput: cell.nInput,
                                            nOutput: n, outputZeroPoint: 0, gate)
        matrixBatchVectorMultiplyAccumulate(h, bias: p.recurrentEffectiveBias, p.recurrentWeights, p.recurrentScale, batch: batch,
                                            nInput: cell.nOutput, nOutput: n, outputZeroPoint: 0, gate)
        if let w = p.peephole {
            // LiteRT passes n_output as the vector size here (the same as n_cell unless projected).
            vectorBatchVectorCwiseProductAccumulate(w, size: cell.nOutput, c, batch: batch, p.peepholeScale, gate)
        }
        if let w = p.layerNorm {
            applyLayerNorm(gate, weights: w, bias: p.layerNormBias, p.layerNormScale, varianceLimit: p.varianceGuard, batch: batch, n: n)
        }
        if tanh {
            applyTanh(integerBits: 3, gate, gate, count: batch * n)
        } else {
            applySigmoid(gate, count: batch * n)
        }
    }

    /// `LstmStepInteger8x8_16` for `batch` rows: updates `h` (`batch × n_output` int8) and `c`
    /// (`batch × n_cell` int16) and copies `h` to `out`. `scratch` holds four gates and the
    /// projection's int8 input (`4 · n_cell · batch` int16 + `n_cell · batch` int8).
    static func step(_ cell: Cell, x: UnsafePointer<Int8>, h: UnsafeMutablePointer<Int8>, c: UnsafeMutablePointer<Int16>, batch: Int,
                     out: UnsafeMutablePointer<Int8>, scratch: UnsafeMutablePointer<Int16>, hidden: UnsafeMutablePointer<Int8>) {
        let n = cell.nCell, count = n * batch
        let ig = scratch, fg = scratch + count, cg = scratch + 2 * count, og = scratch + 3 * count
        let hIn = UnsafePointer(h), cIn = UnsafePointer(c)
        if let i = cell.inputGate { gate(i, cell, x: x, h: hIn, c: cIn, batch: batch, tanh: false, ig) }
        gate(cell.forget, cell, x: x, h: hIn, c: cIn, batch: batch, tanh: false, fg)
        gate(cell.cellGate, cell, x: x, h: hIn, c: cIn, batch: batch, tanh: true, cg)
        // UpdateLstmCellInteger.
        for k in 0..<count { c[k] = cwiseMul(fg[k], c[k], shift: 15) }
        let shift = 30 + cell.cellScale
        for k in 0..<count {
            let inputGate = cell.inputGate == nil ? Int16(truncatingIfNeeded: 32767 - Int32(fg[k])) : ig[k]
            let update = cwiseMul(inputGate, cg[k], shift: shift)
            c[k] = Int16(clamping: Int32(c[k]) + Int32(update))
        }
        if cell.cellClip > 0 {
            let clip = cell.cellClip
            for k in 0..<count { c[k] = max(min(clip, c[k]), -clip) }
        }
        gate(cell.output, cell, x: x, h: hIn, c: cIn, batch: batch, tanh: false, og)
        // CalculateLstmOutputInteger8x8_16: the output gate times tanh(c).
        let t = ig  // the input gate's scratch is free now (LiteRT reuses scratch0 too)
        applyTanh(integerBits: 15 + cell.cellScale, c, t, count: count)
        if let projection = cell.projection {
            for k in 0..<count { hidden[k] = cwiseMul(og[k], t[k], cell.hiddenScale, zeroPoint: -cell.hiddenZeroPoint) }
            h.update(repeating: 0, count: batch * cell.nOutput)
            matrixBatchVectorMultiplyAccumulate(UnsafePointer(hidden), bias: cell.projectionEffectiveBias, projection, cell.projectionScale,
                                                batch: batch, nInput: n, nOutput: cell.nOutput, outputZeroPoint: cell.outputStateZeroPoint, h)
            if cell.projectionClip > 0 {
                let clip = cell.projectionClip
                for k in 0..<(batch * cell.nOutput) { h[k] = max(min(clip, h[k]), -clip) }
            }
        } else {
            for k in 0..<count { h[k] = cwiseMul(og[k], t[k], cell.hiddenScale, zeroPoint: cell.hiddenZeroPoint) }
        }
        out.update(from: h, count: batch * cell.nOutput)
    }

    /// `EvalInteger8x8_16` over a sequence: `x` is `[time, batch, n_input]` when `timeMajor`
    /// (the whole batch per step), else `[batch, time, n_input]` (each batch row on its own).
    /// Returns the output, `time · batch · n_output` values in the input's layout.
    public static func evaluate(_ cell: Cell, x: [Int8], h: inout [Int8], c: inout [Int16], batch: Int, time: Int,
                                timeMajor: Bool) -> [Int8] {
        var output = [Int8](repeating: 0, count: batch * time * cell.nOutput)
        guard batch > 0, time > 0, cell.nCell > 0 else { return output }
        var scratch = [Int16](repeating: 0, count: 4 * cell.nCell * batch)
        var hidden = [Int8](repeating: 0, count: cell.nCell * batch)
        x.withUnsafeBufferPointer { xb in
            h.withUnsafeMutableBufferPointer { hb in
                c.withUnsafeMutableBufferPointer { cb in
                    output.withUnsafeMutableBufferPointer { ob in
                        scratch.withUnsafeMutableBufferPointer { sb in
                            hidden.withUnsafeMutableBufferPointer { hid in
                                let xp = xb.baseAddress!, hp = hb.baseAddress!, cp = cb.baseAddress!, op = ob.baseAddress!
                                if timeMajor {
                                    for t in 0..<time {
                                        step(cell, x: xp + t * batch * cell.nInput, h: hp, c: cp, batch: batch,
                                             out: op + t * batch * cell.nOutput, scratch: sb.baseAddress!, hidden: hid.baseAddress!)
                                    }
                                } else {
                                    for b in 0..<batch {
                                        for t in 0..<time {
                                            let at = b * time + t
                                            step(cell, x: xp + at * cell.nInput, h: hp + b * cell.nOutput, c: cp + b * cell.nCell, batch: 1,
                                                 out: op + at * cell.nOutput, scratch: sb.baseAddress!, hidden: hid.baseAddress!)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
