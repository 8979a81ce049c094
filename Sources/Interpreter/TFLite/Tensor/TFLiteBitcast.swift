import LockstepCore

/// BITCAST (1): the input's bytes as the element type the file declares for the output, without a
/// copy. Equal widths keep the shape; a narrower output appends a dimension of the width ratio; a
/// wider one needs the last dimension to equal the ratio and drops it — google-ai-edge/LiteRT
/// `tflite/kernels/bitcast.cc` @ 7d88950ea445f5b671d18e64f9614aff397fde50 (`CalculateShape`).
struct TFLiteBitcast: Kernel {
    static let registration = TFLiteOps.op("BITCAST") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        guard let output = TFLiteSupport.declaredType(context) else { throw KernelError("the output tensor declares no element type") }
        return TFLiteBitcast(output: output)
    }

    let output: DType

    func shape(_ x: Tensor) throws -> [Int] {
        guard let inWidth = x.dtype.byteWidth, let outWidth = output.byteWidth, x.dtype != .string, output != .string else {
            throw KernelError("BITCAST from \(x.dtype) to \(output) is not implemented (byte-addressable types only)", unsupported: true)
        }
        if inWidth == outWidth { return x.shape }
        if inWidth > outWidth { return x.shape + [inWidth / outWidth] }
        guard let last = x.shape.last, last == outWidth / inWidth else {
            throw KernelError("BITCAST from \(x.dtype) to \(output) needs a last dimension of \(outWidth / inWidth), found shape \(x.shape)")
        }
        return Array(x.shape.dropLast())
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: output, shape: try shape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        return [.tensor(try Tensor(dtype: output, shape: try shape(x), storage: x.storage))]
    }
}
