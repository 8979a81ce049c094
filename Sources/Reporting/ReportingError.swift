import Foundation

/// Errors of the reporting layer (reading and writing reports). Each reads "<file>: <reason>".
public enum ReportingError: Error, LocalizedError, Equatable {
    /// A report file that cannot be read (not JSON, unknown schema version, missing keys).
    case invalidReport(path: String, reason: String)
    /// Refused to replace an existing report without an explicit flag.
    case wouldOverwrite(path: String, flag: String)

    public var errorDescription: String? {
        switch self {
        case .invalidReport(let path, let reason): return "\(path): \(reason)"
        case .wouldOverwrite(let path, let flag): return "\(path): exists; pass \(flag) to overwrite it"
        }
    }
}
