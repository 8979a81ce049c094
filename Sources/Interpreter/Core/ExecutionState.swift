import Foundation
import LockstepCore

/// State that lives across the invocations of one run: TFLite resource variables (VAR_HANDLE,
/// READ_VARIABLE, ASSIGN_VARIABLE), variable tensors (`is_variable`, e.g. the state inputs of
/// SVDF and the sequence LSTMs), the subgraphs CALL_ONCE has already run, and the nodes the
/// reference could not execute.
///
/// `Session.run` makes a fresh state unless one is passed in; `lockstep run --steps N` passes
/// one state to every step, so a streaming model sees the state its previous step left, as
/// LiteRT keeps it between `invoke()` calls of one interpreter.
public final class ExecutionState: @unchecked Sendable {
    private let lock = NSLock()
    private var resources: [Int32: Tensor] = [:]
    private var resourceIDs: [String: Int32] = [:]
    private var variableTensors: [String: Tensor] = [:]
    private var calledOnce: Set<Int> = []
    private var unexecuted: [NotExecutedNode] = []

    public init() {}

    /// Nodes that could not run (custom ops), once each, in the order they were met.
    public var notExecuted: [NotExecutedNode] { lock.withLock { unexecuted } }

    func recordNotExecuted(_ node: NotExecutedNode) {
        lock.withLock {
            if !unexecuted.contains(where: { $0.node == node.node && $0.graph == node.graph }) { unexecuted.append(node) }
        }
    }

    /// The resource id of the variable named by a VAR_HANDLE's `container` and `shared_name`:
    /// one id per distinct pair, shared by every subgraph (as LiteRT's resource map).
    public func resourceID(container: String, sharedName: String) -> Int32 {
        lock.withLock {
            let key = container + "\u{0}" + sharedName
            if let id = resourceIDs[key] { return id }
            let id = Int32(resourceIDs.count)
            resourceIDs[key] = id
            return id
        }
    }

    /// The value of a resource variable, nil before its first assignment.
    public func resource(_ id: Int32) -> Tensor? { lock.withLock { resources[id] } }

    /// Assigns a resource variable.
    public func assignResource(_ id: Int32, _ value: Tensor) { lock.withLock { resources[id] = value } }

    /// True the first time it is asked for `graphIndex` (CALL_ONCE), false afterwards.
    public func claimCallOnce(_ graphIndex: Int) -> Bool { lock.withLock { calledOnce.insert(graphIndex).inserted } }

    func variableTensor(_ key: String) -> Tensor? { lock.withLock { variableTensors[key] } }

    func setVariableTensor(_ key: String, _ value: Tensor) { lock.withLock { variableTensors[key] = value } }
}

/// A node the reference interpreter cannot execute (a TFLite custom op), with the values it
/// would have produced. Its outputs, and everything computed from them, stay absent.
public struct NotExecutedNode: Sendable, Hashable, Codable {
    /// The node's label (name, or `OP_index`).
    public var node: String
    /// `custom::Name` for custom ops.
    public var op: String
    /// Name of the graph holding the node.
    public var graph: String
    /// Index of the node in its graph, in file order.
    public var nodeIndex: Int
    public var reason: String
    public var outputs: [String]

    public init(node: String, op: String, graph: String, nodeIndex: Int, reason: String, outputs: [String]) {
        self.node = node
        self.op = op
        self.graph = graph
        self.nodeIndex = nodeIndex
        self.reason = reason
        self.outputs = outputs
    }
}

/// Thrown while a graph runs when a node cannot be executed by the reference (a custom op, or a
/// called subgraph holding one). The executor catches it, leaves the node's outputs absent and
/// goes on with whatever does not depend on them.
public struct NotExecutable: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// The step a node of a not-executable domain (TFLite `custom::…`) compiles to.
struct NotExecutableKernel: Kernel {
    let reason: String

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        throw NotExecutable(reason)
    }
}

/// Graphs compiled by index (TFLite subgraphs), each once; detects recursive calls.
final class GraphCache: @unchecked Sendable {
    private let lock = NSLock()
    private var compiled: [Int: CompiledGraph] = [:]
    private var compiling: Set<Int> = []

    func get(_ index: Int) -> CompiledGraph? { lock.withLock { compiled[index] } }

    /// False when `index` is already being compiled (a call cycle).
    func begin(_ index: Int) -> Bool { lock.withLock { compiling.insert(index).inserted } }

    func end(_ index: Int, _ graph: CompiledGraph?) {
        lock.withLock {
            compiling.remove(index)
            if let graph { compiled[index] = graph }
        }
    }
}
