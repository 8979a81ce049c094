import LockstepCore

/// How a scale / zero-point tensor maps onto the elements of the quantised tensor
/// (QuantizeLinear / DequantizeLinear granularities).
struct QuantizationLayout {
    enum Granularity: Equatable { case perTensor, perAxis, blocked(Int) }

    let granularity: Granularity
    /// Elements before, along and after the quantisation axis.
    let outer: Int, axisLength: Int, inner: Int
    /// Length of the scale along the axis (1 per tensor, D per axis, ceil(D/B) blocked).
    let scaleAxisLength: Int

    /// Resolves the granularity from the scale's shape: one element → per tensor; 1-D of
    /// length D(axis) (no block size) → per axis; same rank with ceil(D/B) along `axis`
    /// (block size B) → blocked.
    init(input shape: [Int], scale: [Int], axis rawAxis: Int, blockSize: Int) throws {
        let rank = shape.count
        let scaleCount = scale.reduce(1, *)
        if scaleCount == 1 {
            granularity = .perTensor
            outer = 1
            axisLength = 1
            inner = shape.reduce(1, *)
            scaleAxisLength = 1
            return
        }
        guard rawAxis >= -rank, rawAxis < rank else { throw KernelError("axis \(rawAxis) is out of range for rank \(rank)") }
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        outer = shape[..<axis].reduce(1, *)
        axisLength = shape[axis]
        inner = shape[(axis + 1)...].reduce(1, *)
        if blockSize == 0 {
            guard scale.count == 1, scale[0] == shape[axis] else {
                throw KernelError("per-axis scale must be 1-D of length \(shape[axis]) (axis \(axis) of \(shape)), found \(scale)")
            }
            granularity = .perAxis
            scaleAxisLength = shape[axis]
        } else {
            guard blockSize > 0 else { throw KernelError("block_size must be positive, found \(blockSize)") }
            let blocks = (shape[axis] + blockSize - 1) / blockSize
            var expected = shape
            expected[axis] = blocks
            guard scale == expected else {
                throw KernelError("blocked scale must have shape \(expected) (input \(shape), axis \(axis), block_size \(blockSize)), found \(scale)")
            }
            granularity = .blocked(blockSize)
            scaleAxisLength = blocks
        }
    }

    /// Calls `body(elementRange, parameterIndex)` for each contiguous run of elements that
    /// share one scale (runs in element order).
    @inline(__always)
    func forEachRun(_ body: (Range<Int>, Int) -> Void) {
        switch granularity {
        case .perTensor:
            body(0..<inner, 0)
        case .perAxis:
            var e = 0
            for _ in 0..<outer {
                for a in 0..<axisLength {
                    body(e..<(e + inner), a)
                    e += inner
                }
            }
        case .blocked(let b):
            // Scale layout [outer, blocks, inner]: element (o, a, i) uses (o, a / b, i).
            var e = 0
            for o in 0..<outer {
                for a in 0..<axisLength {
                    let base = (o * scaleAxisLength + a / b) * inner
                    for i in 0..<inner { body((e + i)..<(e + i + 1), base + i) }
                    e += inner
                }
            }
        }
    }
}

/// Ranges and storage of the quantised element types.
enum QuantizedType {
    /// Integer range of an integer quantised type.
    static func range(_ dtype: DType) -> (min: Int32, max: Int32)? {
        switch dtype {
        case .uint8: return (0, 255)
        case .int8: return (-128, 127)
        case .uint16: return (0, 65535)
        case .int16: return (-32768, 32767)
        case .uint4: return (0, 15)
        case .int4: return (-8, 7)
        case .uint2: return (0, 3)
        case .int2: return (-2, 1)
        case .int32: return (Int32.min, Int32.max)
        case .float32, .float16, .bfloat16, .float64, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .uint32, .int64, .uint64, .bool, .string, .complex64, .complex128:
            return nil
        }
    }

    /// A tensor of integer type `dtype` holding `values` (already in range); sub-byte types packed.
    static func integerTensor(_ dtype: DType, shape: [Int], values: UnsafeBufferPointer<Int32>) throws -> Tensor {
        switch dtype {
        case .int8: return try Tensor.build(dtype, shape: shape, as: Int8.self) { o in for i in 0..<o.count { o[i] = Int8(truncatingIfNeeded: values[i]) } }
        case .uint8: return try Tensor.build(dtype, shape: shape, as: UInt8.self) { o in for i in 0..<o.count { o[i] = UInt8(truncatingIfNeeded: values[i]) } }
        case .int16: return try Tensor.build(dtype, shape: shape, as: Int16.self) { o in for i in 0..<o.count { o[i] = Int16(truncatingIfNeeded: values[i]) } }
        case .uint16: return try Tensor.build(dtype, shape: shape, as: UInt16.self) { o in for i in 0..<o.count { o[i] = UInt16(truncatingIfNeeded: values[i]) } }
        case .int32: return try Tensor.build(dtype, shape: shape, as: Int32.self) { o in for i in 0..<o.count { o[i] = values[i] } }
        case .int4, .uint4, .int2, .uint2:
            return try packed(dtype, shape: shape, bits: dtype.bitWidth) { UInt8(truncatingIfNeeded: values[$0]) }
        case .float32, .float16, .bfloat16, .float64, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2, .uint32, .int64, .uint64, .bool, .string, .complex64, .complex128:
            throw KernelError("\(dtype) is not an integer quantised type")
        }
    }

    /// The encoding of a small-float quantised type (float8 kinds, float4e2m1, float6 kinds).
    static func smallFloatFormat(_ dtype: DType) -> FloatEncoding.Format? {
        switch dtype {
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float4e2m1, .float6e2m3, .float6e3m2:
            return FloatEncoding.Format.of(dtype)
        default:
            return nil
        }
    }

    /// A packed sub-byte tensor (an LSB-first bit stream, as ONNX packs 2-, 4- and 6-bit types)
    /// whose element i has the low `bits` of `code(i)`.
    static func packed(_ dtype: DType, shape: [Int], bits: Int, code: (Int) -> UInt8) throws -> Tensor {
        guard let count = Shape.elementCount(shape), let bytes = dtype.storageBytes(count: count) else {
            throw KernelError("output shape \(shape) is invalid or too large")
        }
        let mask = UInt16((1 << bits) - 1)
        let storage = TensorStorage(byteCount: bytes) { raw in
            for i in 0..<count {
                let bit = i * bits
                let v = (UInt16(code(i)) & mask) << UInt16(bit % 8)
                raw[bit / 8] |= UInt8(truncatingIfNeeded: v)
                if v > 0xff { raw[bit / 8 + 1] |= UInt8(truncatingIfNeeded: v >> 8) }
            }
        }
        return try Tensor(dtype: dtype, shape: shape, storage: storage)
    }

    /// Element values of a quantised tensor as doubles (exact). Adds float6 decoding, which
    /// `Tensor.doubleValues` does not do.
    static func values(_ t: Tensor) throws -> [Double] {
        guard t.dtype == .float6e2m3 || t.dtype == .float6e3m2 else { return try t.doubleValues() }
        let (expBits, mantBits, bias) = t.dtype == .float6e2m3 ? (2, 3, 1) : (3, 2, 3)
        let bytes = t.storage.bytes
        return (0..<t.count).map { i in
            let bit = i * 6
            var v = Int(bytes[bit / 8]) >> (bit % 8)
            if bit % 8 > 2 { v |= Int(bytes[bit / 8 + 1]) << (8 - bit % 8) }
            let code = v & 0x3f
            let exponent = (code >> mantBits) & ((1 << expBits) - 1)
            let mantissa = code & ((1 << mantBits) - 1)
            let magnitude = exponent == 0
                ? Double(mantissa) * Double(sign: .plus, exponent: 1 - bias - mantBits, significand: 1)
                : Double(mantissa + (1 << mantBits)) * Double(sign: .plus, exponent: exponent - bias - mantBits, significand: 1)
            return code & 0x20 != 0 ? -magnitude : magnitude
        }
    }
}

/// Rounding of computed values to the float output types (one rounding from Double).
enum QuantRounding {
    /// A float32 value rounded to `dtype`'s precision (float16/bfloat16), as a float32.
    @inline(__always)
    static func round(_ f: Float, to dtype: DType) -> Float {
        switch dtype {
        case .float16: return Float(Float16(f))
        case .bfloat16: return FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(f))
        default: return f
        }
    }

    /// A tensor of float type `dtype` (float32, float16, bfloat16, float64) from doubles, each
    /// rounded once to the target precision (half to even).
    static func tensor(_ dtype: DType, shape: [Int], values: UnsafeBufferPointer<Double>) throws -> Tensor {
        switch dtype {
        case .float32: return try Tensor.build(dtype, shape: shape, as: Float.self) { o in for i in 0..<o.count { o[i] = Float(values[i]) } }
        case .float64: return try Tensor.build(dtype, shape: shape, as: Double.self) { o in for i in 0..<o.count { o[i] = values[i] } }
        case .float16: return try Tensor.build(dtype, shape: shape, as: UInt16.self) { o in for i in 0..<o.count { o[i] = Float16(values[i]).bitPattern } }
        case .bfloat16:
            return try Tensor.build(dtype, shape: shape, as: UInt16.self) { o in
                for i in 0..<o.count { o[i] = FloatEncoding.encode(values[i], .bfloat16, saturate: false) }
            }
        default: throw KernelError("output type \(dtype) is not float32, float16, bfloat16 or float64")
        }
    }
}
