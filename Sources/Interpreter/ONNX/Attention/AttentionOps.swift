/// Registrations of the attention-family ops of ONNX/Attention/: scaled dot-product Attention
/// and the gated activations used around attention blocks (Swish, SwiGLU).
///
/// `ONNXOps` lists these before the other families, so this folder's Attention kernel is the one
/// the registry finds first.
enum AttentionOps {
    static var registrations: [OpRegistration] {
        [
            ScaledDotProductAttentionKernel.registration,
            SwishOp.registration,
            SwiGLUKernel.registration,
        ]
    }
}
