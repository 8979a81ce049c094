/// The one registry table of ONNX ops the reference interpreter implements.
/// Each op lives in its own file under ONNX/<Family>/ and contributes its registrations here.
public enum ONNXOps {
    public static let registry = OpRegistry(registrations)

    static var registrations: [OpRegistration] {
        ArithmeticKernel.registrations()
            + [
                ReluKernel.registration,
                IdentityKernel.registration,
            ]
    }
}
