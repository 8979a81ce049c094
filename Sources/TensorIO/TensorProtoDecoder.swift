import CONNXProto
import Foundation
import LockstepCore

/// Converts an unpacked ONNX `TensorProto` into a `Tensor`.
///
/// This is the one TensorProto decoder: the ONNX loader uses it for initializers and tensor
/// attributes, `TensorProtoFile` for `.pb` files. Data is never copied when the message
/// already holds it in Lockstep's layout (`raw_data`, `float_data`, `int64_data`, …): the
/// tensor's storage is a view that keeps `owner` (the unpacked message) alive. External
/// data is mapped through the resolver.
public struct TensorProtoDecoder {
    /// The file being read (for messages).
    public let path: String
    /// The unpacked message; tensors viewing its memory keep it alive.
    public let message: UnpackedMessage
    public let external: ExternalDataResolver?

    public init(path: String, message: UnpackedMessage, external: ExternalDataResolver?) {
        self.path = path
        self.message = message
        self.external = external
    }

    private var owner: AnyObject { message }

    /// The proto's name, or "" when it has none.
    public static func name(_ proto: UnsafePointer<Onnx__TensorProto>) -> String {
        proto.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// Decodes `proto`. `context` describes where it sits (e.g. "initializer 'w'") for errors.
    public func decode(_ proto: UnsafePointer<Onnx__TensorProto>, context: @autoclosure () -> String? = nil) throws -> (name: String, tensor: Tensor, isExternal: Bool) {
        let p = proto.pointee
        let name = Self.name(proto)
        func fail(_ reason: String) -> TensorIOError {
            .invalidFile(path: path, reason: "\(context() ?? "tensor '\(name)'"): \(reason)")
        }

        var shape: [Int] = []
        shape.reserveCapacity(p.n_dims)
        for i in 0..<p.n_dims {
            let d = p.dims[i]
            guard d >= 0, d <= Int64(Int.max) else { throw fail("negative or too large dimension \(d)") }
            shape.append(Int(d))
        }
        guard let count = Shape.elementCount(shape) else { throw fail("dims \(shape) overflow the element count") }
        guard p.has_data_type != 0, p.data_type != 0 else { throw fail("data_type is missing (UNDEFINED)") }
        guard let dtype = DType(onnxCode: p.data_type) else { throw fail("unsupported data_type \(p.data_type)") }
        if p.segment != nil { throw fail("segmented tensors (TensorProto.segment) are not supported") }

        if p.has_data_location != 0 && p.data_location == 1 {
            return (name, try decodeExternal(p, name: name, dtype: dtype, shape: shape, count: count, fail: fail), true)
        }

        if dtype == .string {
            guard p.n_string_data == count else { throw fail("string_data holds \(p.n_string_data) values, shape \(shape) needs \(count)") }
            var strings: [[UInt8]] = []
            strings.reserveCapacity(count)
            for i in 0..<count {
                let s = p.string_data[i]
                strings.append(s.len == 0 ? [] : Array(UnsafeRawBufferPointer(start: s.data, count: s.len)))
            }
            return (name, try Tensor(strings: strings, shape: shape), false)
        }
        guard let expectedBytes = dtype.storageBytes(count: count) else { throw fail("\(dtype) tensor of shape \(shape) is too large") }

        if p.has_lockstep_raw_data_ref != 0 {
            // raw_data left in the mapped file by the loader's skeleton pass: view it there.
            let index = Int(clamping: p.lockstep_raw_data_ref)
            guard let source = message.source, index < message.liftedRanges.count else {
                throw fail("internal error: raw_data reference \(index) has no mapped range")
            }
            let range = message.liftedRanges[index]
            guard range.count == expectedBytes else {
                throw fail("raw_data holds \(range.count) bytes, \(dtype) shape \(shape) needs \(expectedBytes)")
            }
            return (name, try Tensor(dtype: dtype, shape: shape, storage: source.storage(range: range)), false)
        }
        if p.has_raw_data != 0 || p.raw_data.len > 0 {
            guard p.raw_data.len == expectedBytes else {
                throw fail("raw_data holds \(p.raw_data.len) bytes, \(dtype) shape \(shape) needs \(expectedBytes)")
            }
            let storage = expectedBytes == 0
                ? TensorStorage(copying: UnsafeRawBufferPointer(start: nil, count: 0))
                : TensorStorage(viewing: UnsafeRawBufferPointer(start: p.raw_data.data, count: expectedBytes), owner: owner)
            return (name, try Tensor(dtype: dtype, shape: shape, storage: storage), false)
        }

        func view<T>(_ pointer: UnsafeMutablePointer<T>?, _ n: Int, field: String, per: Int = 1) throws -> TensorStorage {
            guard n == count * per else { throw fail("\(field) holds \(n) values, shape \(shape) needs \(count * per)") }
            if n == 0 { return TensorStorage(copying: UnsafeRawBufferPointer(start: nil, count: 0)) }
            return TensorStorage(viewing: UnsafeRawBufferPointer(start: pointer, count: n * MemoryLayout<T>.stride), owner: owner)
        }
        /// int32_data narrowed to `width`-byte little-endian elements (or packed bytes for sub-byte types).
        func narrowed(elements: Int, width: Int) throws -> TensorStorage {
            guard p.n_int32_data == elements else {
                throw fail("int32_data holds \(p.n_int32_data) values, \(dtype) shape \(shape) needs \(elements)")
            }
            return TensorStorage(byteCount: elements * width) { out in
                for i in 0..<elements {
                    let v = UInt32(bitPattern: p.int32_data[i])
                    if width == 1 { out[i] = UInt8(truncatingIfNeeded: v) }
                    else { out.storeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian, toByteOffset: i * 2, as: UInt16.self) }
                }
            }
        }

        let storage: TensorStorage
        switch dtype {
        case .float32: storage = try view(p.float_data, p.n_float_data, field: "float_data")
        case .complex64: storage = try view(p.float_data, p.n_float_data, field: "float_data", per: 2)
        case .float64: storage = try view(p.double_data, p.n_double_data, field: "double_data")
        case .complex128: storage = try view(p.double_data, p.n_double_data, field: "double_data", per: 2)
        case .int32: storage = try view(p.int32_data, p.n_int32_data, field: "int32_data")
        case .int64: storage = try view(p.int64_data, p.n_int64_data, field: "int64_data")
        case .uint64: storage = try view(p.uint64_data, p.n_uint64_data, field: "uint64_data")
        case .uint32:
            guard p.n_uint64_data == count else { throw fail("uint64_data holds \(p.n_uint64_data) values, shape \(shape) needs \(count)") }
            storage = TensorStorage(byteCount: count * 4) { out in
                for i in 0..<count { out.storeBytes(of: UInt32(truncatingIfNeeded: p.uint64_data[i]).littleEndian, toByteOffset: i * 4, as: UInt32.self) }
            }
        case .int8, .uint8, .bool, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0:
            storage = try narrowed(elements: count, width: 1)
        case .int16, .uint16, .float16, .bfloat16:
            storage = try narrowed(elements: count, width: 2)
        case .int4, .uint4, .int2, .uint2, .float4e2m1:
            // One packed byte per int32 value (onnx.proto: "packed … prior to writing to the buffer").
            storage = try narrowed(elements: expectedBytes, width: 1)
        case .float6e2m3, .float6e3m2:
            // onnx 1.23 writes one 6-bit code per int32 value; Lockstep stores the LSB-first
            // packed bit stream that raw_data uses (onnx numpy_helper._pack_6bit).
            guard p.n_int32_data == count else {
                throw fail("int32_data holds \(p.n_int32_data) values, \(dtype) shape \(shape) needs \(count)")
            }
            storage = TensorStorage(byteCount: expectedBytes) { out in
                for i in 0..<count {
                    let code = UInt32(bitPattern: p.int32_data[i]) & 0x3f
                    let bit = i * 6
                    out[bit / 8] |= UInt8(truncatingIfNeeded: code << UInt32(bit % 8))
                    if bit % 8 > 2 { out[bit / 8 + 1] |= UInt8(truncatingIfNeeded: code >> UInt32(8 - bit % 8)) }
                }
            }
        case .string:
            fatalError("handled above")
        }
        return (name, try Tensor(dtype: dtype, shape: shape, storage: storage), false)
    }

    private func decodeExternal(_ p: Onnx__TensorProto, name: String, dtype: DType, shape: [Int], count: Int,
                                fail: (String) -> TensorIOError) throws -> Tensor {
        guard dtype != .string else { throw fail("string tensors cannot be stored as external data") }
        guard let resolver = external else { throw fail("refers to external data, which is not available when reading from memory") }
        guard let expectedBytes = dtype.storageBytes(count: count) else { throw fail("\(dtype) tensor of shape \(shape) is too large") }
        var location: String?
        var offset = 0
        var length: Int?
        for i in 0..<p.n_external_data {
            guard let entry = p.external_data[i] else { continue }
            let key = entry.pointee.key.map { String(cString: $0) } ?? ""
            let value = entry.pointee.value.map { String(cString: $0) } ?? ""
            switch key {
            case "location": location = value
            case "offset":
                guard let v = Int(value), v >= 0 else { throw fail("external data offset '\(value)' is not a non-negative integer") }
                offset = v
            case "length":
                guard let v = Int(value), v >= 0 else { throw fail("external data length '\(value)' is not a non-negative integer") }
                length = v
            default: break  // checksum and future keys are informational
            }
        }
        guard let location else { throw fail("external data has no 'location'") }
        let storage = try resolver.storage(location: location, offset: offset, length: length, expectedBytes: expectedBytes, tensorName: name)
        return try Tensor(dtype: dtype, shape: shape, storage: storage)
    }
}
