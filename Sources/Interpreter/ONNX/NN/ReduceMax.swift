/// ReduceMax (ONNX opsets 1, 11, 13, 18…): the maximum (NaN propagates; bool from opset 20) over `axes` — an attribute
/// before opset 18, the optional second input from 18 (`noop_with_empty_axes`); `keepdims`
/// default 1. Semantics shared by every Reduce* op: see `ReduceKernel`.
enum ReduceMax {
    static let registration = ReduceKernel.registration(.max, axesInputSince: 18)
}
