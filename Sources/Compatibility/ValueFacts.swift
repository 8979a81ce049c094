import LockstepCore

/// What the rules need to know about one value of a graph.
public struct ValueFact: Sendable, Hashable {
    public var dtype: DType?
    /// `nil` when no shape is known.
    public var shape: Shape?
    /// An initializer, a constant buffer, or (ONNX) the output of a `Constant` node.
    public var isConstant: Bool
    public var quantization: QuantizationParameters?
    /// How the element type is known: `declared` (file), `inferred` (op schema), else nil.
    public var dtypeOrigin: String?

    public init(dtype: DType? = nil, shape: Shape? = nil, isConstant: Bool = false, quantization: QuantizationParameters? = nil,
                dtypeOrigin: String? = nil) {
        self.dtype = dtype
        self.shape = shape
        self.isConstant = isConstant
        self.quantization = quantization
        self.dtypeOrigin = dtypeOrigin
    }
}

/// Element types, shapes and constness of the values of one graph: what the file declares
/// (inputs, outputs, value_info, initializers; TFLite declares every tensor), plus, for ONNX,
/// element types inferred from the op schemas (`OpVocabulary`): an output typed by a type
/// parameter takes the type of an input bound to the same parameter, or the parameter's only
/// allowed type; `Cast`, `Constant`, `ConstantOfShape`, `QuantizeLinear`, `EyeLike` and the
/// random generators read their `to` / `value` / `dtype` / `output_dtype` attributes.
public struct ValueFacts: Sendable {
    public private(set) var facts: [String: ValueFact]
    /// Value name → index of the node producing it.
    public private(set) var producers: [String: Int]

    public subscript(_ name: String) -> ValueFact? { facts[name] }

    /// Facts of `graph`; `outer` holds the facts of enclosing graphs (ONNX subgraphs read outer values).
    /// `observed` fills element types and shapes the file leaves open (e.g. shapes seen in a
    /// reference run); what the file declares wins.
    public init(graph: Graph, format: ModelFormat, opsets: [String: Int], outer: [String: ValueFact] = [:],
                constantThrough: Set<String> = [], observed: [String: ValueFact] = [:]) {
        var facts = outer
        func merge(_ info: ValueInfo) {
            guard case .tensor(let t, let s) = info.type else { return }
            var f = facts[info.name] ?? ValueFact()
            if f.dtype == nil, let t { f.dtype = t; f.dtypeOrigin = "declared" }
            if f.shape == nil, let s { f.shape = s }
            if f.quantization == nil { f.quantization = info.quantization }
            facts[info.name] = f
        }
        for v in graph.inputs { merge(v) }
        for v in graph.valueInfo { merge(v) }
        for v in graph.outputs { merge(v) }
        for i in graph.initializers {
            var f = facts[i.name] ?? ValueFact()
            f.dtype = i.tensor.dtype
            f.dtypeOrigin = "declared"
            f.shape = Shape(fixed: i.tensor.shape)
            f.isConstant = true
            if f.quantization == nil { f.quantization = i.tensor.quantization }
            facts[i.name] = f
        }
        var producers: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() {
            for o in node.outputs where !o.isEmpty { producers[o] = index }
        }
        // Constants through Constant nodes (ONNX runtimes turn them into initializers) and the
        // target's constant_through ops, in node order (producers come first in valid files).
        for node in graph.nodes {
            let qualified = node.op.qualifiedName
            let isConstantNode = format == .onnx && qualified == "Constant"
            let through = constantThrough.contains(qualified)
                && node.inputs.filter { !$0.isEmpty }.allSatisfy { facts[$0]?.isConstant == true }
                && !node.inputs.filter { !$0.isEmpty }.isEmpty
            guard isConstantNode || through else { continue }
            for o in node.outputs where !o.isEmpty {
                var f = facts[o] ?? ValueFact()
                f.isConstant = true
                if isConstantNode, let t = Self.constantTensor(node) {
                    f.dtype = t.dtype
                    f.dtypeOrigin = f.dtypeOrigin ?? "inferred"
                    if f.shape == nil { f.shape = Shape(fixed: t.shape) }
                }
                facts[o] = f
            }
        }
        if format == .onnx {
            Self.inferONNX(graph: graph, opsets: opsets, facts: &facts)
        }
        for (name, seen) in observed {
            var f = facts[name] ?? ValueFact()
            if f.dtype == nil, let t = seen.dtype { f.dtype = t; f.dtypeOrigin = seen.dtypeOrigin ?? "observed" }
            if f.shape == nil || f.shape!.dimensions.contains(where: { if case .unknown = $0 { return true } else { return false } }),
               let shape = seen.shape, f.shape == nil || f.shape!.rank == shape.rank {
                f.shape = shape
            }
            facts[name] = f
        }
        self.facts = facts
        self.producers = producers
    }

    static func constantTensor(_ node: Node) -> Tensor? {
        if case .tensor(let t)? = node.attribute("value") { return t }
        return nil
    }

    // MARK: ONNX element-type inference

    static func inferONNX(graph: Graph, opsets: [String: Int], facts: inout [String: ValueFact]) {
        // Two sweeps cover files whose nodes are not in topological order.
        for _ in 0..<2 {
            var changed = false
            for node in graph.nodes {
                for (i, output) in node.outputs.enumerated() where !output.isEmpty && facts[output]?.dtype == nil {
                    if let t = outputType(node, index: i, opsets: opsets, facts: facts) {
                        var f = facts[output] ?? ValueFact()
                        f.dtype = t
                        f.dtypeOrigin = "inferred"
                        facts[output] = f
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
    }

    static func outputType(_ node: Node, index: Int, opsets: [String: Int], facts: [String: ValueFact]) -> DType? {
        func input(_ i: Int) -> DType? {
            guard i < node.inputs.count, !node.inputs[i].isEmpty else { return nil }
            return facts[node.inputs[i]]?.dtype
        }
        func intAttribute(_ name: String) -> Int64? {
            if case .int(let v)? = node.attribute(name) { return v }
            return nil
        }
        func dtypeAttribute(_ name: String) -> DType? {
            intAttribute(name).flatMap { $0 == 0 ? nil : DType(onnxCode: Int32(truncatingIfNeeded: $0)) }
        }
        let domain = OpVocabulary.normalisedDomain(node.op.domain)
        if domain.isEmpty {
            switch node.op.name {
            case "Cast": return dtypeAttribute("to")
            case "Constant":
                if let t = constantTensor(node) { return t.dtype }
                if node.attribute("value_float") != nil || node.attribute("value_floats") != nil { return .float32 }
                if node.attribute("value_int") != nil || node.attribute("value_ints") != nil { return .int64 }
                if node.attribute("value_string") != nil || node.attribute("value_strings") != nil { return .string }
                return nil
            case "ConstantOfShape":
                if case .tensor(let t)? = node.attribute("value") { return t.dtype }
                return .float32
            case "EyeLike", "RandomNormalLike", "RandomUniformLike", "Bernoulli":
                return dtypeAttribute("dtype") ?? input(0)
            case "RandomNormal", "RandomUniform":
                return dtypeAttribute("dtype") ?? .float32
            case "Multinomial":
                return dtypeAttribute("dtype") ?? .int32
            case "QuantizeLinear" where index == 0:
                return dtypeAttribute("output_dtype") ?? input(2) ?? .uint8
            default: break
            }
        }
        let opset = opsets[domain] ?? opsets[node.op.domain] ?? node.op.version
        guard let schema = OpVocabulary.shared.schema(domain: domain, name: node.op.name, opset: node.op.version ?? opset) else { return nil }
        guard !schema.outputs.isEmpty else { return nil }
        let formal = index < schema.outputs.count ? schema.outputs[index] : schema.outputs.last!
        if let t = DType(rawValue: formal.type) { return t }
        guard formal.type.hasPrefix("$") else { return nil }
        // An input bound to the same type parameter.
        for (i, f) in schema.inputs.enumerated() where f.type == formal.type {
            if f.option == .variadic {
                for j in i..<node.inputs.count { if let t = input(j) { return t } }
            } else if let t = input(i) {
                return t
            }
        }
        if let allowed = schema.typeConstraints[formal.type], allowed.count == 1 { return allowed[0] }
        return nil
    }
}
