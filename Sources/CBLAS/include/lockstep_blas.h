/* Lockstep: exposes the CBLAS interface of OpenBLAS (Debian libopenblas-dev) to Swift.
 * GEMM for the interpreter's kernels goes through cblas_sgemm / cblas_dgemm. On macOS the same
 * interface can be served by Accelerate. */
#ifndef LOCKSTEP_BLAS_H
#define LOCKSTEP_BLAS_H
#include <cblas.h>

/* Number of threads OpenBLAS may use (1 = deterministic single-threaded GEMM). */
void lockstep_blas_set_threads(int threads);
#endif
