import LockstepCore

/// BitCast (opset 26+): reinterprets the little-endian bits of every element as the type of the
/// `to` attribute, which must have the same bit width (strings are not allowed). The output
/// shares the input's storage; packed 4- and 2-bit types reinterpret their packed codes.
struct BitCastKernel: Kernel {
    let target: DType

    static let registration = OpRegistration("BitCast", versions: 26...Int.max) { context in
        guard let code = try context.attributes.int("to") else { throw KernelError("attribute 'to' is required") }
        guard let target = DType(onnxCode: Int32(truncatingIfNeeded: code)), target != .string else {
            throw KernelError("attribute 'to' must be a non-string element type, found \(code)")
        }
        return BitCastKernel(target: target)
    }

    func check(_ x: Tensor) throws {
        guard x.dtype != .string else { throw KernelError("BitCast is not defined for string") }
        guard x.dtype.bitWidth == target.bitWidth else {
            throw KernelError("cannot reinterpret \(x.dtype) (\(x.dtype.bitWidth) bits) as \(target) (\(target.bitWidth) bits)")
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try check(x)
        return [TensorInfo(dtype: target, shape: x.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        try check(x)
        return [.tensor(try Tensor(dtype: target, shape: x.shape, storage: x.storage))]
    }
}
