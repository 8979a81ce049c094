import CONNXProto
import Foundation
import LockstepCore

/// A value stored in an ONNX test-data file: a tensor (`TensorProto`), a sequence
/// (`SequenceProto`) or an optional (`OptionalProto`), possibly nested.
public indirect enum ProtoValue: Sendable {
    case tensor(Tensor)
    case sequence([ProtoValue])
    /// `nil` is the empty optional.
    case optional(ProtoValue?)
}

/// Reads serialized `TensorProto`, `SequenceProto` and `OptionalProto` files (the ONNX backend
/// node cases store sequence- and optional-typed inputs and outputs this way). The file does
/// not say which message it holds, so the caller names it from the declared type.
public enum ValueProtoFile {
    /// Which message a file holds.
    public enum Kind: Sendable {
        case tensor, sequence, optional
    }

    /// `SequenceProto.DataType` / `OptionalProto.DataType` codes (onnx-data.proto).
    enum ElementKind: Int32 {
        case undefined = 0, tensor = 1, sparseTensor = 2, sequence = 3, map = 4, optional = 5
    }

    /// Reads the file at `path` as `kind`. Throws `TensorIOError` for unreadable or malformed
    /// files and for contents Lockstep cannot represent (sparse tensors, maps).
    public static func read(path: String, as kind: Kind) throws -> ProtoValue {
        if kind == .tensor { return .tensor(try TensorProtoFile.read(path: path).tensor) }
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as CoreError { throw TensorIOError.from(error) }
        let (descriptor, what) = kind == .sequence ? (sequenceDescriptor(), "ONNX SequenceProto") : (optionalDescriptor(), "ONNX OptionalProto")
        let unpacked = try UnpackedMessage.unpack(file.bytes, descriptor: descriptor, path: path, what: what, source: file)
        let directory = (path as NSString).deletingLastPathComponent
        let reader = Reader(path: path, decoder: TensorProtoDecoder(
            path: path, message: unpacked, external: ExternalDataResolver(directory: directory.isEmpty ? "." : directory, referrer: path)))
        let raw = UnsafeRawPointer(unpacked.message)
        if kind == .sequence {
            return try reader.sequence(raw.assumingMemoryBound(to: Onnx__SequenceProto.self), context: "sequence")
        }
        return try reader.optional(raw.assumingMemoryBound(to: Onnx__OptionalProto.self), context: "optional")
    }

    /// The protobuf-c descriptors, taken from initialised messages (the generated descriptor
    /// globals, whose address is stable).
    static func sequenceDescriptor() -> UnsafePointer<ProtobufCMessageDescriptor> {
        var message = Onnx__SequenceProto()
        onnx__sequence_proto__init(&message)
        return message.base.descriptor
    }

    static func optionalDescriptor() -> UnsafePointer<ProtobufCMessageDescriptor> {
        var message = Onnx__OptionalProto()
        onnx__optional_proto__init(&message)
        return message.base.descriptor
    }

    struct Reader {
        let path: String
        let decoder: TensorProtoDecoder

        func fail(_ context: String, _ reason: String) -> TensorIOError {
            .invalidFile(path: path, reason: "\(context): \(reason)")
        }

        func kind(_ code: Int32, has: Bool, context: String) throws -> ElementKind {
            guard has else { return .undefined }
            guard let kind = ElementKind(rawValue: code) else { throw fail(context, "unknown elem_type \(code)") }
            return kind
        }

        func tensor(_ proto: UnsafePointer<Onnx__TensorProto>, context: String) throws -> ProtoValue {
            .tensor(try decoder.decode(proto, context: context).tensor)
        }

        func sequence(_ proto: UnsafePointer<Onnx__SequenceProto>, context: String) throws -> ProtoValue {
            let p = proto.pointee
            let kind = try kind(p.elem_type, has: p.has_elem_type != 0, context: context)
            var values: [ProtoValue] = []
            switch kind {
            case .undefined, .tensor:
                if kind == .undefined && (p.n_sequence_values > 0 || p.n_optional_values > 0 || p.n_sparse_tensor_values > 0) {
                    throw fail(context, "elem_type is missing but the sequence holds non-tensor values")
                }
                for i in 0..<p.n_tensor_values {
                    guard let t = p.tensor_values[i] else { continue }
                    values.append(try tensor(t, context: "\(context) element \(i)"))
                }
            case .sequence:
                for i in 0..<p.n_sequence_values {
                    guard let s = p.sequence_values[i] else { continue }
                    values.append(try sequence(s, context: "\(context) element \(i)"))
                }
            case .optional:
                for i in 0..<p.n_optional_values {
                    guard let o = p.optional_values[i] else { continue }
                    values.append(try optional(o, context: "\(context) element \(i)"))
                }
            case .sparseTensor:
                throw fail(context, "sequences of sparse tensors are not supported")
            case .map:
                throw fail(context, "sequences of maps are not supported")
            }
            return .sequence(values)
        }

        func optional(_ proto: UnsafePointer<Onnx__OptionalProto>, context: String) throws -> ProtoValue {
            let p = proto.pointee
            switch try kind(p.elem_type, has: p.has_elem_type != 0, context: context) {
            case .undefined:
                return .optional(nil)
            case .tensor:
                guard let t = p.tensor_value else { return .optional(nil) }
                return .optional(try tensor(t, context: "\(context) value"))
            case .sequence:
                guard let s = p.sequence_value else { return .optional(nil) }
                return .optional(try sequence(s, context: "\(context) value"))
            case .optional:
                guard let o = p.optional_value else { return .optional(nil) }
                return .optional(try optional(o, context: "\(context) value"))
            case .sparseTensor:
                throw fail(context, "optional sparse tensors are not supported")
            case .map:
                throw fail(context, "optional maps are not supported")
            }
        }
    }
}
