import LockstepCore

/// The float64 oracle mode (`--precision float64`): the model is rewritten so that every float32
/// value is computed in float64 instead, then outputs are rounded back to float32 once.
///
/// What is widened, in every graph, subgraph and function body: float32 initializers and
/// constant tensors (Constant `value`/`value_float(s)`, ConstantOfShape `value`, tensor
/// attributes), declared float32 types (inputs, outputs, value_info), and type attributes that
/// name float32 (`to` of Cast, `dtype` of EyeLike/Random*/SequenceEmpty). Quantisation scales are
/// not part of the rewrite's promise: Q/DQ with float32 scales read them as float64 too, since
/// scales are initializers. float16/bfloat16 values keep their types (they are already computed in
/// float32 and rounded per op, as runtimes do).
public enum Float64Widening {
    /// A copy of `model` computing in float64 where it computed in float32.
    public static func widen(_ model: Model) throws -> Model {
        var m = model
        m.graph = try widen(m.graph)
        m.subgraphs = try m.subgraphs.map(widen)
        m.functions = try m.functions.map { f in
            var f = f
            f.nodes = try f.nodes.map(widen)
            f.attributeDefaults = try f.attributeDefaults.map { a in Attribute(name: a.name, value: try widen(a.value), docString: a.docString) }
            return f
        }
        return m
    }

    static func widen(_ graph: Graph) throws -> Graph {
        var g = graph
        g.initializers = try g.initializers.map { i in
            Initializer(name: i.name, tensor: try widen(i.tensor), isExternal: i.isExternal)
        }
        g.inputs = g.inputs.map(widen)
        g.outputs = g.outputs.map(widen)
        g.valueInfo = g.valueInfo.map(widen)
        g.nodes = try g.nodes.map(widen)
        return g
    }

    static func widen(_ node: Node) throws -> Node {
        var n = node
        let typeAttributes: Set<String> = ["to", "dtype"]
        n.attributes = try n.attributes.map { a in
            var a = a
            if typeAttributes.contains(a.name), node.op.domain.isEmpty, case .int(let code) = a.value, code == Int64(DType.float32.onnxCode) {
                a.value = .int(Int64(DType.float64.onnxCode))
            } else if node.op.name == "Constant", node.op.domain.isEmpty, a.name == "value_float", case .float(let f) = a.value {
                a = Attribute(name: "value", value: .tensor(try Tensor(dtype: .float64, shape: [], values: [Double(f)])), docString: a.docString)
            } else if node.op.name == "Constant", node.op.domain.isEmpty, a.name == "value_floats", case .floats(let fs) = a.value {
                a = Attribute(name: "value", value: .tensor(try Tensor(dtype: .float64, shape: [fs.count], values: fs.map(Double.init))),
                              docString: a.docString)
            } else {
                a.value = try widen(a.value)
            }
            return a
        }
        return n
    }

    static func widen(_ value: AttributeValue) throws -> AttributeValue {
        switch value {
        case .tensor(let t): return .tensor(try widen(t))
        case .tensors(let ts): return .tensors(try ts.map(widen))
        case .graph(let g): return .graph(try widen(g))
        case .graphs(let gs): return .graphs(try gs.map(widen))
        case .type(let t): return .type(widen(t))
        case .types(let ts): return .types(ts.map(widen))
        case .sparseTensor(var s):
            s.values = try widen(s.values)
            return .sparseTensor(s)
        case .sparseTensors(let ss):
            return .sparseTensors(try ss.map { s in
                var s = s
                s.values = try widen(s.values)
                return s
            })
        case .float, .int, .string, .floats, .ints, .strings, .reference:
            return value
        }
    }

    /// A float32 tensor as float64 (exact); other tensors unchanged.
    public static func widen(_ tensor: Tensor) throws -> Tensor {
        guard tensor.dtype == .float32 else { return tensor }
        return try Tensor(dtype: .float64, shape: tensor.shape, values: try tensor.doubleValues())
    }

    /// A float64 tensor rounded to float32 (nearest); other tensors unchanged.
    public static func narrow(_ tensor: Tensor) throws -> Tensor {
        guard tensor.dtype == .float64 else { return tensor }
        return try Tensor(float32: try tensor.floatValues(), shape: tensor.shape)
    }

    static func widen(_ info: ValueInfo) -> ValueInfo {
        var v = info
        v.type = widen(info.type)
        return v
    }

    static func widen(_ type: ValueType) -> ValueType {
        switch type {
        case .tensor(let t, let s): return .tensor(elementType: t == .float32 ? .float64 : t, shape: s)
        case .sparseTensor(let t, let s): return .sparseTensor(elementType: t == .float32 ? .float64 : t, shape: s)
        case .sequence(let e): return .sequence(e.map(widen))
        case .optional(let e): return .optional(e.map(widen))
        case .map(let k, let v): return .map(key: k, value: v.map(widen))
        case .opaque, .unspecified: return type
        }
    }
}
