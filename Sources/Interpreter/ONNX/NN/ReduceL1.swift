/// ReduceL1 (ONNX opsets 1, 11, 13, 18…): Σ |x| over `axes` — an attribute
/// before opset 18, the optional second input from 18 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceL1 {
    static let registration = ReduceKernel.registration(.l1, axesInputSince: 18)
}
