import Foundation
import LockstepCore
import ONNXFormat
import TFLiteFormat
import TensorRTFormat

/// Opens a model form of any supported format into the IR.
public enum ModelFile {
    /// A loaded form: a model file, or a TensorRT plan bundle (which carries its IR in `model`).
    public enum Form: Sendable {
        case model(Model)
        case tensorRT(TensorRTBundle)

        public var model: Model {
            switch self {
            case .model(let m): return m
            case .tensorRT(let b): return b.model
            }
        }
    }

    /// Loads `path` as its IR, whatever the format (a TensorRT bundle gives its layer graph).
    public static func load(path: String) throws -> Model { try open(path: path).model }

    /// Loads `path`, choosing the reader from the file's leading bytes: TFLite (`TFL3`),
    /// TensorRT plans (`ftrt`/`ptrt`, also behind an Ultralytics prefix), TensorRT bundle
    /// folders and exported JSON/logs, else ONNX (whose reader says precisely what is wrong).
    public static func open(path: String) throws -> Form {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LockstepError.unsupportedFormat(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { return .tensorRT(try TensorRTBundleLoader.load(path: path)) }
        switch try sniff(path: path) {
        case .tflite: return .model(try TFLiteLoader.load(path: path))
        case .tensorrt: return .tensorRT(try TensorRTBundleLoader.load(path: path))
        case .onnx: return .model(try ONNXLoader.load(path: path))
        }
    }

    /// The format a file appears to hold, from its first bytes.
    public static func sniff(path: String) throws -> ModelFormat {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .onnx }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64)) ?? Data()
        let bytes = [UInt8](head)
        func ascii(_ range: Range<Int>) -> String? {
            bytes.count >= range.upperBound ? String(decoding: bytes[range], as: UTF8.self) : nil
        }
        if ascii(4..<8) == "TFL3" { return .tflite }
        if let magic = ascii(0..<4), magic == "ftrt" || magic == "ptrt" { return .tensorrt }
        // Ultralytics engines: 4-byte little-endian JSON length, then the JSON metadata, then the plan.
        if bytes.count >= 5, bytes[4] == UInt8(ascii: "{"), bytes[3] == 0 { return .tensorrt }
        // trtexec / Polygraphy exports are JSON or text logs: JSON starts with { or [ after whitespace.
        if let first = bytes.first(where: { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return .tensorrt
        }
        let ext = (path as NSString).pathExtension.lowercased()
        if ["plan", "engine", "log", "json"].contains(ext) { return .tensorrt }
        if ext == "tflite" { return .tflite }
        return .onnx
    }
}
