import Foundation
import LockstepCore
import Yams

/// `opsets/correspondence/eliminations.yaml`: which ops of a converted form compute an ONNX op,
/// the legitimate reasons a source node has no counterpart of its own, and the converted form's
/// ops that need no source node. Data, read strictly (unknown keys, actions, conditions and
/// sources are errors with the file and line).
public struct CorrespondenceTable: Sendable {
    public struct Source: Sendable, Equatable {
        public var id: String
        public var title: String
        public var url: String
        public var version: String
    }

    /// What a rule does with a source node.
    public enum Action: String, Sendable, CaseIterable {
        /// The node passes its first input through.
        case eliminate
        /// The node computes a constant, evaluated ahead of time.
        case fold
        /// The node is absorbed into its producer's counterpart (fused activation, folded BatchNorm).
        case fuse
        /// The node's effect lives in the converted form's layout or weights.
        case absorb
    }

    /// Conditions a rule may require (all must hold).
    public struct Conditions: Sendable, Equatable {
        public var inference: Bool?
        public var constantInputs: Bool?
        public var singleConsumer: Bool?
        public var constantOperand: Bool?
        public var noopShape: Bool?
        public var layoutPermutation: Bool?
        /// Clip bounds [min, max] the node must have.
        public var clip: [Double]?
    }

    public struct Rule: Sendable, Equatable {
        public var id: String
        /// ONNX op names (`*` = any op).
        public var ops: [String]
        public var formats: [ModelFormat]
        public var action: Action
        /// For `fuse`: the source ops whose counterpart may absorb the node.
        public var into: [String]
        /// For `fuse`: the counterpart's attribute and the values that show the fusion.
        public var attribute: String?
        public var attributeValues: [String]
        public var when: Conditions
        public var reason: String
        public var source: String

        public func applies(to op: String, format: ModelFormat) -> Bool {
            formats.contains(format) && (ops.contains("*") || ops.contains(op))
        }
    }

    /// A converted form's op that needs no source node, and why.
    public struct TargetOp: Sendable, Equatable {
        public var op: String
        public var reason: String
        public var source: String
    }

    public var path: String
    public var sources: [Source]
    /// format → ONNX op → native ops of that format that compute it.
    public var counterparts: [ModelFormat: [String: [String]]]
    public var rules: [Rule]
    public var targetOps: [ModelFormat: [TargetOp]]

    /// The file's location inside an `opsets/` folder.
    public static let relativePath = "correspondence/eliminations.yaml"

    /// Loads `<opsets>/correspondence/eliminations.yaml`.
    public static func load(opsetsDirectory: String) throws -> CorrespondenceTable {
        try load(path: (opsetsDirectory as NSString).appendingPathComponent(relativePath))
    }

    public static func load(path: String) throws -> CorrespondenceTable {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CompatibilityError.invalidTargetFile(path: path, line: nil, reason: "cannot be read")
        }
        return try parse(text, path: path)
    }

    /// Parses the table's YAML text (`path` names it in errors).
    public static func parse(_ text: String, path: String) throws -> CorrespondenceTable {
        func fail(_ node: Yams.Node?, _ reason: String) -> CompatibilityError {
            .invalidTargetFile(path: path, line: node?.mark?.line, reason: reason)
        }
        let root: Yams.Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else { throw fail(nil, "empty file") }
            root = parsed
        } catch let error as CompatibilityError { throw error } catch {
            throw fail(nil, "not valid YAML (\(error))")
        }
        /// A mapping node's entries by key, after checking every key is allowed.
        struct Map {
            var entries: [String: Yams.Node] = [:]
            var pairs: [(Yams.Node, Yams.Node)] = []
            subscript(_ key: String) -> Yams.Node? { entries[key] }
        }
        func map(_ node: Yams.Node?, _ what: String) throws -> Map {
            guard let node, let m = node.mapping else { throw fail(node, "\(what): expected a mapping") }
            var out = Map()
            for (k, v) in m {
                out.pairs.append((k, v))
                if let name = k.string { out.entries[name] = v }
            }
            return out
        }
        func keys(_ map: Map, _ allowed: Set<String>, _ at: String) throws {
            for (k, _) in map.pairs {
                guard let name = k.string, allowed.contains(name) else {
                    throw fail(k, "unknown key '\(at)\(k.string ?? "?")' (keys: \(allowed.sorted().joined(separator: ", ")))")
                }
            }
        }
        guard root.mapping != nil else { throw fail(root, "expected a mapping at the top level") }
        let top = try map(root, "top level")
        func string(_ node: Yams.Node?, _ what: String) throws -> String {
            guard let node, let s = node.string, node.scalar != nil else { throw fail(node, "\(what): expected a string") }
            return s
        }
        func strings(_ node: Yams.Node?, _ what: String) throws -> [String] {
            guard let node, let seq = node.sequence else { throw fail(node, "\(what): expected a list") }
            return try seq.map { try string($0, what) }
        }
        func format(_ node: Yams.Node) throws -> ModelFormat {
            guard let s = node.string, let f = ModelFormat(rawValue: s) else {
                throw fail(node, "unknown format '\(node.string ?? "?")' (formats: onnx, tflite, tensorrt)")
            }
            return f
        }
        try keys(top, ["schema", "kind", "sources", "counterparts", "rules", "target_ops"], "")
        guard top["schema"]?.int == 1 else { throw fail(top["schema"], "schema: expected 1") }
        guard top["kind"]?.string == "correspondence" else { throw fail(top["kind"], "kind: expected 'correspondence'") }

        var sources: [Source] = []
        for node in top["sources"]?.sequence ?? [] {
            let m = try map(node, "sources")
            try keys(m, ["id", "title", "url", "version"], "sources.")
            sources.append(Source(id: try string(m["id"], "sources.id"), title: try string(m["title"], "sources.title"),
                                  url: try string(m["url"], "sources.url"), version: try string(m["version"], "sources.version")))
        }
        guard !sources.isEmpty else { throw fail(top["sources"], "sources: at least one source is required") }
        let sourceIDs = Set(sources.map(\.id))
        func source(_ node: Yams.Node?, _ at: String) throws -> String {
            let id = try string(node, "\(at).source")
            guard sourceIDs.contains(id) else { throw fail(node, "\(at): source '\(id)' is not declared under sources") }
            return id
        }

        var counterparts: [ModelFormat: [String: [String]]] = [:]
        if let c = top["counterparts"] {
            for (k, v) in try map(c, "counterparts").pairs {
                let f = try format(k)
                var table: [String: [String]] = [:]
                for (op, list) in try map(v, "counterparts.\(f)").pairs {
                    let name = try string(op, "counterparts.\(f)")
                    guard table[name] == nil else { throw fail(op, "counterparts.\(f): '\(name)' appears twice") }
                    table[name] = try strings(list, "counterparts.\(f).\(name)")
                }
                counterparts[f] = table
            }
        }

        var rules: [Rule] = []
        for node in top["rules"]?.sequence ?? [] {
            let m = try map(node, "rules")
            try keys(m, ["id", "ops", "formats", "action", "into", "attribute", "when", "reason", "source"], "rules.")
            let id = try string(m["id"], "rules.id")
            guard !rules.contains(where: { $0.id == id }) else { throw fail(m["id"], "rules: id '\(id)' appears twice") }
            let at = "rule '\(id)'"
            let actionName = try string(m["action"], "\(at).action")
            guard let action = Action(rawValue: actionName) else {
                throw fail(m["action"], "\(at): unknown action '\(actionName)' (actions: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var rule = Rule(id: id, ops: try strings(m["ops"], "\(at).ops"), formats: try (m["formats"]?.sequence ?? []).map(format),
                            action: action, into: try m["into"].map { try strings($0, "\(at).into") } ?? [], attribute: nil,
                            attributeValues: [], when: Conditions(), reason: try string(m["reason"], "\(at).reason"),
                            source: try source(m["source"], at))
            guard !rule.formats.isEmpty else { throw fail(node, "\(at): formats: at least one format is required") }
            if action == .fuse && rule.into.isEmpty { throw fail(node, "\(at): a fuse rule needs 'into' (the producer ops that absorb it)") }
            if let a = m["attribute"] {
                let am = try map(a, "\(at).attribute")
                try keys(am, ["name", "values"], "\(at).attribute.")
                rule.attribute = try string(am["name"], "\(at).attribute.name")
                rule.attributeValues = try strings(am["values"], "\(at).attribute.values")
            }
            if let w = m["when"] {
                let wm = try map(w, "\(at).when")
                try keys(wm, ["inference", "constant_inputs", "single_consumer", "constant_operand", "noop_shape", "layout_permutation", "clip"],
                         "\(at).when.")
                func flag(_ key: String) throws -> Bool? {
                    guard let n = wm[key] else { return nil }
                    guard let b = n.bool else { throw fail(n, "\(at).when.\(key): expected true or false") }
                    return b
                }
                rule.when.inference = try flag("inference")
                rule.when.constantInputs = try flag("constant_inputs")
                rule.when.singleConsumer = try flag("single_consumer")
                rule.when.constantOperand = try flag("constant_operand")
                rule.when.noopShape = try flag("noop_shape")
                rule.when.layoutPermutation = try flag("layout_permutation")
                if let c = wm["clip"] {
                    guard let seq = c.sequence, seq.count == 2, let lo = seq[0].float, let hi = seq[1].float else {
                        throw fail(c, "\(at).when.clip: expected [min, max]")
                    }
                    rule.when.clip = [lo, hi]
                }
            }
            rules.append(rule)
        }

        var targetOps: [ModelFormat: [TargetOp]] = [:]
        if let t = top["target_ops"] {
            for (k, v) in try map(t, "target_ops").pairs {
                let f = try format(k)
                guard let seq = v.sequence else { throw fail(v, "target_ops.\(f): expected a list") }
                targetOps[f] = try seq.map { n in
                    let m = try map(n, "target_ops.\(f)")
                    try keys(m, ["op", "reason", "source"], "target_ops.\(f).")
                    return TargetOp(op: try string(m["op"], "target_ops.op"), reason: try string(m["reason"], "target_ops.reason"),
                                    source: try source(m["source"], "target_ops.\(f)"))
                }
            }
        }
        return CorrespondenceTable(path: path, sources: sources, counterparts: counterparts, rules: rules, targetOps: targetOps)
    }
}
