import LockstepCore

/// Floor (opsets 1, 6, 13): largest integral value ≤ x; ±0, ±Inf and NaN are unchanged.
enum FloorOp {
    static let registration = FloatUnaryKernel.registration("Floor", versions: 1...Int.max) { _ in FloatFunctions.Floor() }
}

/// Ceil (opsets 1, 6, 13): smallest integral value ≥ x; ±0, ±Inf and NaN are unchanged
/// (ceil(−0.5) = −0).
enum CeilOp {
    static let registration = FloatUnaryKernel.registration("Ceil", versions: 1...Int.max) { _ in FloatFunctions.Ceil() }
}

/// Round (opsets 11, 22): nearest integral value, halves to even (2.5 → 2, −4.5 → −4);
/// integral values, ±0, ±Inf and NaN are unchanged.
enum RoundOp {
    static let registration = FloatUnaryKernel.registration("Round", versions: 11...Int.max) { _ in FloatFunctions.Round() }
}
