/// The Benjamini–Hochberg step-up procedure, which controls the false discovery rate across a
/// family of tests (Benjamini & Hochberg 1995, J. R. Stat. Soc. B 57(1):289–300).
///
/// Adjusted p-values: with the m p-values sorted ascending, `q(i) = min over j ≥ i of
/// min(1, p(j) · m / j)`; a test is rejected at level alpha when its adjusted value is ≤ alpha
/// (the same as rejecting the largest i with p(i) ≤ i·alpha/m and every smaller one). Equal to
/// `scipy.stats.false_discovery_control(p, method="bh")` and statsmodels'
/// `multipletests(p, method="fdr_bh")[1]`.
public enum BenjaminiHochberg {
    /// Adjusted p-values in the order of `pValues`. NaN is not a p-value: callers test first.
    public static func adjusted(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        precondition(pValues.allSatisfy { $0 >= 0 && $0 <= 1 }, "p-values lie in [0, 1]")
        // Stable ascending order, so ties keep their input order (the result does not depend on it).
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
        var result = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m, through: 1, by: -1) {
            let index = order[rank - 1]
            running = min(running, pValues[index] * Double(m) / Double(rank))
            result[index] = min(1, running)
        }
        return result
    }
}
