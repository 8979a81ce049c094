import CBLAS

/// Matrix multiplication on OpenBLAS: `C = alpha * op(A) * op(B) + beta * C`, row-major.
public enum GEMM {
    /// Single precision. `a` is M×K (K×M when `transposeA`), `b` K×N (N×K when `transposeB`),
    /// `c` M×N; leading dimensions are the row lengths as stored.
    public static func sgemm(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, transposeA: Bool = false,
                             b: UnsafePointer<Float>, transposeB: Bool = false, beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
    }

    /// Double precision, same conventions as `sgemm`.
    public static func dgemm(m: Int, n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, transposeA: Bool = false,
                             b: UnsafePointer<Double>, transposeB: Bool = false, beta: Double = 0, c: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
    }

    /// Limits OpenBLAS to `count` threads (1 for deterministic single-threaded runs).
    public static func setThreads(_ count: Int) { lockstep_blas_set_threads(Int32(count)) }
}
