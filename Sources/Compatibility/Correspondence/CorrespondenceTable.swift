import Foundation
import LockstepCore
import YAMLSupport
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
        do {
            return try Reader().table(text, path: path)
        } catch let problem as YAMLProblem {
            throw CompatibilityError.invalidTargetFile(path: path, line: problem.line, reason: problem.reason)
        }
    }

    static let topKeys = ["schema", "kind", "sources", "counterparts", "rules", "target_ops"]
    static let sourceKeys = ["id", "title", "url", "version"]
    static let ruleKeys = ["id", "ops", "formats", "action", "into", "attribute", "when", "reason", "source"]
    static let attributeKeys = ["name", "values"]
    static let conditionKeys = ["inference", "constant_inputs", "single_consumer", "constant_operand", "noop_shape", "layout_permutation", "clip"]
    static let targetOpKeys = ["op", "reason", "source"]
}

/// The table's domain rules over the shared strict reading (`YAMLReading`).
private struct Reader: YAMLReading {
    /// The value under `key`, which must be there.
    func required(_ map: YAMLMapping, _ node: Yams.Node, _ key: String, _ what: String) throws -> Yams.Node {
        guard let value = map[key] else { throw fail(node, "\(what): missing '\(key)'") }
        return value
    }

    func strings(_ node: Yams.Node, _ what: String) throws -> [String] {
        try list(node, what).map { try string($0, what) }
    }

    func format(_ text: String, _ node: Yams.Node) throws -> ModelFormat {
        guard let f = ModelFormat(rawValue: text) else {
            throw fail(node, "unknown format '\(text)' (formats: \(ModelFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return f
    }

    func table(_ text: String, path: String) throws -> CorrespondenceTable {
        typealias T = CorrespondenceTable
        guard let root = try compose(text) else { throw fail(nil, "empty file") }
        guard root.mapping != nil else { throw fail(root, "expected a mapping at the top level") }
        let top = try mapping(root, "", allowed: T.topKeys)
        guard top["schema"]?.int == 1 else { throw fail(top["schema"], "schema: expected 1") }
        guard top["kind"]?.string == "correspondence" else { throw fail(top["kind"], "kind: expected 'correspondence'") }

        var sources: [T.Source] = []
        for node in try top["sources"].map({ try list($0, "sources") }) ?? [] {
            let m = try mapping(node, "sources", allowed: T.sourceKeys)
            func field(_ key: String) throws -> String { try string(try required(m, node, key, "sources"), "sources.\(key)") }
            sources.append(T.Source(id: try field("id"), title: try field("title"), url: try field("url"), version: try field("version")))
        }
        guard !sources.isEmpty else { throw fail(top["sources"], "sources: at least one source is required") }
        let sourceIDs = Set(sources.map(\.id))
        func source(_ m: YAMLMapping, _ node: Yams.Node, _ at: String) throws -> String {
            let value = try required(m, node, "source", at)
            let id = try string(value, "\(at).source")
            guard sourceIDs.contains(id) else { throw fail(value, "\(at): source '\(id)' is not declared under sources") }
            return id
        }

        var counterparts: [ModelFormat: [String: [String]]] = [:]
        if let c = top["counterparts"] {
            for entry in try freeMapping(c, "counterparts") {
                let f = try format(entry.key, entry.keyNode)
                var table: [String: [String]] = [:]
                for op in try freeMapping(entry.value, "counterparts.\(f)") {
                    table[op.key] = try strings(op.value, "counterparts.\(f).\(op.key)")
                }
                counterparts[f] = table
            }
        }

        var rules: [T.Rule] = []
        for node in try top["rules"].map({ try list($0, "rules") }) ?? [] {
            let m = try mapping(node, "rules", allowed: T.ruleKeys)
            let idNode = try required(m, node, "id", "rules")
            let id = try string(idNode, "rules.id")
            guard !rules.contains(where: { $0.id == id }) else { throw fail(idNode, "rules: id '\(id)' appears twice") }
            let at = "rule '\(id)'"
            let actionNode = try required(m, node, "action", at)
            let actionName = try string(actionNode, "\(at).action")
            guard let action = T.Action(rawValue: actionName) else {
                throw fail(actionNode, "\(at): unknown action '\(actionName)' (actions: \(T.Action.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let formats = try m["formats"].map { try list($0, "\(at).formats").map { try format(try string($0, "\(at).formats"), $0) } } ?? []
            var rule = T.Rule(id: id, ops: try strings(try required(m, node, "ops", at), "\(at).ops"), formats: formats,
                              action: action, into: try m["into"].map { try strings($0, "\(at).into") } ?? [], attribute: nil,
                              attributeValues: [], when: T.Conditions(), reason: try string(try required(m, node, "reason", at), "\(at).reason"),
                              source: try source(m, node, at))
            guard !rule.formats.isEmpty else { throw fail(node, "\(at): formats: at least one format is required") }
            if action == .fuse && rule.into.isEmpty { throw fail(node, "\(at): a fuse rule needs 'into' (the producer ops that absorb it)") }
            if let a = m["attribute"] {
                let am = try mapping(a, "\(at).attribute", allowed: T.attributeKeys)
                rule.attribute = try string(try required(am, a, "name", "\(at).attribute"), "\(at).attribute.name")
                rule.attributeValues = try strings(try required(am, a, "values", "\(at).attribute"), "\(at).attribute.values")
            }
            if let w = m["when"] {
                let wm = try mapping(w, "\(at).when", allowed: T.conditionKeys)
                func flag(_ key: String) throws -> Bool? { try wm[key].map { try bool($0, "\(at).when.\(key)") } }
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

        var targetOps: [ModelFormat: [T.TargetOp]] = [:]
        if let t = top["target_ops"] {
            for entry in try freeMapping(t, "target_ops") {
                let f = try format(entry.key, entry.keyNode)
                targetOps[f] = try list(entry.value, "target_ops.\(f)").map { n in
                    let m = try mapping(n, "target_ops.\(f)", allowed: T.targetOpKeys)
                    return T.TargetOp(op: try string(try required(m, n, "op", "target_ops.\(f)"), "target_ops.op"),
                                      reason: try string(try required(m, n, "reason", "target_ops.\(f)"), "target_ops.reason"),
                                      source: try source(m, n, "target_ops.\(f)"))
                }
            }
        }
        return CorrespondenceTable(path: path, sources: sources, counterparts: counterparts, rules: rules, targetOps: targetOps)
    }
}
