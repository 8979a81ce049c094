/// Registrations of neural-network ops: convolution, GEMM/MatMul, pooling, normalisation,
/// softmax, resize and reductions (ONNX/NN/).
enum NNOps {
    static var registrations: [OpRegistration] { [] }
}
