import Dispatch
import LockstepCore

/// What a run keeps besides the graph outputs.
public enum IntermediatePolicy: Sendable, Equatable {
    case none
    /// Every value computed in the main graph.
    case all
    /// Only these value names.
    case names(Set<String>)

    func keeps(_ name: String) -> Bool {
        switch self {
        case .none: return false
        case .all: return true
        case .names(let set): return set.contains(name)
        }
    }
}

/// Options of one run.
public struct RunOptions: Sendable {
    public var intermediates: IntermediatePolicy
    /// Time every node of the main graph (`RunResult.nodeTimes`).
    public var profile: Bool

    public init(intermediates: IntermediatePolicy = .none, profile: Bool = false) {
        self.intermediates = intermediates
        self.profile = profile
    }
}

/// Outputs of a run, in graph-output order, plus the kept intermediates.
public struct RunResult: Sendable {
    public var outputs: [(name: String, value: Value?)]
    /// Kept intermediate values by name, with the index of the step that produced them.
    public var intermediates: [String: Value]
    /// Value names in the order they were produced (for divergence localisation).
    public var executionOrder: [String]
    /// With `RunOptions.profile`: each main-graph node in execution order with its wall time
    /// (prepare + evaluate, subgraphs included), in milliseconds.
    public var nodeTimes: [NodeTime] = []
    /// Nodes the reference could not execute (TFLite custom ops), once each. Their outputs, and
    /// every graph output computed from them, are absent (`outputs[i].value == nil`).
    public var notExecuted: [NotExecutedNode] = []
    /// Graph outputs that could not be produced, with the node that kept them from it.
    public var unproduced: [String: String] = [:]
}

/// Wall time of one node in one run.
public struct NodeTime: Sendable, Hashable {
    public var node: String
    public var op: String
    public var milliseconds: Double
}

/// One scheduled node (or a fused chain of nodes, `ElementwiseFusion`).
struct Step: Sendable {
    let node: Node
    let label: String
    let kernel: any Kernel
    /// Labels of the graph's nodes this step runs: its own, or a fused chain's members.
    let memberLabels: [String]

    init(node: Node, label: String, kernel: any Kernel, memberLabels: [String]? = nil) {
        self.node = node
        self.label = label
        self.kernel = kernel
        self.memberLabels = memberLabels ?? [label]
    }
}

/// A graph ready to run: nodes in a valid topological order with their kernels, constants
/// decoded, and the last step reading each value (so values are released as soon as possible).
public final class CompiledGraph: @unchecked Sendable {
    public let graph: Graph
    let steps: [Step]
    let constants: [String: Value]
    let lastUse: [String: Int]
    let outputNames: Set<String>
    /// Index of the graph in the model (TFLite subgraph index), when compiled by index.
    public let graphIndex: Int?
    /// Variable tensors (TFLite `is_variable`) the graph's nodes read, with their initial values.
    let variables: [(name: String, initial: Tensor)]

    init(graph: Graph, steps: [Step], constants: [String: Value], lastUse: [String: Int], graphIndex: Int? = nil,
         variables: [(name: String, initial: Tensor)] = []) {
        self.graph = graph
        self.steps = steps
        self.constants = constants
        self.lastUse = lastUse
        self.outputNames = Set(graph.outputs.map(\.name))
        self.graphIndex = graphIndex
        self.variables = variables
    }

    /// The key of a variable tensor of this graph in `ExecutionState`.
    func variableKey(_ name: String) -> String { "\(graphIndex ?? -1)\u{0}\(name)" }

    /// Node labels in execution order (the members of a fused chain in their order).
    public var scheduledNodes: [String] { steps.flatMap(\.memberLabels) }

    /// Number of steps that run fused chains of elementwise nodes.
    public var fusedStepCount: Int { steps.filter { $0.memberLabels.count > 1 }.count }
}

/// Name → value bindings of one graph execution, chained to the enclosing graph's scope.
final class Scope {
    var values: [String: Value] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        if let v = values[name] { return v }
        return parent?.lookup(name)
    }
}

/// Handed to kernels while they run: lets control-flow ops run their subgraphs and stateful
/// ops reach the run's state.
public struct ExecutionContext {
    let scope: Scope
    let executor: Executor
    /// State kept across the invocations of one run (variables, CALL_ONCE).
    public let state: ExecutionState
    let graph: CompiledGraph?
    /// What the run keeps besides the outputs (fused chains materialise those values too).
    var policy: IntermediatePolicy = .none

    /// Runs `graph` with its inputs bound by position; the current scope is its outer scope.
    public func run(_ graph: CompiledGraph, inputs: [Value?]) throws -> [Value?] {
        try executor.execute(graph, inputs: inputs, parent: scope, policy: .none, record: nil, state: state)
    }

    /// Calls a graph of the model (a TFLite subgraph) with its inputs bound by position and no
    /// outer scope. Throws `NotExecutable` when an output cannot be produced (a custom op inside).
    public func call(_ graph: CompiledGraph, inputs: [Value?]) throws -> [Value] {
        let outputs = try executor.execute(graph, inputs: inputs, parent: nil, policy: .none, record: nil, state: state)
        return try outputs.enumerated().map { i, value in
            guard let value else {
                throw NotExecutable("subgraph '\(graph.graph.name)' could not produce output '\(graph.graph.outputs[i].name)'")
            }
            return value
        }
    }

    /// Replaces the value of variable tensor `name` of the running graph (TFLite ops that update
    /// their `is_variable` state inputs); later nodes and later invocations see the new value.
    public func assignVariableTensor(_ name: String, _ value: Tensor) {
        scope.values[name] = .tensor(value)
        if let graph { state.setVariableTensor(graph.variableKey(name), value) }
    }
}

/// Compiles graphs against an op registry and executes them.
public struct Executor: Sendable {
    public let registry: OpRegistry
    /// Opset imports of the model (domain "" = ai.onnx).
    public let opsets: [String: Int]
    /// Graphs nodes call by index (TFLite: `Model.allGraphs`), each compiled once on first use.
    public let graphs: [Graph]
    /// Op domains whose unregistered ops compile to a "not executable by the reference" step
    /// instead of failing (TFLite custom ops: `custom`). Runs then produce what does not depend
    /// on them.
    public let notExecutableDomains: Set<String>
    let graphCache = GraphCache()
    /// Whether `compile` fuses chains of elementwise nodes (`ElementwiseFusion`); the results are
    /// bit-identical either way.
    public let fusion: Bool

    public init(registry: OpRegistry, opsets: [String: Int], graphs: [Graph] = [], notExecutableDomains: Set<String> = [],
                fusion: Bool = true) {
        self.registry = registry
        self.opsets = opsets
        self.graphs = graphs
        self.notExecutableDomains = notExecutableDomains
        self.fusion = fusion
    }

    /// Compiles graph `index` of `graphs` once (later calls return the same compiled graph).
    public func compileGraph(at index: Int) throws -> CompiledGraph {
        guard graphs.indices.contains(index) else {
            throw KernelError("subgraph index \(index) is out of range (the model has \(graphs.count) subgraphs)")
        }
        if let compiled = graphCache.get(index) { return compiled }
        guard graphCache.begin(index) else {
            throw KernelError("subgraph \(index) ('\(graphs[index].name)') is called from within itself; recursive subgraph calls are not supported")
        }
        var result: CompiledGraph?
        defer { graphCache.end(index, result) }
        result = try compile(graphs[index], graphIndex: index)
        return result!
    }

    // MARK: Compilation

    /// Schedules `graph` and builds a kernel per node. `outerNames` are values visible from
    /// enclosing graphs (for subgraphs).
    public func compile(_ graph: Graph, outerNames: Set<String> = [], graphIndex: Int? = nil) throws -> CompiledGraph {
        var constants: [String: Value] = [:]
        // Aligned once here so kernels never copy misaligned weights on every run.
        for initializer in graph.initializers { constants[initializer.name] = .tensor(initializer.tensor.aligned()) }
        var infos: [String: ValueInfo] = [:]
        for info in graph.valueInfo + graph.inputs + graph.outputs where infos[info.name] == nil { infos[info.name] = info }
        // Variable tensors (TFLite `is_variable`) hold state: read by nodes, produced by none.
        let producedByNodes = Set(graph.nodes.flatMap(\.outputs))
        var variables: [(name: String, initial: Tensor)] = []
        for info in graph.valueInfo where info.isVariable && !producedByNodes.contains(info.name) && !graph.inputs.contains(where: { $0.name == info.name }) {
            if case .tensor(let t)? = constants.removeValue(forKey: info.name) {
                variables.append((info.name, t))
            } else {
                variables.append((info.name, try Self.zeroTensor(info, graph: graph.name)))
            }
        }
        var available = Set(constants.keys).union(graph.inputs.map(\.name)).union(outerNames).union(variables.map(\.name))
        available.insert("")

        // Stable topological order: file order, deferring nodes whose inputs are not yet produced.
        let producedAnywhere = Set(graph.nodes.flatMap(\.outputs))
        var pending = Array(graph.nodes.indices)
        var order: [Int] = []
        order.reserveCapacity(graph.nodes.count)
        while !pending.isEmpty {
            var progressed = false
            var stillPending: [Int] = []
            for index in pending {
                let node = graph.nodes[index]
                if node.inputs.allSatisfy({ available.contains($0) }) {
                    order.append(index)
                    available.formUnion(node.outputs)
                    progressed = true
                } else {
                    stillPending.append(index)
                }
            }
            if !progressed {
                let node = graph.nodes[stillPending[0]]
                let missing = node.inputs.first { !available.contains($0) } ?? "?"
                let why = producedAnywhere.contains(missing) ? "is part of a cycle" : "is not produced by any node, initializer or graph input"
                throw InterpreterError.node(name: Self.label(node, stillPending[0]), op: node.op.qualifiedName,
                                            reason: "input '\(missing)' \(why)")
            }
            pending = stillPending
        }

        let visible = available.union(producedAnywhere)
        var steps: [Step] = []
        steps.reserveCapacity(order.count)
        for index in order {
            let node = graph.nodes[index]
            let label = (graphIndex ?? 0) > 0 ? "\(graph.name)/\(Self.label(node, index))" : Self.label(node, index)
            let opset = node.op.version ?? opsets[node.op.domain] ?? 1
            guard let registration = registry.lookup(domain: node.op.domain, name: node.op.name, opset: opset) else {
                if notExecutableDomains.contains(node.op.domain) {
                    let reason = "\(node.op.qualifiedName) is a \(node.op.domain) op, not executable by the reference interpreter"
                    steps.append(Step(node: node, label: label, kernel: NotExecutableKernel(reason: reason)))
                    continue
                }
                let known = registry.versions(domain: node.op.domain, name: node.op.name)
                let suggestions = known.isEmpty ? registry.suggestions(for: node.op.name) : []
                throw InterpreterError.unsupportedOp(name: label, op: node.op.qualifiedName, version: opset, suggestions: suggestions)
            }
            var context = KernelBuildContext(node: node, opset: opset, compileSubgraph: { sub in
                try self.compile(sub, outerNames: visible)
            })
            context.compileGraph = { index in try self.compileGraph(at: index) }
            context.valueInfo = { infos[$0] }
            context.isConstant = { [constants] in constants[$0] != nil }
            do {
                let kernel = try registration.factory(context)
                let inputs = node.inputs.filter { !$0.isEmpty }
                if registration.foldsConstants, node.subgraphs.isEmpty, inputs.allSatisfy({ constants[$0] != nil }) {
                    // Computed once here, as TFLite does in Prepare for constant inputs.
                    let args = node.inputs.map { $0.isEmpty ? nil : constants[$0] }
                    let context = ExecutionContext(scope: Scope(parent: nil), executor: self, state: ExecutionState(), graph: nil)
                    _ = try kernel.prepare(args, context: context)
                    let results = try kernel.evaluate(args, context: context)
                    for (k, name) in node.outputs.enumerated() where !name.isEmpty && k < results.count {
                        if case .tensor(let t)? = results[k] { constants[name] = .tensor(t.aligned()) }
                    }
                    continue
                }
                steps.append(Step(node: node, label: label, kernel: kernel))
            } catch let error as KernelError {
                if error.unsupported {
                    throw InterpreterError.unsupportedOp(name: label, op: node.op.qualifiedName, version: opset, suggestions: [], reason: error.reason)
                }
                throw InterpreterError.node(name: label, op: node.op.qualifiedName, reason: error.reason)
            }
        }
        if fusion { steps = ElementwiseFusion.fuse(steps, graphOutputs: Set(graph.outputs.map(\.name))) }
        var lastUse: [String: Int] = [:]
        for (i, step) in steps.enumerated() {
            for input in step.node.inputs where !input.isEmpty { lastUse[input] = i }
            // Subgraphs may read any outer value: keep everything they could see alive until this step.
            if !step.node.subgraphs.isEmpty {
                for name in visible where !name.isEmpty { lastUse[name] = max(lastUse[name] ?? i, i) }
            }
        }
        return CompiledGraph(graph: graph, steps: steps, constants: constants, lastUse: lastUse, graphIndex: graphIndex,
                             variables: variables)
    }

    /// The initial value of a variable tensor without data: zeros (the zero point when quantised),
    /// as LiteRT resets variable tensors.
    static func zeroTensor(_ info: ValueInfo, graph: String) throws -> Tensor {
        guard case .tensor(let dtype?, let shape?) = info.type, let dims = shape.fixedDimensions else {
            throw InterpreterError.graph("graph '\(graph)': variable tensor '\(info.name)' needs a fixed shape and element type, found \(info.type)")
        }
        let zeroPoint = info.quantization?.zeroPoints.first ?? 0
        let count = try DataMovement.checkedCount(dims)
        switch dtype {
        case .int8: return try Tensor(dtype: dtype, shape: dims, values: [Int8](repeating: Int8(truncatingIfNeeded: zeroPoint), count: count))
        case .uint8: return try Tensor(dtype: dtype, shape: dims, values: [UInt8](repeating: UInt8(truncatingIfNeeded: zeroPoint), count: count))
        case .int16: return try Tensor(dtype: dtype, shape: dims, values: [Int16](repeating: Int16(truncatingIfNeeded: zeroPoint), count: count))
        default:
            guard let bytes = dtype.storageBytes(count: count) else {
                throw InterpreterError.graph("graph '\(graph)': variable tensor '\(info.name)' has element type \(dtype), which cannot be zero-initialised")
            }
            return try Tensor(dtype: dtype, shape: dims, storage: TensorStorage(byteCount: bytes) { _ in })
        }
    }

    static func label(_ node: Node, _ index: Int) -> String {
        node.name.isEmpty ? "\(node.op.name)_\(index)" : node.name
    }

    // MARK: Execution

    /// Runs a compiled graph with inputs bound by position to `graph.inputs`.
    /// Absent values (outputs of nodes that could not run) map to the node that kept them from
    /// being computed.
    func execute(_ compiled: CompiledGraph, inputs: [Value?], parent: Scope?, policy: IntermediatePolicy,
                 record: ((String, Value) -> Void)?, timing: ((Int, Double) -> Void)? = nil, state: ExecutionState,
                 absent: ((String, String) -> Void)? = nil) throws -> [Value?] {
        let scope = Scope(parent: parent)
        for (name, value) in compiled.constants { scope.values[name] = value }
        for (name, initial) in compiled.variables {
            scope.values[name] = .tensor(state.variableTensor(compiled.variableKey(name)) ?? initial)
        }
        for (i, input) in compiled.graph.inputs.enumerated() where i < inputs.count {
            if let value = inputs[i] { scope.values[input.name] = value }
        }
        var context = ExecutionContext(scope: scope, executor: self, state: state, graph: compiled)
        context.policy = policy
        var missing: [String: String] = [:]
        steps: for (i, step) in compiled.steps.enumerated() {
            let node = step.node
            var args: [Value?] = []
            args.reserveCapacity(node.inputs.count)
            for name in node.inputs {
                if name.isEmpty { args.append(nil); continue }
                if let cause = missing[name] {
                    for output in node.outputs where !output.isEmpty { missing[output] = cause }
                    if let kernel = step.kernel as? NotExecutableKernel {
                        // Reported even when an earlier one already keeps it from running.
                        state.recordNotExecuted(NotExecutedNode(node: step.label, op: node.op.qualifiedName, graph: compiled.graph.name,
                                                                nodeIndex: node.origin.nodeIndex, reason: kernel.reason,
                                                                outputs: node.outputs.filter { !$0.isEmpty }))
                    }
                    continue steps
                }
                guard let value = scope.lookup(name) else {
                    throw InterpreterError.node(name: step.label, op: node.op.qualifiedName, reason: "input '\(name)' has no value")
                }
                args.append(value)
            }
            let results: [Value?]
            do {
                let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
                let infos = try step.kernel.prepare(args, context: context)
                results = try step.kernel.evaluate(args, context: context)
                if let timing { timing(i, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
                guard results.count <= node.outputs.count || node.outputs.isEmpty else {
                    throw KernelError("produced \(results.count) outputs, node declares \(node.outputs.count)")
                }
                for (k, info) in infos.enumerated() where k < results.count {
                    if let info, case .tensor(let t)? = results[k], TensorInfo(t) != info {
                        throw KernelError("internal error: output \(k) is \(TensorInfo(t)), prepare said \(info)")
                    }
                }
            } catch let error as KernelError {
                if error.unsupported {
                    throw InterpreterError.unsupportedOp(name: step.label, op: node.op.qualifiedName, version: node.op.version, suggestions: [],
                                                         reason: error.reason)
                }
                throw InterpreterError.node(name: step.label, op: node.op.qualifiedName, reason: error.reason)
            } catch let error as NotExecutable {
                state.recordNotExecuted(NotExecutedNode(node: step.label, op: node.op.qualifiedName, graph: compiled.graph.name,
                                                        nodeIndex: node.origin.nodeIndex, reason: error.reason,
                                                        outputs: node.outputs.filter { !$0.isEmpty }))
                for output in node.outputs where !output.isEmpty { missing[output] = step.label }
                continue
            }
            for (k, name) in node.outputs.enumerated() where !name.isEmpty {
                guard k < results.count, let value = results[k] else { continue }
                scope.values[name] = value
                record?(name, value)
            }
            // Release values no later step reads (graph outputs and kept intermediates stay).
            for name in node.inputs where !name.isEmpty && compiled.lastUse[name] == i {
                if !compiled.outputNames.contains(name), compiled.constants[name] == nil, !policy.keeps(name) {
                    scope.values[name] = nil
                }
            }
        }
        return try compiled.graph.outputs.map { output in
            if let cause = missing[output.name] {
                absent?(output.name, cause)
                return nil
            }
            guard let value = scope.lookup(output.name) else {
                throw InterpreterError.graph("graph '\(compiled.graph.name)': output '\(output.name)' was not computed")
            }
            return value
        }
    }
}
