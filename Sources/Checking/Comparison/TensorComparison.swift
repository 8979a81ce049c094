import Foundation
import LockstepCore

/// The result of comparing a candidate tensor with a reference tensor under a `Tolerance`: the
/// verdict and the statistics that explain it (never a bare `Bool`).
///
/// Definitions (docs/check.md): e = |c − r| over elements where both are finite; relative error
/// e / |r| over those with r ≠ 0; percentiles by the nearest-rank rule; NaN in exactly one of the
/// two (or in both when `equalNaN` is off) is a NaN mismatch, ±Inf not equal in both an Inf
/// mismatch; mismatches fail and are left out of the error statistics.
public struct TensorComparison: Sendable, Equatable {
    public var tolerance: Tolerance
    public var shape: [Int]
    public var count: Int
    /// Elements failing the pass rule (mismatches included).
    public var failing: Int
    public var maxAbs = 0.0, meanAbs = 0.0, medianAbs = 0.0, p99Abs = 0.0
    public var maxRel = 0.0, meanRel = 0.0, medianRel = 0.0, p99Rel = 0.0
    public var rmse = 0.0
    public var cosine: Double?
    public var snrDb: Double?
    public var maxUlp: Double?
    public var nanMismatches = 0
    public var infMismatches = 0
    public var top1Agreement: Double?
    public var top5Agreement: Double?
    public var worstIndex: [Int]?
    public var worstReference: Double?
    public var worstCandidate: Double?
    /// Decade edges of |error| (`TensorComparator.histogramEdges`) and the count per bucket.
    public var histogramEdges: [Double] = TensorComparator.histogramEdges
    public var histogramCounts: [Int] = []
    /// The smallest atol that passes with the rule's rtol, and the smallest rtol that passes with
    /// its absolute allowance (+inf when none can).
    public var requiredAtol = 0.0
    public var requiredRtol = 0.0

    public var passed: Bool { failing == 0 }
}

/// Computes `TensorComparison`s.
public enum TensorComparator {
    /// 0, 1e-9, 1e-8, …, 1, 10: bucket i holds |error| in [edges[i], edges[i+1]), the last is open above.
    public static let histogramEdges: [Double] = [0] + (-9...1).map { pow(10, Double($0)) }

    /// Compares two tensors of the same element count (shapes may differ only when the caller
    /// has already decided the layouts agree; the reference's shape is reported).
    public static func compare(reference: Tensor, candidate: Tensor, tolerance: Tolerance) throws -> TensorComparison {
        guard reference.dtype.isConvertibleToReal, candidate.dtype.isConvertibleToReal else {
            throw CheckingError.incomparable("cannot compare \(reference.dtype) with \(candidate.dtype) numerically")
        }
        guard reference.count == candidate.count else {
            throw CheckingError.incomparable("reference has \(reference.count) elements \(reference.shape), candidate \(candidate.count) \(candidate.shape)")
        }
        return compare(reference: try reference.doubleValues(), candidate: try candidate.doubleValues(), shape: reference.shape,
                       dtype: reference.dtype, tolerance: tolerance)
    }

    /// Compares value arrays of equal length; `dtype` is the reference's type (for ULP distances).
    public static func compare(reference r: [Double], candidate c: [Double], shape: [Int], dtype: DType,
                               tolerance t: Tolerance) -> TensorComparison {
        precondition(r.count == c.count, "compare: value counts differ")
        let n = r.count
        var result = TensorComparison(tolerance: t, shape: shape, count: n, failing: 0)
        var histogram = [Int](repeating: 0, count: histogramEdges.count)
        var absErrors: [Double] = []
        var relErrors: [Double] = []
        absErrors.reserveCapacity(n)
        relErrors.reserveCapacity(n)
        var sumE2 = 0.0, sumR2 = 0.0, sumC2 = 0.0, dot = 0.0
        var maxUlp: Double? = nil
        let ulpRule = t.rule == .ulp
        let rtolUsed = t.rule == .allclose ? t.rtol : 0
        let absoluteAllowance = t.bound(0)
        var worst = -1
        var worstViolation = -Double.infinity
        var largest = -1
        var largestError = -1.0

        for i in 0..<n {
            let a = r[i], b = c[i]
            if a.isNaN || b.isNaN {
                if a.isNaN && b.isNaN && t.equalNaN { continue }
                result.nanMismatches += 1
                result.failing += 1
                if worstViolation < .infinity { worst = i; worstViolation = .infinity }
                continue
            }
            if a.isInfinite || b.isInfinite {
                if a == b { continue }
                result.infMismatches += 1
                result.failing += 1
                if worstViolation < .infinity { worst = i; worstViolation = .infinity }
                continue
            }
            let e = Swift.abs(b - a)
            absErrors.append(e)
            if a != 0 { relErrors.append(e / Swift.abs(a)) }
            sumE2 += e * e
            sumR2 += a * a
            sumC2 += b * b
            dot += a * b
            if e > largestError { largestError = e; largest = i }
            histogram[bucket(e)] += 1

            let bound = t.bound(a)
            var ok = e <= bound
            if ulpRule || dtype.isFloatingPoint, let u = ULP.distance(a, b, in: dtype) {
                maxUlp = Swift.max(maxUlp ?? 0, u)
                if ulpRule && u <= Double(t.maxUlp) { ok = true }
            }
            if !ok {
                result.failing += 1
                let violation = e - bound
                if violation > worstViolation { worstViolation = violation; worst = i }
            }
            result.requiredAtol = Swift.max(result.requiredAtol, e - rtolUsed * Swift.abs(a))
            if e > absoluteAllowance {
                result.requiredRtol = Swift.max(result.requiredRtol, a == 0 ? .infinity : (e - absoluteAllowance) / Swift.abs(a))
            }
        }
        if result.nanMismatches + result.infMismatches > 0 {
            result.requiredAtol = .infinity
            result.requiredRtol = .infinity
        }
        result.maxUlp = dtype.isFloatingPoint ? maxUlp : nil
        result.histogramCounts = histogram

        let finite = absErrors.count
        if finite > 0 {
            result.meanAbs = absErrors.reduce(0, +) / Double(finite)
            result.rmse = (sumE2 / Double(finite)).squareRoot()
            absErrors.sort()
            result.maxAbs = absErrors[finite - 1]
            result.medianAbs = nearestRank(absErrors, 0.5)
            result.p99Abs = nearestRank(absErrors, 0.99)
        }
        if !relErrors.isEmpty {
            result.meanRel = relErrors.reduce(0, +) / Double(relErrors.count)
            relErrors.sort()
            result.maxRel = relErrors[relErrors.count - 1]
            result.medianRel = nearestRank(relErrors, 0.5)
            result.p99Rel = nearestRank(relErrors, 0.99)
        }
        if sumR2 > 0 && sumC2 > 0 { result.cosine = Swift.min(1, Swift.max(-1, dot / (sumR2.squareRoot() * sumC2.squareRoot()))) }
        if sumR2 > 0 { result.snrDb = sumE2 == 0 ? .infinity : 10 * log10(sumR2 / sumE2) }

        let pick = worst >= 0 ? worst : largest
        if pick >= 0 {
            result.worstIndex = multiIndex(pick, shape: shape)
            result.worstReference = r[pick]
            result.worstCandidate = c[pick]
        }
        if dtype.isFloatingPoint { (result.top1Agreement, result.top5Agreement) = topK(r, c, shape: shape) }
        return result
    }

    /// Bucket of |error| `e` in `histogramEdges`.
    @inline(__always)
    static func bucket(_ e: Double) -> Int {
        if e < histogramEdges[1] { return 0 }
        let decade = Int(floor(log10(e))) + 10  // 1e-9 → 1, …, 10 → 11
        return Swift.min(Swift.max(decade, 1), histogramEdges.count - 1)
    }

    /// The q-quantile of sorted values by the nearest-rank rule.
    static func nearestRank(_ sorted: [Double], _ q: Double) -> Double {
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
        var index = [Int](repeating: 0, count: shape.count)
        var rest = flat
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
            index[d] = rest % shape[d]
            rest /= shape[d]
        }
        return index
    }

    /// Row-wise top-1 and top-5 agreement along the last axis, for score-like outputs: rank 1 or 2,
    /// last axis of at least 2 (top-5 needs more than 5), no NaN. Ties break to the lower index.
    static func topK(_ r: [Double], _ c: [Double], shape: [Int]) -> (Double?, Double?) {
        guard (1...2).contains(shape.count), let classes = shape.last, classes >= 2, r.count > 0,
              !r.contains(where: \.isNaN), !c.contains(where: \.isNaN) else { return (nil, nil) }
        let rows = r.count / classes
        var top1 = 0, top5 = 0
        func order(_ v: ArraySlice<Double>) -> [Int] {
            v.indices.sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }.map { $0 - v.startIndex }
        }
        for row in 0..<rows {
            let range = row * classes..<(row + 1) * classes
            let a = order(r[range]), b = order(c[range])
            if a[0] == b[0] { top1 += 1 }
            if classes > 5, Set(a.prefix(5)) == Set(b.prefix(5)) { top5 += 1 }
        }
        return (Double(top1) / Double(rows), classes > 5 ? Double(top5) / Double(rows) : nil)
    }
}
