import Foundation
import LockstepCore

/// Resolves ONNX external-data locations safely and maps each data file once.
///
/// A location must be a relative path that stays inside `directory` after symlinks are
/// resolved: absolute paths, `..` components and symlinks leaving the folder are refused.
/// Each file is memory-mapped once and shared by every tensor that points into it.
public final class ExternalDataResolver: @unchecked Sendable {
    /// The folder external data must live in (the model's folder).
    public let directory: String
    /// The file that refers to the data (for error messages).
    public let referrer: String
    private var mapped: [String: MappedFile] = [:]
    private let lock = NSLock()

    public init(directory: String, referrer: String) {
        self.directory = directory
        self.referrer = referrer
    }

    /// Returns a zero-copy view of `length` bytes (or all bytes to the end when `length` is nil)
    /// at `offset` of the file named `location`, checking it holds exactly `expectedBytes`.
    public func storage(location: String, offset: Int, length: Int?, expectedBytes: Int, tensorName: String) throws -> TensorStorage {
        let file = try map(location: location, tensorName: tensorName)
        let size = file.bytes.count
        guard offset >= 0, offset <= size else {
            throw TensorIOError.invalidFile(path: referrer,
                reason: "tensor '\(tensorName)': external data offset \(offset) is past the end of '\(location)' (\(size) bytes)")
        }
        let available = size - offset
        let want = length ?? expectedBytes
        guard want >= 0, want <= available else {
            throw TensorIOError.invalidFile(path: referrer,
                reason: "tensor '\(tensorName)': external data '\(location)' has \(available) bytes at offset \(offset), \(want) needed")
        }
        guard want == expectedBytes else {
            throw TensorIOError.invalidFile(path: referrer,
                reason: "tensor '\(tensorName)': external data length \(want) does not match its type and shape (\(expectedBytes) bytes)")
        }
        return file.storage(range: offset..<(offset + want))
    }

    private func map(location: String, tensorName: String) throws -> MappedFile {
        let resolved = try resolve(location: location, tensorName: tensorName)
        lock.lock()
        defer { lock.unlock() }
        if let file = mapped[resolved] { return file }
        let file: MappedFile
        do {
            file = try MappedFile(path: resolved)
        } catch {
            throw TensorIOError.invalidFile(path: referrer,
                reason: "tensor '\(tensorName)': cannot read external data '\(location)': \(Self.reason(error))")
        }
        mapped[resolved] = file
        return file
    }

    /// The canonical path of `location`, or an error when it is absolute, escapes the folder or is missing.
    public func resolve(location: String, tensorName: String) throws -> String {
        func refuse(_ why: String) -> TensorIOError {
            TensorIOError.invalidFile(path: referrer, reason: "tensor '\(tensorName)': external data location '\(location)' \(why)")
        }
        guard !location.isEmpty else { throw refuse("is empty") }
        guard !location.hasPrefix("/"), !location.hasPrefix("\\"), !(location.count > 1 && location.dropFirst().first == ":") else {
            throw refuse("is an absolute path (only files inside the model's folder are read)")
        }
        let components = location.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard !components.contains("..") else { throw refuse("leaves the model's folder ('..')") }
        guard !location.contains("\0") else { throw refuse("contains a NUL byte") }
        let base = Self.canonical(directory) ?? directory
        let candidate = (base as NSString).appendingPathComponent(location)
        guard FileManager.default.fileExists(atPath: candidate) else { throw refuse("does not exist") }
        guard let real = Self.canonical(candidate) else { throw refuse("cannot be resolved") }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard real.hasPrefix(prefix) else { throw refuse("resolves outside the model's folder (symlink to '\(real)')") }
        return real
    }

    static func canonical(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? LocalizedError, let d = e.errorDescription {
            // Strip a leading "<path>: " so the message names the model file once.
            if let range = d.range(of: ": ") { return String(d[range.upperBound...]) }
            return d
        }
        return "\(error)"
    }
}
