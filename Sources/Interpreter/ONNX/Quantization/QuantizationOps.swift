/// Registrations of quantisation ops: Q/DQ, integer and QLinear ops (ONNX/Quantization/).
enum QuantizationOps {
    static var registrations: [OpRegistration] { [] }
}
