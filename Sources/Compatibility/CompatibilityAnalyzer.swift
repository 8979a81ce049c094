import LockstepCore

/// Judges every node of a model against a target, follows fallbacks, forms the partitions the
/// runtime would form, and summarises in the runtime's terms.
public struct CompatibilityAnalyzer: Sendable {
    public let catalog: TargetCatalog
    let vocabulary: OpVocabulary

    public init(catalog: TargetCatalog, vocabulary: OpVocabulary = .shared) {
        self.catalog = catalog
        self.vocabulary = vocabulary
    }

    /// Judges `model` against the target `id`.
    public func analyze(_ model: Model, target id: String) throws -> CompatibilityReport {
        try analyze(model, target: try catalog.target(id))
    }

    /// Judges `model` against `target`.
    /// - Throws: `CompatibilityError.notApplicable` when the target judges another format.
    /// `observed`: element types and shapes of values of the main graph seen outside the file
    /// (LockstepKit's reference run), used where the file declares none.
    public func analyze(_ model: Model, target: Target, observed: [String: ValueFact] = [:]) throws -> CompatibilityReport {
        guard target.format == model.format else {
            let fitting = catalog.targets(for: model.format).map(\.id)
            throw CompatibilityError.notApplicable(
                path: model.path,
                reason: "target '\(target.id)' judges \(target.format.rawValue) models, this is a \(model.format.rawValue) model"
                    + (fitting.isEmpty ? "" : " (targets for it: \(fitting.joined(separator: ", ")))"))
        }
        var nodes: [NodeVerdict] = []
        var partitions: [PartitionSummary] = []
        var graphs: [GraphSummary] = []
        let refusal = Self.modelRefusal(model, target: target)
        for (n, (label, graph, outer)) in graphsToJudge(model).enumerated() {
            if let refusal {
                // The runtime does not read the file at all: every node is unsupported.
                let verdicts = graph.nodes.enumerated().map { i, node in
                    NodeVerdict(graph: label, index: i, name: node.name.isEmpty ? "#\(i)" : node.name, op: node.op.qualifiedName,
                                version: node.op.version, verdict: .unsupported, device: nil, reason: refusal, rule: "model",
                                decidedBy: target.id, source: target.modelLimits.source ?? target.defaultSource,
                                sourceLocation: target.source(target.modelLimits.source)?.location, line: nil, partition: nil)
                }
                nodes += verdicts
                graphs.append(GraphSummary(graph: label, nodes: verdicts.count, onTarget: 0, fallback: 0, unknown: 0, custom: 0,
                                           unsupported: verdicts.count, partitions: 0, subsets: verdicts.isEmpty ? 0 : 1,
                                           crossingsToTarget: 0, crossingsFromTarget: 0))
                continue
            }
            let result = judge(graph: graph, label: label, outer: outer, model: model, target: target, partitionBase: partitions.count,
                               observed: n == 0 ? observed : [:])
            nodes += result.nodes
            partitions += result.partitions
            graphs.append(result.summary)
        }
        var report = CompatibilityReport(model: model.path, format: model.format, target: Self.summary(of: target), nodes: nodes,
                                         partitions: partitions, graphs: graphs, summary: "", findings: [])
        report.summary = Self.sentence(report, target: target)
        report.findings = Self.findings(report, model: model)
        return report
    }

    /// Why the runtime refuses the model file as a whole (`model:` limits), if it does.
    static func modelRefusal(_ model: Model, target: Target) -> String? {
        let limits = target.modelLimits
        let why = limits.reason.map { ": \($0)" } ?? ""
        if let max = limits.maxIRVersion, model.irVersion > Int64(max) {
            return "\(target.name) reads IR versions up to \(max), the model has IR version \(model.irVersion)\(why)"
        }
        for (domain, max) in limits.maxOpset.sorted(by: { $0.key < $1.key }) {
            if let v = model.opsetImports[domain] ?? (domain.isEmpty ? model.opsetImports["ai.onnx"] : nil), v > max {
                return "\(target.name) reads \(domain.isEmpty ? "ai.onnx" : domain) opsets up to \(max), the model imports opset \(v)\(why)"
            }
        }
        return nil
    }

    static func summary(of t: Target) -> TargetSummary {
        TargetSummary(id: t.id, name: t.name, kind: t.kind.rawValue, runtime: t.runtime.name, versions: t.runtime.versions, device: t.device,
                      file: t.path, fallbackTarget: t.fallbackTarget)
    }

    // MARK: Graphs

    /// The graphs a runtime partitions: TFLite subgraphs (each one is delegated on its own);
    /// ONNX main graph and every nested If/Loop/Scan body (with the outer values visible);
    /// the TensorRT layer graph.
    func graphsToJudge(_ model: Model) -> [(String, Graph, [String: ValueFact])] {
        switch model.format {
        case .tflite:
            return model.allGraphs.enumerated().map { i, g in (g.name.isEmpty ? "subgraph \(i)" : g.name, g, [:]) }
        case .tensorrt:
            return [(model.graph.name.isEmpty ? "engine" : model.graph.name, model.graph, [:])]
        case .onnx:
            var out: [(String, Graph, [String: ValueFact])] = []
            func walk(_ g: Graph, label: String, outer: [String: ValueFact], depth: Int) {
                out.append((label, g, outer))
                guard depth < 32 else { return }
                let facts = ValueFacts(graph: g, format: .onnx, opsets: model.opsetImports, outer: outer).facts
                for node in g.nodes {
                    for (attribute, sub) in node.subgraphs {
                        walk(sub, label: "\(label)/\(node.name.isEmpty ? node.op.name : node.name)/\(attribute)", outer: facts, depth: depth + 1)
                    }
                }
            }
            walk(model.graph, label: model.graph.name.isEmpty ? "main" : model.graph.name, outer: [:], depth: 0)
            return out
        }
    }

    struct GraphResult {
        var nodes: [NodeVerdict]
        var partitions: [PartitionSummary]
        var summary: GraphSummary
    }

    /// Facts per target id for one graph (targets differ in `constant_through`).
    final class FactCache {
        let graph: Graph
        let format: ModelFormat
        let opsets: [String: Int]
        let outer: [String: ValueFact]
        let observed: [String: ValueFact]
        var byTarget: [String: ValueFacts] = [:]

        init(graph: Graph, format: ModelFormat, opsets: [String: Int], outer: [String: ValueFact], observed: [String: ValueFact]) {
            self.graph = graph
            self.format = format
            self.opsets = opsets
            self.outer = outer
            self.observed = observed
        }

        func facts(for target: Target) -> ValueFacts {
            let key = target.constantThrough.sorted().joined(separator: ",")
            if let f = byTarget[key] { return f }
            let f = ValueFacts(graph: graph, format: format, opsets: opsets, outer: outer, constantThrough: Set(target.constantThrough),
                               observed: observed)
            byTarget[key] = f
            return f
        }
    }

    func judge(graph: Graph, label: String, outer: [String: ValueFact], model: Model, target: Target, partitionBase: Int,
               observed: [String: ValueFact]) -> GraphResult {
        let cache = FactCache(graph: graph, format: model.format, opsets: model.opsetImports, outer: outer, observed: observed)
        var verdicts: [NodeVerdict] = graph.nodes.enumerated().map { i, node in
            let r = resolve(node, facts: { cache.facts(for: $0) }, target: target, model: model, depth: 0)
            return NodeVerdict(graph: label, index: i, name: node.name.isEmpty ? "#\(i)" : node.name, op: node.op.qualifiedName,
                               version: node.op.version, verdict: r.verdict, device: r.device, reason: r.reason, rule: r.rule,
                               decidedBy: r.decidedBy, source: r.source, sourceLocation: r.sourceLocation, line: r.line, partition: nil)
        }
        let shape = graph.nodes.map { (inputs: $0.inputs, outputs: $0.outputs) }
        var onTarget = verdicts.map { $0.verdict == .supported }

        // Partitioning rules of the target (delegates, EPs, compilers).
        let rules = target.partitioning
        let fallbackAction = target.unsupported
        func demote(_ i: Int, rule: String, reason: String) {
            onTarget[i] = false
            var v = verdicts[i]
            v.rule = rule
            v.reason = reason
            v.decidedBy = target.id
            v.source = target.unsupported.source ?? target.defaultSource
            v.sourceLocation = target.source(v.source)?.location
            v.line = nil
            if fallbackAction.action == .fallback {
                v.verdict = .fallback
                v.device = fallbackAction.to
            } else {
                v.verdict = .unsupported
                v.device = nil
            }
            verdicts[i] = v
        }
        if rules.wholeGraphOnly, onTarget.contains(false) {
            let firstOff = onTarget.firstIndex(of: false)!
            for i in onTarget.indices where onTarget[i] {
                demote(i, rule: "partitioning", reason: "\(target.name) takes whole graphs only, and node \(verdicts[firstOff].name) (\(verdicts[firstOff].op)) is not supported")
            }
        }
        if rules.stopAtFirstUnsupported, let firstOff = onTarget.firstIndex(of: false) {
            for i in onTarget.indices where i > firstOff && onTarget[i] {
                demote(i, rule: "partitioning", reason: "\(target.name) maps only the nodes before the first one it cannot run (node \(verdicts[firstOff].name), \(verdicts[firstOff].op))")
            }
        }
        var subsets = Partitioner.partition(nodes: shape, onTarget: onTarget)
        var changed = false
        if rules.minNodesPerPartition > 1 {
            for s in subsets where s.onTarget && s.nodes.count < rules.minNodesPerPartition {
                for i in s.nodes {
                    demote(i, rule: "partitioning", reason: "its partition has \(s.nodes.count) node(s), fewer than the \(rules.minNodesPerPartition) \(target.name) needs to take one")
                }
                changed = true
            }
        }
        if let maxPartitions = rules.maxPartitions {
            let taken = subsets.enumerated().filter { $0.element.onTarget && $0.element.nodes.allSatisfy { onTarget[$0] } }
            if taken.count > maxPartitions {
                // Keep the largest (earliest on ties), as GraphPartitionHelper::GetFirstNLargestPartitions does.
                let keep = Set(taken.sorted { $0.element.nodes.count != $1.element.nodes.count ? $0.element.nodes.count > $1.element.nodes.count : $0.offset < $1.offset }
                    .prefix(maxPartitions).map(\.offset))
                for (offset, s) in taken where !keep.contains(offset) {
                    for i in s.nodes {
                        demote(i, rule: "partitioning", reason: "\(target.name) keeps only its \(maxPartitions) largest partition(s); this one has \(s.nodes.count) node(s)")
                    }
                }
                changed = true
            }
        }
        if changed { subsets = Partitioner.partition(nodes: shape, onTarget: onTarget) }

        var partitions: [PartitionSummary] = []
        for s in subsets where s.onTarget {
            let index = partitionBase + partitions.count
            var ops: [String: Int] = [:]
            for i in s.nodes {
                verdicts[i].partition = index
                ops[verdicts[i].op, default: 0] += 1
            }
            partitions.append(PartitionSummary(graph: label, index: index, nodes: s.nodes.sorted(), size: s.nodes.count, ops: ops))
        }
        let crossings = Partitioner.crossings(nodes: shape, onTarget: onTarget)
        func count(_ v: Verdict) -> Int { verdicts.filter { $0.verdict == v }.count }
        let summary = GraphSummary(graph: label, nodes: verdicts.count, onTarget: count(.supported), fallback: count(.fallback),
                                   unknown: count(.unknown), custom: count(.custom), unsupported: count(.unsupported),
                                   partitions: partitions.count, subsets: subsets.count, crossingsToTarget: crossings.toTarget,
                                   crossingsFromTarget: crossings.fromTarget)
        return GraphResult(nodes: verdicts, partitions: partitions, summary: summary)
    }

    // MARK: One node, with fallbacks

    struct Resolution {
        var verdict: Verdict
        var device: Device?
        var reason: String
        var rule: String?
        var decidedBy: String
        var source: String?
        var sourceLocation: String?
        var line: Int?
    }

    func resolve(_ node: Node, facts: (Target) -> ValueFacts, target: Target, model: Model, depth: Int) -> Resolution {
        // ONNX model-local functions: runtimes inline the body, so the body's ops decide.
        if model.format == .onnx, depth < 8,
           let function = model.functions.first(where: { OpVocabulary.normalisedDomain($0.domain) == OpVocabulary.normalisedDomain(node.op.domain) && $0.name == node.op.name }),
           target.ops[node.op.qualifiedName] == nil {
            return resolveFunction(node, function: function, facts: facts(target), target: target, model: model, depth: depth)
        }
        let judgement = RuleEvaluator(target: target, vocabulary: vocabulary).judge(node, facts: facts(target))
        switch judgement {
        case .supported(let source):
            let reason = target.ops[node.op.qualifiedName].map { r in
                "\(target.name) supports \(node.op.qualifiedName)" + (r.versions.map { " (versions \($0))" } ?? "")
            } ?? "supported"
            return Resolution(verdict: .supported, device: target.device, reason: reason, rule: nil, decidedBy: target.id, source: source,
                              sourceLocation: target.source(source)?.location, line: target.ops[node.op.qualifiedName]?.line)
        case .undecided(let r):
            return Resolution(verdict: .unknown, device: nil, reason: r.reason, rule: r.rule, decidedBy: target.id, source: r.source,
                              sourceLocation: target.source(r.source)?.location, line: r.line)
        case .rejected(let r):
            let own = Resolution(verdict: r.isCustom ? .custom : .unsupported, device: nil, reason: r.reason, rule: r.rule, decidedBy: target.id,
                                 source: r.source, sourceLocation: target.source(r.source)?.location, line: r.line)
            guard r.action.action == .fallback, let to = r.action.to else { return own }
            guard let fallbackID = target.fallbackTarget, let fallback = try? catalog.target(fallbackID), depth < 8 else {
                // No target describes the fallback: it is assumed to run the node, unless it is a custom op.
                var out = own
                if !r.isCustom {
                    out.verdict = .fallback
                    out.device = to
                }
                return out
            }
            var next = resolve(node, facts: facts, target: fallback, model: model, depth: depth + 1)
            switch next.verdict {
            case .supported:
                return Resolution(verdict: .fallback, device: next.device ?? to, reason: r.reason, rule: r.rule, decidedBy: target.id,
                                  source: r.source, sourceLocation: target.source(r.source)?.location, line: r.line)
            case .fallback:
                next.reason = "\(r.reason); \(fallback.id): \(next.reason)"
                return next
            case .unknown, .custom, .unsupported:
                next.reason = "\(r.reason); and on the fallback \(fallback.id): \(next.reason)"
                return next
            }
        }
    }

    func resolveFunction(_ node: Node, function: Function, facts: ValueFacts, target: Target, model: Model, depth: Int) -> Resolution {
        var outer: [String: ValueFact] = [:]
        for (formal, actual) in zip(function.inputs, node.inputs) where !actual.isEmpty {
            if let f = facts[actual] { outer[formal] = f }
        }
        let body = Graph(name: function.name, nodes: function.nodes)
        let opsets = function.opsetImports.isEmpty ? model.opsetImports : function.opsetImports
        let bodyFacts = { (t: Target) in ValueFacts(graph: body, format: .onnx, opsets: opsets, outer: outer, constantThrough: Set(t.constantThrough)) }
        var worst: (Resolution, Node)?
        var devices = Set<Device>()
        for n in function.nodes {
            let r = resolve(n, facts: bodyFacts, target: target, model: model, depth: depth + 1)
            if let d = r.device { devices.insert(d) }
            if worst == nil || r.verdict > worst!.0.verdict { worst = (r, n) }
        }
        guard let (r, n) = worst else {
            return Resolution(verdict: .supported, device: target.device, reason: "model-local function \(function.name) has an empty body",
                              rule: nil, decidedBy: target.id, source: nil, sourceLocation: nil, line: nil)
        }
        var out = r
        out.reason = "model-local function \(function.domain)::\(function.name), inlined by the runtime: "
            + (r.verdict == .supported ? "every body op is supported" : "body node \(n.name.isEmpty ? n.op.name : n.name) (\(n.op.qualifiedName)): \(r.reason)")
        if r.verdict == .supported || r.verdict == .fallback { out.device = devices.count == 1 ? devices.first : r.device }
        return out
    }

    // MARK: Summary and findings

    /// "N of M nodes delegated, K partitions" in the runtime's terms.
    static func sentence(_ report: CompatibilityReport, target: Target) -> String {
        let t = report.total
        let leaving = t.fallback + t.unknown
        var parts: [String] = []
        switch target.kind {
        case .delegate:
            parts.append("\(t.onTarget) of \(t.nodes) nodes delegated to \(target.name), \(t.partitions) partition\(t.partitions == 1 ? "" : "s")")
            if leaving > 0 { parts.append("\(leaving) node\(leaving == 1 ? "" : "s") left to \(target.unsupported.to?.rawValue.uppercased() ?? "the fallback")") }
        case .executionProvider:
            parts.append("\(t.onTarget) of \(t.nodes) nodes assigned to \(target.name), \(t.partitions) partition\(t.partitions == 1 ? "" : "s")")
            if leaving > 0 { parts.append("\(leaving) node\(leaving == 1 ? "" : "s") fall back to \(target.fallbackTarget ?? target.unsupported.to?.rawValue.uppercased() ?? "another provider")") }
        case .builtin:
            parts.append("\(t.onTarget) of \(t.nodes) nodes run on \(target.name)")
        case .parser, .compiler, .accelerator:
            parts.append("\(t.onTarget) of \(t.nodes) nodes supported by \(target.name), \(t.partitions) partition\(t.partitions == 1 ? "" : "s")")
            if leaving > 0 { parts.append("\(leaving) node\(leaving == 1 ? "" : "s") fall back to \(target.unsupported.to?.rawValue.uppercased() ?? "another device")") }
        }
        if t.crossingsToTarget + t.crossingsFromTarget > 0, target.kind != .builtin {
            parts.append("\(t.crossingsToTarget + t.crossingsFromTarget) tensor\(t.crossingsToTarget + t.crossingsFromTarget == 1 ? "" : "s") cross between \(target.device.rawValue.uppercased()) and fallback")
        }
        if target.kind == .builtin, t.fallback > 0 { parts.append("\(t.fallback) fall back") }
        if t.unknown > 0, target.kind == .builtin { parts.append("\(t.unknown) undecided") }
        if t.custom > 0 { parts.append("\(t.custom) custom op node\(t.custom == 1 ? "" : "s") need\(t.custom == 1 ? "s" : "") a registered implementation") }
        if t.unsupported > 0 { parts.append("\(t.unsupported) node\(t.unsupported == 1 ? "" : "s") unsupported") }
        return parts.joined(separator: "; ")
    }

    static func findings(_ report: CompatibilityReport, model: Model) -> [Finding] {
        report.nodes.compactMap { v in
            guard let severity = v.verdict.severity else { return nil }
            let kind: FindingKind
            let prefix: String
            switch v.verdict {
            case .supported: return nil
            case .fallback:
                kind = .fallback
                prefix = "falls back to \(v.device?.rawValue.uppercased() ?? "the fallback")"
            case .unknown:
                kind = .fallback
                prefix = "may fall back (undecided)"
            case .custom:
                kind = .customOp
                prefix = "custom op without an implementation on the target"
            case .unsupported:
                kind = .unsupportedOp
                prefix = "unsupported"
            }
            return Finding(kind: kind, severity: severity, model: model.path, form: model.format, target: report.target.id,
                           location: FindingLocation(graphPath: v.graph.split(separator: "/").map(String.init), nodeIndex: v.index,
                                                     nodeName: v.name, op: v.op),
                           message: "\(v.name) (\(v.op)) \(prefix): \(v.reason)")
        }
    }
}
