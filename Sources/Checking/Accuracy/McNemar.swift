import Foundation

/// McNemar's test on paired binary outcomes, in its exact (conditional binomial) form.
///
/// Two forms judged on the same samples give, per sample, a pair (reference correct?,
/// candidate correct?). Only the discordant pairs carry information: `b` samples only the
/// reference got right, `c` samples only the candidate got right. Under the null hypothesis
/// (both forms equally accurate) each discordant pair is equally likely to fall either way, so
/// `b ~ Binomial(b + c, 1/2)`. The two-sided exact p-value is
///
///     p = min(1, 2 · P(X ≤ min(b, c))),  X ~ Binomial(b + c, 1/2)
///
/// (McNemar 1947, exact form as in Fagerland, Lydersen & Laake 2013, BMC Med Res Methodol 13:91,
/// eq. 2; identical to `scipy.stats.binomtest(b, b + c, 0.5).pvalue` and to
/// `statsmodels.stats.contingency_tables.mcnemar(table, exact=True).pvalue`).
///
/// Lockstep uses the exact conditional test, not the mid-p variant: its size never exceeds
/// the nominal level, so a gate built on it keeps its false-alarm rate at or under alpha
/// (mid-p is less conservative but may exceed alpha slightly). docs/accuracy.md explains the choice.
public enum McNemar {
    /// The two-sided exact p-value for `b` and `c` discordant pairs; 1 when there are none.
    public static func exactPValue(b: Int, c: Int) -> Double {
        precondition(b >= 0 && c >= 0, "discordant counts are non-negative")
        let n = b + c
        if n == 0 { return 1 }
        let k = min(b, c)
        if 2 * k == n { return 1 }
        return min(1, 2 * Binomial.halfLowerTail(k: k, n: n))
    }
}

/// Binomial probabilities with success probability 1/2, accurate for large `n`.
enum Binomial {
    /// `P(X ≤ k)` for `X ~ Binomial(n, 1/2)` and `k < n/2`, summed from the largest term down
    /// (terms fall geometrically away from the mode, so the sum is accurate to a few ulps).
    static func halfLowerTail(k: Int, n: Int) -> Double {
        precondition(k >= 0 && k <= n)
        // log P(X = k) = log C(n, k) − n log 2
        let logTerm = lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1) - Double(n) * M_LN2
        var term = exp(logTerm)
        var sum = term
        var i = k
        while i > 0 {
            // P(X = i − 1) = P(X = i) · i / (n − i + 1)
            term *= Double(i) / Double(n - i + 1)
            sum += term
            if term < sum * 1e-17 { break }
            i -= 1
        }
        return sum
    }
}
