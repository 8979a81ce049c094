/// ReduceMean (ONNX opsets 1, 11, 13, 18…): the mean (empty set: NaN) over `axes` — an attribute
/// before opset 18, the optional second input from 18 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceMean {
    static let registration = ReduceKernel.registration(.mean, axesInputSince: 18)
}
