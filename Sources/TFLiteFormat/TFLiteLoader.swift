import Foundation
import LockstepCore

/// Reads TFLite models (FlatBuffers, schema version 3, identifier `TFL3`) into Lockstep's IR.
///
/// The file is memory-mapped once and checked by the FlatBuffers verifier before anything is
/// read. Subgraph 0 becomes `Model.graph`, subgraphs 1…n `Model.subgraphs`; builtin option
/// tables become node attributes named like the schema's fields; constant tensors are
/// zero-copy views into the mapped file. See docs/tflite.md.
public enum TFLiteLoader {
    /// The schema version this loader reads (`Model.version`; TFLite's `TFLITE_SCHEMA_VERSION`).
    public static let schemaVersion: Int64 = 3

    /// Loads the model at `path`. Constant tensors view the memory-mapped file.
    public static func load(path: String) throws -> Model {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as CoreError {
            throw TFLiteError.invalidModel(path: path, reason: stripPath(error.localizedDescription, path))
        }
        return try load(bytes: file.bytes, path: path, source: file)
    }

    /// Loads a model from memory; `path` names it in errors. Constant tensors are copied out of
    /// `bytes`, which need only stay valid during the call.
    public static func load(bytes: UnsafeRawBufferPointer, path: String) throws -> Model {
        try load(bytes: bytes, path: path, source: nil)
    }

    /// `source`, when given, is the mapped file `bytes` belongs to: tensors then view it.
    static func load(bytes: UnsafeRawBufferPointer, path: String, source: MappedFile?) throws -> Model {
        func invalid(_ reason: String) -> TFLiteError { .invalidModel(path: path, reason: reason) }
        guard bytes.count > 0 else { throw invalid("empty file (0 bytes), not a TFLite model") }
        if let other = FormatSniffer.otherFormat(bytes) { throw invalid("not a TFLite model: looks like \(other)") }
        let flat: FlatModel
        do { flat = try FlatModel(bytes: bytes) } catch {
            switch error {
            case .tooShort:
                throw invalid("file too short (\(bytes.count) bytes) to be a TFLite flatbuffer")
            case .badIdentifier:
                throw invalid("not a TFLite model: file identifier is \(FormatSniffer.identifier(bytes)), expected \"TFL3\"")
            case .verificationFailed:
                throw invalid("not a valid TFLite flatbuffer (verification failed: an offset, size or alignment is out of bounds, or nesting or table count exceeds the limits)")
            case .noMemory:
                throw invalid("out of memory while opening the model")
            }
        }
        return try withExtendedLifetime(flat) {
            try Converter(path: path, bytes: bytes, source: source, flat: flat).model()
        }
    }

    static func stripPath(_ message: String, _ path: String) -> String {
        message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }
}

/// Names the formats a TFLite file is most often confused with, from their leading bytes.
enum FormatSniffer {
    /// A description of the format `bytes` hold when it is recognisably not TFLite, else nil.
    static func otherFormat(_ bytes: UnsafeRawBufferPointer) -> String? {
        func ascii(_ range: Range<Int>) -> String? {
            guard bytes.count >= range.upperBound else { return nil }
            return String(decoding: bytes[range], as: UTF8.self)
        }
        if ascii(4..<8) == "TFL3" { return nil }
        if let magic = ascii(0..<4), magic == "ftrt" || magic == "ptrt" { return "a TensorRT plan (magic '\(magic)')" }
        if bytes.count >= 8, bytes[0] == 0x89, ascii(1..<4) == "PNG" { return "a PNG image" }
        if bytes.count >= 8, bytes[0] == 0x89, ascii(1..<4) == "HDF" { return "an HDF5 file (Keras .h5?)" }
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4b, bytes[2] == 0x03, bytes[3] == 0x04 {
            return "a ZIP archive (.npz, .pt, .keras or a SavedModel?)"
        }
        if bytes.count >= 6, bytes[0] == 0x93, ascii(1..<6) == "NUMPY" { return "a numpy .npy file" }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return "a JPEG image" }
        // ONNX ModelProto: field 1 (ir_version, a small varint) first, then another field's tag.
        if bytes.count >= 4, bytes[0] == 0x08, (1...20).contains(bytes[1]), [0, 2].contains(bytes[2] & 0x7) {
            return "an ONNX model (protobuf ModelProto)"
        }
        return nil
    }

    /// Bytes 4..<8 as a quoted printable string or as hex.
    static func identifier(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count >= 8 else { return "missing" }
        let id = Array(bytes[4..<8])
        if id.allSatisfy({ (0x20...0x7e).contains($0) }) { return "\"" + String(decoding: id, as: UTF8.self) + "\"" }
        return "0x" + id.map { String(format: "%02x", $0) }.joined()
    }
}
