/// ReduceL2 (ONNX opsets 1, 11, 13, 18…): sqrt(Σ x²) over `axes` — an attribute
/// before opset 18, the optional second input from 18 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceL2 {
    static let registration = ReduceKernel.registration(.l2, axesInputSince: 18)
}
