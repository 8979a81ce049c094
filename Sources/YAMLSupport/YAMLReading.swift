import Foundation
import LockstepCore
import Yams

/// Strict reading of YAML nodes, shared by every loader of a YAML file (`opsets/` targets, the
/// correspondence table, suite files, golden manifests, image preprocessing): mappings with
/// allowed keys, "did you mean" for unknown ones and no duplicates; typed scalars; every problem a
/// `YAMLProblem` with the line of the node it concerns. A loader's reader adopts the protocol (its
/// domain logic stays its own) or uses `YAMLReader`.
///
/// Messages name the place (`what`) first: `models[0] (a): unknown key 'tflte' (did you mean
/// 'tflite'?); allowed: …`, `schema must be an integer, found 'one'`.
public protocol YAMLReading {}

/// A reader with nothing but the shared rules.
public struct YAMLReader: YAMLReading {
    public init() {}
}

extension YAMLReading {
    /// The document's root node (nil for an empty document); syntax errors are problems with the
    /// line libyaml reports.
    public func compose(_ yaml: String) throws -> Yams.Node? {
        do { return try Yams.compose(yaml: yaml) } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let prefix = context.map { "\($0.text) " } ?? ""
                throw YAMLProblem(line: mark.line, reason: "not valid YAML: \(prefix)\(problem)")
            case .reader(let problem, _, _, _):
                throw YAMLProblem(line: nil, reason: "not valid YAML: \(problem)")
            default:
                throw YAMLProblem(line: nil, reason: "not valid YAML: \(error)")
            }
        } catch {
            throw YAMLProblem(line: nil, reason: "not YAML: \(error)")
        }
    }

    /// A problem at `node`.
    public func fail(_ node: Yams.Node?, _ reason: String) -> YAMLProblem { YAMLProblem(node, reason) }

    /// The entries of a mapping whose keys must be among `allowed`, each at most once. An empty
    /// `what` (the top level of a file) leaves the place out of key messages.
    public func mapping(_ node: Yams.Node, _ what: String, allowed: [String]) throws -> YAMLMapping {
        let at = what.isEmpty ? "" : "\(what): "
        guard let m = node.mapping else { throw fail(node, "\(what.isEmpty ? "the file" : what) must be a mapping, found \(describe(node))") }
        var seen = Set<String>()
        var out: [YAMLEntry] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else { throw fail(k, "\(at)keys must be plain text") }
            guard allowed.contains(key) else {
                let hint = Suggestions.closest(to: key, in: allowed, limit: 1).first.map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(k, "\(at)unknown key '\(key)'\(hint); allowed: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw fail(k, "\(at)duplicate key '\(key)'") }
            out.append(YAMLEntry(key: key, keyNode: k, value: v))
        }
        return YAMLMapping(entries: out)
    }

    /// A mapping with free-form keys (output names, class names): non-empty text, each at most once.
    public func freeMapping(_ node: Yams.Node, _ what: String) throws -> YAMLMapping {
        guard let m = node.mapping else { throw fail(node, "\(what) must be a mapping, found \(describe(node))") }
        var seen = Set<String>()
        var out: [YAMLEntry] = []
        for (k, v) in m {
            guard let key = k.scalar?.string, !key.isEmpty else { throw fail(k, "\(what): keys must be plain text") }
            guard seen.insert(key).inserted else { throw fail(k, "\(what): duplicate key '\(key)'") }
            out.append(YAMLEntry(key: key, keyNode: k, value: v))
        }
        return YAMLMapping(entries: out)
    }

    /// How a node reads in a message: `a mapping`, `a list`, `nothing (null)` or the quoted scalar.
    public func describe(_ node: Yams.Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return s.tag.description.hasSuffix("null") || node.null != nil ? "nothing (null)" : "'\(s.string)'"
        }
    }

    /// A scalar as text (may be empty; not null).
    public func string(_ node: Yams.Node, _ what: String) throws -> String {
        guard case .scalar(let s) = node, node.null == nil else { throw fail(node, "\(what) must be text, found \(describe(node))") }
        return s.string
    }

    /// A scalar as text with something other than white space in it.
    public func nonEmptyString(_ node: Yams.Node, _ what: String) throws -> String {
        let s = try string(node, what)
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(node, "\(what) must not be empty") }
        return s
    }

    /// An integer scalar, at least `min` when given.
    public func int(_ node: Yams.Node, _ what: String, min: Int? = nil) throws -> Int {
        guard node.scalar != nil, let i = node.int else { throw fail(node, "\(what) must be an integer, found \(describe(node))") }
        if let min, i < min { throw fail(node, "\(what) must be at least \(min), found \(i)") }
        return i
    }

    /// `true` or `false` (YAML 1.1 spellings as Yams resolves them).
    public func bool(_ node: Yams.Node, _ what: String) throws -> Bool {
        guard node.scalar != nil, let b = node.bool else { throw fail(node, "\(what) must be true or false, found \(describe(node))") }
        return b
    }

    /// An integer or a finite float.
    public func number(_ node: Yams.Node, _ what: String) throws -> Double {
        if node.scalar != nil, let i = node.int { return Double(i) }
        if node.scalar != nil, let f = node.float, f.isFinite { return f }
        throw fail(node, "\(what) must be a finite number, found \(describe(node))")
    }

    /// The items of a list.
    public func list(_ node: Yams.Node, _ what: String) throws -> [Yams.Node] {
        guard let s = node.sequence else { throw fail(node, "\(what) must be a list, found \(describe(node))") }
        return Array(s)
    }
}
