import LockstepCore

/// How every compute node of a source graph is accounted for in one converted form.
public struct CorrespondenceSection: Codable, Sendable, Equatable {
    /// Form ids: the source (`onnx`) and the converted form (`tflite`, `tensorrt`).
    public var source: String
    public var target: String
    /// Per status (`matched`, `fused`, `eliminated`, `folded`, `dropped`, `custom`): how many source nodes.
    public var counts: [String: Int]
    /// One entry per source compute node, in source order.
    public var nodes: [NodeCorrespondence]
    /// Ops of the converted form that no source node explains (e.g. inserted layout transposes),
    /// as `OP #index` labels.
    public var unexplainedTargetOps: [String]

    public init(source: String, target: String, nodes: [NodeCorrespondence], unexplainedTargetOps: [String]) {
        self.source = source
        self.target = target
        self.nodes = nodes
        self.unexplainedTargetOps = unexplainedTargetOps
        var counts: [String: Int] = [:]
        for n in nodes { counts[n.status, default: 0] += 1 }
        self.counts = counts
    }
}

/// One source node and what became of it in the converted form.
public struct NodeCorrespondence: Codable, Sendable, Equatable {
    public var nodeIndex: Int
    public var node: String
    public var op: String
    /// `matched` (an op of the converted form computes it), `fused` (folded into another op, e.g. a
    /// fused activation), `eliminated` (legitimately removed: Identity, inference Dropout),
    /// `folded` (constant folded), `dropped` (no counterpart, not explained), `custom` (became a
    /// custom op).
    public var status: String
    /// Ops of the converted form that stand for it (`CONV_2D #3`, a TensorRT layer name).
    public var counterparts: [String]
    /// How the counterpart was found: `tensor name`, `op sequence`, `layer metadata`, `fused layer name`, …
    public var evidence: String?
    /// The elimination rule and its reason (from opsets/eliminations.yaml), for fused/eliminated/folded.
    public var rule: String?
    public var reason: String?

    public init(nodeIndex: Int, node: String, op: String, status: String, counterparts: [String] = [], evidence: String? = nil,
                rule: String? = nil, reason: String? = nil) {
        self.nodeIndex = nodeIndex
        self.node = node
        self.op = op
        self.status = status
        self.counterparts = counterparts
        self.evidence = evidence
        self.rule = rule
        self.reason = reason
    }
}

/// Where two executed forms start to disagree, found by comparing mapped intermediate tensors in
/// the reference's execution order.
public struct DivergenceSection: Codable, Sendable, Equatable {
    public var reference: String
    public var candidate: String
    /// Intermediate tensors of the reference that were mapped to a candidate tensor, and compared.
    public var mappedTensors: Int
    /// The first mapped tensor beyond tolerance, or nil when all agree.
    public var first: DivergencePoint?
    /// The reference ops after the first divergence whose mapped outputs also diverge, in order.
    public var chain: [DivergencePoint]
    /// Every compared tensor in order (first entries up to and including the divergence, then the chain).
    public var trail: [DivergencePoint]

    public init(reference: String, candidate: String, mappedTensors: Int, first: DivergencePoint?, chain: [DivergencePoint],
                trail: [DivergencePoint]) {
        self.reference = reference
        self.candidate = candidate
        self.mappedTensors = mappedTensors
        self.first = first
        self.chain = chain
        self.trail = trail
    }
}

/// One reference tensor compared with its counterpart in the candidate.
public struct DivergencePoint: Codable, Sendable, Equatable {
    /// The reference node that produced the tensor.
    public var nodeIndex: Int
    public var node: String
    public var op: String
    public var tensor: String
    /// The candidate's tensor and the op that produced it (`CONV_2D #2`).
    public var candidateTensor: String
    public var candidateOp: String?
    /// How the two were mapped: `tensor name`, `op sequence`, `output`, …; with the layout
    /// permutation applied to the candidate when one was (`[0, 3, 1, 2]`).
    public var mapping: String
    public var permutation: [Int]?
    public var maxAbs: Double
    public var meanAbs: Double
    public var cosine: Double?
    public var passed: Bool
    /// Set when the values disagree as mapped but agree under another layout permutation.
    public var sameValuesInLayout: [Int]?

    public init(nodeIndex: Int, node: String, op: String, tensor: String, candidateTensor: String, candidateOp: String?,
                mapping: String, permutation: [Int]?, maxAbs: Double, meanAbs: Double, cosine: Double?, passed: Bool,
                sameValuesInLayout: [Int]? = nil) {
        self.nodeIndex = nodeIndex
        self.node = node
        self.op = op
        self.tensor = tensor
        self.candidateTensor = candidateTensor
        self.candidateOp = candidateOp
        self.mapping = mapping
        self.permutation = permutation
        self.maxAbs = maxAbs
        self.meanAbs = meanAbs
        self.cosine = cosine
        self.passed = passed
        self.sameValuesInLayout = sameValuesInLayout
    }
}

/// A target's verdict over one form, in counts (details are findings).
public struct CompatibilitySummary: Codable, Sendable, Equatable {
    public var target: String
    public var form: String
    public var nodes: Int
    public var supported: Int
    public var fallback: Int
    public var unsupported: Int
    public var unknown: Int
    /// Partitions the accepted nodes form on the target's accelerator.
    public var partitions: Int?

    public init(target: String, form: String, nodes: Int, supported: Int, fallback: Int, unsupported: Int, unknown: Int,
                partitions: Int? = nil) {
        self.target = target
        self.form = form
        self.nodes = nodes
        self.supported = supported
        self.fallback = fallback
        self.unsupported = unsupported
        self.unknown = unknown
        self.partitions = partitions
    }
}

/// A golden case a run used or verified.
public struct GoldenCaseRecord: Codable, Sendable, Equatable {
    /// `<suite>/<case>`.
    public var name: String
    public var path: String
    /// Files checked against their recorded sha256: `ok`, `mismatch`, `missing`.
    public var files: [String: String]
    public var intact: Bool

    public init(name: String, path: String, files: [String: String]) {
        self.name = name
        self.path = path
        self.files = files
        self.intact = files.values.allSatisfy { $0 == "ok" }
    }
}
