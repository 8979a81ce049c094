import LockstepCore

/// RNN (opsets 1, 7, 14, 22): `Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb)`, activation default Tanh
/// per direction. `clip`, directions, `sequence_lens`, `layout` and precision as LSTM.
/// Outputs Y, Y_h.
struct RNNKernel: Kernel {
    let attributes: RecurrentAttributes

    static let registration = OpRegistration("RNN", versions: 1...Int.max) { context in
        RNNKernel(attributes: try RecurrentAttributes(context, defaultActivations: [.tanh]))
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let outputs = try RecurrentDispatch.run(inputs) { type in try compute(type, inputs) }
        return Array(outputs.prefix(attributes.outputCount)).map { .tensor($0) }
    }

    func compute<T: RecurrentScalar>(_: T.Type, _ inputs: [Value?]) throws -> [Tensor] {
        let p = try RecurrentProblem<T>(inputs, attributes: attributes, gates: 1, lstm: false)
        let (seq, batch, hidden, dirs) = (p.sequenceLength, p.batch, p.hidden, p.directions)
        var y = [T](repeating: 0, count: seq * dirs * batch * hidden)
        var finalH = p.initialH
        let maxLength = p.lengths.max() ?? 0
        if batch == 0 || hidden == 0 { return try p.outputs(y: y, states: [finalH], layout: attributes.layout) }
        for d in 0..<dirs {
            let reverse = attributes.direction == .reverse || d == 1
            let f = attributes.activations[d]
            let bias = (0..<hidden).map { p.b[d * 2 * hidden + $0] + p.b[d * 2 * hidden + hidden + $0] }
            let projected = p.inputProjection(direction: d, bias: bias)
            var h = Array(p.initialH[(d * batch * hidden)..<((d + 1) * batch * hidden)])
            var next = [T](repeating: 0, count: batch * hidden)
            for s in 0..<maxLength {
                p.r.withUnsafeBufferPointer { rp in
                    h.withUnsafeBufferPointer { hp in
                        next.withUnsafeMutableBufferPointer { np in
                            T.gemmTransposedB(m: batch, n: hidden, k: hidden, a: hp.baseAddress!, b: rp.baseAddress! + d * hidden * hidden,
                                              c: np.baseAddress!, accumulate: false)
                        }
                    }
                }
                next.withUnsafeMutableBufferPointer { np in
                    for b in 0..<batch where s < p.lengths[b] {
                        let t = p.time(step: s, batch: b, reverse: reverse)
                        let row = np.baseAddress! + b * hidden
                        let x = (t * batch + b) * hidden
                        for j in 0..<hidden { row[j] += projected[x + j] }
                        f.apply(row, count: hidden, clip: attributes.clip)
                        let yBase = ((t * dirs + d) * batch + b) * hidden
                        for j in 0..<hidden {
                            h[b * hidden + j] = row[j]
                            y[yBase + j] = row[j]
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
