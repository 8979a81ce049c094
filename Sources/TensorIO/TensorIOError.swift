import Foundation
import LockstepCore

/// Errors raised while reading or writing tensor files (.npy, .npz, TensorProto .pb, …).
///
/// Every message reads `<file>: <reason>`, e.g.
/// `x.npy: data is truncated: shape (1000, 1000) of float32 needs 4000000 bytes, found 12`.
public enum TensorIOError: Error, LocalizedError, Equatable, Sendable {
    /// The file could not be opened or read (missing, not a regular file, permission denied, …).
    case cannotRead(path: String, reason: String)
    /// The file could not be written.
    case cannotWrite(path: String, reason: String)
    /// The file is malformed, truncated or inconsistent.
    case invalidFile(path: String, reason: String)
    /// The file is well formed but holds something Lockstep does not support
    /// (pickled object arrays, structured dtypes, a dtype the format cannot represent, …).
    case unsupported(path: String, reason: String)
    /// Writing would replace an existing file and overwriting was not requested.
    case fileExists(path: String)

    public var errorDescription: String? {
        switch self {
        case .cannotRead(let path, let reason), .cannotWrite(let path, let reason),
             .invalidFile(let path, let reason), .unsupported(let path, let reason):
            return "\(path): \(reason)"
        case .fileExists(let path):
            return "\(path): file already exists; refusing to overwrite it "
                + "(pass the explicit overwrite flag, e.g. --force, to replace it)"
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case .cannotRead(let path, _), .cannotWrite(let path, _), .invalidFile(let path, _),
             .unsupported(let path, _), .fileExists(let path):
            return path
        }
    }

    /// Converts a core error (e.g. from `MappedFile`) into this module's error.
    public static func from(_ error: CoreError) -> TensorIOError {
        switch error {
        case .cannotRead(let path, let reason): return .cannotRead(path: path, reason: reason)
        case .invalidTensor(let reason): return .invalidFile(path: "<tensor>", reason: reason)
        }
    }
}
