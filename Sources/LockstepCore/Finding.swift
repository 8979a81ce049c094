/// How much a finding matters; the gate fails on findings at or above a configured severity.
public enum Severity: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What kind of problem a finding reports.
public enum FindingKind: String, Sendable, Codable, Hashable, CaseIterable {
    case unsupportedOp, droppedOp, fallback, precisionFallback, numericDivergence, classRegression
    case customOp, loadProblem
    /// Two forms hold the same values in a different layout (e.g. NCHW vs NHWC, a wrong transpose).
    case layoutMismatch
    /// Aggregate accuracy of a candidate form moved beyond its threshold.
    case accuracyDrift
    /// A golden file whose bytes no longer match the sha256 its manifest records.
    case goldenIntegrity
}

/// Where in a model a finding points: a node (graph path, index, name, op), a tensor (value
/// name, or a model output), or a class of a classifier (`class`, for accuracy findings).
public struct FindingLocation: Sendable, Codable, Hashable {
    public var graphPath: [String]
    public var nodeIndex: Int?
    public var nodeName: String?
    public var op: String?
    public var tensor: String?
    /// A class label (accuracy findings); encoded as `class`.
    public var classLabel: String?

    public init(graphPath: [String] = [], nodeIndex: Int? = nil, nodeName: String? = nil, op: String? = nil, tensor: String? = nil,
                classLabel: String? = nil) {
        self.graphPath = graphPath
        self.nodeIndex = nodeIndex
        self.nodeName = nodeName
        self.op = op
        self.tensor = tensor
        self.classLabel = classLabel
    }

    enum CodingKeys: String, CodingKey {
        case graphPath, nodeIndex, nodeName, op, tensor
        case classLabel = "class"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        graphPath = try c.decodeIfPresent([String].self, forKey: .graphPath) ?? []
        nodeIndex = try c.decodeIfPresent(Int.self, forKey: .nodeIndex)
        nodeName = try c.decodeIfPresent(String.self, forKey: .nodeName)
        op = try c.decodeIfPresent(String.self, forKey: .op)
        tensor = try c.decodeIfPresent(String.self, forKey: .tensor)
        classLabel = try c.decodeIfPresent(String.self, forKey: .classLabel)
    }
}

/// One result of analysis, as data: renderers render it, the gate judges it.
public struct Finding: Sendable, Codable, Hashable {
    public var kind: FindingKind
    public var severity: Severity
    public var model: String
    public var form: ModelFormat?
    public var target: String?
    public var location: FindingLocation?
    public var measured: Double?
    public var threshold: Double?
    public var message: String

    public init(kind: FindingKind, severity: Severity, model: String, form: ModelFormat? = nil, target: String? = nil,
                location: FindingLocation? = nil, measured: Double? = nil, threshold: Double? = nil, message: String) {
        self.kind = kind
        self.severity = severity
        self.model = model
        self.form = form
        self.target = target
        self.location = location
        self.measured = measured
        self.threshold = threshold
        self.message = message
    }
}
