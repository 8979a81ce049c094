/// Element type of a tensor.
///
/// Covers every element type ONNX (IR 14), TFLite and numpy can store. Sub-byte types
/// (`int4`, `uint4`, `int2`, `uint2`, `float4e2m1`, `float6*`) are kept packed exactly as the file
/// stores them (lowest bits first); they are readable and reported even where no kernel
/// computes with them yet.
public enum DType: String, CaseIterable, Sendable, Codable, Hashable, CustomStringConvertible {
    case float32, float16, bfloat16, float64
    case float8e4m3fn, float8e4m3fnuz, float8e5m2, float8e5m2fnuz, float8e8m0
    case float4e2m1, float6e2m3, float6e3m2
    case int2, uint2, int4, uint4
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64
    case bool
    case string
    case complex64, complex128

    public var description: String { rawValue }

    /// Storage width of one element in bits (0 for `string`, whose elements vary in length).
    public var bitWidth: Int {
        switch self {
        case .float32, .int32, .uint32: return 32
        case .float16, .bfloat16, .int16, .uint16: return 16
        case .float64, .int64, .uint64, .complex64: return 64
        case .complex128: return 128
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: return 8
        case .int8, .uint8, .bool: return 8
        case .float6e2m3, .float6e3m2: return 6
        case .float4e2m1, .int4, .uint4: return 4
        case .int2, .uint2: return 2
        case .string: return 0
        }
    }

    /// Bytes per element for byte-addressable types; `nil` for packed sub-byte types and strings.
    public var byteWidth: Int? {
        let bits = bitWidth
        return bits >= 8 && bits % 8 == 0 ? bits / 8 : nil
    }

    /// Bytes needed to store `count` elements packed (sub-byte types round up to a whole byte).
    /// Returns `nil` for strings and on overflow.
    public func storageBytes(count: Int) -> Int? {
        guard self != .string, count >= 0 else { return nil }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        if overflow { return nil }
        return (bits + 7) / 8
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2,
             .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2:
            return true
        case .int2, .uint2, .int4, .uint4, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64,
             .uint64, .bool, .string, .complex64, .complex128:
            return false
        }
    }

    public var isInteger: Bool {
        switch self {
        case .int2, .uint2, .int4, .uint4, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64:
            return true
        case .float32, .float16, .bfloat16, .float64, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2,
             .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2, .bool, .string,
             .complex64, .complex128:
            return false
        }
    }

    public var isSignedInteger: Bool {
        switch self {
        case .int2, .int4, .int8, .int16, .int32, .int64: return true
        case .uint2, .uint4, .uint8, .uint16, .uint32, .uint64, .float32, .float16, .bfloat16, .float64,
             .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1,
             .float6e2m3, .float6e3m2, .bool, .string, .complex64, .complex128:
            return false
        }
    }

    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// True for the real types kernels compute with. `Tensor.floatValues()`/`doubleValues()` also
    /// decode float6 (which no kernel computes in); strings and complex types are never real.
    public var isConvertibleToReal: Bool { self != .string && !isComplex && self != .float6e2m3 && self != .float6e3m2 }
}

// MARK: - ONNX element type codes (TensorProto.DataType, onnx/onnx-ml.proto, onnx 1.23.2)

extension DType {
    /// The ONNX `TensorProto.DataType` code of this type.
    public var onnxCode: Int32 {
        switch self {
        case .float32: return 1
        case .uint8: return 2
        case .int8: return 3
        case .uint16: return 4
        case .int16: return 5
        case .int32: return 6
        case .int64: return 7
        case .string: return 8
        case .bool: return 9
        case .float16: return 10
        case .float64: return 11
        case .uint32: return 12
        case .uint64: return 13
        case .complex64: return 14
        case .complex128: return 15
        case .bfloat16: return 16
        case .float8e4m3fn: return 17
        case .float8e4m3fnuz: return 18
        case .float8e5m2: return 19
        case .float8e5m2fnuz: return 20
        case .uint4: return 21
        case .int4: return 22
        case .float4e2m1: return 23
        case .float8e8m0: return 24
        case .uint2: return 25
        case .int2: return 26
        case .float6e2m3: return 27
        case .float6e3m2: return 28
        }
    }

    /// Decodes an ONNX `TensorProto.DataType` code; `nil` for 0 (UNDEFINED) and unknown codes.
    public init?(onnxCode: Int32) {
        guard let match = DType.allCases.first(where: { $0.onnxCode == onnxCode }) else { return nil }
        self = match
    }
}
