#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Errors raised by the core types. Messages read "<file>: <reason>" where a file is involved.
public enum CoreError: Error, LocalizedError, Equatable {
    case cannotRead(path: String, reason: String)
    case invalidTensor(String)

    public var errorDescription: String? {
        switch self {
        case .cannotRead(let path, let reason): return "\(path): \(reason)"
        case .invalidTensor(let reason): return reason
        }
    }

    static func errnoText(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES: return "permission denied"
        case EISDIR: return "is a directory"
        default: return String(cString: strerror(code))
        }
    }
}
