/// LogSoftmax (ONNX opsets 1, 11, 13): `x - max - log(Σ exp(x - max))` over the same slices as
/// Softmax (2-D coercion at `axis` before opset 13, the single `axis` from 13). See `SoftmaxKernel`.
enum LogSoftmax {
    static let registration = SoftmaxKernel.registration("LogSoftmax", log: true)
}
