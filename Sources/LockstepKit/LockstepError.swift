import Foundation

/// Errors of the pipeline layer. Each reads "<file>: <reason>".
public enum LockstepError: Error, LocalizedError, Equatable {
    case unsupportedFormat(path: String, reason: String)
    case invalidArgument(String)

    public var errorDescription: String? {
        switch self {
        case .unsupportedFormat(let path, let reason): return "\(path): \(reason)"
        case .invalidArgument(let reason): return reason
        }
    }
}
