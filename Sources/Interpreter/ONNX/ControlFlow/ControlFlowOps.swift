/// Registrations of control flow (If, Loop, Scan) and recurrent ops (LSTM, GRU, RNN) (ONNX/ControlFlow/).
enum ControlFlowOps {
    static var registrations: [OpRegistration] {
        [
            IfKernel.registration,
            LoopKernel.registration,
            LSTMKernel.registration,
            GRUKernel.registration,
            RNNKernel.registration,
        ] + ScanKernel.registrations
    }
}
