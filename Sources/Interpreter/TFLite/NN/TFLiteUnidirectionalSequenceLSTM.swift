import LockstepCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// UNIDIRECTIONAL_SEQUENCE_LSTM (versions 1–4), float: the 24-input LSTM of TFLite over
/// `input [batch, time, n_input]` (`[time, batch, n_input]` with `time_major`), with the state in
/// the variable tensors `output_state [batch, n_output]` (input 18) and `cell_state
/// [batch, n_cell]` (input 19), which it updates — so with `--steps` (one `ExecutionState`) the
/// state carries over between invocations, as in LiteRT. Per step, as `lstm_eval.cc` EvalFloat:
/// each gate starts at its bias, adds the input and recurrent dot products (each summed on its own
/// in order), the peephole term when present, then sigmoid (the cell gate: the fused activation);
/// `c = f·c + g·i` (CIFG: `i = 1 - f`), clipped to ±`cell_clip` when positive;
/// `h = o·act(c)`, projected and clipped when projection weights are present. Layer-norm LSTMs
/// and integer LSTMs are not implemented.
struct TFLiteUnidirectionalSequenceLSTM: Kernel {
    static let registration = TFLiteOps.op("UNIDIRECTIONAL_SEQUENCE_LSTM") { context in
        let n = context.node.inputs.count
        guard n == 20 || n == 24 else { throw KernelError("expected 20 or 24 inputs, found \(n)") }
        if n == 24, context.node.inputs[20...].contains(where: { !$0.isEmpty }) {
            throw KernelError("layer-norm LSTM is not implemented", unsupported: true)
        }
        let a = context.attributes
        let act = try a.string("fused_activation_function") ?? "TANH"
        guard act == "TANH" || act == "RELU" || act == "RELU6" || act == "NONE" || act == "SIGMOID" else {
            throw KernelError("activation \(act) is not supported by the LSTM", unsupported: true)
        }
        return TFLiteUnidirectionalSequenceLSTM(activation: act, cellClip: try a.float("cell_clip", default: 0),
                                                projectionClip: try a.float("proj_clip", default: 0),
                                                timeMajor: try a.int("time_major", default: 0) != 0,
                                                stateNames: (context.node.inputs[18], context.node.inputs[19]))
    }

    let activation: String
    let cellClip: Float
    let projectionClip: Float
    let timeMajor: Bool
    let stateNames: (output: String, cell: String)

    @inline(__always)
    func act(_ x: Float) -> Float {
        switch activation {
        case "TANH": return tanhf(x)
        case "RELU": return max(0, x)
        case "RELU6": return min(max(0, x), 6)
        case "SIGMOID": return 1 / (1 + expf(-x))
        default: return x
        }
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.dtype == .float32 else { throw KernelError("\(x.dtype) LSTM is not implemented", unsupported: true) }
        guard x.rank == 3 else { throw KernelError("input must be [batch, time, features], found \(x.shape)") }
        func floats(_ i: Int) throws -> [Float]? {
            guard let t = try Inputs.optionalTensor(inputs, i) else { return nil }
            guard t.dtype == .float32 else { throw KernelError("input \(i) is \(t.dtype); only float32 LSTMs are implemented", unsupported: true) }
            return try t.floatValues()
        }
        let (batch, time, nInput) = timeMajor ? (x.shape[1], x.shape[0], x.shape[2]) : (x.shape[0], x.shape[1], x.shape[2])
        guard let wf = try floats(2), let wc = try floats(3), let wo = try floats(4),
              let rf = try floats(6), let rc = try floats(7), let ro = try floats(8),
              let bf = try floats(13), let bc = try floats(14), let bo = try floats(15) else {
            throw KernelError("forget, cell and output gate weights and biases are required")
        }
        let wi = try floats(1), ri = try floats(5), bi = try floats(12)
        let cifg = wi == nil
        let pi = try floats(9), pf = try floats(10), po = try floats(11)
        let projection = try floats(16), projectionBias = try floats(17)
        let nCell = bf.count
        guard wf.count == nCell * nInput, wc.count == nCell * nInput, wo.count == nCell * nInput else {
            throw KernelError("input weights must be [\(nCell), \(nInput)]")
        }
        let nOutput = projection.map { $0.count / max(1, nCell) } ?? nCell
        guard rf.count == nCell * nOutput, rc.count == nCell * nOutput, ro.count == nCell * nOutput else {
            throw KernelError("recurrent weights must be [\(nCell), \(nOutput)]")
        }
        if !cifg { guard wi?.count == nCell * nInput, ri?.count == nCell * nOutput, bi?.count == nCell else { throw KernelError("input gate weights do not match") } }
        guard var h = try floats(18), var c = try floats(19), h.count == batch * nOutput, c.count == batch * nCell else {
            throw KernelError("state tensors must be [\(batch), \(nOutput)] and [\(batch), \(nCell)]")
        }
        let xs = try x.floatValues()
        var out = [Float](repeating: 0, count: batch * time * nOutput)
        // dot(row r of w [rows, cols], v) summed on its own from 0, in order.
        func dot(_ w: [Float], _ r: Int, _ cols: Int, _ v: UnsafeBufferPointer<Float>) -> Float {
            var s: Float = 0
            for k in 0..<cols { s += w[r * cols + k] * v[k] }
            return s
        }
        var ig = [Float](repeating: 0, count: nCell), fg = ig, cg = ig, og = ig
        for b in 0..<batch {
            for t in 0..<time {
                let xOffset = timeMajor ? (t * batch + b) * nInput : (b * time + t) * nInput
                xs.withUnsafeBufferPointer { xp in
                    h.withUnsafeBufferPointer { hp in
                        let xv = UnsafeBufferPointer(rebasing: xp[xOffset..<(xOffset + nInput)])
                        let hv = UnsafeBufferPointer(rebasing: hp[(b * nOutput)..<((b + 1) * nOutput)])
                        for r in 0..<nCell {
                            let cr = c[b * nCell + r]
                            if !cifg {
                                var g = bi![r]
                                g += dot(wi!, r, nInput, xv)
                                g += dot(ri!, r, nOutput, hv)
                                if let pi { g += pi[r] * cr }
                                ig[r] = Self.sigmoid(g)
                            }
                            var f = bf[r]
                            f += dot(wf, r, nInput, xv)
                            f += dot(rf, r, nOutput, hv)
                            if let pf { f += pf[r] * cr }
                            fg[r] = Self.sigmoid(f)
                            var g = bc[r]
                            g += dot(wc, r, nInput, xv)
                            g += dot(rc, r, nOutput, hv)
                            cg[r] = act(g)
                            var o = bo[r]
                            o += dot(wo, r, nInput, xv)
                            o += dot(ro, r, nOutput, hv)
                            og[r] = o  // peephole and sigmoid after the cell update
                        }
                    }
                }
                for r in 0..<nCell {
                    var cell = fg[r] * c[b * nCell + r]
                    cell += cg[r] * (cifg ? 1 - fg[r] : ig[r])
                    if cellClip > 0 { cell = min(max(cell, -cellClip), cellClip) }
                    c[b * nCell + r] = cell
                }
                var hidden = [Float](repeating: 0, count: nCell)
                for r in 0..<nCell {
                    var o = og[r]
                    if let po { o += po[r] * c[b * nCell + r] }
                    hidden[r] = Self.sigmoid(o) * act(c[b * nCell + r])
                }
                if let projection {
                    for r in 0..<nOutput {
                        var v = projectionBias?[r] ?? 0
                        var s: Float = 0
                        for k in 0..<nCell { s += projection[r * nCell + k] * hidden[k] }
                        v += s
                        if projectionClip > 0 { v = min(max(v, -projectionClip), projectionClip) }
                        h[b * nOutput + r] = v
                    }
                } else {
                    for r in 0..<nOutput { h[b * nOutput + r] = hidden[r] }
                }
                let o = timeMajor ? (t * batch + b) * nOutput : (b * time + t) * nOutput
                for r in 0..<nOutput { out[o + r] = h[b * nOutput + r] }
            }
        }
        context.assignVariableTensor(stateNames.output, try Tensor(float32: h, shape: [batch, nOutput]))
        context.assignVariableTensor(stateNames.cell, try Tensor(float32: c, shape: [batch, nCell]))
        let shape = timeMajor ? [time, batch, nOutput] : [batch, time, nOutput]
        return [.tensor(try Tensor(float32: out, shape: shape))]
    }
}
