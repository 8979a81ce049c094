/// Registrations of the attention-family ops of ONNX/Attention/: the gated activations used
/// around attention blocks (Swish, SwiGLU).
enum AttentionOps {
    static var registrations: [OpRegistration] {
        [
            SwishOp.registration,
            SwiGLUKernel.registration,
        ]
    }
}
