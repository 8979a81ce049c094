import Foundation

/// Errors of the TensorRT bundle reader (module `TensorRTFormat`).
///
/// Every message is one line of the form `<file>: <reason>`, e.g.
/// `model.plan: not a TensorRT plan: the file starts with 7f 45 4c 46, expected the magic 'ftrt' or 'ptrt'`.
public enum TensorRTError: Error, LocalizedError, Equatable, Sendable {
    /// The file or folder could not be opened or read (missing, permission denied, …).
    case cannotRead(path: String, reason: String)
    /// The file is malformed, truncated, inconsistent, or not the kind of file it was given as.
    case invalidFile(path: String, reason: String)
    /// The file is well formed but uses something Lockstep does not read.
    case unsupported(path: String, reason: String)

    public var errorDescription: String? {
        "\(path): \(Self.oneLine(reason))"
    }

    /// The file (or folder) the error is about.
    public var path: String {
        switch self {
        case .cannotRead(let path, _), .invalidFile(let path, _), .unsupported(let path, _): return path
        }
    }

    /// The reason without the file name.
    public var reason: String {
        switch self {
        case .cannotRead(_, let reason), .invalidFile(_, let reason), .unsupported(_, let reason): return reason
        }
    }

    /// Control characters (newlines, TensorRT's U+001E/U+001F separators) would break the
    /// one-line error contract; they are shown as spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
    }
}
