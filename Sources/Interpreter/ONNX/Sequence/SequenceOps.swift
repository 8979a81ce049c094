/// Registrations of sequence and optional ops (ONNX/Sequence/).
enum SequenceOps {
    static var registrations: [OpRegistration] { [] }
}
