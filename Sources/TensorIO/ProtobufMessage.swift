import CONNXProto
import Foundation
import LockstepCore

/// Owns a message tree that protobuf-c unpacked and frees it when the last tensor viewing it goes away.
public final class UnpackedMessage: @unchecked Sendable {
    public let message: UnsafeMutablePointer<ProtobufCMessage>

    init(_ message: UnsafeMutablePointer<ProtobufCMessage>) { self.message = message }

    deinit { protobuf_c_message_free_unpacked(message, nil) }

    /// Deepest message nesting accepted before unpacking (Python protobuf's default recursion limit).
    public static let maxNestingDepth: Int32 = 100

    /// Checks `bytes` with a bounded wire-format walk, then unpacks it as `descriptor`.
    /// Errors name `path` and say whether the data is truncated, malformed or nested too deep.
    public static func unpack(_ bytes: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                              path: String, what: String) throws -> UnpackedMessage {
        var reason = [CChar](repeating: 0, count: 256)
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let rc = lockstep_wire_check(base, bytes.count, descriptor, maxNestingDepth, &reason, reason.count)
        if rc != 0 {
            let text = String(decoding: reason.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw TensorIOError.invalidFile(path: path, reason: "not a valid \(what) (\(rc == 1 ? "truncated" : rc == 3 ? "too deeply nested" : "malformed protobuf")): \(text)")
        }
        guard let message = protobuf_c_message_unpack(descriptor, nil, bytes.count, base) else {
            throw TensorIOError.invalidFile(path: path, reason: "not a valid \(what) (protobuf could not be decoded)")
        }
        return UnpackedMessage(message)
    }
}

/// ONNX `TensorProto` files (`input_0.pb`, `output_0.pb` of the ONNX backend test layout).
public enum TensorProtoFile {
    /// Reads one serialized `TensorProto`. External data is resolved beside the file.
    public static func read(path: String) throws -> (name: String, tensor: Tensor) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as CoreError { throw TensorIOError.from(error) }
        let unpacked = try UnpackedMessage.unpack(file.bytes, descriptor: lockstep_onnx_tensor_descriptor(),
                                                  path: path, what: "ONNX TensorProto")
        let directory = (path as NSString).deletingLastPathComponent
        let decoder = TensorProtoDecoder(path: path, owner: unpacked,
                                         external: ExternalDataResolver(directory: directory.isEmpty ? "." : directory, referrer: path))
        let proto = UnsafeRawPointer(unpacked.message).assumingMemoryBound(to: Onnx__TensorProto.self)
        let decoded = try decoder.decode(proto, context: "tensor")
        return (decoded.name, decoded.tensor)
    }
}
