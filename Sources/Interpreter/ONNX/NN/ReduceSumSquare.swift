/// ReduceSumSquare (ONNX opsets 1, 11, 13, 18…): Σ x² over `axes` — an attribute
/// before opset 18, the optional second input from 18 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceSumSquare {
    static let registration = ReduceKernel.registration(.sumSquare, axesInputSince: 18)
}
