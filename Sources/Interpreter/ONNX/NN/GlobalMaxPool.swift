/// GlobalMaxPool (ONNX opsets 1, 22): maximum over all spatial positions of each `(n, c)`
/// (NaN propagates), output `[N, C, 1, …]`.
enum GlobalMaxPool {
    static let registration = OpRegistration("GlobalMaxPool", versions: 1...Int.max) { _ in GlobalPoolKernel(kind: .max) }
}
