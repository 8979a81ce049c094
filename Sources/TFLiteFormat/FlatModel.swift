import CTFLite
import LockstepCore

/// Owns a verified model handle of the C shim (`lockstep_tflite_open`) and closes it once.
///
/// The handle points into the caller's bytes; whoever creates a `FlatModel` keeps those bytes
/// alive for as long as the handle is used (the loader only uses it while loading).
final class FlatModel {
    let handle: OpaquePointer

    /// Why `lockstep_tflite_open` refused the bytes.
    enum OpenFailure: Error {
        case tooShort, badIdentifier, verificationFailed, noMemory
    }

    init(bytes: UnsafeRawBufferPointer) throws(OpenFailure) {
        var out: OpaquePointer?
        let status = lockstep_tflite_open(bytes.baseAddress, bytes.count, &out)
        switch status {
        case LOCKSTEP_TFLITE_OK:
            guard let out else { throw .noMemory }
            handle = out
        case LOCKSTEP_TFLITE_TOO_SHORT: throw .tooShort
        case LOCKSTEP_TFLITE_BAD_IDENTIFIER: throw .badIdentifier
        case LOCKSTEP_TFLITE_NO_MEMORY: throw .noMemory
        default: throw .verificationFailed
        }
    }

    deinit { lockstep_tflite_close(handle) }

    var info: lockstep_tflite_model_info {
        var info = lockstep_tflite_model_info()
        lockstep_tflite_model_info_get(handle, &info)
        return info
    }

    func opcode(_ index: Int) -> lockstep_tflite_opcode? {
        var out = lockstep_tflite_opcode()
        return lockstep_tflite_opcode_get(handle, index, &out) != 0 ? out : nil
    }

    func buffer(_ index: Int) -> lockstep_tflite_buffer? {
        var out = lockstep_tflite_buffer()
        return lockstep_tflite_buffer_get(handle, index, &out) != 0 ? out : nil
    }

    func metadata(_ index: Int) -> lockstep_tflite_metadata? {
        var out = lockstep_tflite_metadata()
        return lockstep_tflite_metadata_get(handle, index, &out) != 0 ? out : nil
    }

    func signature(_ index: Int) -> lockstep_tflite_signature? {
        var out = lockstep_tflite_signature()
        return lockstep_tflite_signature_get(handle, index, &out) != 0 ? out : nil
    }

    /// Alias name and tensor index of input (or output) `entry` of signature `index`.
    func signatureTensor(_ index: Int, output: Bool, entry: Int) -> (name: String, tensor: Int)? {
        var name = lockstep_tflite_string()
        var tensor: UInt32 = 0
        guard lockstep_tflite_signature_tensor(handle, index, output ? 1 : 0, entry, &name, &tensor) != 0 else { return nil }
        return (name.text, Int(tensor))
    }

    func subgraph(_ index: Int) -> lockstep_tflite_subgraph? {
        var out = lockstep_tflite_subgraph()
        return lockstep_tflite_subgraph_get(handle, index, &out) != 0 ? out : nil
    }

    func tensor(subgraph: Int, _ index: Int) -> lockstep_tflite_tensor? {
        var out = lockstep_tflite_tensor()
        return lockstep_tflite_tensor_get(handle, subgraph, index, &out) != 0 ? out : nil
    }

    func dimensionMetadata(subgraph: Int, tensor: Int, _ index: Int) -> lockstep_tflite_dim_metadata? {
        var out = lockstep_tflite_dim_metadata()
        return lockstep_tflite_dim_metadata_get(handle, subgraph, tensor, index, &out) != 0 ? out : nil
    }

    func `operator`(subgraph: Int, _ index: Int) -> lockstep_tflite_operator? {
        var out = lockstep_tflite_operator()
        return lockstep_tflite_operator_get(handle, subgraph, index, &out) != 0 ? out : nil
    }

    /// The fields of the option table in `builtin_options` (`which` 1) or `builtin_options_2`
    /// (`which` 2), in schema order, converted by `body` while the shim's scratch memory is valid.
    func options<R>(subgraph: Int, operator index: Int, which: Int32,
                    _ body: (_ table: String?, _ fields: UnsafeBufferPointer<lockstep_tflite_field>) throws -> R) rethrows -> R? {
        var table: UnsafePointer<CChar>?
        var fields: UnsafePointer<lockstep_tflite_field>?
        var count = 0
        guard lockstep_tflite_operator_options(handle, subgraph, index, which, &table, &fields, &count) != 0 else { return nil }
        return try body(table.map { String(cString: $0) }, UnsafeBufferPointer(start: count > 0 ? fields : nil, count: count))
    }

    /// Schema name of builtin operator `code` (`CONV_2D`), nil when the schema does not list it.
    static func builtinName(_ code: Int32) -> String? {
        lockstep_tflite_builtin_name(code).map { String(cString: $0) }
    }

    /// Schema name of TensorType `code` (`FLOAT32`), nil when unknown.
    static func tensorTypeName(_ code: Int8) -> String? {
        lockstep_tflite_tensor_type_name(Int32(code)).map { String(cString: $0) }
    }
}

// MARK: - Reading the shim's views

extension lockstep_tflite_string {
    /// The string (invalid UTF-8 repaired); "" when absent.
    var text: String {
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    var bytes: [UInt8] {
        guard let data, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }
}

extension lockstep_tflite_vector {
    /// Elements read with unaligned little-endian loads (the caller's buffer may be unaligned).
    private func elements<T: FixedWidthInteger>(_: T.Type) -> [T] {
        guard let data, count > 0 else { return [] }
        let raw = UnsafeRawPointer(data)
        return (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }

    var int32s: [Int32] { elements(Int32.self) }

    /// A sparse index vector (`SparseIndexVector`: 1 int32, 2 uint16, 3 uint8) as `Int`s; empty
    /// for an absent or unknown vector.
    func indexValues(type: UInt8) -> [Int] {
        switch type {
        case 1: return elements(Int32.self).map(Int.init)
        case 2: return elements(UInt16.self).map(Int.init)
        case 3: return elements(UInt8.self).map(Int.init)
        default: return []
        }
    }
    var int64s: [Int64] { elements(Int64.self) }
    var floats: [Float] { elements(UInt32.self).map { Float(bitPattern: $0) } }
}
