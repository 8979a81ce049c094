/// Per-class metrics of one form against the labels.
public struct ClassMetrics: Sendable, Codable, Hashable {
    /// The class's index (its row in the confusion matrix).
    public var classIndex: Int
    /// Samples whose label is this class.
    public var support: Int
    /// Of those, predicted correctly (true positives).
    public var correct: Int
    /// Samples predicted as this class (true and false positives).
    public var predicted: Int
    /// `correct / support`: the class's accuracy, which is also its recall; nil without support.
    public var accuracy: Double?
    /// `correct / predicted`; nil when nothing was predicted as this class.
    public var precision: Double?
    /// Harmonic mean of precision and recall; nil when either is undefined, 0 when both are 0.
    public var f1: Double?
    /// Samples of this class whose label is among the form's k best classes.
    public var topKCorrect: Int
}

/// The metrics of one form on an evaluation set.
public struct FormMetrics: Sendable, Codable, Hashable {
    public var samples: Int
    public var correct: Int
    /// Top-1 accuracy over all samples.
    public var accuracy: Double
    /// The k of `topKAccuracy` (1 when the form gives class indices only).
    public var topK: Int
    public var topKAccuracy: Double
    /// Samples whose output held NaN (counted as wrong, left out of the confusion matrix).
    public var invalidOutputs: Int
    /// Unweighted means over the classes where each is defined (scikit-learn's "macro" average
    /// with undefined values left out rather than set to 0).
    public var macroPrecision: Double?
    public var macroRecall: Double?
    public var macroF1: Double?
    public var classes: [ClassMetrics]
    /// `confusion[true][predicted]` counts.
    public var confusion: [[Int]]
}

/// Accuracy, precision, recall, F1, support, confusion matrix and top-k of one form.
public enum ClassificationMetrics {
    /// The metrics of `predictions` against `labels` (class indices in `0..<classCount`).
    public static func compute(labels: [Int32], predictions: Predictions) -> FormMetrics {
        precondition(labels.count == predictions.count)
        let classes = predictions.classCount
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var topKCorrect = [Int](repeating: 0, count: classes)
        var invalid = 0
        for (i, label) in labels.enumerated() {
            let truth = Int(label)
            guard let predicted = predictions.top1(i) else { invalid += 1; continue }
            confusion[truth][predicted] += 1
            if predictions.topKContains(i, truth) { topKCorrect[truth] += 1 }
        }
        var support = [Int](repeating: 0, count: classes)
        for label in labels { support[Int(label)] += 1 }
        var perClass: [ClassMetrics] = []
        var correctTotal = 0
        for c in 0..<classes {
            let correct = confusion[c][c]
            correctTotal += correct
            let predicted = (0..<classes).reduce(0) { $0 + confusion[$1][c] }
            let recall = support[c] > 0 ? Double(correct) / Double(support[c]) : nil
            let precision = predicted > 0 ? Double(correct) / Double(predicted) : nil
            var f1: Double?
            if let p = precision, let r = recall { f1 = p + r > 0 ? 2 * p * r / (p + r) : 0 }
            perClass.append(ClassMetrics(classIndex: c, support: support[c], correct: correct, predicted: predicted,
                                         accuracy: recall, precision: precision, f1: f1, topKCorrect: topKCorrect[c]))
        }
        func mean(_ values: [Double?]) -> Double? {
            let defined = values.compactMap { $0 }
            return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
        }
        let n = labels.count
        return FormMetrics(samples: n, correct: correctTotal, accuracy: n > 0 ? Double(correctTotal) / Double(n) : 0,
                           topK: predictions.k, topKAccuracy: n > 0 ? Double(topKCorrect.reduce(0, +)) / Double(n) : 0,
                           invalidOutputs: invalid, macroPrecision: mean(perClass.map(\.precision)),
                           macroRecall: mean(perClass.map(\.accuracy)), macroF1: mean(perClass.map(\.f1)),
                           classes: perClass, confusion: confusion)
    }
}
