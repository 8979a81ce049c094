import Foundation

/// Errors of the reporting layer (reading and writing reports). Each reads "<file>: <reason>".
public enum ReportingError: Error, LocalizedError, Equatable {
    /// A report file that cannot be read (not JSON, unknown schema version, missing keys).
    case invalidReport(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidReport(let path, let reason): return "\(path): \(reason)"
        }
    }
}
