// Vector kernels for the reference interpreter's hottest float32 loops, compiled for baseline
// x86-64 (SSE2) and again for AVX2 and AVX-512F, chosen at run time from the CPU (other architectures: the
// plain C build only). Every variant computes each element with the same IEEE operations in the
// same order as the scalar definition next to each function: no FMA contraction, no
// reassociation, so results are identical bit for bit whichever variant runs.
#ifndef LOCKSTEP_SIMD_H
#define LOCKSTEP_SIMD_H

#include "lockstep_gemm.h"
#include "lockstep_qconv.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The variant in use: 0 = portable C (SSE2 on x86-64), 1 = AVX2, 2 = AVX-512F.
int lockstep_simd_level(void);

/// The best variant this CPU runs (what `lockstep_simd_level` starts at).
int lockstep_simd_best_level(void);

/// Selects a variant (clamped to 0 ... best); for tests that compare the variants.
void lockstep_simd_set_level(int level);

/// Binary float32 arithmetic over `n` elements: `out[i] = a[i] op b[i]`, where `a` (or `b`) is
/// the scalar `sa` (`sb`) when its pointer is NULL. op: 0 add, 1 subtract, 2 multiply, 3 divide.
void lockstep_binary_f32(int op, const float *a, float sa, const float *b, float sb, float *out, long n);

/// Clip: `m = (x < lo || isnan(lo)) ? lo : x; out = (m > hi || isnan(hi)) ? hi : m`.
void lockstep_clip_f32(const float *x, float lo, float hi, float *out, long n);

/// Depthwise convolution, one output row's interior columns `lo ..< hi` (every tap in range):
/// `sum = 0; for t in 0 ..< count: sum += weight[t] * source[t][o]; out[o] = sum (+ bias)`.
void lockstep_depthwise_row_f32(const float *const *source, const float *weight, long count, float *out,
                                long lo, long hi, int has_bias, float bias);

/// Depthwise convolution, output rows `0 ..< rows` of one channel, each `width` columns wide (every
/// tap in range, as lockstep_depthwise_row_f32 over 0 ..< width): row r's tap t reads
/// `base[t] + r * row_stride`; row r is written at `out + r * width`.
void lockstep_depthwise_rows_f32(const float *const *base, long row_stride, const float *weight, long count, float *out,
                                 long rows, long width, int has_bias, float bias);

/// One member of a fused chain of float32 ops run by `lockstep_chain_f32`.
typedef struct {
    /// 0 add, 1 subtract, 2 multiply, 3 divide (operands 0 and 1), 4 clip (operand 0 into [lo, hi]).
    int op;
    /// Operand sources: `k >= 0` is leaf k; `k < 0` is the result of op `-k - 1` (an earlier one).
    int source[2];
    /// Clip bounds.
    float lo, hi;
} lockstep_chain_op;

/// Runs a chain over one row of `length` elements, block by block (`block` elements): for each
/// block every op in order, as lockstep_binary_f32 / lockstep_clip_f32 would. Leaf k reads
/// `leaves[k][i]`, or the single value `leaves[k][0]` when `scalar[k]` is set. Op i writes
/// `outputs[i][i]` when `outputs[i]` is not NULL, else `scratch + i * block`.
void lockstep_chain_f32(const lockstep_chain_op *ops, long count, const float *const *leaves, const unsigned char *scalar,
                        float *const *outputs, float *scratch, long block, long length);

#ifdef __cplusplus
}
#endif

#endif
