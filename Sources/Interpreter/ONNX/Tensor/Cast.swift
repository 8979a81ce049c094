import LockstepCore

/// Cast (opsets 1–28+): converts every element to the type of the `to` attribute (a
/// `TensorProto.DataType` code; a type name such as "FLOAT" in opsets 1–5). `saturate` (19+,
/// default 1) governs float8 overflow, `round_mode` (24+, default "up") float8e8m0 rounding.
/// Conversion rules: `TypeConversion` (string parsing/printing, x86 float → integer, RNE).
struct CastKernel: Kernel {
    let target: DType
    let options: TypeConversion.Options

    static let registration = OpRegistration("Cast", versions: 1...Int.max) { context in
        let attributes = context.attributes
        let target: DType
        switch attributes.value("to") {
        case .int(let code)?:
            guard let t = DType(onnxCode: Int32(truncatingIfNeeded: code)) else { throw KernelError("attribute 'to' is not a known element type: \(code)") }
            target = t
        case .string(let bytes)?:
            let name = String(decoding: bytes, as: UTF8.self)
            guard let t = CastKernel.typeNamed(name) else { throw KernelError("attribute 'to' is not a known element type: \"\(name)\"") }
            target = t
        case let other?:
            throw KernelError("attribute 'to' must be INT, found \(other.kindName)")
        case nil:
            throw KernelError("attribute 'to' is required")
        }
        return CastKernel(target: target, options: try CastKernel.options(attributes))
    }

    /// `saturate` and `round_mode` with the spec's defaults.
    static func options(_ attributes: AttributeReader) throws -> TypeConversion.Options {
        let saturate = try attributes.int("saturate", default: 1)
        let mode = try attributes.string("round_mode", default: "up")
        guard let rounding = FloatEncoding.E8M0Rounding(rawValue: mode) else {
            throw KernelError("attribute 'round_mode' must be \"up\", \"down\" or \"nearest\", found \"\(mode)\"")
        }
        return TypeConversion.Options(saturate: saturate != 0, e8m0Rounding: rounding)
    }

    /// ONNX type names (`TensorProto.DataType` enum names) as opsets 1–5 spell `to`.
    static func typeNamed(_ name: String) -> DType? {
        let names: [String: DType] = [
            "FLOAT": .float32, "UINT8": .uint8, "INT8": .int8, "UINT16": .uint16, "INT16": .int16, "INT32": .int32,
            "INT64": .int64, "STRING": .string, "BOOL": .bool, "FLOAT16": .float16, "DOUBLE": .float64,
            "UINT32": .uint32, "UINT64": .uint64, "COMPLEX64": .complex64, "COMPLEX128": .complex128, "BFLOAT16": .bfloat16,
        ]
        return names[name.uppercased()]
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: target, shape: try Inputs.one(inputs).shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try TypeConversion.convert(try Inputs.one(inputs), to: target, options: options))]
    }
}
