import LockstepCore

/// Reciprocal (opsets 1, 6, 13): 1/x with IEEE division; 1/±0 = ±Inf.
/// float16/bfloat16 are computed in float32 and rounded back.
enum ReciprocalOp {
    static let registration = FloatUnaryKernel.registration("Reciprocal", versions: 1...Int.max) { _ in
        FloatFunctions.Reciprocal()
    }
}
