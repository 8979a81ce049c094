import LockstepCore

/// Facts about a source ONNX graph the correspondence needs: constants (with constant folding),
/// producers and consumers, declared shapes, Clip bounds.
struct SourceGraphFacts {
    let graph: Graph
    /// Values known ahead of time: initializers, Constant outputs, outputs of nodes whose inputs are
    /// all known, and Shape of a tensor whose shape is static.
    private(set) var constants: Set<String> = []
    /// Constant values where they are tensors the file holds (initializers, Constant nodes).
    private(set) var constantTensors: [String: Tensor] = [:]
    /// Nodes folded away (every input known): index set.
    private(set) var folded: Set<Int> = []
    private(set) var producer: [String: Int] = [:]
    private(set) var consumers: [String: [Int]] = [:]
    private(set) var shapes: [String: [Int]] = [:]

    init(_ graph: Graph) {
        self.graph = graph
        for i in graph.initializers {
            constants.insert(i.name)
            constantTensors[i.name] = i.tensor
        }
        for v in graph.inputs + graph.valueInfo + graph.outputs {
            if case .tensor(_, let shape?) = v.type, let dims = shape.fixedDimensions { shapes[v.name] = dims }
        }
        for (index, node) in graph.nodes.enumerated() {
            for o in node.outputs where !o.isEmpty { producer[o] = index }
            for i in node.inputs where !i.isEmpty { consumers[i, default: []].append(index) }
            if node.op.name == "Constant", case .tensor(let t)? = node.attribute("value"), let out = node.outputs.first {
                constants.insert(out)
                constantTensors[out] = t
                continue
            }
            let inputs = node.inputs.filter { !$0.isEmpty }
            let shapeOfStatic = node.op.name == "Shape" && inputs.count == 1 && shapes[inputs[0]] != nil
            if !node.outputs.isEmpty, shapeOfStatic || (!inputs.isEmpty && inputs.allSatisfy { constants.contains($0) }) {
                folded.insert(index)
                for o in node.outputs where !o.isEmpty { constants.insert(o) }
            }
        }
    }

    func isConstant(_ name: String) -> Bool { constants.contains(name) }

    /// The node's inputs that carry run-time data (not constants), in order.
    func dataInputs(_ node: Node) -> [String] { node.inputs.filter { !$0.isEmpty && !constants.contains($0) } }

    /// True when `tensor` feeds exactly one node and is not a graph output.
    func hasSingleConsumer(_ tensor: String) -> Bool {
        (consumers[tensor]?.count ?? 0) == 1 && !graph.outputs.contains { $0.name == tensor }
    }

    /// Clip's bounds from attributes (opset < 11) or constant inputs; nil when either is not known.
    func clipBounds(_ node: Node) -> (Double, Double)? {
        if case .float(let lo)? = node.attribute("min"), case .float(let hi)? = node.attribute("max") { return (Double(lo), Double(hi)) }
        func value(_ index: Int, _ fallback: Double) -> Double? {
            guard index < node.inputs.count, !node.inputs[index].isEmpty else { return fallback }
            guard let t = constantTensors[node.inputs[index]], t.count == 1, let v = try? t.doubleValues().first else { return nil }
            return v
        }
        guard let lo = value(1, -.infinity), let hi = value(2, .infinity) else { return nil }
        return (lo, hi)
    }

    /// Dropout runs in inference mode: no training_mode input, or a constant false one.
    func isInference(_ node: Node) -> Bool {
        guard node.inputs.count > 2, !node.inputs[2].isEmpty else { return true }
        guard let t = constantTensors[node.inputs[2]], let v = try? t.doubleValues().first else { return false }
        return v == 0
    }
}
