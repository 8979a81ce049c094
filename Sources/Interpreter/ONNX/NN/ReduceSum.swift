/// ReduceSum (ONNX opsets 1, 11, 13…): the sum over `axes` — an attribute
/// before opset 13, the optional second input from 13 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceSum {
    static let registration = ReduceKernel.registration(.sum, axesInputSince: 13)
}
