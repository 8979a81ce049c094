/// Registrations of sequence and optional ops (ONNX/Sequence/).
enum SequenceOps {
    static var registrations: [OpRegistration] {
        [
            SequenceConstructKernel.registration,
            SequenceEmptyKernel.registration,
            SequenceAtKernel.registration,
            SequenceInsertKernel.registration,
            SequenceEraseKernel.registration,
            SequenceLengthKernel.registration,
            SplitToSequenceKernel.registration,
            ConcatFromSequenceKernel.registration,
            SequenceMapKernel.registration,
            OptionalKernel.registration,
            OptionalHasElementKernel.registration,
            OptionalGetElementKernel.registration,
        ]
    }
}
