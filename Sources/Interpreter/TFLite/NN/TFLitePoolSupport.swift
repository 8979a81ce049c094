import LockstepCore

/// Options and geometry shared by AVERAGE_POOL_2D and MAX_POOL_2D (`Pool2DOptions`): `padding`,
/// `stride_h/w`, `filter_height/width`, `fused_activation_function`; NHWC input of rank 4.
struct TFLitePool2DOptions: Sendable {
    let autoPad: AutoPad
    let strides: [Int]
    let filter: [Int]
    let activation: FusedActivation

    init(_ a: AttributeReader) throws {
        autoPad = try TFLitePadding.autoPad(a)
        strides = [try a.int("stride_h", default: 1), try a.int("stride_w", default: 1)]
        filter = [try a.int("filter_height", default: 1), try a.int("filter_width", default: 1)]
        activation = try FusedActivation(a)
    }

    func parameters(_ x: Tensor) throws -> (PoolingParameters, output: [Int]) {
        try TFLiteSupport.requireFloat(x, "input")
        try TFLiteSupport.requireRank(x, "input", 4)
        let window = try Padding.forward(input: [x.shape[1], x.shape[2]], kernel: filter, strides: strides, autoPad: autoPad)
        let p = PoolingParameters(layout: .channelsLast, batch: x.shape[0], channels: x.shape[3], window: window)
        return (p, [x.shape[0]] + window.output + [x.shape[3]])
    }
}
