/// What one form predicted for each sample of an evaluation set: the `k` best classes, best
/// first, or nothing for a sample whose output could not be read as a prediction (NaN scores).
///
/// Ranking follows `numpy.argsort(-scores, kind="stable")`: higher score first, ties to the lower
/// class index (so the top-1 class is `numpy.argmax`'s choice).
public struct Predictions: Sendable, Equatable {
    /// Classes the form scores (the width of its output).
    public let classCount: Int
    /// Classes kept per sample (`min(topK, classCount)`; 1 for captured class indices).
    public let k: Int
    /// `k` class indices per sample, best first; `-1` throughout for an invalid sample.
    public private(set) var ranked: [Int32]

    /// Samples held.
    public var count: Int { k == 0 ? 0 : ranked.count / k }

    /// An empty holder for `count` samples, all invalid until set.
    public init(count: Int, classCount: Int, k: Int) {
        precondition(classCount > 0 && k >= 1 && k <= classCount)
        self.classCount = classCount
        self.k = k
        self.ranked = [Int32](repeating: -1, count: count * k)
    }

    /// The top-1 class of sample `i`, or nil when its output was invalid.
    public func top1(_ i: Int) -> Int? {
        let c = ranked[i * k]
        return c < 0 ? nil : Int(c)
    }

    /// Whether `label` is among the `k` best classes of sample `i`.
    public func topKContains(_ i: Int, _ label: Int) -> Bool {
        let base = i * k
        for j in 0..<k where ranked[base + j] == Int32(label) { return true }
        return false
    }

    /// Sets sample `i` from its scores (one per class). Any NaN makes the sample invalid
    /// (returns false); ±Inf ranks as itself.
    @discardableResult
    public mutating func set(_ i: Int, scores: UnsafeBufferPointer<Double>) -> Bool {
        precondition(scores.count == classCount)
        let base = i * k
        for j in 0..<k { ranked[base + j] = -1 }
        if scores.contains(where: { $0.isNaN }) { return false }
        // Partial selection of the k best (k is small): insertion into a sorted prefix.
        var best: [(score: Double, index: Int)] = []
        best.reserveCapacity(k + 1)
        for (c, s) in scores.enumerated() {
            if best.count == k, let last = best.last, !(s > last.score) { continue }
            var position = best.count
            while position > 0 && s > best[position - 1].score { position -= 1 }
            best.insert((s, c), at: position)
            if best.count > k { best.removeLast() }
        }
        for (j, entry) in best.enumerated() { ranked[base + j] = Int32(entry.index) }
        return true
    }

    /// Sets sample `i` to a class index given directly (captured predictions; `k` must be 1).
    public mutating func set(_ i: Int, classIndex: Int) {
        precondition(k == 1 && classIndex >= 0 && classIndex < classCount)
        ranked[i] = Int32(classIndex)
    }

    /// The same predictions over a larger class count (captured class indices, whose count the
    /// indices alone cannot tell).
    public func withClassCount(_ n: Int) -> Predictions {
        precondition(n >= classCount)
        var p = Predictions(count: count, classCount: n, k: k)
        p.ranked = ranked
        return p
    }

    /// Copies `other`'s samples into this one starting at sample `offset` (same class count and k).
    public mutating func place(_ other: Predictions, at offset: Int) {
        precondition(other.classCount == classCount && other.k == k)
        ranked.replaceSubrange((offset * k)..<((offset + other.count) * k), with: other.ranked)
    }
}
