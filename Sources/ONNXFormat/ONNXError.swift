import Foundation

/// Errors of the ONNX loader. Each reads "<file>: <reason>".
public enum ONNXError: Error, LocalizedError, Equatable {
    /// The file is not an ONNX model, or its protobuf is broken.
    case invalidModel(path: String, reason: String)
    /// The model is ONNX but uses something Lockstep does not read (IR version, segments, …).
    case unsupported(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidModel(let path, let reason), .unsupported(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
