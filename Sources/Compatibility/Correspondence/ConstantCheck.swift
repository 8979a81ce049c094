import Foundation
import LockstepCore

/// Compares the weights and biases of matched ops with what the source's constants say they
/// must be: a Conv's weights (with a BatchNormalization folded into them when the correspondence
/// says so) against CONV_2D / DEPTHWISE_CONV_2D, a Gemm's or MatMul's against FULLY_CONNECTED.
/// Quantised weights are dequantised first and may differ by half a quantisation step.
///
/// A mismatch is attributed: when the converted weights are the source weights times one factor
/// per output channel, the weights survived and the per-channel scale or the bias is wrong — the
/// folded BatchNormalization when there is one (its statistics, γ or β); otherwise the op itself.
enum ConstantCheck {
    /// Relative tolerance for float weights (folding rounds once in float32).
    static let floatTolerance = 1e-4

    static func tflite(source: Model, target: Model, correspondence: Correspondence, facts: SourceGraphFacts) -> [Correspondence.ConstantMismatch] {
        var out: [Correspondence.ConstantMismatch] = []
        let tg = target.graph
        let targetConstants = Dictionary(tg.initializers.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for entry in correspondence.entries where entry.status == .matched {
            guard let t = entry.counterparts.first, t < tg.nodes.count else { continue }
            let node = source.graph.nodes[entry.nodeIndex]
            let targetNode = tg.nodes[t]
            let folded = correspondence.entries.first { $0.status == .fused && $0.counterparts == [t] && $0.op == "BatchNormalization" }
            let bn = folded.map { source.graph.nodes[$0.nodeIndex] }
            guard let expected = expectedWeights(node, bn: bn, facts: facts, target: targetNode.op.name),
                  targetNode.inputs.count >= 2, let tw = targetConstants[targetNode.inputs[1]],
                  let weights = try? dequantized(tw), weights.count == expected.weights.count else { continue }
            let bias: [Double]? = targetNode.inputs.count > 2 && !targetNode.inputs[2].isEmpty
                ? targetConstants[targetNode.inputs[2]].flatMap { try? dequantized($0) } : nil
            let steps = quantSteps(tw, channels: expected.channels, perChannel: weights.count / max(expected.channels, 1))
            let verdict = compare(expected: expected, weights: weights, bias: bias, steps: steps)
            guard let verdict else { continue }
            let label = correspondence.targetLabels[t]
            let blameBN = bn != nil && verdict.channelScaled
            let blamed = blameBN ? folded! : entry
            let what = bn.map { "\(entry.op) '\(entry.node)' folded with BatchNormalization '\($0.name)'" } ?? "\(entry.op) '\(entry.node)'"
            let detail = verdict.channelScaled
                ? (blameBN ? "the weights are the source weights times a wrong per-channel factor or the bias is off: the statistics, scale or bias of '\(bn!.name)' were not folded as the source says"
                           : "the weights are the source weights times a wrong per-channel factor (a wrong quantisation scale?)")
                : "the weights differ from the source weights"
            out.append(.init(nodeIndex: blamed.nodeIndex, node: blamed.node, op: blamed.op, targetOp: t, relativeError: verdict.error,
                             tolerance: verdict.tolerance,
                             message: "\(verdict.part) of \(label) differ from \(what) by up to \(format(verdict.error)) of their range (tolerance \(format(verdict.tolerance))): \(detail)"))
        }
        return out
    }

    struct Expected {
        /// In the converted op's layout, output channel outermost for CONV_2D/FULLY_CONNECTED,
        /// innermost for DEPTHWISE_CONV_2D.
        var weights: [Double]
        var bias: [Double]
        var channels: Int
        var channelInnermost: Bool
        /// Per-channel weights as the source holds them (before any folded scale), same layout.
        var raw: [Double]
    }

    static func expectedWeights(_ node: Node, bn: Node?, facts: SourceGraphFacts, target: String) -> Expected? {
        guard node.inputs.count >= 2, let w = facts.constantTensors[node.inputs[1]], let values = try? w.doubleValues() else { return nil }
        let bias = node.inputs.count > 2 ? facts.constantTensors[node.inputs[2]].flatMap { try? $0.doubleValues() } : nil
        var out: [Double], channels: Int, innermost = false
        switch (node.op.name, target) {
        case ("Conv", "CONV_2D"):
            guard w.rank == 4 else { return nil }
            let (o, i, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
            channels = o
            out = [Double](repeating: 0, count: values.count)  // OIHW → OHWI
            for a in 0..<o { for b in 0..<i { for y in 0..<kh { for x in 0..<kw {
                out[((a * kh + y) * kw + x) * i + b] = values[((a * i + b) * kh + y) * kw + x]
            } } } }
        case ("Conv", "DEPTHWISE_CONV_2D"):
            guard w.rank == 4, w.shape[1] == 1 else { return nil }
            let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
            channels = o
            innermost = true
            out = [Double](repeating: 0, count: values.count)  // O1HW → 1HWO
            for a in 0..<o { for y in 0..<kh { for x in 0..<kw { out[(y * kw + x) * o + a] = values[(a * kh + y) * kw + x] } } }
        case ("Gemm", "FULLY_CONNECTED"), ("MatMul", "FULLY_CONNECTED"):
            guard w.rank == 2 else { return nil }
            var transB = false
            if case .int(let v)? = node.attribute("transB") { transB = v != 0 }
            if node.op.name == "MatMul" { transB = false }
            let (k, n) = transB ? (w.shape[1], w.shape[0]) : (w.shape[0], w.shape[1])
            channels = n
            if transB { out = values } else {
                out = [Double](repeating: 0, count: values.count)  // KN → NK
                for a in 0..<k { for b in 0..<n { out[b * k + a] = values[a * n + b] } }
            }
        default:
            return nil
        }
        let raw = out
        var b = bias ?? [Double](repeating: 0, count: channels)
        guard b.count == channels else { return nil }
        if let bn {
            guard bn.inputs.count >= 5, let ts = bn.inputs[1...4].map({ facts.constantTensors[$0] }) as [Tensor?]?,
                  let gamma = try? ts[0]?.doubleValues(), let beta = try? ts[1]?.doubleValues(),
                  let mean = try? ts[2]?.doubleValues(), let variance = try? ts[3]?.doubleValues(),
                  gamma.count == channels, beta.count == channels, mean.count == channels, variance.count == channels else { return nil }
            var epsilon = 1e-5
            if case .float(let e)? = bn.attribute("epsilon") { epsilon = Double(e) }
            let per = out.count / channels
            for c in 0..<channels {
                let s = gamma[c] / (variance[c] + epsilon).squareRoot()
                for j in 0..<per { out[innermost ? j * channels + c : c * per + j] *= s }
                b[c] = (b[c] - mean[c]) * s + beta[c]
            }
        }
        return Expected(weights: out, bias: b, channels: channels, channelInnermost: innermost, raw: raw)
    }

    struct Verdict {
        var part: String
        var error: Double
        var tolerance: Double
        /// The converted weights are the raw source weights times one factor per channel.
        var channelScaled: Bool
    }

    /// nil when weights and bias agree.
    static func compare(expected: Expected, weights: [Double], bias: [Double]?, steps: [Double]) -> Verdict? {
        let range = max(expected.weights.map(abs).max() ?? 0, 1e-12)
        let per = weights.count / max(expected.channels, 1)
        func channel(_ i: Int) -> Int { expected.channelInnermost ? i % expected.channels : i / max(per, 1) }
        var worst = 0.0, failed = false
        for i in weights.indices {
            let d = abs(weights[i] - expected.weights[i])
            let allowed = 0.51 * steps[channel(i)] + floatTolerance * range
            if d > allowed { failed = true }
            worst = max(worst, d / range)
        }
        let tolerance = floatTolerance + 0.51 * (steps.max() ?? 0) / range
        if failed {
            return Verdict(part: "the weights", error: worst, tolerance: tolerance, channelScaled: channelScaled(expected, weights, steps: steps))
        }
        guard let bias, bias.count == expected.bias.count else { return nil }
        let biasRange = max(expected.bias.map(abs).max() ?? 0, 1e-12)
        var biasWorst = 0.0, biasFailed = false
        for c in bias.indices {
            let d = abs(bias[c] - expected.bias[c])
            let quantised = (steps.max() ?? 0) > 0
            if d > (quantised ? 1e-2 : floatTolerance) * max(biasRange, range) + 1e-6 { biasFailed = true }
            biasWorst = max(biasWorst, d / biasRange)
        }
        return biasFailed ? Verdict(part: "the bias", error: biasWorst, tolerance: floatTolerance, channelScaled: true) : nil
    }

    /// True when weights ≈ k_c · raw for a factor k_c per output channel.
    static func channelScaled(_ e: Expected, _ weights: [Double], steps: [Double]) -> Bool {
        let per = weights.count / max(e.channels, 1)
        for c in 0..<e.channels {
            let idx = (0..<per).map { e.channelInnermost ? $0 * e.channels + c : c * per + $0 }
            let dot = idx.reduce(0.0) { $0 + weights[$1] * e.raw[$1] }
            let norm = idx.reduce(0.0) { $0 + e.raw[$1] * e.raw[$1] }
            guard norm > 0 else { continue }
            let k = dot / norm
            let range = max(idx.map { abs(weights[$0]) }.max() ?? 0, 1e-12)
            for i in idx where abs(weights[i] - k * e.raw[i]) > 0.51 * steps[c] + 1e-3 * range { return false }
        }
        return true
    }

    /// The quantisation step of each output channel (0 for float weights).
    static func quantSteps(_ t: Tensor, channels: Int, perChannel: Int) -> [Double] {
        guard let q = t.quantization, !q.scales.isEmpty else { return [Double](repeating: 0, count: channels) }
        if q.scales.count == channels { return q.scales.map(Double.init) }
        return [Double](repeating: Double(q.scales.max() ?? 0), count: channels)
    }

    /// Real values of a (possibly quantised) constant.
    static func dequantized(_ t: Tensor) throws -> [Double] {
        let v = try t.doubleValues()
        guard let q = t.quantization, !q.scales.isEmpty else { return v }
        if q.scales.count == 1 { return v.map { Double(q.scales[0]) * ($0 - Double(q.zeroPoints.first ?? 0)) } }
        guard let axis = q.axis, axis < t.rank else { return v }
        let inner = t.shape[(axis + 1)...].reduce(1, *)
        return v.enumerated().map { i, x in
            let c = (i / inner) % q.scales.count
            return Double(q.scales[c]) * (x - Double(c < q.zeroPoints.count ? q.zeroPoints[c] : 0))
        }
    }

    static func format(_ v: Double) -> String { String(format: "%.3g", v) }
}
