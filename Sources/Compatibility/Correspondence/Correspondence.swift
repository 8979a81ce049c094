import LockstepCore

/// How every compute node of a source (ONNX) graph is accounted for in a converted form, and
/// which tensor of the converted form carries each source tensor's value.
public struct Correspondence: Sendable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// An op of the converted form computes it.
        case matched
        /// Absorbed into its producer's counterpart (fused activation, folded BatchNorm or bias).
        case fused
        /// Legitimately removed (Identity, inference Dropout, a no-op reshape, a layout transpose).
        case eliminated
        /// A constant computed ahead of time.
        case folded
        /// Became a custom op of the converted form.
        case custom
        /// No counterpart and no rule explains its absence.
        case dropped
    }

    /// One source node and what became of it.
    public struct Entry: Sendable, Equatable {
        public var nodeIndex: Int
        public var node: String
        public var op: String
        public var status: Status
        /// Indices of the converted form's ops that stand for it.
        public var counterparts: [Int]
        /// `tensor name`, `op sequence`, `fused activation RELU`, `layer metadata`, `fused layer name`, …
        public var evidence: String?
        public var rule: String?
        public var reason: String?
    }

    /// A source tensor's counterpart in the converted form.
    public struct TensorLink: Sendable, Equatable {
        /// The converted form's tensor.
        public var tensor: String
        /// False when the counterpart holds a later value (the source tensor was fused away: a
        /// convolution's output before its fused activation).
        public var observable: Bool
    }

    /// A constant of the converted form that disagrees with what the source's constants say it
    /// should be (weights, folded BatchNorm), attributed to one source node.
    public struct ConstantMismatch: Sendable, Equatable {
        /// The source node the disagreement points at.
        public var nodeIndex: Int
        public var node: String
        public var op: String
        /// The converted form's op whose constants disagree.
        public var targetOp: Int
        /// Largest |converted − expected| relative to the largest |expected| of the tensor.
        public var relativeError: Double
        public var tolerance: Double
        public var message: String
    }

    public var sourceFormat: ModelFormat
    public var targetFormat: ModelFormat
    public var entries: [Entry]
    /// Source tensor → converted tensor.
    public var tensors: [String: TensorLink]
    /// Ops of the converted form (index) that no source node explains.
    public var unexplainedTargetOps: [Int]
    /// Converted ops explained by a `target_ops` entry: index → reason.
    public var explainedTargetOps: [Int: String]
    public var constantMismatches: [ConstantMismatch]
    /// Labels of the converted form's ops (`CONV_2D #0`, or a TensorRT layer name), by index.
    public var targetLabels: [String]

    /// The converted-form tensor standing for a source tensor (observable links only).
    public func observableCounterpart(of tensor: String) -> String? {
        guard let link = tensors[tensor], link.observable else { return nil }
        return link.tensor
    }

    /// The entry of a source node by index.
    public func entry(node index: Int) -> Entry? { entries.first { $0.nodeIndex == index } }

    /// `droppedOp` (every dropped node), `customOp` (every node that became a custom op) and
    /// `numericDivergence` (every constant mismatch) findings, pointing at the source nodes.
    public func findings(model: String, source: Model, targetForm: ModelFormat) -> [Finding] {
        var out: [Finding] = []
        let graphPath = [source.graph.name]
        for e in entries where e.status == .dropped || e.status == .custom {
            let location = FindingLocation(graphPath: graphPath, nodeIndex: e.nodeIndex, nodeName: e.node, op: e.op)
            if e.status == .dropped {
                out.append(Finding(kind: .droppedOp, severity: .error, model: model, form: targetForm, location: location,
                                   message: "\(e.op) '\(e.node)' has no counterpart in the \(targetForm) form and no rule in opsets/\(CorrespondenceTable.relativePath) explains its absence"
                                       + (e.evidence.map { " (\($0))" } ?? "")))
            } else {
                let custom = e.counterparts.map { targetLabels[$0] }.joined(separator: ", ")
                out.append(Finding(kind: .customOp, severity: .error, model: model, form: targetForm, location: location,
                                   message: "\(e.op) '\(e.node)' became custom op \(custom) in the \(targetForm) form; runtimes without that kernel (and the reference interpreter) cannot run it"))
            }
        }
        for m in constantMismatches {
            out.append(Finding(kind: .numericDivergence, severity: .error, model: model, form: targetForm,
                               location: FindingLocation(graphPath: graphPath, nodeIndex: m.nodeIndex, nodeName: m.node, op: m.op),
                               measured: m.relativeError, threshold: m.tolerance, message: m.message))
        }
        return out
    }
}
