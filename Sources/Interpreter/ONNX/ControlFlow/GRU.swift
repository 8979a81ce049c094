import LockstepCore

/// GRU (opsets 1, 3, 7, 14, 22). Gates in ONNX order z, r, h (W, R, B):
///
///     z = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz)
///     r = f(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr)
///     h = g(Xt·Whᵀ + (r ⊙ Ht-1)·Rhᵀ + Rbh + Wbh)          (linear_before_reset = 0)
///     h = g(Xt·Whᵀ + r ⊙ (Ht-1·Rhᵀ + Rbh) + Wbh)          (linear_before_reset ≠ 0)
///     Ht = (1 − z) ⊙ h + z ⊙ Ht-1
///
/// Activations default to (Sigmoid, Tanh) per direction; `clip`, directions, `sequence_lens`,
/// `layout` and precision as LSTM. Outputs Y, Y_h.
struct GRUKernel: Kernel {
    let attributes: RecurrentAttributes
    let linearBeforeReset: Bool

    static let registration = OpRegistration("GRU", versions: 1...Int.max) { context in
        GRUKernel(attributes: try RecurrentAttributes(context, defaultActivations: [.sigmoid, .tanh]),
                  linearBeforeReset: try context.attributes.int("linear_before_reset", default: 0) != 0)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let outputs = try RecurrentDispatch.run(inputs) { type in try compute(type, inputs) }
        return Array(outputs.prefix(attributes.outputCount)).map { .tensor($0) }
    }

    func compute<T: RecurrentScalar>(_: T.Type, _ inputs: [Value?]) throws -> [Tensor] {
        let p = try RecurrentProblem<T>(inputs, attributes: attributes, gates: 3, lstm: false)
        let (seq, batch, hidden, dirs) = (p.sequenceLength, p.batch, p.hidden, p.directions)
        let g3 = 3 * hidden
        var y = [T](repeating: 0, count: seq * dirs * batch * hidden)
        var finalH = p.initialH
        let maxLength = p.lengths.max() ?? 0
        if batch == 0 || hidden == 0 { return try p.outputs(y: y, states: [finalH], layout: attributes.layout) }
        for d in 0..<dirs {
            let reverse = attributes.direction == .reverse || d == 1
            let (fAct, gAct) = (attributes.activations[2 * d], attributes.activations[2 * d + 1])
            let wb = d * 2 * g3, rb = wb + g3
            // Input bias Wb for all gates; Rb for z and r (and h unless linear_before_reset).
            let bias = (0..<g3).map { j in p.b[wb + j] + (j < 2 * hidden || !linearBeforeReset ? p.b[rb + j] : 0) }
            let projected = p.inputProjection(direction: d, bias: bias)
            var h = Array(p.initialH[(d * batch * hidden)..<((d + 1) * batch * hidden)])
            var recurrent = [T](repeating: 0, count: batch * g3)
            var resetH = [T](repeating: 0, count: batch * hidden)
            var candidate = [T](repeating: 0, count: batch * hidden)
            let rWeights = d * g3 * hidden
            for s in 0..<maxLength {
                // recurrent = Ht-1 · [Rz; Rr; Rh]ᵀ (the h part is recomputed below when r applies first).
                p.r.withUnsafeBufferPointer { rp in
                    h.withUnsafeBufferPointer { hp in
                        recurrent.withUnsafeMutableBufferPointer { gp in
                            T.gemmTransposedB(m: batch, n: g3, k: hidden, a: hp.baseAddress!, b: rp.baseAddress! + rWeights,
                                              c: gp.baseAddress!, accumulate: false)
                        }
                    }
                }
                // z and r for the active entries.
                recurrent.withUnsafeMutableBufferPointer { gp in
                    for b in 0..<batch where s < p.lengths[b] {
                        let t = p.time(step: s, batch: b, reverse: reverse)
                        let row = gp.baseAddress! + b * g3
                        let x = (t * batch + b) * g3
                        for j in 0..<(2 * hidden) { row[j] += projected[x + j] }
                        fAct.apply(row, count: 2 * hidden, clip: attributes.clip)
                        for j in 0..<hidden {
                            let r = row[hidden + j]
                            if linearBeforeReset {
                                candidate[b * hidden + j] = projected[x + 2 * hidden + j] + r * (row[2 * hidden + j] + p.b[rb + 2 * hidden + j])
                            } else {
                                resetH[b * hidden + j] = r * h[b * hidden + j]
                            }
                        }
                    }
                }
                if !linearBeforeReset {
                    // candidate = (r ⊙ Ht-1) · Rhᵀ + projected h part.
                    p.r.withUnsafeBufferPointer { rp in
                        resetH.withUnsafeBufferPointer { hp in
                            candidate.withUnsafeMutableBufferPointer { cp in
                                T.gemmTransposedB(m: batch, n: hidden, k: hidden, a: hp.baseAddress!, b: rp.baseAddress! + rWeights + 2 * hidden * hidden,
                                                  c: cp.baseAddress!, accumulate: false)
                            }
                        }
                    }
                    for b in 0..<batch where s < p.lengths[b] {
                        let x = (p.time(step: s, batch: b, reverse: reverse) * batch + b) * g3
                        for j in 0..<hidden { candidate[b * hidden + j] += projected[x + 2 * hidden + j] }
                    }
                }
                candidate.withUnsafeMutableBufferPointer { cp in
                    for b in 0..<batch where s < p.lengths[b] {
                        let t = p.time(step: s, batch: b, reverse: reverse)
                        let cand = cp.baseAddress! + b * hidden
                        gAct.apply(cand, count: hidden, clip: attributes.clip)
                        let yBase = ((t * dirs + d) * batch + b) * hidden
                        for j in 0..<hidden {
                            let z = recurrent[b * g3 + j]
                            let next = (1 - z) * cand[j] + z * h[b * hidden + j]
                            h[b * hidden + j] = next
                            y[yBase + j] = next
                        }
                    }
                }
            }
            finalH.replaceSubrange((d * batch * hidden)..<((d + 1) * batch * hidden), with: h)
        }
        // Entries of length 0 end with zero states (as ONNX Runtime does; the spec leaves it open).
        p.zeroStatesOfEmptySequences(&finalH)
        return try p.outputs(y: y, states: [finalH], layout: attributes.layout)
    }
}
