import LockstepCore

/// MaxUnpool (ONNX opsets 9, 11, 22): scatters `X` into zeros at the flat positions `I`
/// (MaxPool's `Indices`). The unpooled shape is `(in - 1) * stride - pads + kernel` per spatial
/// axis; with the `output_shape` input the unpooled block is placed at the start of a zero
/// tensor of that shape (as the ONNX reference evaluator and test suite define it). Indices
/// outside the unpooled tensor are errors.
struct MaxUnpoolKernel: Kernel {
    static let registration = OpRegistration("MaxUnpool", versions: 9...Int.max) { context in
        let a = context.attributes
        guard let kernel = try a.ints("kernel_shape") else { throw KernelError("attribute 'kernel_shape' is required") }
        return MaxUnpoolKernel(kernel: kernel, strides: try a.ints("strides"), pads: try a.ints("pads"))
    }

    let kernel: [Int]
    let strides: [Int]?
    let pads: [Int]?

    func shapes(_ inputs: [Value?]) throws -> (x: Tensor, indices: Tensor, unpooled: [Int], output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "X"), indices = try Inputs.tensor(inputs, 1, name: "I")
        guard x.dtype.isConvertibleToReal, let _ = x.dtype.byteWidth else { throw KernelError("MaxUnpool is not defined for \(x.dtype)") }
        guard indices.dtype == .int64 else { throw KernelError("input 'I' must be int64, found \(indices.dtype)") }
        guard indices.shape == x.shape else { throw KernelError("input 'I' must have the shape of 'X' \(x.shape), found \(indices.shape)") }
        let rank = x.rank - 2
        guard rank >= 1 else { throw KernelError("input 'X' must have rank 3 or more, found shape \(x.shape)") }
        let (s, _, p) = try Padding.attributes(rank: rank, kernel: kernel, strides: strides, dilations: nil, pads: pads)
        let unpooled = [x.shape[0], x.shape[1]] + (0..<rank).map { (x.shape[$0 + 2] - 1) * s[$0] - p[$0] - p[rank + $0] + kernel[$0] }
        var output = unpooled
        if let t = try Inputs.optionalTensor(inputs, 2) {
            output = try NNSupport.ints(t, name: "output_shape")
            guard output.count == x.rank, zip(output, unpooled).allSatisfy({ $0 >= $1 }) else {
                throw KernelError("input 'output_shape' \(output) must have rank \(x.rank) and hold the unpooled shape \(unpooled)")
            }
        }
        return (x, indices, unpooled, output)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let s = try shapes(inputs)
        return [TensorInfo(dtype: s.x.dtype, shape: s.output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, indices, unpooled, output) = try shapes(inputs)
        let flat = try indices.scalars(as: Int64.self)
        let total = unpooled.reduce(1, *)
        // Output offset of each unpooled flat position (row-major placement at the start).
        func place(_ i: Int) -> Int {
            var rest = i, offset = 0, step = 1
            for d in stride(from: output.count - 1, through: 0, by: -1) {
                offset += (rest % unpooled[d]) * step
                rest /= unpooled[d]
                step *= output[d]
            }
            return offset
        }
        func scatter<T: BitwiseCopyable>(_: T.Type) throws -> Tensor {
            try NNSupport.read(x, as: T.self) { xp in
                try NNSupport.buildZeroed(x.dtype, output, as: T.self) { yp in
                    for (k, index) in flat.enumerated() {
                        guard index >= 0, index < total else { throw KernelError("index \(index) in 'I' is outside the unpooled tensor of \(total) elements") }
                        yp[place(Int(index))] = xp[k]
                    }
                }
            }
        }
        switch x.dtype.byteWidth {
        case 1: return [.tensor(try scatter(UInt8.self))]
        case 2: return [.tensor(try scatter(UInt16.self))]
        case 4: return [.tensor(try scatter(UInt32.self))]
        default: return [.tensor(try scatter(UInt64.self))]
        }
    }
}
