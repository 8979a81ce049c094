import LockstepCore

/// A node's verdict for one target.
public enum Verdict: String, Sendable, Codable, CaseIterable, Comparable {
    /// Runs on the target.
    case supported
    /// Leaves the target for the fallback device (and the fallback runs it).
    case fallback
    /// The rules cannot decide (unknown element type, symbolic dimension, …); counted as not on the target.
    case unknown
    /// A custom op neither the target nor its fallback lists.
    case custom
    /// Neither the target nor its fallback runs it: loading fails.
    case unsupported

    var rank: Int { Verdict.allCases.firstIndex(of: self)! }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }

    /// The severity of a finding about a node with this verdict.
    public var severity: Severity? {
        switch self {
        case .supported: return nil
        case .fallback, .unknown: return .warning
        case .custom, .unsupported: return .error
        }
    }
}

/// One node, judged.
public struct NodeVerdict: Sendable, Codable, Hashable {
    /// Graph path (`main`, `main/Loop_3/body`, TFLite subgraph names).
    public var graph: String
    /// Index of the node in its graph.
    public var index: Int
    public var name: String
    /// Native op name (`Conv`, `CONV_2D`, `custom::X`).
    public var op: String
    /// ONNX opset / TFLite op version.
    public var version: Int?
    public var verdict: Verdict
    /// Where the node runs (`nil` when it cannot run).
    public var device: Device?
    /// Why: for supported nodes the rule that accepts them, else what failed.
    public var reason: String
    /// What decided: `not listed`, `versions`, `dtypes`, `constraint 2 (input 1)`, `partitioning`, …
    public var rule: String?
    /// The target whose rule decided (the fallback target for nodes it runs or rejects).
    public var decidedBy: String
    /// Citation: source id and where it is.
    public var source: String?
    public var sourceLocation: String?
    /// The rule's line in the target file.
    public var line: Int?
    /// Index into `CompatibilityReport.partitions` of the target partition holding the node.
    public var partition: Int?
}

/// One partition the target forms: a delegate kernel / EP subgraph.
public struct PartitionSummary: Sendable, Codable, Hashable {
    public var graph: String
    public var index: Int
    /// Node indices in the graph.
    public var nodes: [Int]
    public var size: Int
    /// Ops in the partition, with counts, sorted by op name.
    public var ops: [String: Int]
}

/// Counts for one graph.
public struct GraphSummary: Sendable, Codable, Hashable {
    public var graph: String
    public var nodes: Int
    public var onTarget: Int
    public var fallback: Int
    public var unknown: Int
    public var custom: Int
    public var unsupported: Int
    /// Target partitions after the partitioning rules.
    public var partitions: Int
    /// All node subsets, target and fallback (TFLite logs this number as "yielding K partitions").
    public var subsets: Int
    /// Values crossing from the fallback into the target, and back.
    public var crossingsToTarget: Int
    public var crossingsFromTarget: Int
}

/// The target as the report names it.
public struct TargetSummary: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var kind: String
    public var runtime: String
    public var versions: String
    public var device: Device
    public var file: String
    public var fallbackTarget: String?
}

/// The result of judging one model against one target.
public struct CompatibilityReport: Sendable, Codable, Hashable {
    public var schemaVersion = 1
    public var model: String
    public var format: ModelFormat
    public var target: TargetSummary
    public var nodes: [NodeVerdict]
    public var partitions: [PartitionSummary]
    public var graphs: [GraphSummary]
    /// The summary in the runtime's own terms.
    public var summary: String
    public var findings: [Finding]

    /// All graphs together.
    public var total: GraphSummary {
        graphs.reduce(GraphSummary(graph: "all", nodes: 0, onTarget: 0, fallback: 0, unknown: 0, custom: 0, unsupported: 0, partitions: 0,
                                   subsets: 0, crossingsToTarget: 0, crossingsFromTarget: 0)) { a, g in
            GraphSummary(graph: "all", nodes: a.nodes + g.nodes, onTarget: a.onTarget + g.onTarget, fallback: a.fallback + g.fallback,
                         unknown: a.unknown + g.unknown, custom: a.custom + g.custom, unsupported: a.unsupported + g.unsupported,
                         partitions: a.partitions + g.partitions, subsets: a.subsets + g.subsets,
                         crossingsToTarget: a.crossingsToTarget + g.crossingsToTarget,
                         crossingsFromTarget: a.crossingsFromTarget + g.crossingsFromTarget)
        }
    }

    /// The worst verdict over the nodes (`supported` for an empty model).
    public var worst: Verdict { nodes.map(\.verdict).max() ?? .supported }
}
