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
    /// Slots (`CompiledGraph.slotNames`) of the node's inputs and outputs, -1 where omitted.
    var inputSlots: [Int] = []
    var outputSlots: [Int] = []
    /// Slots no later step reads, released after this step (unless the run keeps them).
    var releases: [Int] = []

    init(node: Node, label: String, kernel: any Kernel, memberLabels: [String]? = nil) {
        self.node = node
        self.label = label
        self.kernel = kernel
        self.memberLabels = memberLabels ?? [label]
    }
}

/// A graph ready to run: nodes in a valid topological order with their kernels, constants
/// decoded, and every value given a slot (an index into the run's value table) with the step
/// after which it is released, so a run does no name lookups.
public final class CompiledGraph: @unchecked Sendable {
    public let graph: Graph
    let steps: [Step]
    let constants: [String: Value]
    let outputNames: Set<String>
    /// Index of the graph in the model (TFLite subgraph index), when compiled by index.
    public let graphIndex: Int?
    /// Variable tensors (TFLite `is_variable`) the graph's nodes read, with their initial values.
    let variables: [(name: String, initial: Tensor)]
    /// The value name of each slot, and the slot of each name.
    let slotNames: [String]
    let slotOf: [String: Int]
    /// The table a run starts from: constants in their slots, nil elsewhere.
    let initialSlots: [Value?]
    /// Slots of the graph's inputs, outputs and variables, in their declared orders.
    let inputSlots: [Int]
    let outputSlots: [Int]
    let variableSlots: [Int]
    /// Slots read here but bound in an enclosing graph's scope (subgraphs), filled when a run starts.
    let outerSlots: [Int]

    init(graph: Graph, steps: [Step], constants: [String: Value], graphIndex: Int? = nil,
         variables: [(name: String, initial: Tensor)] = [], outerNames: Set<String> = []) {
        self.graph = graph
        self.constants = constants
        self.outputNames = Set(graph.outputs.map(\.name))
        self.graphIndex = graphIndex
        self.variables = variables
        var slotOf: [String: Int] = [:]
        var names: [String] = []
        func slot(_ name: String) -> Int {
            if name.isEmpty { return -1 }
            if let s = slotOf[name] { return s }
            slotOf[name] = names.count
            names.append(name)
            return names.count - 1
        }
        for name in constants.keys.sorted() { _ = slot(name) }
        let inputSlots = graph.inputs.map { slot($0.name) }
        let variableSlots = variables.map { slot($0.name) }
        var steps = steps
        for i in steps.indices {
            steps[i].inputSlots = steps[i].node.inputs.map(slot)
            steps[i].outputSlots = steps[i].node.outputs.map(slot)
        }
        let outputSlots = graph.outputs.map { slot($0.name) }
        // Names bound here: constants, inputs, variables; anything else read before (or without)
        // being produced comes from the enclosing scope, as a name lookup through the scopes would.
        let bound = Set(constants.keys).union(graph.inputs.map(\.name)).union(variables.map(\.name))
        let produced = Set(steps.flatMap(\.node.outputs))
        var outer: [Int] = []
        for (s, name) in names.enumerated() where !bound.contains(name) && (outerNames.contains(name) || !produced.contains(name)) {
            outer.append(s)
        }
        // Last reader of each slot; steps with subgraphs may read any value of the scope.
        var lastUse = [Int](repeating: -1, count: names.count)
        for (i, step) in steps.enumerated() {
            for s in step.inputSlots where s >= 0 { lastUse[s] = i }
            if !step.node.subgraphs.isEmpty { for s in lastUse.indices { lastUse[s] = i } }
        }
        let outputSet = Set(outputSlots)
        for (s, i) in lastUse.enumerated() where i >= 0 && !outputSet.contains(s) && constants[names[s]] == nil {
            steps[i].releases.append(s)
        }
        var initial = [Value?](repeating: nil, count: names.count)
        for (name, value) in constants { initial[slotOf[name]!] = value }
        self.steps = steps
        self.slotNames = names
        self.slotOf = slotOf
        self.initialSlots = initial
        self.inputSlots = inputSlots
        self.outputSlots = outputSlots
        self.variableSlots = variableSlots
        self.outerSlots = outer
    }

    /// The key of a variable tensor of this graph in `ExecutionState`.
    func variableKey(_ name: String) -> String { "\(graphIndex ?? -1)\u{0}\(name)" }

    /// Node labels in execution order (the members of a fused chain in their order).
    public var scheduledNodes: [String] { steps.flatMap(\.memberLabels) }

    /// Number of steps that run fused chains of elementwise nodes.
    public var fusedStepCount: Int { steps.filter { $0.memberLabels.count > 1 }.count }
}

/// The values of one graph execution, by slot, chained to the enclosing graph's scope (which
/// subgraphs read by name when they start).
final class Scope {
    let values: UnsafeMutablePointer<Value?>
    let count: Int
    let slotOf: [String: Int]
    let parent: Scope?

    init(slotOf: [String: Int], initial: [Value?], parent: Scope?) {
        self.slotOf = slotOf
        self.parent = parent
        count = initial.count
        values = .allocate(capacity: max(1, count))
        if count > 0 { initial.withUnsafeBufferPointer { values.initialize(from: $0.baseAddress!, count: count) } }
    }

    /// A run's table for `graph`, starting from its constants.
    convenience init(_ graph: CompiledGraph, parent: Scope?) {
        self.init(slotOf: graph.slotOf, initial: graph.initialSlots, parent: parent)
    }

    /// An empty scope (constant folding at compile time).
    convenience init() { self.init(slotOf: [:], initial: [], parent: nil) }

    deinit {
        values.deinitialize(count: count)
        values.deallocate()
    }

    /// The value bound to `name` here or in an enclosing scope.
    func lookup(_ name: String) -> Value? {
        if let s = slotOf[name], let v = values[s] { return v }
        return parent?.lookup(name)
    }

    /// Binds `name` in this scope, if the graph has it.
    func assign(_ name: String, _ value: Value) {
        if let s = slotOf[name] { values[s] = value }
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
        scope.assign(name, .tensor(value))
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
        // Initializers that are also graph inputs may be fed: not constant for kernels.
        let overridable = Set(graph.inputs.map(\.name))
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
            context.constantValue = { overridable.contains($0) ? nil : constants[$0]?.tensor }
            do {
                let kernel = try registration.factory(context)
                let inputs = node.inputs.filter { !$0.isEmpty }
                if registration.foldsConstants, node.subgraphs.isEmpty, inputs.allSatisfy({ constants[$0] != nil }) {
                    // Computed once here, as TFLite does in Prepare for constant inputs.
                    let args = node.inputs.map { $0.isEmpty ? nil : constants[$0] }
                    let context = ExecutionContext(scope: Scope(), executor: self, state: ExecutionState(), graph: nil)
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
        return CompiledGraph(graph: graph, steps: steps, constants: constants, graphIndex: graphIndex, variables: variables,
                             outerNames: outerNames)
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
        let scope = Scope(compiled, parent: parent)
        let values = scope.values
        if let parent {
            for s in compiled.outerSlots { if let v = parent.lookup(compiled.slotNames[s]) { values[s] = v } }
        }
        for (k, (name, initial)) in compiled.variables.enumerated() {
            values[compiled.variableSlots[k]] = .tensor(state.variableTensor(compiled.variableKey(name)) ?? initial)
        }
        for (i, s) in compiled.inputSlots.enumerated() where i < inputs.count && s >= 0 {
            if let value = inputs[i] { values[s] = value }
        }
        var context = ExecutionContext(scope: scope, executor: self, state: state, graph: compiled)
        context.policy = policy
        let keepsSome = policy != .none
        // Slots left absent by nodes that could not run, with the node that kept them from it.
        var missing: [Int: String] = [:]
        steps: for (i, step) in compiled.steps.enumerated() {
            let node = step.node
            var args: [Value?] = []
            args.reserveCapacity(step.inputSlots.count)
            for (j, s) in step.inputSlots.enumerated() {
                if s < 0 { args.append(nil); continue }
                if !missing.isEmpty, let cause = missing[s] {
                    for o in step.outputSlots where o >= 0 { missing[o] = cause }
                    if let kernel = step.kernel as? NotExecutableKernel {
                        // Reported even when an earlier one already keeps it from running.
                        state.recordNotExecuted(NotExecutedNode(node: step.label, op: node.op.qualifiedName, graph: compiled.graph.name,
                                                                nodeIndex: node.origin.nodeIndex, reason: kernel.reason,
                                                                outputs: node.outputs.filter { !$0.isEmpty }))
                    }
                    continue steps
                }
                guard let value = values[s] else {
                    throw InterpreterError.node(name: step.label, op: node.op.qualifiedName, reason: "input '\(node.inputs[j])' has no value")
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
                for o in step.outputSlots where o >= 0 { missing[o] = step.label }
                continue
            }
            for (k, s) in step.outputSlots.enumerated() where s >= 0 {
                guard k < results.count, let value = results[k] else { continue }
                values[s] = value
                record?(compiled.slotNames[s], value)
            }
            // Release values no later step reads (graph outputs and kept intermediates stay).
            for s in step.releases where !keepsSome || !policy.keeps(compiled.slotNames[s]) {
                values[s] = nil
            }
        }
        return try compiled.graph.outputs.enumerated().map { k, output in
            let s = compiled.outputSlots[k]
            if s >= 0, let cause = missing[s] {
                absent?(output.name, cause)
                return nil
            }
            guard s >= 0, let value = values[s] ?? parent?.lookup(output.name) else {
                throw InterpreterError.graph("graph '\(compiled.graph.name)': output '\(output.name)' was not computed")
            }
            return value
        }
    }
}
