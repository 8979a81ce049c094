import LockstepCore

/// LSTM (opsets 1, 7, 14, 22). Gates in ONNX order i, o, f, c (W, R, B) and peepholes i, o, f (P):
///
///     i = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi ⊙ Ct-1 + Wbi + Rbi)
///     f = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf ⊙ Ct-1 + Wbf + Rbf)     (1 − i when input_forget = 1)
///     c = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
///     Ct = f ⊙ Ct-1 + i ⊙ c
///     o = f(Xt·Woᵀ + Ht-1·Roᵀ + Po ⊙ Ct + Wbo + Rbo)
///     Ht = o ⊙ h(Ct)
///
/// Activations default to (Sigmoid, Tanh, Tanh) per direction; `clip` bounds every activation's
/// input. Directions forward / reverse / bidirectional; `sequence_lens` stops each batch entry
/// after its length (later Y rows stay 0; reverse starts at the entry's last valid step; a
/// length of 0 gives zero final states, as ONNX Runtime does);
/// `layout` 1 puts batch first. float32/float16/bfloat16 compute in float32, float64 in double.
/// Outputs Y, Y_h, Y_c (any may be omitted).
struct LSTMKernel: Kernel {
    let attributes: RecurrentAttributes
    let inputForget: Bool

    static let registration = OpRegistration("LSTM", versions: 1...Int.max) { context in
        LSTMKernel(attributes: try RecurrentAttributes(context, defaultActivations: [.sigmoid, .tanh, .tanh]),
                   inputForget: try context.attributes.int("input_forget", default: 0) != 0)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let outputs = try RecurrentDispatch.run(inputs) { type in try compute(type, inputs) }
        return Array(outputs.prefix(attributes.outputCount)).map { .tensor($0) }
    }

    func compute<T: RecurrentScalar>(_: T.Type, _ inputs: [Value?]) throws -> [Tensor] {
        let p = try RecurrentProblem<T>(inputs, attributes: attributes, gates: 4, lstm: true)
        let (seq, batch, hidden, dirs) = (p.sequenceLength, p.batch, p.hidden, p.directions)
        let g4 = 4 * hidden
        var y = [T](repeating: 0, count: seq * dirs * batch * hidden)
        var finalH = p.initialH, finalC = p.initialC
        let maxLength = p.lengths.max() ?? 0
        if batch == 0 || hidden == 0 { return try p.outputs(y: y, states: [finalH, finalC], layout: attributes.layout) }
        for d in 0..<dirs {
            let reverse = attributes.direction == .reverse || d == 1
            let (fAct, gAct, hAct) = (attributes.activations[3 * d], attributes.activations[3 * d + 1], attributes.activations[3 * d + 2])
            let bias = (0..<g4).map { p.b[d * 2 * g4 + $0] + p.b[d * 2 * g4 + g4 + $0] }
            let projected = p.inputProjection(direction: d, bias: bias)
            var h = Array(p.initialH[(d * batch * hidden)..<((d + 1) * batch * hidden)])
            var c = Array(p.initialC[(d * batch * hidden)..<((d + 1) * batch * hidden)])
            var gates = [T](repeating: 0, count: batch * g4)
            let pi = d * 3 * hidden, po = pi + hidden, pf = pi + 2 * hidden
            for s in 0..<maxLength {
                // gates = Ht-1 · Rᵀ, then + the projected input of each entry's time step.
                p.r.withUnsafeBufferPointer { rp in
                    h.withUnsafeBufferPointer { hp in
                        gates.withUnsafeMutableBufferPointer { gp in
                            T.gemmTransposedB(m: batch, n: g4, k: hidden, a: hp.baseAddress!, b: rp.baseAddress! + d * g4 * hidden,
                                              c: gp.baseAddress!, accumulate: false)
                        }
                    }
                }
                gates.withUnsafeMutableBufferPointer { gp in
                    for b in 0..<batch where s < p.lengths[b] {
                        let t = p.time(step: s, batch: b, reverse: reverse)
                        let row = gp.baseAddress! + b * g4
                        let x = (t * batch + b) * g4
                        for j in 0..<g4 { row[j] += projected[x + j] }
                        let cBase = b * hidden
                        let gi = row, go = row + hidden, gf = row + 2 * hidden, gc = row + 3 * hidden
                        for j in 0..<hidden {
                            gi[j] += p.peepholes[pi + j] * c[cBase + j]
                            gf[j] += p.peepholes[pf + j] * c[cBase + j]
                        }
                        fAct.apply(gi, count: hidden, clip: attributes.clip)
                        if inputForget {
                            for j in 0..<hidden { gf[j] = 1 - gi[j] }
                        } else {
                            fAct.apply(gf, count: hidden, clip: attributes.clip)
                        }
                        gAct.apply(gc, count: hidden, clip: attributes.clip)
                        for j in 0..<hidden { c[cBase + j] = gf[j] * c[cBase + j] + gi[j] * gc[j] }
                        for j in 0..<hidden { go[j] += p.peepholes[po + j] * c[cBase + j] }
                        fAct.apply(go, count: hidden, clip: attributes.clip)
                        // Reuse gc as scratch for h(Ct).
                        for j in 0..<hidden { gc[j] = c[cBase + j] }
                        hAct.apply(gc, count: hidden, clip: attributes.clip)
                        let yBase = ((t * dirs + d) * batch + b) * hidden
                        for j in 0..<hidden {
                            h[cBase + j] = go[j] * gc[j]
                            y[yBase + j] = h[cBase + j]
                        }
                    }
                }
            }
            finalH.replaceSubrange((d * batch * hidden)..<((d + 1) * batch * hidden), with: h)
            finalC.replaceSubrange((d * batch * hidden)..<((d + 1) * batch * hidden), with: c)
        }
        // Entries of length 0 end with zero states (as ONNX Runtime does; the spec leaves it open).
        p.zeroStatesOfEmptySequences(&finalH)
        p.zeroStatesOfEmptySequences(&finalC)
        return try p.outputs(y: y, states: [finalH, finalC], layout: attributes.layout)
    }
}
