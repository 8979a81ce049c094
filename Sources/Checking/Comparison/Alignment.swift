import LockstepCore

/// A candidate tensor brought into the reference's terms and compared: dequantised when it is
/// quantised, transposed when its layout differs (NHWC vs NCHW), reshaped when only the element
/// count agrees. When the values fail as expected but pass in another layout, that is recorded.
public struct AlignedComparison: Sendable {
    public var comparison: TensorComparison
    /// Steps applied to the candidate (`dequantised (scale 0.1, zero point 3)`, `transposed NHWC→NCHW (…)`).
    public var steps: [String]
    /// The candidate permutation used (nil when none was needed).
    public var permutation: [Int]?
    /// Set when the values fail as mapped but match under this other permutation of the
    /// candidate (or of the reference's pre-reshape shape, `layoutShape`).
    public var sameValuesInLayout: [Int]?
    /// The shape `sameValuesInLayout` permutes (the candidate's, or the reference producer's input).
    public var layoutShape: [Int]?
}

public enum Alignment {
    /// Compares `candidate` with `reference`. `tolerance` gives the rule for the reference's type
    /// and the candidate's quantisation (nil when it is not quantised). `preReshapeShape` is the
    /// shape the reference had before a reshape (a Flatten's input), tried for layout errors that a
    /// flatten hides. Throws `CheckingError.incomparable` when no alignment exists.
    public static func compare(reference: Tensor, candidate: Tensor, preReshapeShape: [Int]? = nil,
                               tolerance: (QuantizationParameters?) -> Tolerance) throws -> AlignedComparison {
        guard reference.dtype.isConvertibleToReal, candidate.dtype.isConvertibleToReal else {
            throw CheckingError.incomparable("cannot compare \(reference.dtype) with \(candidate.dtype) numerically")
        }
        guard reference.count == candidate.count else {
            throw CheckingError.incomparable("\(reference.count) elements \(reference.shape) against \(candidate.count) \(candidate.shape)")
        }
        var steps: [String] = []
        let r = try reference.doubleValues()
        var c: [Double]
        var quantization: QuantizationParameters?
        if let q = candidate.quantization, !q.scales.isEmpty, candidate.dtype.isInteger, !reference.dtype.isInteger || reference.quantization == nil {
            c = try Quantizer.dequantize(candidate)
            quantization = q
            let what = q.scales.count == 1 ? "scale \(q.scales[0]), zero point \(q.zeroPoints.first ?? 0)" : "\(q.scales.count) scales along axis \(q.axis ?? 0)"
            steps.append("dequantised (\(what))")
        } else {
            c = try candidate.doubleValues()
        }
        let t = tolerance(quantization)
        func run(_ values: [Double]) -> TensorComparison {
            TensorComparator.compare(reference: r, candidate: values, shape: reference.shape, dtype: reference.dtype, tolerance: t)
        }
        let perms = Layout.permutations(from: candidate.shape, to: reference.shape)
        guard let expected = perms.first else {
            // Only the element count agrees: compare in order, then look for a layout a reshape hid.
            var result = AlignedComparison(comparison: run(c), steps: steps + ["reshaped \(candidate.shape) → \(reference.shape)"])
            if !result.comparison.passed, let shape = preReshapeShape ?? (candidate.rank > 1 ? candidate.shape : nil),
               Shape.elementCount(shape) == reference.count {
                if let p = hiddenLayout(r, c, shape: shape, t: t, reference: reference) {
                    result.sameValuesInLayout = p
                    result.layoutShape = shape
                }
            }
            return result
        }
        let first = run(expected == Array(0..<candidate.rank) ? c : Layout.transpose(c, shape: candidate.shape, perm: expected))
        var result = AlignedComparison(comparison: first, steps: steps, permutation: expected == Array(0..<candidate.rank) ? nil : expected)
        if expected != Array(0..<candidate.rank) { result.steps.append(Layout.describe(expected)) }
        if !first.passed {
            for p in perms.dropFirst() where run(Layout.transpose(c, shape: candidate.shape, perm: p)).passed {
                result.sameValuesInLayout = p
                result.layoutShape = candidate.shape
                break
            }
            if result.sameValuesInLayout == nil, let shape = preReshapeShape, Shape.elementCount(shape) == reference.count, shape != reference.shape,
               let p = hiddenLayout(r, c, shape: shape, t: t, reference: reference) {
                result.sameValuesInLayout = p
                result.layoutShape = shape
            }
        }
        return result
    }

    /// A permutation `p` (not the identity) such that the reference, viewed as `shape` and
    /// transposed by `p`, lists the same values as the candidate: the candidate flattened the
    /// tensor in another layout.
    static func hiddenLayout(_ r: [Double], _ c: [Double], shape: [Int], t: Tolerance, reference: Tensor) -> [Int]? {
        guard shape.count >= 2, shape.count <= 6 else { return nil }
        for p in Layout.allPermutations(shape.count) where p != Array(0..<shape.count) {
            let moved = Layout.transpose(r, shape: shape, perm: p)
            if TensorComparator.compare(reference: moved, candidate: c, shape: reference.shape, dtype: reference.dtype, tolerance: t).passed {
                return p
            }
        }
        return nil
    }
}
