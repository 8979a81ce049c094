import Foundation
import LockstepCore

/// Errors of the reference interpreter. Node errors read
/// `node 'name' (Op): <reason>`; the pipeline prefixes the model path.
public enum InterpreterError: Error, LocalizedError, Equatable {
    /// A node cannot run: bad arity, dtype, shape or attribute, or a failure while computing.
    case node(name: String, op: String, reason: String)
    /// No kernel for this op (and opset version); `suggestions` are the closest known ops. When a
    /// kernel exists but refuses this node's form (an element type, an option), `reason` says why.
    case unsupportedOp(name: String, op: String, version: Int?, suggestions: [String], reason: String? = nil)
    /// The graph cannot be scheduled or fed (missing values, cycles, missing inputs).
    case graph(String)
    /// A caller-supplied input does not match the model's declaration.
    case input(name: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .node(let name, let op, let reason):
            return "node '\(name)' (\(op)): \(reason)"
        case .unsupportedOp(let name, let op, let version, let suggestions, let reason):
            let v = version.map { " at opset \($0)" } ?? ""
            let hint = suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?"
            let why = reason.map { ": \($0)" } ?? ""
            return "node '\(name)' (\(op)): op is not implemented by the reference interpreter\(v)\(hint)\(why)"
        case .graph(let reason):
            return reason
        case .input(let name, let reason):
            return "input '\(name)': \(reason)"
        }
    }

    /// True when the error only says an op is missing (conformance reports these as unsupported).
    public var isUnsupported: Bool {
        if case .unsupportedOp = self { return true }
        return false
    }
}

/// Thrown by kernels; the executor attaches the node's name and op.
public struct KernelError: Error {
    public var reason: String
    public var unsupported: Bool

    public init(_ reason: String, unsupported: Bool = false) {
        self.reason = reason
        self.unsupported = unsupported
    }
}
