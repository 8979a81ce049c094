import Foundation
import LockstepCore
import ONNXFormat

/// Opens a model file of any supported format into the IR.
public enum ModelFile {
    /// Loads `path`, choosing the reader from the file's leading bytes (and its extension as a hint).
    public static func load(path: String) throws -> Model {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LockstepError.unsupportedFormat(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw LockstepError.unsupportedFormat(path: path, reason: "is a directory, expected a model file")
        }
        switch try sniff(path: path) {
        case .tflite:
            throw LockstepError.unsupportedFormat(path: path, reason: "TFLite models are not readable yet (TFL3 flatbuffer detected)")
        case .tensorrt:
            throw LockstepError.unsupportedFormat(path: path, reason: "TensorRT plans are not readable yet (plan header detected)")
        case .onnx:
            return try ONNXLoader.load(path: path)
        }
    }

    /// The format a file appears to hold. Anything that is not recognisably TFLite or a
    /// TensorRT plan is handed to the ONNX reader, which reports precisely what is wrong.
    public static func sniff(path: String) throws -> ModelFormat {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .onnx }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 32)) ?? Data()
        if head.count >= 8, String(decoding: head[4..<8], as: UTF8.self) == "TFL3" { return .tflite }
        if head.count >= 4, ["ftrt", "ptrt"].contains(String(decoding: head[0..<4], as: UTF8.self)) { return .tensorrt }
        return .onnx
    }
}
