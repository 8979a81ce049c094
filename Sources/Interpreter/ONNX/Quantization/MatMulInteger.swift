import LockstepCore

/// MatMulInteger (opset 10): numpy `matmul` of int8/uint8 operands minus their zero points
/// (scalar, per row of A, per column of B), accumulated exactly in Int32 (wrapping on
/// overflow, as the spec allows). Output int32.
struct MatMulIntegerKernel: Kernel {
    static let registration = OpRegistration("MatMulInteger", versions: 10...Int.max) { _ in MatMulIntegerKernel() }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        try QuantizedMatMul.checkEightBit(a, "A")
        try QuantizedMatMul.checkEightBit(b, "B")
        return [TensorInfo(dtype: .int32, shape: try IntegerKernels.matMulShape(a.shape, b.shape).output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let a = try Inputs.tensor(inputs, 0, name: "A"), b = try Inputs.tensor(inputs, 1, name: "B")
        let shape = try IntegerKernels.matMulShape(a.shape, b.shape)
        let av = try QuantizedMatMul.operandA(a, zeroPoint: try Inputs.optionalTensor(inputs, 2), shape)
        let bv = try QuantizedMatMul.operandB(b, zeroPoint: try Inputs.optionalTensor(inputs, 3), shape)
        let y = try Tensor.build(.int32, shape: shape.output, as: Int32.self) { out in
            av.withUnsafeBufferPointer { ap in
                bv.withUnsafeBufferPointer { bp in IntegerKernels.batchedMatMul(shape, a: ap, b: bp, out: out) }
            }
        }
        return [.tensor(y)]
    }
}
