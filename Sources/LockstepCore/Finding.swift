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
}

/// Where in a model a finding points.
public struct FindingLocation: Sendable, Codable, Hashable {
    public var graphPath: [String]
    public var nodeIndex: Int?
    public var nodeName: String?
    public var op: String?
    public var tensor: String?

    public init(graphPath: [String] = [], nodeIndex: Int? = nil, nodeName: String? = nil, op: String? = nil, tensor: String? = nil) {
        self.graphPath = graphPath
        self.nodeIndex = nodeIndex
        self.nodeName = nodeName
        self.op = op
        self.tensor = tensor
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
