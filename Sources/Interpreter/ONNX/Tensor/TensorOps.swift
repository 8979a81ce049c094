/// Registrations of shape, layout, indexing and type-conversion ops (ONNX/Tensor/).
enum TensorOps {
    static var registrations: [OpRegistration] {
        [
            IdentityKernel.registration,
        ]
    }
}
