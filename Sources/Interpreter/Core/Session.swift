import LockstepCore

/// A model prepared for repeated reference execution.
///
/// ```swift
/// let session = try Session(model: model)
/// let result = try session.run(["image": .tensor(image)])
/// ```
public final class Session: @unchecked Sendable {
    public let model: Model
    public let executor: Executor
    public let main: CompiledGraph

    /// Compiles the model's main graph (and, through their kernels, its subgraphs). Throws
    /// `InterpreterError` for unknown ops, invalid attributes or an unschedulable graph.
    public init(model: Model, registry: OpRegistry = ONNXOps.registry) throws {
        self.model = model
        self.executor = Executor(registry: registry, opsets: model.opsetImports)
        self.main = try executor.compile(model.graph)
    }

    /// Runs the model. `feeds` maps input names to values; every runtime input must be fed
    /// (inputs that are also initializers default to the initializer).
    public func run(_ feeds: [String: Value], options: RunOptions = RunOptions()) throws -> RunResult {
        let graph = model.graph
        let constants = Set(graph.initializers.map(\.name))
        var inputs: [Value?] = []
        for declared in graph.inputs {
            if let value = feeds[declared.name] {
                try Self.check(value, against: declared)
                inputs.append(value)
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
        let outputs = try executor.execute(main, inputs: inputs, parent: nil, policy: policy) { name, value in
            order.append(name)
            if policy.keeps(name) { intermediates[name] = value }
        }
        return RunResult(outputs: zip(graph.outputs, outputs).map { ($0.name, $1) }, intermediates: intermediates, executionOrder: order)
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
