/// GlobalAveragePool (ONNX opsets 1, 22): mean over all spatial positions of each `(n, c)`,
/// accumulated in float64 for float32 inputs (large planes), output `[N, C, 1, …]`.
enum GlobalAveragePool {
    static let registration = OpRegistration("GlobalAveragePool", versions: 1...Int.max) { _ in GlobalPoolKernel(kind: .average) }
}
