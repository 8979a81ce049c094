import LockstepCore

/// The outcome of one target's rules for one node, before fallbacks are followed.
public enum Judgement: Sendable, Hashable {
    /// Every rule holds.
    case supported(source: String?)
    /// A rule fails (or the op is not listed): `action` says what the runtime does.
    case rejected(Rejection)
    /// A rule cannot be decided from the file (unknown element type, symbolic dimension, …).
    case undecided(Rejection)
}

/// Why a target does not (or may not) run a node.
public struct Rejection: Sendable, Hashable {
    /// What failed: `not listed`, `listed as unsupported`, `versions`, `dtypes`, `constraint 2 (input 1)`, …
    public var rule: String
    /// A sentence: what the node has and what the rule wants.
    public var reason: String
    /// Citation id in the target file.
    public var source: String?
    /// 1-based line in the target file of the rule that failed.
    public var line: Int?
    /// The action for this node (the op's own `unsupported`, else the target's).
    public var action: UnsupportedAction
    /// The op is not a standard op of its format (TFLite custom op, ONNX op of a domain without schemas).
    public var isCustom: Bool
}

/// Evaluates a target's rules (data) against nodes: a small interpreter over `OpRule` and
/// `Constraint`, with no op-specific code.
public struct RuleEvaluator: Sendable {
    public let target: Target
    let vocabulary: OpVocabulary

    public init(target: Target, vocabulary: OpVocabulary = .shared) {
        self.target = target
        self.vocabulary = vocabulary
    }

    /// Whether `node` is an op outside its format's standard vocabulary.
    public static func isCustom(_ node: Node, format: ModelFormat, vocabulary: OpVocabulary = .shared) -> Bool {
        switch format {
        case .tflite: return node.op.domain == "custom"
        case .onnx:
            let domain = OpVocabulary.normalisedDomain(node.op.domain)
            guard let ops = vocabulary.onnx[domain] else { return true }
            return ops[node.op.name] == nil
        case .tensorrt: return false
        }
    }

    /// The rules' verdict on `node` whose values are described by `facts`.
    public func judge(_ node: Node, facts: ValueFacts) -> Judgement {
        let key = node.op.qualifiedName
        let custom = Self.isCustom(node, format: target.format, vocabulary: vocabulary)
        guard let rule = target.ops[key] else {
            let what = custom ? "custom op \(key) is not listed" : "\(key) is not listed"
            let reason = target.unsupported.reason.map { "\(what): \($0)" } ?? "\(what) in \(target.id)"
            return .rejected(Rejection(rule: "not listed", reason: reason, source: target.unsupported.source ?? target.defaultSource,
                                       line: nil, action: target.unsupported, isCustom: custom))
        }
        let action = rule.unsupported ?? target.unsupported
        func reject(_ what: String, _ reason: String, source: String? = nil, line: Int? = nil) -> Judgement {
            .rejected(Rejection(rule: what, reason: reason, source: source ?? rule.source ?? target.defaultSource, line: line ?? rule.line,
                                action: action, isCustom: custom))
        }
        func undecided(_ what: String, _ reason: String, source: String? = nil, line: Int? = nil) -> Rejection {
            Rejection(rule: what, reason: reason, source: source ?? rule.source ?? target.defaultSource, line: line ?? rule.line,
                      action: action, isCustom: custom)
        }
        if !rule.supported {
            return reject("listed as unsupported", "\(key) is listed as unsupported: \(rule.reason ?? "no reason given")")
        }
        var pending: Rejection?
        // Versions.
        if let versions = rule.versions {
            let (version, what) = versionOf(node)
            if let version {
                if !versions.contains(version) {
                    return reject("versions", "\(key) \(what) \(version) is not among the supported versions \(versions)")
                }
            } else if pending == nil {
                pending = undecided("versions", "\(key) has no op version to check against \(versions)")
            }
        }
        // Element types.
        if let allowed = rule.dtypes {
            for (i, name) in dtypeSubjects(node, rule.dtypeSubject, facts: facts) {
                guard let t = facts[name]?.dtype else {
                    if pending == nil { pending = undecided("dtypes", "the element type of \(i.label) '\(name)' is not known; \(key) needs \(list(allowed))") }
                    continue
                }
                if !allowed.contains(t) {
                    return reject("dtypes", "\(i.label) '\(name)' is \(t.rawValue); \(key) supports \(list(allowed))")
                }
            }
        }
        // Constraints, in file order.
        let version = versionOf(node).0
        for (n, c) in rule.constraints.enumerated() {
            if let applies = c.versions {
                guard let version, applies.contains(version) else { continue }
            }
            let label = "constraint \(n + 1) (\(c.subject))"
            switch evaluate(c, node: node, facts: facts) {
            case .pass: continue
            case .fail(let detail):
                return reject(label, c.reason.map { "\(detail): \($0)" } ?? detail, source: c.source, line: c.line)
            case .unknown(let detail):
                if pending == nil { pending = undecided(label, c.reason.map { "\(detail) (\($0))" } ?? detail, source: c.source, line: c.line) }
            }
        }
        if let pending { return .undecided(pending) }
        return .supported(source: rule.source ?? target.defaultSource)
    }

    /// The version a node is checked with: ONNX nodes the since-version of the schema their
    /// opset resolves to (as ONNX Runtime matches kernels), else the op (opset) version.
    func versionOf(_ node: Node) -> (Int?, String) {
        switch target.format {
        case .onnx:
            if let schema = vocabulary.schema(domain: node.op.domain, name: node.op.name, opset: node.op.version), node.op.version != nil {
                return (schema.sinceVersion, "(opset \(node.op.version!), schema version)")
            }
            return (node.op.version, "opset")
        case .tflite: return (node.op.version, "op version")
        case .tensorrt: return (node.op.version, "version")
        }
    }

    struct Place {
        var isOutput: Bool
        var index: Int
        var label: String { "\(isOutput ? "output" : "input") \(index)" }
    }

    func dtypeSubjects(_ node: Node, _ subject: DTypeSubject, facts: ValueFacts) -> [(Place, String)] {
        let present = node.inputs.enumerated().filter { !$0.element.isEmpty }.map { (Place(isOutput: false, index: $0.offset), $0.element) }
        switch subject {
        case .first:
            if let first = node.inputs.first, !first.isEmpty { return [(Place(isOutput: false, index: 0), first)] }
            if node.inputs.isEmpty, let out = node.outputs.first, !out.isEmpty { return [(Place(isOutput: true, index: 0), out)] }
            return []
        case .all: return present
        case .nonConstant: return present.filter { facts[$0.1]?.isConstant != true }
        case .indices(let list):
            return list.compactMap { i in
                let j = i < 0 ? node.inputs.count + i : i
                guard j >= 0, j < node.inputs.count, !node.inputs[j].isEmpty else { return nil }
                return (Place(isOutput: false, index: j), node.inputs[j])
            }
        }
    }

    func list(_ types: [DType]) -> String { types.map(\.rawValue).joined(separator: ", ") }

    // MARK: Constraints

    enum Outcome: Equatable {
        case pass
        case fail(String)
        case unknown(String)
    }

    func evaluate(_ c: Constraint, node: Node, facts: ValueFacts) -> Outcome {
        switch c.subject {
        case .attribute(let name): return evaluateAttribute(name, c, node: node)
        case .input(let i): return evaluateTensor(isOutput: false, index: i, c, node: node, facts: facts)
        case .output(let i): return evaluateTensor(isOutput: true, index: i, c, node: node, facts: facts)
        case .inputCount, .outputCount:
            let isInput = c.subject == .inputCount
            let count = (isInput ? node.inputs : node.outputs).filter { !$0.isEmpty }.count
            let what = isInput ? "inputs" : "outputs"
            for check in c.checks {
                switch check {
                case .min(let m) where Double(count) < m: return .fail("\(count) \(what), at least \(Int(m)) needed")
                case .max(let m) where Double(count) > m: return .fail("\(count) \(what), at most \(Int(m)) allowed")
                case .equals(let v) where v.number != Double(count): return .fail("\(count) \(what), exactly \(v) needed")
                default: continue
                }
            }
            return .pass
        case .opsetImport:
            guard target.format == .onnx else { return .unknown("only ONNX models import opsets") }
            guard let opset = node.op.version else { return .unknown("the model's opset import for the node's domain is not known") }
            let domain = OpVocabulary.normalisedDomain(node.op.domain)
            let what = "the model imports \(domain.isEmpty ? "ai.onnx" : domain) opset \(opset)"
            for check in c.checks {
                switch check {
                case .min(let m) where Double(opset) < m: return .fail("\(what), at least \(Int(m)) needed")
                case .max(let m) where Double(opset) > m: return .fail("\(what), at most \(Int(m)) allowed")
                case .equals(let v) where v.number != Double(opset): return .fail("\(what), exactly \(v) needed")
                default: continue
                }
            }
            return .pass
        }
    }

    /// The attribute's value: the node's, else the schema default (ONNX), else the constraint's `default`.
    func attributeValue(_ name: String, _ c: Constraint, node: Node) -> ConstraintValue?? {
        if let v = node.attribute(name) { return .some(Self.value(v)) }
        if target.format == .onnx, let schema = vocabulary.schema(domain: node.op.domain, name: node.op.name, opset: node.op.version) {
            if let d = schema.attributeDefaults[name], schema.attributeKinds[name] != "TENSOR" { return .some(Self.value(d)) }
            // List attributes the operator docs default per spatial axis, without a schema default.
            // An attribute added in a later version: older versions behave as its default there.
            if schema.attributeKinds[name] == nil,
               let later = vocabulary.onnx[OpVocabulary.normalisedDomain(node.op.domain)]?[node.op.name]?.reversed()
                .first(where: { $0.attributeDefaults[name] != nil && $0.attributeKinds[name] != "TENSOR" }),
               let d = later.attributeDefaults[name] {
                return .some(Self.value(d))
            }
            // (Older schemas without the attribute at all behave as its default.)
            if schema.attributeKinds[name] == "INTS" || schema.attributeKinds[name] == nil, let implied = Self.impliedONNXDefaults[name] {
                return .some(implied)
            }
        }
        if let d = c.defaultValue { return .some(d) }
        return .none
    }

    /// Defaults the ONNX operator docs state in prose for list attributes (Conv, ConvTranspose,
    /// pooling: "defaults to 1 along each spatial axis" / "defaults to 0"), compared element-wise.
    static let impliedONNXDefaults: [String: ConstraintValue] = ["dilations": .int(1), "strides": .int(1), "pads": .int(0), "output_padding": .int(0)]

    /// An attribute as a constraint value (`nil` when it is not comparable: graphs, tensors, …).
    static func value(_ v: AttributeValue) -> ConstraintValue? {
        switch v {
        case .int(let i): return .int(i)
        case .float(let f): return .float(Double(f))
        case .string(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
        case .ints(let l): return .list(l.map { .int($0) })
        case .floats(let l): return .list(l.map { .float(Double($0)) })
        case .strings(let l): return .list(l.map { .string(String(decoding: $0, as: UTF8.self)) })
        default: return nil
        }
    }

    static func same(_ a: ConstraintValue, _ b: ConstraintValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.list, _), (_, .list), (.string, _), (_, .string): return false
        default: return a.number == b.number
        }
    }

    func evaluateAttribute(_ name: String, _ c: Constraint, node: Node) -> Outcome {
        let found = attributeValue(name, c, node: node)
        let label = "attribute \(name)"
        for check in c.checks {
            if case .present(let want) = check {
                let has = node.attribute(name) != nil
                if has != want { return .fail(want ? "\(label) is not set" : "\(label) is set") }
                continue
            }
            guard case .some(let maybe) = found else { return .unknown("\(label) is not set and its default is not known") }
            guard let value = maybe else { return .unknown("\(label) holds a value that cannot be compared") }
            let elements: [ConstraintValue]
            if case .list(let l) = value { elements = l } else { elements = [value] }
            switch check {
            case .oneOf(let items):
                let wholeList = items.contains { if case .list = $0 { return true } else { return false } }
                let ok = wholeList || !isList(value)
                    ? items.contains { Self.same($0, value) }
                    : elements.allSatisfy { e in items.contains { Self.same($0, e) } }
                if !ok { return .fail("\(label) is \(value), allowed: \(items.map(\.description).joined(separator: ", "))") }
            case .noneOf(let items):
                let wholeList = items.contains { if case .list = $0 { return true } else { return false } }
                let bad = wholeList ? items.contains { Self.same($0, value) } : elements.contains { e in items.contains { Self.same($0, e) } }
                if bad { return .fail("\(label) is \(value), not allowed: \(items.map(\.description).joined(separator: ", "))") }
            case .equals(let want):
                if !Self.same(want, value) { return .fail("\(label) is \(value), must be \(want)") }
            case .range(let lo, let hi):
                for e in elements {
                    guard let x = e.number else { return .unknown("\(label) is \(value), not a number") }
                    if x < lo || x > hi { return .fail("\(label) is \(value), must be within [\(fmt(lo)), \(fmt(hi))]") }
                }
            case .min(let lo):
                for e in elements {
                    guard let x = e.number else { return .unknown("\(label) is \(value), not a number") }
                    if x < lo { return .fail("\(label) is \(value), must be at least \(fmt(lo))") }
                }
            case .max(let hi):
                for e in elements {
                    guard let x = e.number else { return .unknown("\(label) is \(value), not a number") }
                    if x > hi { return .fail("\(label) is \(value), must be at most \(fmt(hi))") }
                }
            default:
                continue
            }
        }
        return .pass
    }

    func isList(_ v: ConstraintValue) -> Bool { if case .list = v { return true } else { return false } }

    func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }

    func evaluateTensor(isOutput: Bool, index: Int, _ c: Constraint, node: Node, facts: ValueFacts) -> Outcome {
        let names = isOutput ? node.outputs : node.inputs
        let j = index < 0 ? names.count + index : index
        let label = "\(isOutput ? "output" : "input") \(index)"
        let name: String? = j >= 0 && j < names.count && !names[j].isEmpty ? names[j] : nil
        for check in c.checks {
            if case .present(let want) = check {
                if (name != nil) != want { return .fail(want ? "\(label) is absent" : "\(label) is present") }
            }
        }
        guard let name else { return .pass }  // other checks only apply to a present tensor
        let fact = facts[name] ?? ValueFact()
        let what = "\(label) '\(name)'"
        for check in c.checks {
            switch check {
            case .dtype(let allowed):
                guard let t = fact.dtype else { return .unknown("the element type of \(what) is not known") }
                if !allowed.contains(t) { return .fail("\(what) is \(t.rawValue), allowed: \(list(allowed))") }
            case .rank(let lo, let hi):
                guard let shape = fact.shape else { return .unknown("the rank of \(what) is not known") }
                if let lo, shape.rank < lo { return .fail("\(what) has rank \(shape.rank), at least \(lo) needed") }
                if let hi, shape.rank > hi { return .fail("\(what) has rank \(shape.rank), at most \(hi) allowed") }
            case .constant(let want):
                if fact.isConstant != want { return .fail(want ? "\(what) is not constant" : "\(what) is constant") }
            case .staticShape(let want):
                guard let shape = fact.shape else { return .unknown("the shape of \(what) is not known") }
                if shape.isStatic != want { return .fail(want ? "\(what) has a dynamic shape \(shape)" : "\(what) has a static shape") }
            case .quantized(let want):
                let q = isQuantized(fact)
                if q != want { return .fail(want ? "\(what) is not quantised (\(fact.dtype?.rawValue ?? "?"))" : "\(what) is quantised") }
            case .perChannel(let want):
                let p = fact.quantization?.granularity == .perAxis
                if p != want { return .fail(want ? "\(what) is not quantised per channel" : "\(what) is quantised per channel") }
            case .dim(let axis, let lo, let hi):
                guard let shape = fact.shape else { return .unknown("the shape of \(what) is not known") }
                let a = axis < 0 ? shape.rank + axis : axis
                guard a >= 0, a < shape.rank else { return .fail("\(what) has rank \(shape.rank), no axis \(axis)") }
                guard let d = shape.dimensions[a].fixedValue else { return .unknown("dimension \(axis) of \(what) is not fixed (\(shape))") }
                if let lo, d < lo { return .fail("dimension \(axis) of \(what) is \(d), at least \(lo) needed") }
                if let hi, d > hi { return .fail("dimension \(axis) of \(what) is \(d), at most \(hi) allowed") }
            case .maxElements(let m):
                guard let dims = fact.shape?.fixedDimensions else { return .unknown("the element count of \(what) is not known") }
                guard let n = Shape.elementCount(dims) else { return .fail("\(what) has more elements than can be counted") }
                if n > m { return .fail("\(what) has \(n) elements, at most \(m) allowed") }
            default:
                continue
            }
        }
        return .pass
    }

    /// A quantised tensor: one with quantisation parameters (TFLite), or (ONNX, which keeps
    /// them on QuantizeLinear/DequantizeLinear) an 8-, 4- or 16-bit integer tensor.
    func isQuantized(_ fact: ValueFact) -> Bool {
        if let q = fact.quantization, !q.scales.isEmpty { return true }
        guard target.format == .onnx, let t = fact.dtype else { return false }
        return [.int8, .uint8, .int4, .uint4, .int16, .uint16].contains(t)
    }
}
