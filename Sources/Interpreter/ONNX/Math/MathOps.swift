/// Registrations of the elementwise math, activation, comparison and logical ops (ONNX/Math/).
enum MathOps {
    static var registrations: [OpRegistration] {
        ArithmeticKernel.registrations() + TrigonometricOps.registrations + HyperbolicOps.registrations
            + ClipKernel.registrations + MinMaxKernel.registrations + SumMeanKernel.registrations
            + BitwiseBinaryKernel.registrations + ComparisonKernel.registrations + LogicalBinaryKernel.registrations + [
                ReluOp.registration,
                AbsOp.registration, NegOp.registration, SignOp.registration,
                ExpOp.registration, LogOp.registration, SqrtOp.registration, ReciprocalOp.registration,
                FloorOp.registration, CeilOp.registration, RoundOp.registration,
                ErfOp.registration, SigmoidOp.registration, HardSigmoidOp.registration, HardSwishOp.registration,
                LeakyReluOp.registration, EluOp.registration, SeluOp.registration, CeluOp.registration,
                SoftplusOp.registration, SoftsignOp.registration, ThresholdedReluOp.registration,
                GeluOp.registration, MishOp.registration, ShrinkKernel.registration, PReluKernel.registration,
                IsNaNKernel.registration, IsInfKernel.registration, PowKernel.registration, ModKernel.registration,
                BitShiftKernel.registration, BitwiseNotOp.registration, NotKernel.registration, WhereKernel.registration,
            ]
    }
}
