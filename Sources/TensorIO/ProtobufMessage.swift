import CONNXProto
import Foundation
import LockstepCore

/// Owns a message tree that protobuf-c unpacked (into one arena) and frees it when the last tensor viewing it goes away.
public final class UnpackedMessage: @unchecked Sendable {
    public let message: UnsafeMutablePointer<ProtobufCMessage>
    /// The mapped file large `raw_data` fields were left in, and their byte ranges there
    /// (indexed by `TensorProto.lockstep_raw_data_ref`).
    public let source: MappedFile?
    public let liftedRanges: [Range<Int>]

    private let arena: UnsafeMutableRawPointer

    init(_ message: UnsafeMutablePointer<ProtobufCMessage>, arena: UnsafeMutableRawPointer, source: MappedFile?, liftedRanges: [Range<Int>]) {
        self.message = message
        self.arena = arena
        self.source = source
        self.liftedRanges = liftedRanges
    }

    deinit { lockstep_arena_free(arena) }  // releases the whole message tree

    /// Deepest message nesting accepted before unpacking (Python protobuf's default recursion limit).
    public static let maxNestingDepth: Int32 = 100

    /// `raw_data` fields at least this large are viewed in the mapped file instead of copied.
    public static let liftThreshold = 1024

    /// Checks `bytes` with a bounded wire-format walk (truncation, malformed fields, nesting
    /// depth), then unpacks it as `descriptor`. When `source` (the mapped file `bytes` lies in)
    /// is given, large `TensorProto.raw_data` fields are left in the file: the message records
    /// them in `liftedRanges` and tensors view them there. Errors name `path`.
    public static func unpack(_ bytes: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
                              path: String, what: String, source: MappedFile? = nil) throws -> UnpackedMessage {
        var reason = [CChar](repeating: 0, count: 256)
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var skeleton = lockstep_skeleton()
        defer { lockstep_skeleton_free(&skeleton) }
        let lift = source != nil ? liftThreshold : 0
        let rc = lockstep_wire_skeleton(base, bytes.count, descriptor, maxNestingDepth, lift, &skeleton, &reason, reason.count)
        if rc != 0 {
            let text = String(decoding: reason.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let kind = rc == 1 ? "truncated" : rc == 3 ? "too deeply nested" : rc == 4 ? "out of memory" : "malformed protobuf"
            throw TensorIOError.invalidFile(path: path, reason: "not a valid \(what) (\(kind)): \(text)")
        }
        var arena: UnsafeMutableRawPointer?
        guard let message = lockstep_arena_unpack(descriptor, skeleton.length, skeleton.data, &arena), let arena else {
            throw TensorIOError.invalidFile(path: path, reason: "not a valid \(what) (protobuf could not be decoded)")
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(skeleton.n_ranges)
        for i in 0..<skeleton.n_ranges {
            let r = skeleton.ranges[i]
            ranges.append(Int(r.offset)..<Int(r.offset + r.length))
        }
        return UnpackedMessage(message, arena: arena, source: source, liftedRanges: ranges)
    }
}

/// ONNX `TensorProto` files (`input_0.pb`, `output_0.pb` of the ONNX backend test layout).
public enum TensorProtoFile {
    /// Reads one serialized `TensorProto`. External data is resolved beside the file.
    public static func read(path: String) throws -> (name: String, tensor: Tensor) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as CoreError { throw TensorIOError.from(error) }
        guard file.bytes.count > 0 else { throw TensorIOError.invalidFile(path: path, reason: "empty file (0 bytes), not an ONNX TensorProto") }
        let unpacked = try UnpackedMessage.unpack(file.bytes, descriptor: lockstep_onnx_tensor_descriptor(),
                                                  path: path, what: "ONNX TensorProto", source: file)
        let directory = (path as NSString).deletingLastPathComponent
        let decoder = TensorProtoDecoder(path: path, message: unpacked,
                                         external: ExternalDataResolver(directory: directory.isEmpty ? "." : directory, referrer: path))
        let proto = UnsafeRawPointer(unpacked.message).assumingMemoryBound(to: Onnx__TensorProto.self)
        let decoded = try decoder.decode(proto, context: "tensor")
        return (decoded.name, decoded.tensor)
    }
}
