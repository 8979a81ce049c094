import LockstepCore

/// Attributes shared by MaxPool, AveragePool and LpPool, and the window they give an input.
struct PoolingAttributes: Sendable {
    let autoPad: AutoPad
    let kernelShape: [Int]
    let strides: [Int]?
    let dilations: [Int]?
    let pads: [Int]?
    let ceilMode: Bool

    init(_ a: AttributeReader) throws {
        autoPad = try AutoPad(attribute: a.string("auto_pad"))
        guard let kernel = try a.ints("kernel_shape") else { throw KernelError("attribute 'kernel_shape' is required") }
        kernelShape = kernel
        strides = try a.ints("strides")
        dilations = try a.ints("dilations")
        pads = try a.ints("pads")
        ceilMode = try a.int("ceil_mode", default: 0) != 0
    }

    /// Checks `x` (`[N, C, spatial…]`) and resolves the pooling window.
    func parameters(_ x: Tensor) throws -> PoolingParameters {
        guard x.rank >= 3 else { throw KernelError("input 'X' must have rank 3 or more ([N, C, spatial…]), found shape \(x.shape)") }
        let window = try Padding.forward(input: Array(x.shape[2...]), kernel: kernelShape, strides: strides, dilations: dilations,
                                         pads: pads, autoPad: autoPad, ceilMode: ceilMode)
        return PoolingParameters(layout: .channelsFirst, batch: x.shape[0], channels: x.shape[1], window: window)
    }
}

extension PoolingParameters {
    /// The output shape for channels-first layout.
    var channelsFirstOutputShape: [Int] { [batch, channels] + window.output }
}

/// GlobalAveragePool, GlobalMaxPool and GlobalLpPool: one value per `(n, c)` over all spatial
/// positions; the output keeps the rank with spatial dimensions of 1.
struct GlobalPoolKernel: Kernel {
    let kind: Pooling.GlobalKind

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Self.input(inputs)
        return [TensorInfo(dtype: x.dtype, shape: Self.outputShape(x))]
    }

    static func input(_ inputs: [Value?]) throws -> Tensor {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        try NNSupport.requireFloat(x, "X")
        guard x.rank >= 2 else { throw KernelError("input 'X' must have rank 2 or more ([N, C, spatial…]), found shape \(x.shape)") }
        return x
    }

    static func outputShape(_ x: Tensor) -> [Int] {
        [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Self.input(inputs)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], kind: Pooling.GlobalKind
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                let spatial = x.shape[2...].reduce(1, *)
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, GlobalPoolKernel.outputShape(x), as: T.self) { yp in
                        Pooling.global(kind, layout: .channelsFirst, batch: x.shape[0], channels: x.shape[1], spatial: spatial, x: xp, y: yp)
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, kind: kind) }
    }
}
