import Foundation

/// Errors of the TFLite loader. Each reads "<file>: <reason>" on one line.
public enum TFLiteError: Error, LocalizedError, Equatable {
    /// The file is not a TFLite model, fails FlatBuffers verification, or is structurally broken
    /// (an index out of range, data past the end of the file, a size that does not match).
    case invalidModel(path: String, reason: String)
    /// The model is TFLite but uses something Lockstep does not read (another schema version,
    /// weights in external files).
    case unsupported(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidModel(let path, let reason), .unsupported(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
