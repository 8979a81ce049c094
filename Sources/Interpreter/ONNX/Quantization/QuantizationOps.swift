/// Registrations of quantisation ops: Q/DQ, integer and QLinear ops (ONNX/Quantization/).
enum QuantizationOps {
    static var registrations: [OpRegistration] {
        [
            QuantizeLinearKernel.registration,
            DequantizeLinearKernel.registration,
            DynamicQuantizeLinearKernel.registration,
            MatMulIntegerKernel.registration,
            ConvIntegerKernel.registration,
            QLinearMatMulKernel.registration,
            QLinearConvKernel.registration,
        ]
    }
}
