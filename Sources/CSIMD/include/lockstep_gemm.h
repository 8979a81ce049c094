// Single-precision GEMM with the left operand packed once (convolution weights, packed per
// session) and the right operand read in place through one pointer per row (activations: rows
// of a tensor, of a zero-padded plane at a tap's offset, or of an im2col band), so neither
// operand is copied per call.
//
//     C[i][j] = fma(A[i][k-1], row[k-1][j], … fma(A[i][1], row[1][j], fma(A[i][0], row[0][j], 0)))
//     then C[i][j] += bias[i] when bias != NULL
//
// Every output is that chain of fused multiply-adds in order of k, from 0, whatever the variant
// (portable C with fmaf, AVX2+FMA, AVX-512) and however the work is split into tiles or threads,
// so the bits do not depend on the CPU or the thread count.
#ifndef LOCKSTEP_GEMM_H
#define LOCKSTEP_GEMM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Rows per packed panel of A.
#define LOCKSTEP_GEMM_MR 12

/// The variant in use: 0 = portable C (fmaf), 1 = AVX2 + FMA, 2 = AVX-512F.
int lockstep_gemm_level(void);

/// The best variant this CPU runs.
int lockstep_gemm_best_level(void);

/// Selects a variant (clamped to 0 ... best); for tests that compare the variants.
void lockstep_gemm_set_level(int level);

/// Floats a packed `m × k` left operand needs (panels of LOCKSTEP_GEMM_MR rows, zero-padded).
long lockstep_gemm_packed_count(long m, long k);

/// Packs row-major `a` (`m × k`, row stride `lda`) into `packed` (lockstep_gemm_packed_count floats):
/// panel p, column q, row r at `packed[(p * k + q) * MR + r]`.
void lockstep_gemm_pack(const float *a, long lda, long m, long k, float *packed);

/// Columns `j0 ..< j1` of `C = A · B (+ bias)`: `packed` from lockstep_gemm_pack, `rows[q]` points
/// at column 0 of row q of B (`k` pointers), `c` at C[0][0] with row stride `ldc`; `bias` has `m`
/// values or is NULL.
void lockstep_gemm_f32(const float *packed, long m, long k, const float *const *rows, long j0, long j1, float *c, long ldc,
                       const float *bias);

#ifdef __cplusplus
}
#endif

#endif
