import LockstepCore

/// Finds the first op whose output diverges between two executed forms.
///
/// The reference form's nodes are walked in execution order; each node output that has a
/// counterpart tensor in the candidate (from the correspondence) is aligned and compared
/// (`Alignment`: dequantisation, layout permutations, reshapes). The first comparison beyond
/// tolerance is the divergence; the later failing ones are its chain. A failure whose values
/// match in another layout is marked as a layout mismatch.
public enum DivergenceLocalizer {
    /// A node output of the reference form and the candidate tensor it maps to.
    public struct Probe: Sendable {
        public var nodeIndex: Int
        public var node: String
        public var op: String
        public var tensor: String
        public var candidateTensor: String
        /// The candidate op that produced `candidateTensor` (`CONV_2D #0`), for the report.
        public var candidateOp: String?
        /// Shape of the reference node's first input, when the node reshapes (Flatten, Reshape):
        /// lets a flatten in another layout be recognised.
        public var preReshapeShape: [Int]?
        public init(nodeIndex: Int, node: String, op: String, tensor: String, candidateTensor: String, candidateOp: String?,
                    preReshapeShape: [Int]? = nil) {
            self.nodeIndex = nodeIndex
            self.node = node
            self.op = op
            self.tensor = tensor
            self.candidateTensor = candidateTensor
            self.candidateOp = candidateOp
            self.preReshapeShape = preReshapeShape
        }
    }

    /// One compared probe.
    public struct Point: Sendable {
        public var probe: Probe
        public var aligned: AlignedComparison
        public var passed: Bool { aligned.comparison.passed }
        public var isLayoutMismatch: Bool { !passed && aligned.sameValuesInLayout != nil }
    }

    public struct Result: Sendable {
        /// Compared probes in order, up to and including the first divergence.
        public var trail: [Point]
        public var first: Point?
        /// Later probes that also fail.
        public var chain: [Point]
        /// Probes that could not be compared, with the reason.
        public var skipped: [(probe: Probe, reason: String)]
    }

    /// Compares `probes` (reference execution order) with values from both runs.
    /// `tolerance(tensor, dtype, quantization)` is the policy for one tensor.
    public static func localize(probes: [Probe], reference: [String: Tensor], candidate: [String: Tensor],
                                tolerance: @escaping (String, DType, QuantizationParameters?) -> Tolerance) -> Result {
        var trail: [Point] = []
        var first: Point?
        var chain: [Point] = []
        var skipped: [(Probe, String)] = []
        for probe in probes {
            guard let r = reference[probe.tensor] else { skipped.append((probe, "the reference run did not keep '\(probe.tensor)'")); continue }
            guard let c = candidate[probe.candidateTensor] else {
                skipped.append((probe, "the candidate run did not produce '\(probe.candidateTensor)'"))
                continue
            }
            let aligned: AlignedComparison
            do {
                aligned = try Alignment.compare(reference: r, candidate: c, preReshapeShape: probe.preReshapeShape) { q in
                    tolerance(probe.tensor, r.dtype, q)
                }
            } catch {
                skipped.append((probe, (error as? CheckingError)?.errorDescription ?? "\(error)"))
                continue
            }
            let point = Point(probe: probe, aligned: aligned)
            if first == nil {
                trail.append(point)
                if !point.passed { first = point }
            } else if !point.passed {
                chain.append(point)
            }
        }
        return Result(trail: trail, first: first, chain: chain, skipped: skipped)
    }
}
