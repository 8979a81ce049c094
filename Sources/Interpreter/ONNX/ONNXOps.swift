/// The one registry table of ONNX ops the reference interpreter implements.
/// Each op lives in its own file under ONNX/<Family>/; each family lists its registrations in
/// its `<Family>Ops.swift`.
public enum ONNXOps {
    public static let registry = OpRegistry(registrations)

    static var registrations: [OpRegistration] {
        AttentionOps.registrations + MathOps.registrations + TensorOps.registrations + NNOps.registrations + QuantizationOps.registrations
            + ControlFlowOps.registrations + SequenceOps.registrations
            + MiscOps.registrations
    }
}
