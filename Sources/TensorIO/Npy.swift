import LockstepCore

/// Reading and writing numpy `.npy` files.
///
/// Reads format versions 1.0, 2.0 and 3.0, any byte order, C and Fortran order, and every
/// numpy dtype with a Lockstep counterpart: `f2` `f4` `f8`, `i1`…`i8`, `u1`…`u8`, `b1`/`?`,
/// `c8` `c16`, unicode `U<n>` and bytes `S<n>` (both become `string` tensors, trailing NULs
/// stripped; unicode as UTF-8). The non-numpy descr `bfloat16` is read as `bfloat16`.
/// Pickled object arrays, structured dtypes, raw void (`V<n>`, how ml_dtypes saves bfloat16),
/// datetimes and long doubles are rejected with a `TensorIOError`.
///
/// Writes what numpy writes for a C-order little-endian array: version 1.0 (2.0 or 3.0 only
/// when the header needs it), header padded so the data starts at a multiple of 64 bytes.
/// The header is parsed by a small strict parser; nothing in a file is ever evaluated.
public enum Npy {
    /// Reads the `.npy` file at `path`.
    ///
    /// Little-endian C-order numeric data is returned as a zero-copy view of the memory-mapped
    /// file (the tensor keeps the mapping alive) when the data offset is aligned for the element
    /// type, as numpy's 64-byte padding ensures; other layouts are converted into fresh storage.
    /// - Throws: `TensorIOError` with a message `<path>: <reason>`.
    public static func read(path: String) throws -> Tensor {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let error as CoreError { throw TensorIOError.from(error) }
        do {
            return try decode(file.bytes, owner: file)
        } catch {
            throw error.error(path: path)
        }
    }

    /// Reads a `.npy` image held in memory. The data is copied, so `data` need not outlive the
    /// tensor. `name` is used in error messages in place of a file name.
    /// - Throws: `TensorIOError` with a message `<name>: <reason>`.
    public static func read(data: UnsafeRawBufferPointer, name: String) throws -> Tensor {
        do {
            return try decode(data, owner: nil)
        } catch {
            throw error.error(path: name)
        }
    }

    /// Writes `tensor` as a `.npy` file (little-endian, C order, version 1.0 unless the header
    /// needs a later one). `string` tensors are written as unicode `<U<n>` when every element is
    /// valid UTF-8, otherwise as bytes `|S<n>`.
    ///
    /// The file is written to a temporary name in the same directory and moved into place.
    /// - Parameter overwrite: when `false` (the default) an existing file at `path` is never
    ///   replaced and `TensorIOError.fileExists` is thrown.
    /// - Throws: `TensorIOError.unsupported` for dtypes numpy cannot represent (bfloat16, the
    ///   float8/float6/float4 kinds, int4/uint4/int2/uint2); `.fileExists`; `.cannotWrite`.
    public static func write(_ tensor: Tensor, to path: String, overwrite: Bool = false) throws {
        let encoded: NpyEncoded
        do { encoded = try NpyEncoded(tensor) } catch { throw error.error(path: path) }
        try AtomicFileWriter.write(to: path, overwrite: overwrite) { output in
            try output.write(encoded.header)
            try encoded.withDataBytes { try output.write($0) }
        }
    }

    /// The bytes of the `.npy` file `write(_:to:)` would produce.
    /// - Throws: `TensorIOError.unsupported` for dtypes numpy cannot represent.
    public static func encode(_ tensor: Tensor) throws -> [UInt8] {
        let encoded: NpyEncoded
        do { encoded = try NpyEncoded(tensor) } catch { throw error.error(path: "<tensor>") }
        var out = encoded.header
        encoded.withDataBytes { out.append(contentsOf: $0) }
        return out
    }

    // MARK: - Decoding

    /// Decodes a complete `.npy` image. When `owner` is given, `bytes` stay valid while it is
    /// alive and suitable data is returned as a view; otherwise the data is copied.
    static func decode(_ bytes: UnsafeRawBufferPointer, owner: AnyObject?) throws(NpyFailure) -> Tensor {
        let header = try NpyHeader.parse(bytes)
        let needed = try header.dataByteCount()
        let found = bytes.count - header.dataOffset
        guard needed <= found else {
            throw .invalid("data is truncated: shape \(NpyHeader.pythonShape(header.shape)) of "
                + "\(header.descr.displayName) needs \(needed) bytes, found \(found)")
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset..<(header.dataOffset + needed)])
        return try tensor(header: header, data: data, owner: owner)
    }

    /// Builds the tensor for `header` from exactly its data bytes.
    static func tensor(header: NpyHeader, data: UnsafeRawBufferPointer, owner: AnyObject?) throws(NpyFailure) -> Tensor {
        let dtype: DType
        switch header.descr.element {
        case .unicode, .bytes:
            let strings = try NpyConversion.decodeStrings(from: data, header: header)
            return try build { try Tensor(strings: strings, shape: header.shape) }
        case .numeric(let numericType):
            dtype = numericType
        }
        let itemSize = header.descr.itemSize
        let swap = header.descr.bigEndian && header.descr.swapUnit > 1
        let transpose = NpyConversion.needsTranspose(shape: header.shape, fortranOrder: header.fortranOrder)
        let storage: TensorStorage
        if data.isEmpty {
            storage = TensorStorage(copying: UnsafeRawBufferPointer(start: nil, count: 0))
        } else if !swap && !transpose {
            let alignment = min(itemSize, 8)
            if let owner, Int(bitPattern: data.baseAddress) % alignment == 0 {
                storage = TensorStorage(viewing: data, owner: owner)
            } else {
                storage = TensorStorage(copying: data)
            }
        } else {
            storage = TensorStorage(byteCount: data.count) { destination in
                NpyConversion.convertNumeric(from: data, into: destination, header: header)
            }
        }
        return try build { try Tensor(dtype: dtype, shape: header.shape, storage: storage) }
    }

    private static func build(_ make: () throws -> Tensor) throws(NpyFailure) -> Tensor {
        do { return try make() } catch { throw .invalid("\(error.localizedDescription)") }
    }
}

/// A tensor laid out as a `.npy` file: header bytes plus the little-endian C-order data.
struct NpyEncoded {
    let header: [UInt8]
    private let storage: TensorStorage?
    private let stringData: [UInt8]

    /// The numpy descr of `dtype`, or a failure naming the dtype when numpy has no equivalent.
    static func descr(for dtype: DType) throws(NpyFailure) -> String {
        switch dtype {
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int8: return "|i1"
        case .uint8: return "|u1"
        case .int16: return "<i2"
        case .uint16: return "<u2"
        case .int32: return "<i4"
        case .uint32: return "<u4"
        case .int64: return "<i8"
        case .uint64: return "<u8"
        case .bool: return "|b1"
        case .complex64: return "<c8"
        case .complex128: return "<c16"
        case .string: return "<U"  // width is chosen per tensor
        case .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .int4, .uint4, .int2, .uint2:
            throw .unsupported("\(dtype) tensors cannot be written as .npy: numpy has no \(dtype) dtype "
                + "(convert the tensor to a type numpy has, e.g. float32)")
        }
    }

    init(_ tensor: Tensor) throws(NpyFailure) {
        let descr = try Self.descr(for: tensor.dtype)
        guard tensor.dtype == .string else {
            header = try NpyHeader.encode(descr: descr, shape: tensor.shape)
            storage = tensor.storage
            stringData = []
            return
        }
        storage = nil
        // Unicode when every element is UTF-8 (numpy's str arrays), raw bytes otherwise.
        var decoded: [[Unicode.Scalar]] = []
        decoded.reserveCapacity(tensor.strings.count)
        for element in tensor.strings {
            guard let text = String(validating: element, as: UTF8.self) else { decoded = []; break }
            decoded.append(Array(text.unicodeScalars))
        }
        if decoded.count == tensor.strings.count {
            let width = max(1, decoded.map(\.count).max() ?? 1)
            var data = [UInt8]()
            data.reserveCapacity(decoded.count * width * 4)
            for scalars in decoded {
                for scalar in scalars { withUnsafeBytes(of: scalar.value.littleEndian) { data.append(contentsOf: $0) } }
                data.append(contentsOf: repeatElement(0, count: 4 * (width - scalars.count)))
            }
            header = try NpyHeader.encode(descr: "<U\(width)", shape: tensor.shape)
            stringData = data
        } else {
            let width = max(1, tensor.strings.map(\.count).max() ?? 1)
            var data = [UInt8]()
            data.reserveCapacity(tensor.strings.count * width)
            for element in tensor.strings {
                data.append(contentsOf: element)
                data.append(contentsOf: repeatElement(0, count: width - element.count))
            }
            header = try NpyHeader.encode(descr: "|S\(width)", shape: tensor.shape)
            stringData = data
        }
    }

    /// Calls `body` with the data bytes (after the header).
    func withDataBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let storage { return try body(storage.bytes) }
        return try stringData.withUnsafeBytes(body)
    }

    /// Header plus data length in bytes.
    var totalCount: Int { header.count + withDataBytes { $0.count } }
}
