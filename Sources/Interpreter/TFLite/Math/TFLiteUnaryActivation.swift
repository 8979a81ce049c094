import LockstepCore

/// Float elementwise activations of the TFLite builtins, each as its reference kernel computes
/// it in float32 (`tflite/kernels/internal/reference/*.h`). float16 / bfloat16 inputs compute in
/// float32 and round back, as LiteRT's `Eigen::half` kernels do (the float16
/// element-type probes `builtin_dtype_*_float16`).
enum TFLiteUnary {
    /// Applies `f` to every element of a float input; same shape and type out.
    static func evaluate<F: FloatUnaryFunction>(_ inputs: [Value?], _ f: F) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        try requireFloat(x)
        return [.tensor(try FloatElementwise.unary(x, f))]
    }

    static func prepare(_ inputs: [Value?]) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        try requireFloat(x)
        return [TensorInfo(x)]
    }

    static func requireFloat(_ x: Tensor) throws {
        if x.dtype == .float16 || x.dtype == .bfloat16 { return }
        try TFLiteSupport.requireFloat(x, "input")
    }
}

/// The integer path of a unary builtin: input codes → output codes with the node's declared
/// quantisation.
typealias TFLiteQuantizedUnary = @Sendable (Tensor, TFLiteQuantization) throws -> Tensor

/// A unary builtin as a kernel: float inputs through `function`, integer inputs through
/// `quantized` (when the op has an integer path). The float path is a closure made where the
/// function's type is concrete, so it is specialised (a generic kernel type would be called
/// through its unspecialised witness, one dynamic call per element).
struct TFLiteUnaryKernel: Kernel {
    let float: @Sendable ([Value?]) throws -> [Value?]
    let quantized: TFLiteQuantizedUnary?
    let quantization: TFLiteQuantization

    static func registration<F: FloatUnaryFunction>(_ name: String, _ function: F, quantized: TFLiteQuantizedUnary? = nil) -> OpRegistration {
        let float: @Sendable ([Value?]) throws -> [Value?] = { inputs in try TFLiteUnary.evaluate(inputs, function) }
        return TFLiteOps.op(name) { context in
            try TFLiteSupport.arity(context, inputs: 1...1)
            return TFLiteUnaryKernel(float: float, quantized: quantized, quantization: try TFLiteQuantization(context))
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        if x.dtype.isInteger, quantized != nil { return [TensorInfo(x)] }
        return try TFLiteUnary.prepare(inputs)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        if x.dtype.isInteger, let quantized { return [.tensor(try quantized(x, quantization))] }
        return try float(inputs)
    }
}

/// Integer paths shared by the activation builtins (`TFLiteQuantizedActivations`,
/// `TFLiteLookupTable`).
enum TFLiteQuantizedUnaryPaths {

    /// RELU family: rescale to the output's scale and clamp to [lower, upper] quantised.
    static func relu(lower: Float, upper: Float?) -> TFLiteQuantizedUnary {
        { x, q in
            let (si, zi) = try q.input(0), (so, zo) = try q.output()
            let m = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
            func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
                try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in
                    try TFLiteBuffers.read(x, T.self) {
                        TFLiteQuantizedActivations.reluX($0, lower: lower, upper: upper, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo, multiplier: m, output: o)
                    }
                }
            }
            switch x.dtype {
            case .int8: return try run(Int8.self)
            case .uint8: return try run(UInt8.self)
            case .int16: return try run(Int16.self)
            default: throw KernelError("\(x.dtype) input is not implemented", unsupported: true)
            }
        }
    }

    /// LOGISTIC / TANH: an 8-bit lookup table, or the int16 fixed-point functions.
    static func sigmoidLike(tanh: Bool) -> TFLiteQuantizedUnary {
        { x, q in
            let (si, zi) = try q.input(0), (so, zo) = try q.output()
            let f: TFLiteLookupTable.Function = tanh ? .tanh : .logistic
            func table<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
                let lut = TFLiteLookupTable.populate8(T.self, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo, f.callAsFunction)
                return try TFLiteBuffers.build(x.dtype, x.shape, T.self) { o in try TFLiteBuffers.read(x, T.self) { TFLiteLookupTable.apply8($0, lut: lut, into: o) } }
            }
            switch x.dtype {
            case .int8: return try table(Int8.self)
            case .uint8: return try table(UInt8.self)
            case .int16:
                guard let r = TFLiteQuantizedActivations.int16Rescaling(isTanh: tanh, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) else {
                    throw KernelError("int16 \(tanh ? "TANH" : "LOGISTIC") needs zero points 0 and output scale 2^-15", unsupported: true)
                }
                return try TFLiteBuffers.build(.int16, x.shape, Int16.self) { o in
                    try TFLiteBuffers.read(x, Int16.self) {
                        if tanh { TFLiteQuantizedActivations.tanh16($0, multiplier: r.multiplier, leftShift: r.leftShift, output: o) } else {
                            TFLiteQuantizedActivations.logistic16($0, multiplier: r.multiplier, leftShift: r.leftShift, output: o)
                        }
                    }
                }
            default: throw KernelError("\(x.dtype) input is not implemented", unsupported: true)
            }
        }
    }
}
