import LockstepCore

/// A model prepared for repeated reference execution.
///
/// ```swift
/// let session = try Session(model: model)
/// let result = try session.run(["image": .tensor(image)])
/// ```
public final class Session: @unchecked Sendable {
    /// How float32 values are computed.
    public enum Precision: String, Sendable, CaseIterable {
        /// As the model says: float32 in float32 (as runtimes do).
        case native
        /// The oracle mode: float32 values are computed in float64 and rounded to float32 once,
        /// at the outputs (see `Float64Widening`).
        case float64
    }

    /// The model as given.
    public let model: Model
    public let precision: Precision
    public let executor: Executor
    public let main: CompiledGraph
    /// The model that runs (`model`, or its float64 widening).
    let executed: Model

    /// Compiles the model's main graph (and, through their kernels, its subgraphs). Throws
    /// `InterpreterError` for unknown ops, invalid attributes or an unschedulable graph.
    ///
    /// `registry` defaults to the model format's ops (`registry(for:)`). TFLite models run their
    /// subgraphs by index (WHILE, IF, CALL_ONCE) and compile custom ops to "not executable by the
    /// reference" steps: a run then produces every output that does not depend on them and lists
    /// them in `RunResult.notExecuted`. `fusion` runs chains of elementwise nodes in one blocked
    /// pass (`ElementwiseFusion`); results are bit-identical with and without it.
    public init(model: Model, registry: OpRegistry? = nil, precision: Precision = .native, fusion: Bool = true) throws {
        self.model = model
        self.precision = precision
        self.executed = precision == .float64 ? try Float64Widening.widen(model) : model
        let registry = registry ?? Self.registry(for: model.format)
        switch model.format {
        case .tflite:
            self.executor = Executor(registry: registry, opsets: model.opsetImports, graphs: executed.allGraphs,
                                     notExecutableDomains: ["custom"], fusion: fusion)
            do { self.main = try executor.compileGraph(at: 0) } catch let error as KernelError {
                throw InterpreterError.graph("graph '\(executed.graph.name)': \(error.reason)")
            }
        case .onnx, .tensorrt:
            self.executor = Executor(registry: registry, opsets: model.opsetImports, fusion: fusion)
            self.main = try executor.compile(executed.graph)
        }
    }

    /// The ops of a format: `TFLiteOps.registry` for TFLite, `ONNXOps.registry` otherwise.
    public static func registry(for format: ModelFormat) -> OpRegistry {
        switch format {
        case .tflite: return TFLiteOps.registry
        case .onnx, .tensorrt: return ONNXOps.registry
        }
    }

    /// Runs the model. `feeds` maps input names to values; every runtime input must be fed
    /// (inputs that are also initializers default to the initializer). `state` carries variables
    /// and CALL_ONCE from one invocation to the next (a fresh state when nil).
    public func run(_ feeds: [String: Value], options: RunOptions = RunOptions(), state: ExecutionState? = nil) throws -> RunResult {
        let state = state ?? ExecutionState()
        let graph = model.graph
        let constants = Set(graph.initializers.map(\.name))
        var inputs: [Value?] = []
        for declared in graph.inputs {
            if let value = feeds[declared.name] {
                try Self.check(value, against: declared)
                if precision == .float64, case .tensor(let t) = value {
                    inputs.append(.tensor(try Float64Widening.widen(t)))
                } else {
                    inputs.append(value)
                }
            } else if constants.contains(declared.name) {
                inputs.append(nil)
            } else {
                throw InterpreterError.input(name: declared.name, reason: "no value given (expected \(declared.type))")
            }
        }
        let known = Set(graph.inputs.map(\.name))
        if let extra = feeds.keys.sorted().first(where: { !known.contains($0) }) {
            throw InterpreterError.input(name: extra, reason: "the model has no input of that name (inputs: \(graph.runtimeInputs.map(\.name).joined(separator: ", ")))")
        }
        var intermediates: [String: Value] = [:]
        var order: [String] = []
        let policy = options.intermediates
        var times: [NodeTime] = []
        let steps = main.steps
        var unproduced: [String: String] = [:]
        let outputs = try executor.execute(main, inputs: inputs, parent: nil, policy: policy, record: { name, value in
            order.append(name)
            if policy.keeps(name) { intermediates[name] = value }
        }, timing: options.profile ? { index, ms in
            times.append(NodeTime(node: steps[index].label, op: steps[index].node.op.qualifiedName, milliseconds: ms))
        } : nil, state: state, absent: { unproduced[$0] = $1 })
        var results = outputs
        if precision == .float64 {
            // Round back once to the types the model declares (float32 outputs).
            for (i, declared) in graph.outputs.enumerated() {
                if case .tensor(.float32?, _) = declared.type, case .tensor(let t)? = results[i] {
                    results[i] = .tensor(try Float64Widening.narrow(t))
                }
            }
        }
        var result = RunResult(outputs: zip(graph.outputs, results).map { ($0.name, $1) }, intermediates: intermediates, executionOrder: order)
        result.nodeTimes = times
        result.notExecuted = state.notExecuted
        result.unproduced = unproduced
        return result
    }

    /// Checks a fed value against the declared type: element type, rank and fixed dimensions.
    static func check(_ value: Value, against declared: ValueInfo) throws {
        guard case .tensor(let expectedType?, let shape) = declared.type else { return }
        guard case .tensor(let t) = value else {
            throw InterpreterError.input(name: declared.name, reason: "expected a tensor, found \(value.typeDescription)")
        }
        guard t.dtype == expectedType else {
            throw InterpreterError.input(name: declared.name, reason: "expected \(expectedType), found \(t.dtype)")
        }
        guard let shape else { return }
        guard shape.rank == t.rank else {
            throw InterpreterError.input(name: declared.name, reason: "expected shape \(shape) (rank \(shape.rank)), found \(t.shape)")
        }
        for (d, dim) in shape.dimensions.enumerated() {
            if case .fixed(let n) = dim, n != t.shape[d] {
                throw InterpreterError.input(name: declared.name, reason: "expected shape \(shape), found \(t.shape)")
            }
        }
    }
}
