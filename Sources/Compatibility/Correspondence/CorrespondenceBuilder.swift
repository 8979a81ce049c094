import LockstepCore

/// Builds the `Correspondence` between a source ONNX model and a converted form.
///
/// ONNX → TFLite walks the source graph in order, following data: each node's first run-time
/// input already has a counterpart tensor, and the node is matched to an unused op of the
/// converted form that consumes that tensor and is one of the node's counterpart ops in the table
/// (skipping ops the table says need no source node, such as layout TRANSPOSEs). Tensor names
/// that survive conversion (`model/conv1/Relu;model/bn1/...`) break ties and are reported as
/// evidence. A node with no such consumer is explained by a rule (fused into its producer's
/// counterpart, eliminated, folded, absorbed) or else dropped. A dropped or eliminated node's
/// output is carried by its input's counterpart, so later nodes keep matching and divergence
/// localisation can still compare it.
///
/// ONNX → TensorRT uses what the engine says: layer metadata (`[ONNX Layer: x]`), fused layer
/// names (`a + b + c`), `{ForeignNode[first...last]}` regions and plain layer names.
public struct CorrespondenceBuilder {
    public let table: CorrespondenceTable

    public init(table: CorrespondenceTable) { self.table = table }

    // MARK: ONNX → TFLite

    public func onnxToTFLite(source: Model, target: Model) -> Correspondence {
        let facts = SourceGraphFacts(source.graph)
        let tg = target.graph
        let labels = tg.nodes.enumerated().map { "\($0.element.op.qualifiedName) #\($0.offset)" }
        var targetConsumers: [String: [Int]] = [:]
        for (i, n) in tg.nodes.enumerated() { for t in n.inputs where !t.isEmpty { targetConsumers[t, default: []].append(i) } }
        let tokens = tg.nodes.map { Self.nameTokens($0.outputs.first ?? "") }
        let skippable = Dictionary((table.targetOps[.tflite] ?? []).map { ($0.op, $0.reason) }, uniquingKeysWith: { a, _ in a })

        var links: [String: Correspondence.TensorLink] = [:]
        var used = Set<Int>()
        var explained: [Int: String] = [:]
        var activationUsed = Set<Int>()
        var entries: [Correspondence.Entry] = []
        var counterpartOf: [Int: Int] = [:]  // source node → target op

        let sourceInputs = source.graph.runtimeInputs
        for (i, input) in sourceInputs.enumerated() {
            if let t = tg.inputs.first(where: { $0.name == input.name }) ?? (i < tg.inputs.count ? tg.inputs[i] : nil) {
                links[input.name] = .init(tensor: t.name, observable: true)
            }
        }

        func find(from tensor: String, accepting: (Int) -> Bool) -> (op: Int, via: [Int])? {
            var frontier: [(String, [Int])] = [(tensor, [])]
            for _ in 0..<4 {
                var next: [(String, [Int])] = []
                for (t, via) in frontier {
                    let consumers = (targetConsumers[t] ?? []).filter { !used.contains($0) }
                    if let hit = consumers.first(where: accepting) { return (hit, via) }
                    for c in consumers where skippable[tg.nodes[c].op.name] != nil {
                        if let out = tg.nodes[c].outputs.first { next.append((out, via + [c])) }
                    }
                }
                frontier = next
            }
            return nil
        }

        for (index, node) in source.graph.nodes.enumerated() where node.op.name != "Constant" {
            let op = node.op.qualifiedName
            var entry = Correspondence.Entry(nodeIndex: index, node: node.name, op: op, status: .dropped, counterparts: [])
            defer { entries.append(entry) }
            let output = node.outputs.first ?? ""
            if facts.folded.contains(index), let rule = rule(for: node, .fold, facts: facts) {
                entry.status = .folded
                entry.rule = rule.id
                entry.reason = rule.reason
                continue
            }
            let data = facts.dataInputs(node)
            let primary = data.first { links[$0] != nil }
            func passThrough(observable: Bool) {
                if let p = primary, let link = links[p] { links[output] = .init(tensor: link.tensor, observable: observable && link.observable) }
            }
            if let rule = rule(for: node, .eliminate, facts: facts) {
                entry.status = .eliminated
                entry.rule = rule.id
                entry.reason = rule.reason
                passThrough(observable: true)
                continue
            }
            guard let p = primary, let from = links[p] else {
                entry.evidence = "none of its inputs has a counterpart"
                continue
            }
            let wanted = table.counterparts[.tflite]?[node.op.name] ?? []
            let nameHits = Set(tg.nodes.indices.filter { tokens[$0].contains(node.name) || (!output.isEmpty && tokens[$0].contains(output)) })
            // Prefer a consumer whose tensor name names this node.
            let hit = find(from: from.tensor) { wanted.contains(tg.nodes[$0].op.name) && nameHits.contains($0) }
                ?? find(from: from.tensor) { wanted.contains(tg.nodes[$0].op.name) }
            if let (t, via) = hit {
                used.insert(t)
                for v in via { used.insert(v); explained[v] = skippable[tg.nodes[v].op.name] }
                entry.status = .matched
                entry.counterparts = [t]
                entry.evidence = nameHits.contains(t) ? "tensor name" : "op sequence"
                counterpartOf[index] = t
                for (k, o) in node.outputs.enumerated() where !o.isEmpty && k < tg.nodes[t].outputs.count {
                    links[o] = .init(tensor: tg.nodes[t].outputs[k], observable: true)
                }
                continue
            }
            if let (t, via) = find(from: from.tensor, accepting: { tg.nodes[$0].op.domain == "custom" }) {
                used.insert(t)
                for v in via { used.insert(v); explained[v] = skippable[tg.nodes[v].op.name] }
                entry.status = .custom
                entry.counterparts = [t]
                entry.evidence = "op sequence"
                counterpartOf[index] = t
                if let out = tg.nodes[t].outputs.first { links[output] = .init(tensor: out, observable: true) }
                continue
            }
            // Fused into the producer's counterpart?
            if let producerIndex = facts.producer[p], let producerTarget = counterpartOf[producerIndex] {
                let producer = source.graph.nodes[producerIndex]
                var blocked: String?
                for rule in rules(for: node, .fuse, facts: facts) where rule.into.contains(producer.op.name) {
                    if rule.when.singleConsumer == true && !facts.hasSingleConsumer(p) { blocked = "its input feeds other nodes too"; continue }
                    if let attribute = rule.attribute {
                        let value = Self.stringAttribute(tg.nodes[producerTarget], attribute) ?? "NONE"
                        guard rule.attributeValues.contains(value), !activationUsed.contains(producerTarget) else {
                            blocked = "\(labels[producerTarget]) has \(attribute) \(value)"
                            continue
                        }
                        activationUsed.insert(producerTarget)
                        entry.evidence = "\(attribute) \(value) of \(labels[producerTarget])"
                    } else {
                        entry.evidence = "folded into \(labels[producerTarget])"
                    }
                    entry.status = .fused
                    entry.counterparts = [producerTarget]
                    entry.rule = rule.id
                    entry.reason = rule.reason
                    counterpartOf[index] = producerTarget
                    // The producer's own output is no longer observable: the counterpart now holds this node's value.
                    if var link = links[p] { link.observable = false; links[p] = link }
                    links[output] = .init(tensor: from.tensor, observable: true)
                    break
                }
                if entry.status == .fused { continue }
                if let blocked { entry.evidence = "no \(wanted.isEmpty ? "counterpart" : wanted.joined(separator: "/")) follows, and \(blocked)" }
            }
            if let rule = rule(for: node, .absorb, facts: facts) {
                entry.status = .eliminated
                entry.rule = rule.id
                entry.reason = rule.reason
                passThrough(observable: true)
                continue
            }
            if entry.evidence == nil {
                entry.evidence = wanted.isEmpty
                    ? "the table names no \(target.format) op for \(op)"
                    : "no \(wanted.joined(separator: "/")) consumes the counterpart of '\(p)'"
            }
            passThrough(observable: true)  // dropped: the input's value stands where its output should be
        }
        // Source outputs without a link: pair them with the converted outputs by position.
        for (i, output) in source.graph.outputs.enumerated() where links[output.name] == nil && i < tg.outputs.count {
            links[output.name] = .init(tensor: tg.outputs[i].name, observable: true)
        }
        for (i, n) in tg.nodes.enumerated() where !used.contains(i) && explained[i] == nil {
            if let reason = skippable[n.op.name] { explained[i] = reason }
        }
        let unexplained = tg.nodes.indices.filter { !used.contains($0) && explained[$0] == nil }
        var result = Correspondence(sourceFormat: source.format, targetFormat: target.format, entries: entries, tensors: links,
                                    unexplainedTargetOps: unexplained, explainedTargetOps: explained, constantMismatches: [],
                                    targetLabels: labels)
        result.constantMismatches = ConstantCheck.tflite(source: source, target: target, correspondence: result, facts: facts)
        return result
    }

    // MARK: ONNX → TensorRT

    /// Accounts for source nodes through the engine's layers (`target` is the bundle's layer IR:
    /// node name = layer name, attributes `onnx_nodes`, `fused`, `foreign_nodes`).
    public func onnxToTensorRT(source: Model, target: Model) -> Correspondence {
        let facts = SourceGraphFacts(source.graph)
        let layers = target.graph.nodes
        let labels = layers.map(\.name)
        var byName: [String: [(Int, String)]] = [:]
        func note(_ name: String, _ layer: Int, _ evidence: String) { byName[name, default: []].append((layer, evidence)) }
        var regions: [(first: String, last: String, layer: Int)] = []
        for (i, layer) in layers.enumerated() {
            for n in Self.stringsAttribute(layer, "onnx_nodes") { note(n, i, "layer metadata") }
            let fused = Self.stringsAttribute(layer, "fused")
            for n in fused { note(n, i, fused.count > 1 ? "fused layer name" : "layer name") }
            note(layer.name, i, "layer name")
            let foreign = Self.stringsAttribute(layer, "foreign_nodes")
            if foreign.count == 2 { regions.append((foreign[0], foreign[1], i)) }
        }
        let position = Dictionary(source.graph.nodes.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var entries: [Correspondence.Entry] = []
        var used = Set<Int>()
        for (index, node) in source.graph.nodes.enumerated() where node.op.name != "Constant" {
            var entry = Correspondence.Entry(nodeIndex: index, node: node.name, op: node.op.qualifiedName, status: .dropped, counterparts: [])
            if let hits = byName[node.name], !node.name.isEmpty {
                let layerIndices = Array(Set(hits.map(\.0))).sorted()
                entry.status = layerIndices.contains(where: { Self.stringsAttribute(layers[$0], "fused").count > 1 || Self.stringsAttribute(layers[$0], "onnx_nodes").count > 1 }) ? .fused : .matched
                entry.counterparts = layerIndices
                entry.evidence = hits.contains { $0.1 == "layer metadata" } ? "layer metadata" : hits[0].1
                used.formUnion(layerIndices)
            } else if let region = regions.first(where: { r in
                guard let a = position[r.first], let b = position[r.last] else { return false }
                return (a...b).contains(index)
            }) {
                entry.status = .fused
                entry.counterparts = [region.layer]
                entry.evidence = "inside {ForeignNode[\(region.first)...\(region.last)]}"
                used.insert(region.layer)
            } else if facts.folded.contains(index), let rule = rule(for: node, .fold, facts: facts, format: .tensorrt) {
                entry.status = .folded
                entry.rule = rule.id
                entry.reason = rule.reason
            } else if let rule = rule(for: node, .eliminate, facts: facts, format: .tensorrt) ?? rule(for: node, .absorb, facts: facts, format: .tensorrt)
                        ?? rule(for: node, .fuse, facts: facts, format: .tensorrt) {
                entry.status = .eliminated
                entry.rule = rule.id
                entry.reason = rule.reason
            } else {
                entry.evidence = "no layer names it in its metadata, its fused name or a ForeignNode region"
            }
            entries.append(entry)
        }
        var explained: [Int: String] = [:]
        for (i, l) in layers.enumerated() where !used.contains(i) {
            if let reason = (table.targetOps[.tensorrt] ?? []).first(where: { $0.op == l.op.name })?.reason { explained[i] = reason }
            else if Self.intAttribute(l, "reformat") == 1 || Self.intAttribute(l, "no_op") == 1 {
                explained[i] = (table.targetOps[.tensorrt] ?? []).first(where: { $0.op == (Self.intAttribute(l, "reformat") == 1 ? "Reformat" : "NoOp") })?.reason
                    ?? "TensorRT reformat"
            }
        }
        let unexplained = layers.indices.filter { !used.contains($0) && explained[$0] == nil }
        return Correspondence(sourceFormat: source.format, targetFormat: .tensorrt, entries: entries, tensors: [:],
                              unexplainedTargetOps: unexplained, explainedTargetOps: explained, constantMismatches: [], targetLabels: labels)
    }

    // MARK: Rules

    func rules(for node: Node, _ action: CorrespondenceTable.Action, facts: SourceGraphFacts, format: ModelFormat = .tflite) -> [CorrespondenceTable.Rule] {
        table.rules.filter { $0.action == action && $0.applies(to: node.op.name, format: format) && holds($0.when, node, facts) }
    }

    func rule(for node: Node, _ action: CorrespondenceTable.Action, facts: SourceGraphFacts, format: ModelFormat = .tflite) -> CorrespondenceTable.Rule? {
        rules(for: node, action, facts: facts, format: format).first
    }

    func holds(_ when: CorrespondenceTable.Conditions, _ node: Node, _ facts: SourceGraphFacts) -> Bool {
        let inputs = node.inputs.filter { !$0.isEmpty }
        if let v = when.inference, v != (node.op.name != "Dropout" || facts.isInference(node)) { return false }
        if let v = when.constantInputs, v != (!inputs.isEmpty && inputs.allSatisfy(facts.isConstant) || facts.folded.contains(facts.producer[node.outputs.first ?? ""] ?? -1)) {
            return false
        }
        if let v = when.constantOperand, v != inputs.contains(where: facts.isConstant) { return false }
        if let v = when.noopShape {
            guard let i = inputs.first, let a = facts.shapes[i], let o = node.outputs.first, let b = facts.shapes[o] else { return !v }
            if v != (a == b) { return false }
        }
        if let v = when.layoutPermutation {
            var perm: [Int] = []
            if case .ints(let p)? = node.attribute("perm") { perm = p.map(Int.init) }
            let r = perm.count
            let isLayout = r >= 3 && (perm == [0, r - 1] + Array(1..<(r - 1)) || perm == [0] + Array(2..<r) + [1])
            if v != isLayout { return false }
        }
        if let clip = when.clip {
            guard let (lo, hi) = facts.clipBounds(node), lo == clip[0], hi == clip[1] else { return false }
        }
        return true
    }

    // MARK: Helpers

    /// Name components of a converted tensor name: `a/b/c;d/e:0` → {a, b, c, d, e} plus each without
    /// a trailing `_N` (Keras scopes) and without `:N`.
    static func nameTokens(_ name: String) -> Set<String> {
        var out = Set<String>()
        for part in name.split(separator: ";") {
            for raw in part.split(separator: "/") {
                var token = String(raw)
                if let colon = token.lastIndex(of: ":"), token[token.index(after: colon)...].allSatisfy(\.isNumber) { token = String(token[..<colon]) }
                out.insert(token)
                if let underscore = token.lastIndex(of: "_"), underscore != token.startIndex,
                   !token[token.index(after: underscore)...].isEmpty, token[token.index(after: underscore)...].allSatisfy(\.isNumber) {
                    out.insert(String(token[..<underscore]))
                }
            }
        }
        return out
    }

    static func stringAttribute(_ node: Node, _ name: String) -> String? {
        if case .string(let bytes)? = node.attribute(name) { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    static func stringsAttribute(_ node: Node, _ name: String) -> [String] {
        if case .strings(let list)? = node.attribute(name) { return list.map { String(decoding: $0, as: UTF8.self) } }
        return []
    }

    static func intAttribute(_ node: Node, _ name: String) -> Int64? {
        if case .int(let v)? = node.attribute(name) { return v }
        return nil
    }
}
