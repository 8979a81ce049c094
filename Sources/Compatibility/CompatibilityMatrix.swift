import LockstepCore

/// Op × target and model × target matrices over many models and targets, built from the
/// per-model reports (pure data; LockstepKit renders it as Markdown, CSV, JSON and HTML).
public struct CompatibilityMatrix: Sendable, Codable, Hashable {
    public var schemaVersion = 1
    /// Targets as columns, sorted by format then id.
    public var targets: [TargetSummary]
    /// Target id → the model format it judges.
    public var targetFormats: [String: ModelFormat]
    /// Models as rows, in the order given.
    public var models: [ModelRow]
    /// Ops as rows: every op (native name, per format) that occurs in the models.
    public var ops: [OpRow]

    /// One model against every target.
    public struct ModelRow: Sendable, Codable, Hashable {
        public var model: String
        public var format: ModelFormat
        public var nodes: Int
        /// Target id → cell; targets of another format have none.
        public var cells: [String: ModelCell]
    }

    /// A model on a target.
    public struct ModelCell: Sendable, Codable, Hashable {
        /// The worst node verdict.
        public var status: Verdict
        public var onTarget: Int
        public var nodes: Int
        public var fallback: Int
        public var unknown: Int
        public var custom: Int
        public var unsupported: Int
        public var partitions: Int
        /// The summary in the runtime's terms.
        public var summary: String
        /// Up to five reasons of nodes not on the target, `op: reason`, most frequent first.
        public var reasons: [String]
    }

    /// One op (of one format) against every target of that format.
    public struct OpRow: Sendable, Codable, Hashable {
        public var op: String
        public var format: ModelFormat
        /// Nodes of this op over all models.
        public var nodes: Int
        /// Models containing it.
        public var models: [String]
        public var cells: [String: OpCell]
    }

    /// An op on a target, over every node of the op in the models.
    public struct OpCell: Sendable, Codable, Hashable {
        /// `supported` when every node is; else the worst verdict.
        public var status: Verdict
        public var supported: Int
        public var nodes: Int
        /// Distinct reasons of the nodes not supported (up to five), with the citation.
        public var reasons: [String]
        /// Source location of the rule that decided (first node).
        public var source: String?
    }

    /// Builds the matrices from reports (one per model × applicable target).
    public init(reports: [CompatibilityReport], targets: [Target], models: [(path: String, format: ModelFormat, nodes: Int)]) {
        let sortedTargets = targets.sorted { ($0.format.rawValue, $0.id) < ($1.format.rawValue, $1.id) }
        self.targets = sortedTargets.map { CompatibilityAnalyzer.summary(of: $0) }
        self.targetFormats = Dictionary(uniqueKeysWithValues: sortedTargets.map { ($0.id, $0.format) })
        var rows: [ModelRow] = []
        for m in models {
            var cells: [String: ModelCell] = [:]
            for r in reports where r.model == m.path {
                let t = r.total
                var reasonCounts: [String: Int] = [:]
                for n in r.nodes where n.verdict != .supported { reasonCounts["\(n.op): \(n.reason)", default: 0] += 1 }
                let reasons = reasonCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
                    .map { $0.value > 1 ? "\($0.key) (×\($0.value))" : $0.key }
                cells[r.target.id] = ModelCell(status: r.worst, onTarget: t.onTarget, nodes: t.nodes, fallback: t.fallback, unknown: t.unknown,
                                               custom: t.custom, unsupported: t.unsupported, partitions: t.partitions, summary: r.summary,
                                               reasons: Array(reasons))
            }
            rows.append(ModelRow(model: m.path, format: m.format, nodes: m.nodes, cells: cells))
        }
        self.models = rows

        struct Key: Hashable { var op: String; var format: ModelFormat }
        var opNodes: [Key: Int] = [:]
        var opModels: [Key: [String]] = [:]
        var opCells: [Key: [String: OpCell]] = [:]
        var counted = Set<String>()  // model paths whose node counts are in
        for r in reports {
            let countNodes = counted.insert(r.model).inserted
            for n in r.nodes {
                let key = Key(op: n.op, format: r.format)
                if countNodes {
                    opNodes[key, default: 0] += 1
                    if !(opModels[key]?.contains(r.model) ?? false) { opModels[key, default: []].append(r.model) }
                }
                var cell = opCells[key]?[r.target.id] ?? OpCell(status: .supported, supported: 0, nodes: 0, reasons: [], source: n.sourceLocation)
                cell.nodes += 1
                if n.verdict == .supported {
                    cell.supported += 1
                } else {
                    cell.status = max(cell.status, n.verdict)
                    if cell.reasons.count < 5, !cell.reasons.contains(n.reason) { cell.reasons.append(n.reason) }
                }
                opCells[key, default: [:]][r.target.id] = cell
            }
        }
        self.ops = opNodes.keys.sorted { ($0.format.rawValue, $0.op) < ($1.format.rawValue, $1.op) }.map { key in
            OpRow(op: key.op, format: key.format, nodes: opNodes[key] ?? 0, models: opModels[key] ?? [], cells: opCells[key] ?? [:])
        }
    }
}
