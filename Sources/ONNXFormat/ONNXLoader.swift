import CONNXProto
import Foundation
import LockstepCore
import TensorIO

/// Reads ONNX models (`ModelProto`) into Lockstep's IR.
///
/// The file is memory-mapped, checked by a bounded wire-format walk (truncation, malformed
/// fields, nesting depth), unpacked by protobuf-c and converted. Tensors view the unpacked
/// message (or the mapped external-data files) instead of copying weights.
public enum ONNXLoader {
    /// Highest ONNX IR version this loader understands (onnx 1.23.2 defines IR version 14).
    public static let maxIRVersion: Int64 = 14

    /// Loads the model at `path`. External data is resolved inside the model's folder only.
    public static func load(path: String) throws -> Model {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as CoreError {
            throw ONNXError.invalidModel(path: path, reason: Self.stripPath(error.localizedDescription, path))
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try load(bytes: file.bytes, path: path, externalDataDirectory: directory.isEmpty ? "." : directory, source: file)
    }

    /// Loads a model from memory. `path` names it in errors; external data is looked up in
    /// `externalDataDirectory` (nil refuses external data).
    public static func load(bytes: UnsafeRawBufferPointer, path: String, externalDataDirectory: String?) throws -> Model {
        try load(bytes: bytes, path: path, externalDataDirectory: externalDataDirectory, source: nil)
    }

    /// `source`, when given, is the mapped file `bytes` belongs to: large weights are then
    /// viewed in it rather than copied.
    static func load(bytes: UnsafeRawBufferPointer, path: String, externalDataDirectory: String?, source: MappedFile?) throws -> Model {
        guard bytes.count > 0 else { throw ONNXError.invalidModel(path: path, reason: "empty file (0 bytes), not an ONNX model") }
        if let other = FormatSniffer.nonONNXFormat(bytes) {
            throw ONNXError.invalidModel(path: path, reason: "not an ONNX model: looks like \(other)")
        }
        let unpacked: UnpackedMessage
        do {
            unpacked = try UnpackedMessage.unpack(bytes, descriptor: lockstep_onnx_model_descriptor(), path: path, what: "ONNX model",
                                                 source: source)
        } catch let error as TensorIOError {
            throw ONNXError.invalidModel(path: path, reason: Self.stripPath(error.localizedDescription, path))
        }
        let model = UnsafeRawPointer(unpacked.message).assumingMemoryBound(to: Onnx__ModelProto.self).pointee

        guard model.has_ir_version != 0 || model.graph != nil || model.n_opset_import > 0 else {
            throw ONNXError.invalidModel(path: path, reason: "not an ONNX model (no ir_version, opset_import or graph)")
        }
        guard model.has_ir_version != 0, model.ir_version >= 1 else {
            throw ONNXError.invalidModel(path: path, reason: "ir_version is missing or invalid (\(model.ir_version))")
        }
        guard model.ir_version <= maxIRVersion else {
            throw ONNXError.unsupported(path: path,
                reason: "unsupported IR version \(model.ir_version) (Lockstep reads IR versions 1–\(maxIRVersion))")
        }
        guard let graphProto = model.graph else { throw ONNXError.invalidModel(path: path, reason: "model has no graph") }

        var opsets: [String: Int] = [:]
        for i in 0..<model.n_opset_import {
            guard let entry = model.opset_import[i] else { continue }
            let domain = Self.normalizedDomain(cString(entry.pointee.domain))
            opsets[domain] = Int(entry.pointee.version)
        }
        if opsets.isEmpty && model.ir_version < 3 { opsets[""] = 1 }  // IR < 3 predates opset imports

        let converter = Converter(
            path: path, opsets: opsets,
            decoder: TensorProtoDecoder(path: path, message: unpacked,
                                        external: externalDataDirectory.map { ExternalDataResolver(directory: $0, referrer: path) }))
        do {
            let graph = try converter.graph(graphProto, path: [], opsets: opsets)
            var functions: [Function] = []
            for i in 0..<model.n_functions {
                guard let f = model.functions[i] else { continue }
                functions.append(try converter.function(f))
            }
            var training: [Graph] = []
            for i in 0..<model.n_training_info {
                guard let t = model.training_info[i]?.pointee else { continue }
                if let g = t.initialization { training.append(try converter.graph(g, path: ["training_info[\(i)].initialization"], opsets: opsets)) }
                if let g = t.algorithm { training.append(try converter.graph(g, path: ["training_info[\(i)].algorithm"], opsets: opsets)) }
            }
            return Model(
                format: .onnx, path: path,
                producerName: cString(model.producer_name), producerVersion: cString(model.producer_version),
                irVersion: model.ir_version, opsetImports: opsets, domain: cString(model.domain),
                modelVersion: model.has_model_version != 0 ? model.model_version : 0,
                docString: cString(model.doc_string),
                metadata: metadataEntries(model.metadata_props, model.n_metadata_props),
                graph: graph, functions: functions, trainingGraphs: training)
        } catch let error as TensorIOError {
            throw ONNXError.invalidModel(path: path, reason: Self.stripPath(error.localizedDescription, path))
        }
    }

    /// "ai.onnx" and "" are the same default domain; Lockstep keys it as "".
    static func normalizedDomain(_ d: String) -> String { d == "ai.onnx" ? "" : d }

    static func stripPath(_ message: String, _ path: String) -> String {
        message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }
}

/// Recognises the other model formats so their files get a helpful error instead of a protobuf one.
enum FormatSniffer {
    static func nonONNXFormat(_ bytes: UnsafeRawBufferPointer) -> String? {
        func ascii(_ range: Range<Int>) -> String? {
            guard bytes.count >= range.upperBound else { return nil }
            return String(decoding: bytes[range], as: UTF8.self)
        }
        if ascii(4..<8) == "TFL3" { return "a TFLite flatbuffer (identifier TFL3)" }
        if let magic = ascii(0..<4), magic == "ftrt" || magic == "ptrt" { return "a TensorRT plan (magic '\(magic)')" }
        if bytes.count >= 8, bytes[0] == 0x89, ascii(1..<4) == "PNG" { return "a PNG image" }
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4b, bytes[2] == 0x03, bytes[3] == 0x04 { return "a ZIP archive (.npz, .pt or .keras?)" }
        if bytes.count >= 6, bytes[0] == 0x93, ascii(1..<6) == "NUMPY" { return "a numpy .npy file" }
        if bytes.count >= 8, bytes[0] == 0x89, ascii(1..<4) == "HDF" { return "an HDF5 file (Keras .h5?)" }
        return nil
    }
}

@inline(__always)
func cString(_ p: UnsafeMutablePointer<CChar>?) -> String {
    guard let p else { return "" }
    return String(cString: p)
}

func metadataEntries(_ entries: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__StringStringEntryProto>?>?, _ n: Int) -> [MetadataEntry] {
    guard let entries, n > 0 else { return [] }
    var out: [MetadataEntry] = []
    out.reserveCapacity(n)
    for i in 0..<n {
        guard let e = entries[i]?.pointee else { continue }
        out.append(MetadataEntry(key: cString(e.key), value: cString(e.value)))
    }
    return out
}
