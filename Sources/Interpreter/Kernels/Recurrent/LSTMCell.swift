import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The float and hybrid LSTM of TFLite's LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and
/// BIDIRECTIONAL_SEQUENCE_LSTM, step by step as google-ai-edge/LiteRT `tflite/kernels/lstm_eval.cc`
/// (`EvalFloat` / `LstmStepFloat` / `CalculateLstmGateFloat` / `UpdateLstmCellFloat` /
/// `CalculateLstmOutputFloat`, and their `Hybrid` forms) computes it:
///
/// - each gate starts at its bias (at 0 with layer norm), adds the input, aux-input and recurrent
///   products, the peephole term `w ⊙ c` (input and forget gates from the old cell state, the
///   output gate from the new one), then layer norm `(x − mean) / sqrt(var + 1e-8) · γ + bias`, then
///   the sigmoid (the cell gate: the op's activation);
/// - `c = f ⊙ c + g ⊙ i` (CIFG: `i = 1 − f`), clipped to ±`cell_clip`; `h = o ⊙ act(c)`, projected
///   (+ bias) and clipped to ±`proj_clip` when there are projection weights.
///
/// Float products go through `optimized_ops::FullyConnected`, i.e. Eigen: for one batch row a
/// row-major GEMV (four lane sums over whole groups of four columns, reduced `(l0 + l2) + (l1 + l3)`,
/// then the leftover columns one by one), for more rows a GEMM (summed in column order); the
/// accumulated gate is added after. The sigmoid is Eigen's `logistic()`: its packet form on whole
/// 16-byte-aligned groups of four of the gate buffer (LiteRT's scratch gates, 64-byte aligned, at
/// `k · n_cell · n_batch` floats), the scalar `e / (1 + e)` form on the rest; tanh is
/// `EigenFloat.tanh`. Hybrid weights (int8, one scale) quantise the input, aux input and output
/// state per batch row as LiteRT's x86 build does (`TFLiteHybrid.symmetricX86` / `asymmetricX86`).
public enum LSTMCell {
    /// One gate's parameters (input, forget, cell or output).
    public struct Gate {
        var input: RecurrentCell.Weights
        var aux: RecurrentCell.Weights?
        var recurrent: RecurrentCell.Weights
        /// Peephole weights (float; hybrid int8 ones recovered as `scale · w`).
        var peephole: [Float]?
        var layerNorm: [Float]?
        var bias: [Float]
    }

    /// A whole cell: gates `[input?, forget, cell, output]` (input absent with CIFG), projection.
    public struct Cell {
        var inputGate: Gate?
        var forget: Gate
        var cellGate: Gate
        var output: Gate
        var projection: RecurrentCell.Weights?
        var projectionBias: [Float]?
        var nCell: Int
        var nInput: Int
        var nAux: Int
        var nOutput: Int
        var activation: RecurrentCell.Activation
        var cellClip: Float
        var projectionClip: Float
        var asymmetric: Bool
        var hybrid: Bool { forget.input.isHybrid }
    }

    // MARK: arithmetic in LiteRT's order

    /// `out[b·rows + r] = dot(m[r], v[b]) + acc[b·rows + r]` through Eigen's GEMV (one batch row),
    /// its coefficient-based product (small products of several rows) or its GEMM (larger ones,
    /// summed in column order).
    static func fullyConnected(_ m: UnsafePointer<Float>, rows: Int, cols: Int, _ v: UnsafePointer<Float>, batch: Int,
                               accumulate acc: UnsafeMutablePointer<Float>) {
        let blockEnd = cols & ~3
        for b in 0..<batch {
            let vb = v + b * cols
            for r in 0..<rows {
                let row = m + r * cols
                var dot: Float
                if batch == 1 {
                    var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
                    var c = 0
                    while c < blockEnd {
                        l0 += row[c] * vb[c]; l1 += row[c + 1] * vb[c + 1]
                        l2 += row[c + 2] * vb[c + 2]; l3 += row[c + 3] * vb[c + 3]
                        c += 4
                    }
                    dot = (l0 + l2) + (l1 + l3)
                    while c < cols { dot += row[c] * vb[c]; c += 1 }
                } else if cols + rows + batch < 20 {
                    dot = innerProduct(row, vb, cols)
                } else {
                    dot = 0
                    for c in 0..<cols { dot += row[c] * vb[c] }
                }
                acc[b * rows + r] = dot + acc[b * rows + r]
            }
        }
    }

    /// Eigen's coefficient-based product (`lazyProduct`, which Eigen's GEMM uses below
    /// `EIGEN_GEMM_TO_COEFFBASED_THRESHOLD` = 20 for depth + rows + cols): each coefficient is the
    /// vectorised `redux` of the products — two packet accumulators over pairs of groups of four,
    /// merged, one more group, `(l0 + l2) + (l1 + l3)`, then the leftover products one by one (fewer
    /// than four products: summed in order).
    @inline(__always)
    static func innerProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        if n < 4 {
            guard n > 0 else { return 0 }
            var r = a[0] * b[0]
            for k in 1..<n { r += a[k] * b[k] }
            return r
        }
        let alignedEnd = n & ~3, alignedEnd2 = n & ~7
        var p0 = (a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3])
        if alignedEnd > 4 {
            var p1 = (a[4] * b[4], a[5] * b[5], a[6] * b[6], a[7] * b[7])
            var k = 8
            while k < alignedEnd2 {
                p0 = (p0.0 + a[k] * b[k], p0.1 + a[k + 1] * b[k + 1], p0.2 + a[k + 2] * b[k + 2], p0.3 + a[k + 3] * b[k + 3])
                p1 = (p1.0 + a[k + 4] * b[k + 4], p1.1 + a[k + 5] * b[k + 5], p1.2 + a[k + 6] * b[k + 6], p1.3 + a[k + 7] * b[k + 7])
                k += 8
            }
            p0 = (p0.0 + p1.0, p0.1 + p1.1, p0.2 + p1.2, p0.3 + p1.3)
            if alignedEnd > alignedEnd2 {
                let j = alignedEnd2
                p0 = (p0.0 + a[j] * b[j], p0.1 + a[j + 1] * b[j + 1], p0.2 + a[j + 2] * b[j + 2], p0.3 + a[j + 3] * b[j + 3])
            }
        }
        var r = (p0.0 + p0.2) + (p0.1 + p0.3)
        for k in alignedEnd..<n { r += a[k] * b[k] }
        return r
    }

    /// `ApplySigmoidToVector` on `count` floats of a gate buffer that starts `offset` floats past a
    /// 16-byte boundary: Eigen's scalar form before the first aligned group and after the last
    /// whole one, its packet form in between.
    static func sigmoid(_ g: UnsafeMutablePointer<Float>, count: Int, offset: Int) {
        let head = min(count, (4 - offset % 4) % 4)
        let bodyEnd = head + (count - head) / 4 * 4
        for i in 0..<count {
            g[i] = i < head || i >= bodyEnd ? EigenFloat.logisticScalar(g[i]) : EigenFloat.logisticPacket(g[i])
        }
    }

    /// `MeanStddevNormalization` per batch row, then `· γ` and `+ bias`.
    static func layerNorm(_ g: UnsafeMutablePointer<Float>, n: Int, batch: Int, gamma: [Float], bias: [Float]) {
        for b in 0..<batch {
            let row = g + b * n
            var sum: Float = 0
            for i in 0..<n { sum += row[i] }
            let mean = sum / Float(n)
            var sq: Float = 0
            for i in 0..<n { let d = row[i] - mean; sq += d * d }
            let variance = sq / Float(n)
            let inverse = 1 / (variance + 1e-8).squareRoot()
            for i in 0..<n { row[i] = (row[i] - mean) * inverse }
            for i in 0..<n { row[i] = gamma[i] * row[i] }
            for i in 0..<n { row[i] += bias[i] }
        }
    }

    /// One gate for `batch` rows into `gate` (`batch × n_cell`), `offset` floats into its scratch.
    static func gate(_ p: Gate, _ cell: Cell, x: UnsafePointer<Float>, aux: UnsafePointer<Float>?, h: UnsafePointer<Float>,
                     c: UnsafePointer<Float>?, batch: Int, sigmoid useSigmoid: Bool, inputZero: Bool, auxZero: Bool,
                     gate g: UnsafeMutablePointer<Float>, offset: Int) {
        let n = cell.nCell, count = n * batch
        for b in 0..<batch { for r in 0..<n { g[b * n + r] = p.layerNorm == nil ? p.bias[r] : 0 } }
        if cell.hybrid {
            p.input.accumulate(rows: n, cols: cell.nInput, x, batch: batch, asymmetric: cell.asymmetric, g, stride: n)
            if let a = p.aux, let aux, cell.nAux > 0 {
                a.accumulate(rows: n, cols: cell.nAux, aux, batch: batch, asymmetric: cell.asymmetric, g, stride: n)
            }
            p.recurrent.accumulate(rows: n, cols: cell.nOutput, h, batch: batch, asymmetric: cell.asymmetric, g, stride: n)
        } else {
            func product(_ w: RecurrentCell.Weights, _ cols: Int, _ v: UnsafePointer<Float>) {
                guard case .float(let values) = w, cols > 0 else { return }
                values.withUnsafeBufferPointer { fullyConnected($0.baseAddress!, rows: n, cols: cols, v, batch: batch, accumulate: g) }
            }
            if !inputZero { product(p.input, cell.nInput, x) }
            if !auxZero, let a = p.aux, let aux { product(a, cell.nAux, aux) }
            product(p.recurrent, cell.nOutput, h)
        }
        if let w = p.peephole, let c {
            for b in 0..<batch { for r in 0..<n { g[b * n + r] += w[r] * c[b * n + r] } }
        }
        if let gamma = p.layerNorm { layerNorm(g, n: n, batch: batch, gamma: gamma, bias: p.bias) }
        if useSigmoid {
            sigmoid(g, count: count, offset: offset)
        } else {
            for i in 0..<count { g[i] = cell.activation.apply(g[i]) }
        }
    }

    /// `LstmStepFloat` / `LstmStepHybrid` for `batch` rows: updates `h` (`batch × n_output`) and `c`
    /// (`batch × n_cell`), writes `h` into `out` rows `stride` apart. `scratch` holds the gates
    /// (`4 · n_cell · batch` floats); `gateOffsets` are their float offsets in LiteRT's scratch
    /// buffer (for the sigmoid's alignment).
    static func step(_ cell: Cell, x: UnsafePointer<Float>, aux: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>,
                     c: UnsafeMutablePointer<Float>, batch: Int, out: UnsafeMutablePointer<Float>, stride: Int,
                     scratch: UnsafeMutablePointer<Float>, gateOffsets: (input: Int, forget: Int, cell: Int, output: Int)) {
        let n = cell.nCell, count = n * batch
        var inputZero = true
        for i in 0..<(batch * cell.nInput) where x[i] != 0 { inputZero = false; break }
        var auxZero = true
        if let aux { for i in 0..<(batch * cell.nAux) where aux[i] != 0 { auxZero = false; break } }
        let ig = scratch, fg = scratch + count, cg = scratch + 2 * count, og = scratch + 3 * count
        let hIn = UnsafePointer(h), cIn = UnsafePointer(c)
        if let i = cell.inputGate {
            gate(i, cell, x: x, aux: aux, h: hIn, c: cIn, batch: batch, sigmoid: true, inputZero: inputZero, auxZero: auxZero, gate: ig, offset: gateOffsets.input)
        }
        gate(cell.forget, cell, x: x, aux: aux, h: hIn, c: cIn, batch: batch, sigmoid: true, inputZero: inputZero, auxZero: auxZero, gate: fg, offset: gateOffsets.forget)
        gate(cell.cellGate, cell, x: x, aux: aux, h: hIn, c: nil, batch: batch, sigmoid: false, inputZero: inputZero, auxZero: auxZero, gate: cg, offset: gateOffsets.cell)
        // UpdateLstmCellFloat.
        for k in 0..<count { c[k] = fg[k] * c[k] }
        if cell.inputGate == nil {
            for k in 0..<count { c[k] += cg[k] * (1 - fg[k]) }
        } else {
            for k in 0..<count { c[k] += cg[k] * ig[k] }
        }
        if cell.cellClip > 0 {
            let clip = cell.cellClip
            for k in 0..<count { if c[k] > clip { c[k] = clip }; if c[k] < -clip { c[k] = -clip } }
        }
        gate(cell.output, cell, x: x, aux: aux, h: hIn, c: cIn, batch: batch, sigmoid: true, inputZero: inputZero, auxZero: auxZero, gate: og, offset: gateOffsets.output)
        // CalculateLstmOutput: o ⊙ act(c), projected.
        let hidden = cg  // the cell gate's scratch is free now (LiteRT reuses it too)
        for k in 0..<count { hidden[k] = og[k] * cell.activation.apply(c[k]) }
        if let p = cell.projection {
            let m = cell.nOutput
            for b in 0..<batch { for r in 0..<m { h[b * m + r] = cell.projectionBias?[r] ?? 0 } }
            if cell.hybrid {
                p.accumulate(rows: m, cols: n, UnsafePointer(hidden), batch: batch, asymmetric: cell.asymmetric, h, stride: m)
            } else if case .float(let values) = p {
                values.withUnsafeBufferPointer { fullyConnected($0.baseAddress!, rows: m, cols: n, UnsafePointer(hidden), batch: batch, accumulate: h) }
            }
            if cell.projectionClip > 0 {
                let clip = cell.projectionClip
                for k in 0..<(batch * m) { if h[k] > clip { h[k] = clip }; if h[k] < -clip { h[k] = -clip } }
            }
        } else {
            for k in 0..<(batch * cell.nOutput) { h[k] = hidden[k] }
        }
        for b in 0..<batch { for r in 0..<cell.nOutput { out[b * stride + r] = h[b * cell.nOutput + r] } }
    }

    /// `EvalFloat` / `EvalHybrid` over a sequence: `x` is `[time, batch, n_input]` when `timeMajor`,
    /// else `[batch, time, n_input]` (a 2-D input is one time step); the output rows are
    /// `outputStride` apart starting `outputOffset` in (merged bidirectional outputs); `forward`
    /// false walks the sequence backwards.
    public static func evaluate(_ cell: Cell, x: [Float], aux: [Float]?, h: inout [Float], c: inout [Float], batch: Int, time: Int,
                                timeMajor: Bool, forward: Bool, output: inout [Float], outputStride: Int, outputOffset: Int) {
        guard batch > 0, time > 0, cell.nCell > 0 else { return }
        let n = cell.nCell, cifg = cell.inputGate == nil
        // LiteRT's scratch layout: [input,] cell, forget, output gates of n_cell · n_batch floats each.
        let stride = n * batch
        let offsets = cifg ? (input: 0, forget: stride, cell: 0, output: 2 * stride) : (input: 0, forget: 2 * stride, cell: stride, output: 3 * stride)
        var scratch = [Float](repeating: 0, count: 4 * n * batch)
        let dummy: [Float] = [0]
        x.withUnsafeBufferPointer { xb in
            (aux ?? dummy).withUnsafeBufferPointer { ab in
                h.withUnsafeMutableBufferPointer { hb in
                    c.withUnsafeMutableBufferPointer { cb in
                        output.withUnsafeMutableBufferPointer { ob in
                            scratch.withUnsafeMutableBufferPointer { sb in
                                let xp = xb.baseAddress!, hp = hb.baseAddress!, cp = cb.baseAddress!, op = ob.baseAddress!, sp = sb.baseAddress!
                                let ap: UnsafePointer<Float>? = aux == nil ? nil : ab.baseAddress!
                                if timeMajor {
                                    for t in 0..<time {
                                        let tr = forward ? t : time - 1 - t
                                        step(cell, x: xp + tr * batch * cell.nInput, aux: ap.map { $0 + tr * batch * cell.nAux }, h: hp, c: cp, batch: batch,
                                             out: op + tr * batch * outputStride + outputOffset, stride: outputStride, scratch: sp, gateOffsets: offsets)
                                    }
                                } else {
                                    for b in 0..<batch {
                                        for t in 0..<time {
                                            let tr = forward ? t : time - 1 - t
                                            let at = b * time + tr
                                            let shifted = (input: offsets.input + b * n, forget: offsets.forget + b * n,
                                                           cell: offsets.cell + b * n, output: offsets.output + b * n)
                                            step(cell, x: xp + at * cell.nInput, aux: ap.map { $0 + at * cell.nAux }, h: hp + b * cell.nOutput,
                                                 c: cp + b * n, batch: 1, out: op + at * outputStride + outputOffset, stride: outputStride,
                                                 scratch: sp, gateOffsets: shifted)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
