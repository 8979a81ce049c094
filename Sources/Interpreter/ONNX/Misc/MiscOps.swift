/// Registrations of signal-processing ops: DFT, STFT, the window generators and
/// MelWeightMatrix (ONNX/Misc/).
enum MiscOps {
    static var registrations: [OpRegistration] {
        [
            DFTKernel.registration,
            STFTKernel.registration,
            MelWeightMatrixKernel.registration,
        ] + WindowKernel.registrations
    }
}
