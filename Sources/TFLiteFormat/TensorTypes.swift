import LockstepCore

/// What a TFLite `TensorType` code (schemas/tflite.fbs) means in Lockstep's IR.
enum TFLiteElementType: Equatable {
    /// A numeric, bool or string element type.
    case dtype(DType)
    /// RESOURCE or VARIANT: a handle without element data, `.opaque(domain: "tflite", name:)`.
    case opaque(String)
    /// A code the schema does not define.
    case unknown(Int8)

    init(code: Int8) {
        switch code {
        case 0: self = .dtype(.float32)
        case 1: self = .dtype(.float16)
        case 2: self = .dtype(.int32)
        case 3: self = .dtype(.uint8)
        case 4: self = .dtype(.int64)
        case 5: self = .dtype(.string)
        case 6: self = .dtype(.bool)
        case 7: self = .dtype(.int16)
        case 8: self = .dtype(.complex64)
        case 9: self = .dtype(.int8)
        case 10: self = .dtype(.float64)
        case 11: self = .dtype(.complex128)
        case 12: self = .dtype(.uint64)
        case 13: self = .opaque("resource")
        case 14: self = .opaque("variant")
        case 15: self = .dtype(.uint32)
        case 16: self = .dtype(.uint16)
        case 17: self = .dtype(.int4)
        case 18: self = .dtype(.bfloat16)
        case 19: self = .dtype(.int2)
        case 20: self = .dtype(.uint4)
        case 21: self = .dtype(.float8e4m3fn)
        case 22: self = .dtype(.float8e5m2)
        default: self = .unknown(code)
        }
    }

    var dtype: DType? {
        if case .dtype(let t) = self { return t }
        return nil
    }

    /// The declared type of a tensor of this element type and shape.
    func valueType(shape: Shape) -> ValueType {
        switch self {
        case .dtype(let t): return .tensor(elementType: t, shape: shape)
        case .opaque(let name): return .opaque(domain: "tflite", name: name)
        case .unknown: return .tensor(elementType: nil, shape: shape)
        }
    }
}
