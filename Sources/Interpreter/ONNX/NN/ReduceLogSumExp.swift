/// ReduceLogSumExp (ONNX opsets 1, 11, 13, 18…): log(Σ exp(x)), computed stably around the running maximum over `axes` — an attribute
/// before opset 18, the optional second input from 18 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceLogSumExp {
    static let registration = ReduceKernel.registration(.logSumExp, axesInputSince: 18)
}
