import Foundation
import LockstepCore
import YAMLSupport
import Yams

/// Reads one `opsets/` target file (schema 1, `opsets/README.md`) strictly: an unknown key, a
/// bad value, a bad version range, an unknown DType or op name, a duplicate key, or a rule naming
/// an undeclared source fails with `<file>:<line>: <reason>`.
public enum TargetLoader {
    /// Largest target file read (the biggest real one, ORT CPU, is well under 1 MB).
    public static let maximumFileBytes = 16 << 20

    /// Loads the file at `path`; errors name `displayPath` (default: `path`).
    public static func load(path: String, displayPath: String? = nil) throws -> Target {
        let shown = displayPath ?? path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw CompatibilityError.invalidTargetFile(path: shown, line: nil, reason: "cannot read: no such file")
        }
        if let size = attributes[.size] as? Int, size > maximumFileBytes {
            throw CompatibilityError.invalidTargetFile(path: shown, line: nil, reason: "file is \(size) bytes, more than the \(maximumFileBytes) a target file may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompatibilityError.invalidTargetFile(path: shown, line: nil, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CompatibilityError.invalidTargetFile(path: shown, line: nil, reason: "not UTF-8 text")
        }
        return try parse(yaml: text, path: shown)
    }

    /// Parses target YAML; `path` names the file in errors and becomes `Target.path`.
    public static func parse(yaml: String, path: String) throws -> Target {
        var reader = Reader(path: path)
        do {
            guard let root = try reader.compose(yaml) else { throw YAMLProblem(line: nil, reason: "empty file") }
            return try reader.target(root)
        } catch let problem as YAMLProblem {
            throw CompatibilityError.invalidTargetFile(path: path, line: problem.line, reason: problem.reason)
        }
    }
}

/// The keys the format allows, by place (also used by docs/tests).
enum TargetKeys {
    static let top: [String] = ["schema", "id", "name", "format", "kind", "runtime", "accelerator", "sources", "default_source",
                                "unsupported", "fallback_target", "constant_through", "partitioning", "model", "notes", "ops"]
    static let runtime: [String] = ["name", "versions"]
    static let source: [String] = ["id", "title", "url", "repository", "path", "version", "retrieved", "notes"]
    static let unsupported: [String] = ["action", "to", "reason", "source"]
    static let model: [String] = ["ir_version", "opset", "reason", "source"]
    static let partitioning: [String] = ["min_nodes_per_partition", "max_partitions", "whole_graph_only", "stop_at_first_unsupported"]
    static let op: [String] = ["source", "versions", "dtypes", "dtype_inputs", "constraints", "unsupported", "supported", "reason", "notes"]
    static let constraintSubjects: [String] = ["attribute", "input", "output", "inputs", "outputs", "opset"]
    static let attributeChecks: [String] = ["in", "not_in", "equals", "range", "min", "max", "present"]
    static let tensorChecks: [String] = ["dtype", "rank", "constant", "static_shape", "quantized", "per_channel", "dim", "max_elements", "present"]
    static let countChecks: [String] = ["min", "max", "equals"]
    static let constraintOther: [String] = ["reason", "source", "default", "notes", "versions"]
}

private struct Reader: YAMLReading {
    let path: String
    var sourceIDs: Set<String> = []
    var defaultSource: String?

    init(path: String) { self.path = path }

    // MARK: Generic helpers (the rest are YAMLReading's)

    func dtypes(_ node: Yams.Node, _ what: String) throws -> [DType] {
        let items: [Yams.Node] = node.sequence.map(Array.init) ?? [node]
        return try items.map { item in
            let name = try string(item, what)
            guard let t = DType(rawValue: name) else {
                let hint = Suggestions.closest(to: name, in: DType.allCases.map(\.rawValue), limit: 1).first.map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(item, "\(what): unknown element type '\(name)'\(hint)")
            }
            return t
        }
    }

    func checkSource(_ node: Yams.Node?, _ id: String?, _ what: String) throws {
        guard let id else { return }
        guard sourceIDs.contains(id) else {
            throw fail(node, "\(what) names source '\(id)', which the file does not declare under sources (declared: \(sourceIDs.sorted().joined(separator: ", ")))")
        }
    }

    // MARK: Target

    mutating func target(_ root: Yams.Node) throws -> Target {
        let top = try mapping(root, "the file", allowed: TargetKeys.top)
        func required(_ key: String) throws -> Yams.Node {
            guard let v = top[key] else { throw fail(nil, "missing required key '\(key)'") }
            return v
        }

        let schemaNode = try required("schema")
        let schema = try int(schemaNode, "schema")
        guard schema == 1 else { throw fail(schemaNode, "schema \(schema) is not supported (this Lockstep reads schema 1)") }

        let idNode = try required("id")
        let id = try nonEmptyString(idNode, "id")
        guard id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw fail(idNode, "id '\(id)' may only contain a-z, 0-9 and '-'")
        }
        let name = try nonEmptyString(try required("name"), "name")
        let formatNode = try required("format")
        let formatText = try string(formatNode, "format")
        guard let format = ModelFormat(rawValue: formatText) else {
            throw fail(formatNode, "unknown format '\(formatText)' (expected onnx, tflite or tensorrt)")
        }
        let kindNode = try required("kind")
        let kindText = try string(kindNode, "kind")
        guard let kind = TargetKind(rawValue: kindText) else {
            throw fail(kindNode, "unknown kind '\(kindText)' (expected \(TargetKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let runtimeNode = try required("runtime")
        var runtimeName: String?, runtimeVersions: String?
        for p in try mapping(runtimeNode, "runtime", allowed: TargetKeys.runtime) {
            if p.key == "name" { runtimeName = try nonEmptyString(p.value, "runtime.name") }
            else { runtimeVersions = try nonEmptyString(p.value, "runtime.versions") }
        }
        guard let runtimeName, let runtimeVersions else { throw fail(runtimeNode, "runtime needs 'name' and 'versions'") }
        var accelerator: Device?
        if let n = top["accelerator"] { accelerator = try device(n, "accelerator") }

        let sourcesNode = try required("sources")
        let sourceItems = try list(sourcesNode, "sources")
        guard !sourceItems.isEmpty else { throw fail(sourcesNode, "sources must not be empty: every rule needs a citation") }
        var sources: [Source] = []
        for item in sourceItems {
            let s = try source(item)
            guard sourceIDs.insert(s.id).inserted else { throw fail(item, "duplicate source id '\(s.id)'") }
            sources.append(s)
        }
        if let n = top["default_source"] {
            let d = try nonEmptyString(n, "default_source")
            try checkSource(n, d, "default_source")
            defaultSource = d
        }
        let unsupportedNode = try required("unsupported")
        let unsupported = try action(unsupportedNode, "unsupported")
        var fallbackTarget: String?
        if let n = top["fallback_target"] {
            fallbackTarget = try nonEmptyString(n, "fallback_target")
            guard fallbackTarget != id else { throw fail(n, "fallback_target names the target itself") }
        }
        var constantThrough: [String] = []
        if let n = top["constant_through"] {
            for item in try list(n, "constant_through") {
                let op = try nonEmptyString(item, "constant_through")
                try checkOpName(item, op, format: format)
                constantThrough.append(op)
            }
        }
        var partitioning = Partitioning()
        if let n = top["partitioning"] { partitioning = try self.partitioning(n) }
        var limits = ModelLimits()
        if let n = top["model"] { limits = try modelLimits(n) }
        var notes: String?
        if let n = top["notes"] { notes = try string(n, "notes") }

        let opsNode = try required("ops")
        var ops: [String: OpRule] = [:]
        if opsNode.null == nil {
            guard opsNode.mapping != nil else { throw fail(opsNode, "ops must be a mapping of op name to rule, found \(describe(opsNode))") }
            for (k, v) in opsNode.mapping! {
                guard let opName = k.scalar?.string, !opName.isEmpty else { throw fail(k, "ops: op names must be plain text") }
                guard ops[opName] == nil else { throw fail(k, "ops: duplicate op '\(opName)'") }
                try checkOpName(k, opName, format: format)
                ops[opName] = try rule(opName, keyNode: k, v)
            }
        }
        return Target(id: id, name: name, format: format, kind: kind, runtime: RuntimeDescription(name: runtimeName, versions: runtimeVersions),
                      accelerator: accelerator, sources: sources, defaultSource: defaultSource, unsupported: unsupported,
                      fallbackTarget: fallbackTarget, constantThrough: constantThrough, partitioning: partitioning, modelLimits: limits, notes: notes,
                      ops: ops, path: path)
    }

    func device(_ node: Yams.Node, _ what: String) throws -> Device {
        let text = try string(node, what)
        guard let d = Device(rawValue: text) else {
            throw fail(node, "\(what): unknown device '\(text)' (expected \(Device.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return d
    }

    func checkOpName(_ node: Yams.Node, _ op: String, format: ModelFormat) throws {
        let vocabulary = OpVocabulary.shared
        switch format {
        case .onnx:
            guard vocabulary.isKnownOrForeignONNX(op) else {
                let (domain, _) = OpVocabulary.split(op)
                let hint = vocabulary.suggestions(for: op, format: .onnx).first.map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(node, "unknown op '\(op)': not an op of domain '\(domain.isEmpty ? "ai.onnx" : domain)' in onnx \(vocabulary.onnxPackageVersion) / onnxruntime \(vocabulary.onnxruntimePackageVersion)\(hint)")
            }
        case .tflite:
            if op.hasPrefix("custom::") {
                guard op.count > "custom::".count else { throw fail(node, "custom op '\(op)' has no name") }
                return
            }
            guard vocabulary.tfliteBuiltins.contains(op) else {
                let hint = vocabulary.suggestions(for: op, format: .tflite).first.map { " (did you mean '\($0)'?)" } ?? ""
                throw fail(node, "unknown op '\(op)': not a TFLite builtin operator (custom ops are written custom::NAME)\(hint)")
            }
        case .tensorrt:
            guard !op.contains(where: \.isWhitespace) else { throw fail(node, "TensorRT layer type '\(op)' contains white space") }
        }
    }

    func source(_ node: Yams.Node) throws -> Source {
        var values: [String: String] = [:]
        for p in try mapping(node, "source", allowed: TargetKeys.source) {
            values[p.key] = try string(p.value, "source \(p.key)")
        }
        guard let id = values["id"], !id.isEmpty else { throw fail(node, "a source needs an 'id'") }
        guard let title = values["title"], !title.isEmpty else { throw fail(node, "source '\(id)' needs a 'title'") }
        guard values["url"] != nil || values["repository"] != nil else {
            throw fail(node, "source '\(id)' needs a 'url' or a 'repository' (with 'path')")
        }
        if let url = values["url"], !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw fail(node, "source '\(id)': url '\(url)' is not an http(s) URL")
        }
        guard let version = values["version"], !version.isEmpty else {
            throw fail(node, "source '\(id)' needs a 'version' (page date, tag or commit)")
        }
        return Source(id: id, title: title, url: values["url"], repository: values["repository"], path: values["path"], version: version,
                      retrieved: values["retrieved"])
    }

    func action(_ node: Yams.Node, _ what: String) throws -> UnsupportedAction {
        var actionText: String?, to: Device?, reason: String?, source: String?
        var actionNode: Yams.Node?
        var toNode: Yams.Node?
        for p in try mapping(node, what, allowed: TargetKeys.unsupported) {
            switch p.key {
            case "action": actionText = try string(p.value, "\(what).action"); actionNode = p.value
            case "to": to = try device(p.value, "\(what).to"); toNode = p.value
            case "reason": reason = try string(p.value, "\(what).reason")
            default:
                source = try nonEmptyString(p.value, "\(what).source")
                try checkSource(p.value, source, what)
            }
        }
        guard let actionText else { throw fail(node, "\(what) needs an 'action' (fallback or error)") }
        guard let action = UnsupportedAction.Action(rawValue: actionText) else {
            throw fail(actionNode, "\(what): unknown action '\(actionText)' (expected fallback or error)")
        }
        if action == .fallback, to == nil { throw fail(node, "\(what): 'action: fallback' needs 'to' (the device, e.g. cpu)") }
        if action == .error, to != nil { throw fail(toNode, "\(what): 'to' only goes with 'action: fallback'") }
        return UnsupportedAction(action: action, to: to, reason: reason, source: source)
    }

    func modelLimits(_ node: Yams.Node) throws -> ModelLimits {
        var limits = ModelLimits()
        for item in try mapping(node, "model", allowed: TargetKeys.model) {
            switch item.key {
            case "ir_version":
                for q in try mapping(item.value, "model.ir_version", allowed: ["max"]) {
                    limits.maxIRVersion = try int(q.value, "model.ir_version.max")
                }
            case "opset":
                for q in try mapping(item.value, "model.opset", allowed: ["max"]) {
                    if let m = q.value.mapping {
                        for (k, v) in m { limits.maxOpset[OpVocabulary.normalisedDomain(k.scalar?.string ?? "")] = try int(v, "model.opset.max") }
                    } else {
                        limits.maxOpset[""] = try int(q.value, "model.opset.max")
                    }
                }
            case "reason": limits.reason = try string(item.value, "model.reason")
            default:
                limits.source = try nonEmptyString(item.value, "model.source")
                try checkSource(item.value, limits.source, "model")
            }
        }
        return limits
    }

    func partitioning(_ node: Yams.Node) throws -> Partitioning {
        var p = Partitioning()
        for item in try mapping(node, "partitioning", allowed: TargetKeys.partitioning) {
            switch item.key {
            case "min_nodes_per_partition":
                p.minNodesPerPartition = try int(item.value, "partitioning.min_nodes_per_partition")
                guard p.minNodesPerPartition >= 1 else { throw fail(item.value, "partitioning.min_nodes_per_partition must be at least 1") }
            case "max_partitions":
                if item.value.null == nil {
                    let m = try int(item.value, "partitioning.max_partitions")
                    guard m >= 1 else { throw fail(item.value, "partitioning.max_partitions must be at least 1 (or null for no limit)") }
                    p.maxPartitions = m
                }
            case "whole_graph_only":
                p.wholeGraphOnly = try bool(item.value, "partitioning.whole_graph_only")
            default:
                p.stopAtFirstUnsupported = try bool(item.value, "partitioning.stop_at_first_unsupported")
            }
        }
        return p
    }

    // MARK: Op rules

    func rule(_ op: String, keyNode: Yams.Node, _ node: Yams.Node) throws -> OpRule {
        var rule = OpRule(op: op, supported: true, source: nil, versions: nil, firstRuntimeVersion: [:], dtypes: nil, dtypeSubject: .first,
                          constraints: [], unsupported: nil, reason: nil, notes: nil, line: keyNode.mark?.line ?? 0)
        if node.null != nil { return try finish(rule, keyNode) }
        let what = "op '\(op)'"
        for p in try mapping(node, what, allowed: TargetKeys.op) {
            switch p.key {
            case "source":
                rule.source = try nonEmptyString(p.value, "\(what) source")
                try checkSource(p.value, rule.source, what)
            case "versions":
                (rule.versions, rule.firstRuntimeVersion) = try versions(p.value, what)
            case "dtypes":
                rule.dtypes = try dtypes(p.value, "\(what) dtypes")
            case "dtype_inputs":
                rule.dtypeSubject = try dtypeSubject(p.value, what)
            case "constraints":
                rule.constraints = try list(p.value, "\(what) constraints").map { try constraint($0, what) }
            case "unsupported":
                rule.unsupported = try action(p.value, "\(what) unsupported")
            case "supported":
                rule.supported = try bool(p.value, "\(what) supported")
            case "reason":
                rule.reason = try string(p.value, "\(what) reason")
            default:
                rule.notes = try string(p.value, "\(what) notes")
            }
        }
        if !rule.supported, rule.reason == nil {
            throw fail(keyNode, "\(what) is listed as not supported but gives no 'reason'")
        }
        return try finish(rule, keyNode)
    }

    func finish(_ rule: OpRule, _ keyNode: Yams.Node) throws -> OpRule {
        guard rule.source != nil || defaultSource != nil else {
            throw fail(keyNode, "op '\(rule.op)' names no source and the file has no default_source: every rule needs a citation")
        }
        return rule
    }

    func versions(_ node: Yams.Node, _ what: String) throws -> (VersionSet, [Int: String]) {
        if let i = node.int, node.scalar != nil {
            guard i >= 1 else { throw fail(node, "\(what) versions: \(i) is not a version (versions start at 1)") }
            return (VersionSet(ranges: [(i, i)]), [:])
        }
        if let seq = node.sequence {
            var ranges: [(lower: Int, upper: Int?)] = []
            for item in seq {
                guard let i = item.int, i >= 1 else { throw fail(item, "\(what) versions: '\(item.scalar?.string ?? describe(item))' is not a version") }
                ranges.append((i, i))
            }
            guard !ranges.isEmpty else { throw fail(node, "\(what) versions: the list is empty") }
            return (VersionSet(ranges: ranges), [:])
        }
        if let m = node.mapping {
            var ranges: [(lower: Int, upper: Int?)] = []
            var first: [Int: String] = [:]
            for (k, v) in m {
                guard let i = k.int, i >= 1 else { throw fail(k, "\(what) versions: key '\(k.scalar?.string ?? describe(k))' is not an op version") }
                guard first[i] == nil, !ranges.contains(where: { $0.lower == i }) else { throw fail(k, "\(what) versions: duplicate version \(i)") }
                if v.null == nil { first[i] = try nonEmptyString(v, "\(what) versions[\(i)] (first runtime version)") }
                ranges.append((i, i))
            }
            guard !ranges.isEmpty else { throw fail(node, "\(what) versions: the map is empty") }
            return (VersionSet(ranges: ranges), first)
        }
        let text = try string(node, "\(what) versions")
        switch VersionSet.parse(text) {
        case .success(let set): return (set, [:])
        case .failure(let e): throw fail(node, "\(what) versions: \(e.reason)")
        }
    }

    func dtypeSubject(_ node: Yams.Node, _ what: String) throws -> DTypeSubject {
        if let s = node.scalar?.string, node.int == nil {
            switch s {
            case "first": return .first
            case "all": return .all
            case "nonconstant": return .nonConstant
            default: throw fail(node, "\(what) dtype_inputs: '\(s)' (expected first, all, nonconstant or a list of input indices)")
            }
        }
        if let i = node.int { return .indices([i]) }
        return .indices(try list(node, "\(what) dtype_inputs").map { try int($0, "\(what) dtype_inputs") })
    }

    func constraint(_ node: Yams.Node, _ what: String) throws -> Constraint {
        guard node.mapping != nil else { throw fail(node, "\(what): a constraint must be a mapping, found \(describe(node))") }
        // Which subject, first (the allowed checks depend on it).
        let subjectKeys = node.mapping!.compactMap { $0.key.scalar?.string }.filter { TargetKeys.constraintSubjects.contains($0) }
        guard subjectKeys.count == 1 else {
            throw fail(node, "\(what): a constraint names exactly one of \(TargetKeys.constraintSubjects.joined(separator: ", ")) (found \(subjectKeys.isEmpty ? "none" : subjectKeys.joined(separator: ", ")))")
        }
        let subjectKey = subjectKeys[0]
        let checkKeys: [String]
        switch subjectKey {
        case "attribute": checkKeys = TargetKeys.attributeChecks
        case "input", "output": checkKeys = TargetKeys.tensorChecks
        default: checkKeys = TargetKeys.countChecks
        }
        let pairs = try mapping(node, "\(what) constraint on '\(subjectKey)'", allowed: [subjectKey] + checkKeys + TargetKeys.constraintOther)
        var c = Constraint(subject: .inputCount, checks: [], defaultValue: nil, versions: nil, reason: nil, source: nil, line: node.mark?.line ?? 0)
        for p in pairs {
            let label = "\(what) constraint '\(p.key)'"
            switch p.key {
            case "attribute": c.subject = .attribute(try nonEmptyString(p.value, label))
            case "input": c.subject = .input(try int(p.value, label))
            case "output": c.subject = .output(try int(p.value, label))
            case "inputs", "outputs":
                guard try string(p.value, label) == "count" else { throw fail(p.value, "\(label): write '\(p.key): count'") }
                c.subject = p.key == "inputs" ? .inputCount : .outputCount
            case "opset":
                guard try string(p.value, label) == "import" else { throw fail(p.value, "\(label): write 'opset: import'") }
                c.subject = .opsetImport
            case "reason": c.reason = try string(p.value, label)
            case "notes": _ = try string(p.value, label)
            case "versions":
                let (set, first) = try versions(p.value, label)
                guard first.isEmpty else { throw fail(p.value, "\(label): a constraint's versions are a list or ranges, not a map") }
                c.versions = set
            case "source":
                c.source = try nonEmptyString(p.value, label)
                try checkSource(p.value, c.source, label)
            case "default":
                guard subjectKey == "attribute" else { throw fail(p.keyNode, "\(label): 'default' only goes with 'attribute'") }
                c.defaultValue = try value(p.value, label)
            case "in", "not_in":
                let items = try list(p.value, label).map { try value($0, label) }
                guard !items.isEmpty else { throw fail(p.value, "\(label): the list is empty") }
                c.checks.append(p.key == "in" ? .oneOf(items) : .noneOf(items))
            case "equals":
                if subjectKey == "attribute" { c.checks.append(.equals(try value(p.value, label))) }
                else { c.checks.append(.equals(.int(Int64(try int(p.value, label))))) }
            case "range":
                let items = try list(p.value, label)
                guard items.count == 2 else { throw fail(p.value, "\(label): expected [low, high]") }
                let lo = try number(items[0], label), hi = try number(items[1], label)
                guard lo <= hi else { throw fail(p.value, "\(label): range [\(lo), \(hi)] is empty") }
                c.checks.append(.range(lo, hi))
            case "min": c.checks.append(.min(try number(p.value, label)))
            case "max": c.checks.append(.max(try number(p.value, label)))
            case "present": c.checks.append(.present(try bool(p.value, label)))
            case "dtype": c.checks.append(.dtype(try dtypes(p.value, label)))
            case "rank":
                if let r = p.value.int {
                    guard r >= 0 else { throw fail(p.value, "\(label): rank \(r) is negative") }
                    c.checks.append(.rank(min: r, max: r))
                } else {
                    var lo: Int?, hi: Int?
                    for q in try mapping(p.value, label, allowed: ["min", "max"]) {
                        if q.key == "min" { lo = try int(q.value, label) } else { hi = try int(q.value, label) }
                    }
                    guard lo != nil || hi != nil else { throw fail(p.value, "\(label): give min and/or max") }
                    if let lo, let hi, lo > hi { throw fail(p.value, "\(label): min \(lo) > max \(hi)") }
                    c.checks.append(.rank(min: lo, max: hi))
                }
            case "constant": c.checks.append(.constant(try bool(p.value, label)))
            case "static_shape": c.checks.append(.staticShape(try bool(p.value, label)))
            case "quantized": c.checks.append(.quantized(try bool(p.value, label)))
            case "per_channel": c.checks.append(.perChannel(try bool(p.value, label)))
            case "dim":
                var axis: Int?, lo: Int?, hi: Int?
                for q in try mapping(p.value, label, allowed: ["axis", "min", "max"]) {
                    switch q.key {
                    case "axis": axis = try int(q.value, label)
                    case "min": lo = try int(q.value, label)
                    default: hi = try int(q.value, label)
                    }
                }
                guard let axis else { throw fail(p.value, "\(label): 'axis' is required") }
                guard lo != nil || hi != nil else { throw fail(p.value, "\(label): give min and/or max") }
                if let lo, let hi, lo > hi { throw fail(p.value, "\(label): min \(lo) > max \(hi)") }
                c.checks.append(.dim(axis: axis, min: lo, max: hi))
            case "max_elements":
                let m = try int(p.value, label)
                guard m >= 0 else { throw fail(p.value, "\(label): must not be negative") }
                c.checks.append(.maxElements(m))
            default:
                throw fail(p.keyNode, "\(label): not a check")
            }
        }
        guard !c.checks.isEmpty else { throw fail(node, "\(what): constraint on \(c.subject) has no check (allowed: \(checkKeys.joined(separator: ", ")))") }
        return c
    }

    func value(_ node: Yams.Node, _ what: String) throws -> ConstraintValue {
        if let seq = node.sequence { return .list(try seq.map { try value($0, what) }) }
        guard case .scalar(let s) = node, node.null == nil else { throw fail(node, "\(what): expected a value, found \(describe(node))") }
        if s.style == .plain {
            if let i = node.int { return .int(Int64(i)) }
            if let b = node.bool { return .bool(b) }
            if let f = node.float { return .float(f) }
        }
        return .string(s.string)
    }
}
