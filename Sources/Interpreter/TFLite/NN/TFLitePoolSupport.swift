import LockstepCore

/// Options and geometry shared by AVERAGE_POOL_2D and MAX_POOL_2D (`Pool2DOptions`): `padding`,
/// `stride_h/w`, `filter_height/width`, `fused_activation_function`; NHWC input of rank 4.
struct TFLitePool2DOptions: Sendable {
    let autoPad: AutoPad
    let strides: [Int]
    let filter: [Int]
    let activation: FusedActivation
    let quantization: TFLiteQuantization

    init(_ a: AttributeReader, quantization: TFLiteQuantization) throws {
        self.quantization = quantization
        autoPad = try TFLitePadding.autoPad(a)
        strides = [try a.int("stride_h", default: 1), try a.int("stride_w", default: 1)]
        filter = [try a.int("filter_height", default: 1), try a.int("filter_width", default: 1)]
        activation = try FusedActivation(a)
    }

    func parameters(_ x: Tensor) throws -> (PoolingParameters, output: [Int]) {
        try TFLiteSupport.requireRank(x, "input", 4)
        let window = try Padding.forward(input: [x.shape[1], x.shape[2]], kernel: filter, strides: strides, autoPad: autoPad)
        let p = PoolingParameters(layout: .channelsLast, batch: x.shape[0], channels: x.shape[3], window: window)
        return (p, [x.shape[0]] + window.output + [x.shape[3]])
    }
}

extension TFLitePool2DOptions {
    /// int8/uint8/int16 pooling through `TFLiteQuantizedPooling` (input and output share scale
    /// and zero point in TFLite, so the kernels work on the codes).
    func quantized(_ x: Tensor, max: Bool) throws -> Tensor {
        let g = try TFLiteQuantizedPooling.geometry(input: x.shape, filter: (filter[0], filter[1]), strides: (strides[0], strides[1]),
                                                    padding: autoPad == .valid ? .valid : .same)
        func run<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> Tensor {
            let (lo, hi) = try quantization.activationRange(T.self)
            return try TFLiteBuffers.build(x.dtype, g.outputShape, T.self) { o in
                try TFLiteBuffers.read(x, T.self) { xs in
                    if max {
                        try TFLiteQuantizedPooling.maxPool(g, input: xs, activationMin: lo, activationMax: hi, output: o)
                    } else {
                        try TFLiteQuantizedPooling.averagePool(g, input: xs, activationMin: lo, activationMax: hi, output: o)
                    }
                }
            }
        }
        switch x.dtype {
        case .int8: return try run(Int8.self)
        case .uint8: return try run(UInt8.self)
        case .int16: return try run(Int16.self)
        default: throw KernelError("\(x.dtype) pooling is not implemented", unsupported: true)
        }
    }

    func requireSupported(_ x: Tensor) throws {
        switch x.dtype {
        case .float32, .float64, .int8, .uint8, .int16: return
        default: throw KernelError("\(x.dtype) pooling is not implemented", unsupported: true)
        }
    }
}
