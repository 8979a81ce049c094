import LockstepCore

/// L2_POOL_2D (1): `sqrt(Σ x² / n)` over each window's in-bounds positions (n of them, squares
/// added in window order in float32), then the fused activation — `reference_ops::L2Pool`
/// (google-ai-edge/LiteRT `tflite/kernels/internal/reference/pooling.h`; `tflite/kernels/pooling.cc`
/// runs it for float32 only). `Pool2DOptions` as AVERAGE_POOL_2D; NHWC.
struct TFLiteL2Pool2D: Kernel {
    static let registration = TFLiteOps.op("L2_POOL_2D") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        return TFLiteL2Pool2D(options: try TFLitePool2DOptions(context.attributes, quantization: try TFLiteQuantization(context)))
    }

    let options: TFLitePool2DOptions

    func geometry(_ x: Tensor) throws -> TFLiteQuantizedPooling.Geometry {
        guard x.dtype == .float32 else { throw KernelError("\(x.dtype) L2_POOL_2D is not implemented (float32 only, as LiteRT)", unsupported: true) }
        return try TFLiteQuantizedPooling.geometry(input: x.shape, filter: (options.filter[0], options.filter[1]),
                                                   strides: (options.strides[0], options.strides[1]),
                                                   padding: options.autoPad == .valid ? .valid : .same)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .float32, shape: try geometry(try Inputs.one(inputs)).outputShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let g = try geometry(x)
        let lo = Float(options.activation.lo), hi = Float(options.activation.hi)
        return [.tensor(try NNSupport.read(x, as: Float.self) { input in
            try NNSupport.build(.float32, g.outputShape, as: Float.self) { output in
                for b in 0..<g.batches {
                    for oy in 0..<g.outputHeight {
                        let yOrigin = oy * g.strideHeight - g.padHeight
                        let fyStart = max(0, -yOrigin), fyEnd = min(g.filterHeight, g.inputHeight - yOrigin)
                        for ox in 0..<g.outputWidth {
                            let xOrigin = ox * g.strideWidth - g.padWidth
                            let fxStart = max(0, -xOrigin), fxEnd = min(g.filterWidth, g.inputWidth - xOrigin)
                            for c in 0..<g.inputDepth {
                                var sum: Float = 0
                                var count = 0
                                if fyStart < fyEnd && fxStart < fxEnd {
                                    for fy in fyStart..<fyEnd {
                                        for fx in fxStart..<fxEnd {
                                            let v = input[((b * g.inputHeight + yOrigin + fy) * g.inputWidth + xOrigin + fx) * g.inputDepth + c]
                                            sum += v * v
                                            count += 1
                                        }
                                    }
                                }
                                let r = (sum / Float(count)).squareRoot()
                                output[((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputDepth + c] = FusedActivation.clamp(r, lo, hi)
                            }
                        }
                    }
                }
            }
        })]
    }
}
