/// A dense tensor: element type, concrete shape, contiguous little-endian row-major bytes.
///
/// Byte-addressable and packed sub-byte types live in `storage`; `string` tensors keep their
/// elements in `strings` (raw bytes, as ONNX and numpy store them). Quantisation parameters,
/// when the format attaches them to the tensor (TFLite), ride along.
public struct Tensor: Sendable {
    public let dtype: DType
    public let shape: [Int]
    public let storage: TensorStorage
    /// Elements of a `string` tensor, row-major; empty for every other type.
    public let strings: [[UInt8]]
    public var quantization: QuantizationParameters?

    /// Number of elements (product of `shape`; 1 for a scalar).
    public var count: Int { Shape.elementCount(shape) ?? 0 }
    public var rank: Int { shape.count }
    public var byteCount: Int { storage.bytes.count }

    /// Wraps `storage`, validating that its size matches `dtype` × `shape`.
    public init(dtype: DType, shape: [Int], storage: TensorStorage, quantization: QuantizationParameters? = nil) throws {
        guard dtype != .string else { throw CoreError.invalidTensor("string tensors are built with init(strings:shape:)") }
        guard let count = Shape.elementCount(shape) else {
            throw CoreError.invalidTensor("invalid shape \(shape): negative dimension or element count overflows")
        }
        guard let expected = dtype.storageBytes(count: count) else {
            throw CoreError.invalidTensor("shape \(shape) of \(dtype) is too large")
        }
        guard storage.bytes.count == expected else {
            throw CoreError.invalidTensor(
                "\(dtype) tensor of shape \(shape) needs \(expected) bytes, found \(storage.bytes.count)")
        }
        self.dtype = dtype
        self.shape = shape
        self.storage = storage
        self.strings = []
        self.quantization = quantization
    }

    /// A string tensor.
    public init(strings: [[UInt8]], shape: [Int]) throws {
        guard let count = Shape.elementCount(shape), count == strings.count else {
            throw CoreError.invalidTensor("string tensor of shape \(shape) needs \(Shape.elementCount(shape) ?? -1) elements, found \(strings.count)")
        }
        self.dtype = .string
        self.shape = shape
        self.storage = TensorStorage(copying: UnsafeRawBufferPointer(start: nil, count: 0))
        self.strings = strings
        self.quantization = nil
    }

    /// Copies `values` (whose Swift type must match `dtype`'s width) into a new tensor.
    public init<T: BitwiseCopyable>(dtype: DType, shape: [Int], values: [T]) throws {
        guard let width = dtype.byteWidth, width == MemoryLayout<T>.stride else {
            throw CoreError.invalidTensor("cannot build a \(dtype) tensor from \(T.self) values")
        }
        let storage = values.withUnsafeBytes { TensorStorage(copying: $0) }
        try self.init(dtype: dtype, shape: shape, storage: storage)
    }

    /// Convenience: a float32 tensor.
    public init(float32 values: [Float], shape: [Int]) throws {
        try self.init(dtype: .float32, shape: shape, values: values)
    }

    /// Typed read access. `T`'s stride must equal the element width (e.g. `UInt16` for float16).
    public func withElements<T, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) throws -> R {
        guard let width = dtype.byteWidth, width == MemoryLayout<T>.stride else {
            throw CoreError.invalidTensor("cannot read \(dtype) elements as \(T.self)")
        }
        let n = count
        if n == 0 { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        guard let base = storage.bytes.baseAddress else { throw CoreError.invalidTensor("tensor has no storage") }
        if Int(bitPattern: base) % MemoryLayout<T>.alignment == 0 {
            return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: n))
        }
        // Unaligned view (e.g. raw_data at an odd file offset): read through a copy.
        let copy = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: storage.bytes)
            initialized = n
        }
        return try copy.withUnsafeBufferPointer(body)
    }

    /// This tensor with storage aligned for its element type: a view at a misaligned address
    /// (raw_data at an odd offset of a mapped file) is copied once into aligned memory, so
    /// kernels read it in place on every run instead of copying it each time.
    public func aligned() -> Tensor {
        guard let base = storage.bytes.baseAddress, let width = dtype.byteWidth, width > 1,
              Int(bitPattern: base) % Swift.min(width, 16) != 0 else { return self }
        guard let copy = try? Tensor(dtype: dtype, shape: shape, storage: TensorStorage(copying: storage.bytes),
                                     quantization: quantization) else { return self }
        return copy
    }

    /// Elements copied into an array of `T` (stride must match the element width).
    public func scalars<T>(as type: T.Type) throws -> [T] {
        try withElements(as: T.self) { Array($0) }
    }

    /// The elements converted to `Double` (exact for every real type up to 53-bit integers).
    public func doubleValues() throws -> [Double] {
        try realValues(Double.self, fromFloat: { Double($0) }, fromDouble: { $0 },
                       fromInt: { Double($0) }, fromUInt: { Double($0) })
    }

    /// The elements converted to `Float` (rounded to nearest for float64 and wide integers).
    public func floatValues() throws -> [Float] {
        try realValues(Float.self, fromFloat: { $0 }, fromDouble: { Float($0) },
                       fromInt: { Float($0) }, fromUInt: { Float($0) })
    }

    private func realValues<R>(_: R.Type, fromFloat: (Float) -> R, fromDouble: (Double) -> R,
                               fromInt: (Int64) -> R, fromUInt: (UInt64) -> R) throws -> [R] {
        switch dtype {
        case .float32: return try withElements(as: Float.self) { $0.map(fromFloat) }
        case .float64: return try withElements(as: Double.self) { $0.map(fromDouble) }
        case .float16: return try withElements(as: UInt16.self) { $0.map { fromFloat(FloatBits.halfToFloat($0)) } }
        case .bfloat16: return try withElements(as: UInt16.self) { $0.map { fromFloat(FloatBits.bfloat16ToFloat($0)) } }
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0:
            let t = dtype
            return try withElements(as: UInt8.self) { $0.map { fromFloat(FloatBits.smallFloatToFloat($0, t)) } }
        case .int8: return try withElements(as: Int8.self) { $0.map { fromInt(Int64($0)) } }
        case .uint8: return try withElements(as: UInt8.self) { $0.map { fromInt(Int64($0)) } }
        case .bool: return try withElements(as: UInt8.self) { $0.map { fromInt($0 != 0 ? 1 : 0) } }
        case .int16: return try withElements(as: Int16.self) { $0.map { fromInt(Int64($0)) } }
        case .uint16: return try withElements(as: UInt16.self) { $0.map { fromInt(Int64($0)) } }
        case .int32: return try withElements(as: Int32.self) { $0.map { fromInt(Int64($0)) } }
        case .uint32: return try withElements(as: UInt32.self) { $0.map { fromInt(Int64($0)) } }
        case .int64: return try withElements(as: Int64.self) { $0.map(fromInt) }
        case .uint64: return try withElements(as: UInt64.self) { $0.map(fromUInt) }
        case .int4, .uint4, .int2, .uint2, .float4e2m1:
            return try unpackedSubByte().map { value in
                dtype == .float4e2m1 ? fromFloat(FloatBits.smallFloatToFloat(UInt8(value & 0xf), .float4e2m1)) : fromInt(value)
            }
        case .float6e2m3, .float6e3m2:
            // 6-bit codes packed LSB-first across bytes (as ONNX raw_data stores them).
            let t = dtype, bytes = storage.bytes
            return (0..<count).map { i in
                let bit = i * 6
                var code = Int(bytes[bit / 8]) >> (bit % 8)
                if bit % 8 > 2 { code |= Int(bytes[bit / 8 + 1]) << (8 - bit % 8) }
                return fromFloat(FloatBits.smallFloatToFloat(UInt8(code & 0x3f), t))
            }
        case .string, .complex64, .complex128:
            throw CoreError.invalidTensor("\(dtype) tensors cannot be converted to real numbers")
        }
    }

    /// Unpacks a 2- or 4-bit tensor (lowest bits first, as ONNX packs them) to one value per element,
    /// sign-extended for signed types. For float4e2m1 the raw 4-bit codes are returned.
    public func unpackedSubByte() throws -> [Int64] {
        let bits: Int
        switch dtype {
        case .int4, .uint4, .float4e2m1: bits = 4
        case .int2, .uint2: bits = 2
        default: throw CoreError.invalidTensor("\(dtype) is not a packed sub-byte type")
        }
        let n = count
        let perByte = 8 / bits
        let mask = (1 << bits) - 1
        let signed = dtype.isSignedInteger
        var out = [Int64](repeating: 0, count: n)
        let bytes = storage.bytes
        for i in 0..<n {
            let byte = Int(bytes[i / perByte])
            var v = (byte >> ((i % perByte) * bits)) & mask
            if signed && v >= (1 << (bits - 1)) { v -= (1 << bits) }
            out[i] = Int64(v)
        }
        return out
    }
}
