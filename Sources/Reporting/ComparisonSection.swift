import LockstepCore

/// One output of one form compared against the same output of a reference (another form or a
/// golden case).
public struct OutputComparison: Codable, Sendable, Equatable {
    /// Form id of the reference (`golden`, `onnx`, …) and of the candidate (`tflite`, `tensorrt`, …).
    public var reference: String
    public var candidate: String
    /// The output's name in the reference and in the candidate.
    public var output: String
    public var candidateOutput: String
    /// Element type and shape of the reference output, and of the candidate as produced.
    public var dtype: DType
    public var shape: [Int]
    public var candidateDtype: DType
    public var candidateShape: [Int]
    /// Steps that brought the candidate into the reference's terms (`matched by position`,
    /// `transposed NHWC→NCHW`, `dequantised (scale 0.1, zero point 3)`); empty when none.
    public var adaptation: [String]
    /// The tolerance the pass rule used, and where it came from.
    public var tolerance: ToleranceRecord
    public var metrics: ErrorMetrics
    public var passed: Bool
    /// Why the comparison could not be made numerically (shape mismatch that no layout explains,
    /// non-numeric type); metrics are then empty and `passed` is false.
    public var problem: String?

    public init(reference: String, candidate: String, output: String, candidateOutput: String, dtype: DType, shape: [Int],
                candidateDtype: DType, candidateShape: [Int], adaptation: [String] = [], tolerance: ToleranceRecord,
                metrics: ErrorMetrics, passed: Bool, problem: String? = nil) {
        self.reference = reference
        self.candidate = candidate
        self.output = output
        self.candidateOutput = candidateOutput
        self.dtype = dtype
        self.shape = shape
        self.candidateDtype = candidateDtype
        self.candidateShape = candidateShape
        self.adaptation = adaptation
        self.tolerance = tolerance
        self.metrics = metrics
        self.passed = passed
        self.problem = problem
    }
}

/// The pass rule applied to one comparison (docs/check.md, "Pass rule").
public struct ToleranceRecord: Codable, Sendable, Equatable {
    /// `allclose` (|c − r| ≤ atol + rtol·|r| elementwise), `ulp` (at most `maxUlp` units in the last
    /// place), `quantStep` (at most `steps` quantisation steps of `step`), or `exact`.
    public var rule: String
    public var atol: Double
    public var rtol: Double
    public var maxUlp: Int?
    /// Quantisation step (scale) for `quantStep`.
    public var step: Double?
    public var steps: Double?
    /// NaN in both at the same index counts as equal (numpy `equal_nan`).
    public var equalNaN: Bool
    /// Where the values came from: `default for float32 (numpy allclose)`, `golden manifest`,
    /// `--tolerance logits:atol=1e-3`, …
    public var source: String

    public init(rule: String, atol: Double, rtol: Double, maxUlp: Int? = nil, step: Double? = nil, steps: Double? = nil,
                equalNaN: Bool = true, source: String) {
        self.rule = rule
        self.atol = atol
        self.rtol = rtol
        self.maxUlp = maxUlp
        self.step = step
        self.steps = steps
        self.equalNaN = equalNaN
        self.source = source
    }
}

/// Error statistics of a candidate tensor against a reference tensor (same element count).
/// Relative error is |c − r| / |r| over elements with r ≠ 0. NaN/Inf elements are counted in
/// the mismatch fields and left out of the other statistics.
public struct ErrorMetrics: Codable, Sendable, Equatable {
    public var count: Int
    /// Elements that fail the pass rule.
    public var failing: Int
    public var maxAbs: Double
    public var meanAbs: Double
    public var medianAbs: Double
    public var p99Abs: Double
    public var maxRel: Double
    public var meanRel: Double
    public var medianRel: Double
    public var p99Rel: Double
    public var rmse: Double
    /// Cosine similarity of the two as vectors; nil when either is all zeros.
    public var cosine: Double?
    /// 10·log10(Σr² / Σ(c − r)²) in dB; +inf when identical; nil when the reference is all zeros.
    public var snrDb: Double?
    /// Largest distance in units in the last place (floating-point outputs, in the reference's type).
    public var maxUlp: Double?
    /// Elements NaN in exactly one of the two; elements ±Inf in one and not equal in the other.
    public var nanMismatches: Int
    public var infMismatches: Int
    /// Row-wise agreement of the arg-max and of the top-5 set for score vectors (last axis), as a
    /// fraction of rows; nil when the output does not look like scores (last axis < 2).
    public var top1Agreement: Double?
    public var top5Agreement: Double?
    /// Multi-index of the element with the largest violation (or largest abs error when all pass).
    public var worstIndex: [Int]?
    public var worstReference: Double?
    public var worstCandidate: Double?
    public var histogram: ErrorHistogram
    /// Smallest atol that passes with the rule's rtol, and smallest rtol that passes with its atol
    /// (+inf when no rtol can: an error where the reference is 0 and the error exceeds atol).
    public var requiredAtol: Double
    public var requiredRtol: Double

    public init(count: Int, failing: Int, maxAbs: Double, meanAbs: Double, medianAbs: Double, p99Abs: Double, maxRel: Double,
                meanRel: Double, medianRel: Double, p99Rel: Double, rmse: Double, cosine: Double?, snrDb: Double?, maxUlp: Double?,
                nanMismatches: Int, infMismatches: Int, top1Agreement: Double?, top5Agreement: Double?, worstIndex: [Int]?,
                worstReference: Double?, worstCandidate: Double?, histogram: ErrorHistogram, requiredAtol: Double, requiredRtol: Double) {
        self.count = count
        self.failing = failing
        self.maxAbs = maxAbs
        self.meanAbs = meanAbs
        self.medianAbs = medianAbs
        self.p99Abs = p99Abs
        self.maxRel = maxRel
        self.meanRel = meanRel
        self.medianRel = medianRel
        self.p99Rel = p99Rel
        self.rmse = rmse
        self.cosine = cosine
        self.snrDb = snrDb
        self.maxUlp = maxUlp
        self.nanMismatches = nanMismatches
        self.infMismatches = infMismatches
        self.top1Agreement = top1Agreement
        self.top5Agreement = top5Agreement
        self.worstIndex = worstIndex
        self.worstReference = worstReference
        self.worstCandidate = worstCandidate
        self.histogram = histogram
        self.requiredAtol = requiredAtol
        self.requiredRtol = requiredRtol
    }
}

/// Counts of absolute errors per decade: bucket i holds errors in [edges[i], edges[i+1]); the
/// first bucket starts at 0 (exact matches included), the last is open above.
public struct ErrorHistogram: Codable, Sendable, Equatable {
    public var edges: [Double]
    public var counts: [Int]
    public init(edges: [Double], counts: [Int]) {
        self.edges = edges
        self.counts = counts
    }
}
