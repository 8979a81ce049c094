import Foundation

/// Errors of the compatibility layer (opsets/ data and rule evaluation). Each reads
/// "<file>[:<line>]: <reason>".
public enum CompatibilityError: Error, LocalizedError, Equatable {
    /// A target file that cannot be used: `line` is 1-based when the problem has a place.
    case invalidTargetFile(path: String, line: Int?, reason: String)
    /// No target of that id; `suggestions` are the closest known ids.
    case unknownTarget(id: String, suggestions: [String])
    /// The model cannot be judged by that target (another format, …).
    case notApplicable(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidTargetFile(let path, let line, let reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case .unknownTarget(let id, let suggestions):
            let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?)"
            return "\(id): no such target\(hint)"
        case .notApplicable(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
