/// Per-class accuracy of a model's forms on a labelled evaluation set and the drift of each
/// candidate from the reference (`lockstep accuracy`; docs/accuracy.md, docs/report-schema.md).
public struct AccuracySection: Codable, Sendable, Equatable {
    public var dataset: AccuracyDataset
    public var statistics: AccuracyStatistics
    /// The reference first, then the candidates in the order given.
    public var forms: [AccuracyFormResult]
    /// One per candidate, against the reference.
    public var comparisons: [AccuracyComparison]

    public init(dataset: AccuracyDataset, statistics: AccuracyStatistics, forms: [AccuracyFormResult], comparisons: [AccuracyComparison]) {
        self.dataset = dataset
        self.statistics = statistics
        self.forms = forms
        self.comparisons = comparisons
    }
}

/// The evaluation set.
public struct AccuracyDataset: Codable, Sendable, Equatable {
    public var path: String
    /// `npz`, `npy folder`, `image folder`.
    public var kind: String
    public var samples: Int
    public var classes: Int
    /// Names by class index, when known (class-name file or image folders).
    public var classNames: [String]?
    /// Samples per class.
    public var support: [Int]
    /// Metadata columns the set carries.
    public var metadataColumns: [String]

    public init(path: String, kind: String, samples: Int, classes: Int, classNames: [String]?, support: [Int], metadataColumns: [String]) {
        self.path = path
        self.kind = kind
        self.samples = samples
        self.classes = classes
        self.classNames = classNames
        self.support = support
        self.metadataColumns = metadataColumns
    }
}

/// How drift was judged.
public struct AccuracyStatistics: Codable, Sendable, Equatable {
    /// `exact McNemar (two-sided, conditional binomial)`.
    public var test: String
    /// `Benjamini–Hochberg across the tested classes of each comparison`.
    public var correction: String
    /// `paired percentile bootstrap (…)`.
    public var interval: String
    public var alpha: Double
    public var maxDrop: Double
    public var minSupport: Int
    public var bootstrapResamples: Int
    public var seed: UInt64

    public init(test: String, correction: String, interval: String, alpha: Double, maxDrop: Double, minSupport: Int,
                bootstrapResamples: Int, seed: UInt64) {
        self.test = test
        self.correction = correction
        self.interval = interval
        self.alpha = alpha
        self.maxDrop = maxDrop
        self.minSupport = minSupport
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
    }
}

/// One form's metrics.
public struct AccuracyFormResult: Codable, Sendable, Equatable {
    /// How comparisons name the form (its file name, made unique).
    public var id: String
    public var path: String
    /// `reference` or `candidate`.
    public var role: String
    /// `reference interpreter` or `captured outputs`.
    public var execution: String
    /// How samples were adapted to the form's inputs (`input 'x': samples transposed CHW→HWC`).
    public var adaptations: [String]?
    public var samples: Int
    public var accuracy: Double
    public var topK: Int
    public var topKAccuracy: Double
    /// Samples with NaN scores (counted as wrong).
    public var invalidOutputs: Int
    public var macroPrecision: Double?
    public var macroRecall: Double?
    public var macroF1: Double?
    public var classes: [AccuracyClassMetrics]
    /// `confusion[true][predicted]`.
    public var confusion: [[Int]]

    public init(id: String, path: String, role: String, execution: String, samples: Int, accuracy: Double, topK: Int,
                topKAccuracy: Double, invalidOutputs: Int, macroPrecision: Double?, macroRecall: Double?, macroF1: Double?,
                classes: [AccuracyClassMetrics], confusion: [[Int]]) {
        self.id = id
        self.path = path
        self.role = role
        self.execution = execution
        self.samples = samples
        self.accuracy = accuracy
        self.topK = topK
        self.topKAccuracy = topKAccuracy
        self.invalidOutputs = invalidOutputs
        self.macroPrecision = macroPrecision
        self.macroRecall = macroRecall
        self.macroF1 = macroF1
        self.classes = classes
        self.confusion = confusion
    }
}

/// One class of one form. `accuracy` is the class's recall.
public struct AccuracyClassMetrics: Codable, Sendable, Equatable {
    public var classIndex: Int
    public var support: Int
    public var correct: Int
    public var predicted: Int
    public var accuracy: Double?
    public var precision: Double?
    public var f1: Double?
    public var topKCorrect: Int

    public init(classIndex: Int, support: Int, correct: Int, predicted: Int, accuracy: Double?, precision: Double?, f1: Double?, topKCorrect: Int) {
        self.classIndex = classIndex
        self.support = support
        self.correct = correct
        self.predicted = predicted
        self.accuracy = accuracy
        self.precision = precision
        self.f1 = f1
        self.topKCorrect = topKCorrect
    }
}

/// A candidate against the reference.
public struct AccuracyComparison: Codable, Sendable, Equatable {
    public var reference: String
    public var candidate: String
    public var aggregate: AccuracyDriftRow
    public var classes: [AccuracyDriftRow]
    /// Classes tested (support ≥ minSupport): the Benjamini–Hochberg family size.
    public var testedClasses: Int
    /// Per metadata slice (`--slice-by`), when asked.
    public var slices: AccuracySlices?

    public init(reference: String, candidate: String, aggregate: AccuracyDriftRow, classes: [AccuracyDriftRow], testedClasses: Int,
                slices: AccuracySlices? = nil) {
        self.reference = reference
        self.candidate = candidate
        self.aggregate = aggregate
        self.classes = classes
        self.testedClasses = testedClasses
        self.slices = slices
    }
}

/// Drift per value of one metadata column.
public struct AccuracySlices: Codable, Sendable, Equatable {
    public var column: String
    /// Slice values, sorted; `rows[i].group` indexes this list.
    public var values: [String]
    public var rows: [AccuracyDriftRow]
    public var tested: Int

    public init(column: String, values: [String], rows: [AccuracyDriftRow], tested: Int) {
        self.column = column
        self.values = values
        self.rows = rows
        self.tested = tested
    }
}

/// The change of one group (class, slice, or all samples: `group` −1) from reference to candidate.
public struct AccuracyDriftRow: Codable, Sendable, Equatable {
    public var group: Int
    public var support: Int
    public var referenceAccuracy: Double?
    public var candidateAccuracy: Double?
    /// Candidate − reference (negative: a drop).
    public var delta: Double?
    /// Samples right in the reference only / in the candidate only.
    public var lost: Int
    public var gained: Int
    /// Samples whose top-1 class changed.
    public var flips: Int
    public var flipRate: Double?
    public var pValue: Double?
    public var adjustedPValue: Double?
    public var ciLower: Double?
    public var ciUpper: Double?
    /// `regression`, `smallDrop`, `improvement`, `unchanged`, `tooSmall`.
    public var verdict: String

    public init(group: Int, support: Int, referenceAccuracy: Double?, candidateAccuracy: Double?, delta: Double?, lost: Int, gained: Int,
                flips: Int, flipRate: Double?, pValue: Double?, adjustedPValue: Double?, ciLower: Double?, ciUpper: Double?, verdict: String) {
        self.group = group
        self.support = support
        self.referenceAccuracy = referenceAccuracy
        self.candidateAccuracy = candidateAccuracy
        self.delta = delta
        self.lost = lost
        self.gained = gained
        self.flips = flips
        self.flipRate = flipRate
        self.pValue = pValue
        self.adjustedPValue = adjustedPValue
        self.ciLower = ciLower
        self.ciUpper = ciUpper
        self.verdict = verdict
    }
}
