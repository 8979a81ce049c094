import Foundation

/// Errors of the checking layer (golden store, comparison, accuracy). Each reads "<file>: <reason>".
public enum CheckingError: Error, LocalizedError, Equatable {
    /// A golden case, tolerance file or data set that cannot be used.
    case invalidInput(path: String, reason: String)
    /// Refused to overwrite a file the user owns (goldens, baselines) without an explicit flag.
    case wouldOverwrite(path: String, flag: String)
    /// A `--tolerance` setting that cannot be used (the golden store wraps manifest errors in
    /// `invalidInput` with the manifest's path).
    case invalidTolerance(String)
    /// Two tensors that cannot be compared numerically (element types, element counts).
    case incomparable(String)

    public var errorDescription: String? {
        switch self {
        case .invalidInput(let path, let reason): return "\(path): \(reason)"
        case .wouldOverwrite(let path, let flag): return "\(path): exists; pass \(flag) to overwrite it"
        case .invalidTolerance(let reason): return "--tolerance: \(reason)"
        case .incomparable(let reason): return reason
        }
    }
}
