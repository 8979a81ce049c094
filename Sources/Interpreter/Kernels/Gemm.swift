import CBLAS
import Foundation

/// Matrix multiplication on OpenBLAS: `C = alpha * op(A) * op(B) + beta * C`, row-major.
/// OpenBLAS is loaded on first use (see Sources/CBLAS/include/lockstep_blas.h for why).
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
        if lockstep_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k),
                          b, Int32(transposeB ? k : n), beta, c, Int32(n)) != 0 {
            naive(m: m, n: n, k: k, alpha: alpha, a: a, transposeA: transposeA, b: b, transposeB: transposeB, beta: beta, c: c)
        }
    }

    /// Double precision, same conventions as `sgemm`.
    public static func dgemm(m: Int, n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, transposeA: Bool = false,
                             b: UnsafePointer<Double>, transposeB: Bool = false, beta: Double = 0, c: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        if lockstep_dgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k),
                          b, Int32(transposeB ? k : n), beta, c, Int32(n)) != 0 {
            naive(m: m, n: n, k: k, alpha: alpha, a: a, transposeA: transposeA, b: b, transposeB: transposeB, beta: beta, c: c)
        }
    }

    /// `C = alpha * A * B + beta * C` (no transposes) with explicit row strides `ldb` and `ldc`
    /// for `B` and `C` (A is packed, `lda = k`): B's rows may be windows into a larger array.
    public static func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, beta: Float,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        if lockstep_sgemm(0, 0, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(ldb), beta, c, Int32(ldc)) != 0 {
            strided(m: m, n: n, k: k, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Double precision, as the strided `sgemm`.
    public static func dgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, ldb: Int, beta: Double,
                             c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        if lockstep_dgemm(0, 0, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(ldb), beta, c, Int32(ldc)) != 0 {
            strided(m: m, n: n, k: k, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    static func strided<T: BinaryFloatingPoint>(m: Int, n: Int, k: Int, a: UnsafePointer<T>, b: UnsafePointer<T>, ldb: Int, beta: T,
                                                c: UnsafeMutablePointer<T>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: T = 0
                for p in 0..<k { sum += a[i * k + p] * b[p * ldb + j] }
                c[i * ldc + j] = sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }

    /// Plain triple loop, used only when OpenBLAS cannot be loaded (slow, still correct).
    static func naive<T: BinaryFloatingPoint>(m: Int, n: Int, k: Int, alpha: T, a: UnsafePointer<T>, transposeA: Bool,
                                              b: UnsafePointer<T>, transposeB: Bool, beta: T, c: UnsafeMutablePointer<T>) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: T = 0
                for p in 0..<k {
                    sum += a[transposeA ? p * m + i : i * k + p] * b[transposeB ? j * k + p : p * n + j]
                }
                c[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j])
            }
        }
    }

    /// Limits OpenBLAS and `PackedMatrix` to `count` threads (1 for single-threaded runs).
    public static func setThreads(_ count: Int) {
        lockstep_blas_set_threads(Int32(count))
        threadCount.withLock { $0 = max(1, count) }
    }

    /// Threads `PackedMatrix` may use: all cores until `setThreads` says otherwise (as OpenBLAS).
    public static var threads: Int { threadCount.withLock { $0 } }

    private static let threadCount = LockedValue(ProcessInfo.processInfo.activeProcessorCount)

    /// The OpenBLAS kernel family in use (e.g. "SkylakeX"), or nil when OpenBLAS is unavailable.
    public static var coreName: String? { lockstep_blas_core_name().map { String(cString: $0) } }
}

/// A value behind an `NSLock` (Synchronization.Mutex needs macOS 15; the package supports 13).
final class LockedValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T

    init(_ value: T) { self.value = value }

    func withLock<R>(_ body: (inout T) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
