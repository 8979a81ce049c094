/* Lockstep: GEMM through OpenBLAS (Debian libopenblas-dev), loaded on first use.
 *
 * Why loaded at run time: OpenBLAS chooses its kernels when the library initialises, from
 * OPENBLAS_CORETYPE or its own CPU detection. Debian 12's OpenBLAS 0.3.21 does not recognise
 * recent Xeon models and falls back to its slowest (Prescott, SSE3) kernels on CPUs that have
 * AVX-512. When the user has not set OPENBLAS_CORETYPE, Lockstep sets it from the CPU's own
 * feature flags (AVX-512F → SkylakeX, AVX2+FMA → Haswell) before loading the library. A user's
 * OPENBLAS_CORETYPE is always respected. */
#ifndef LOCKSTEP_BLAS_H
#define LOCKSTEP_BLAS_H

/* Row-major C = alpha * op(A) * op(B) + beta * C. Returns 0, or -1 when OpenBLAS cannot be
 * loaded (lockstep_blas_error() says why). */
int lockstep_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                   const float *b, int ldb, float beta, float *c, int ldc);
int lockstep_dgemm(int trans_a, int trans_b, int m, int n, int k, double alpha, const double *a, int lda,
                   const double *b, int ldb, double beta, double *c, int ldc);

/* Number of threads OpenBLAS may use (1 = deterministic single-threaded GEMM). */
void lockstep_blas_set_threads(int threads);

/* The kernel family OpenBLAS runs ("SkylakeX", "Haswell", "Prescott", …), or NULL if not loaded. */
const char *lockstep_blas_core_name(void);

/* Why loading failed, or NULL. */
const char *lockstep_blas_error(void);
#endif
