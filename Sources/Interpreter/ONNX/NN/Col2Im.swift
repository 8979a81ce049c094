import LockstepCore

/// Col2Im (ONNX opset 18): rearranges column blocks `input [N, C · prod(block_shape), L]` back into
/// images `[N, C, image_shape…]`, summing overlapping positions (the inverse layout of im2col,
/// with `strides`, `dilations`, `pads` as for convolution; `L` must equal the number of block
/// positions). 1- to 3-D images; accumulated in float64 and rounded to the input type.
struct Col2ImKernel: Kernel {
    static let registration = OpRegistration("Col2Im", versions: 18...Int.max) { context in
        let a = context.attributes
        return Col2ImKernel(strides: try a.ints("strides"), dilations: try a.ints("dilations"), pads: try a.ints("pads"))
    }

    let strides: [Int]?
    let dilations: [Int]?
    let pads: [Int]?

    func plan(_ inputs: [Value?]) throws -> (x: Tensor, window: SpatialWindow, channels: Int, output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        guard x.dtype.isConvertibleToReal, x.dtype != .bool else { throw KernelError("Col2Im is not defined for \(x.dtype)") }
        let image = try NNSupport.ints(try Inputs.tensor(inputs, 1, name: "image_shape"), name: "image_shape")
        let block = try NNSupport.ints(try Inputs.tensor(inputs, 2, name: "block_shape"), name: "block_shape")
        guard x.rank == 3 else { throw KernelError("input must be [N, C · prod(block_shape), L], found shape \(x.shape)") }
        guard image.count == block.count, !image.isEmpty, image.allSatisfy({ $0 > 0 }) else {
            throw KernelError("image_shape \(image) and block_shape \(block) must have one positive length per spatial axis")
        }
        let window = try Padding.forward(input: image, kernel: block, strides: strides, dilations: dilations, pads: pads)
        let taps = block.reduce(1, *)
        guard x.shape[1] % taps == 0 else { throw KernelError("input's second dimension \(x.shape[1]) is not a multiple of prod(block_shape) \(taps)") }
        guard x.shape[2] == window.outputCount else {
            throw KernelError("input has \(x.shape[2]) block positions, the image and block shapes give \(window.outputCount)")
        }
        guard window.rank <= Convolution.maximumSpatialRank else { throw KernelError("Col2Im over \(window.rank) spatial axes is not supported", unsupported: true) }
        let channels = x.shape[1] / taps
        return (x, window, channels, [x.shape[0], channels] + image)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, window, channels, output) = try plan(inputs)
        let values = try x.doubleValues()
        let imageCount = window.inputCount, columnCount = x.shape[1] * x.shape[2]
        var y = [Double](repeating: 0, count: output.reduce(1, *))
        let win = window.expanded(toRank: 3)
        values.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for n in 0..<x.shape[0] {
                    Convolution.col2imChannelsFirst(win, channels: channels, col: s + n * columnCount, y: d + n * channels * imageCount)
                }
            }
        }
        return [.tensor(try NNSupport.tensor(rounding: y, dtype: x.dtype, shape: output))]
    }
}
