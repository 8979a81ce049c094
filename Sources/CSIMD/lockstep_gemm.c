// See include/lockstep_gemm.h. Register tiles: AVX-512 12 rows × 32 columns (24 accumulators),
// AVX2 6 × 16 (12 accumulators, each 12-row panel in two halves), portable C one output at a
// time. Each output's sum is the same chain of fused multiply-adds in every variant.
#include "lockstep_gemm.h"

#include <math.h>
#include <stddef.h>

#pragma clang fp contract(off)

#define MR LOCKSTEP_GEMM_MR

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define GEMM_X86 1
#include <immintrin.h>
#else
#define GEMM_X86 0
#endif

long lockstep_gemm_packed_count(long m, long k) { return ((m + MR - 1) / MR) * MR * k; }

void lockstep_gemm_pack(const float *a, long lda, long m, long k, float *packed) {
    long panels = (m + MR - 1) / MR;
    for (long p = 0; p < panels; p++) {
        for (long r = 0; r < MR; r++) {
            long i = p * MR + r;
            float *dst = packed + p * k * MR + r;
            if (i < m) {
                const float *src = a + i * lda;
                for (long q = 0; q < k; q++) dst[q * MR] = src[q];
            } else {
                for (long q = 0; q < k; q++) dst[q * MR] = 0;
            }
        }
    }
}

// MARK: portable

static void gemm_base(const float *packed, long m, long k, const float *const *rows, long j0, long j1, float *c, long ldc,
                      const float *bias) {
    for (long i = 0; i < m; i++) {
        const float *a = packed + (i / MR) * k * MR + i % MR;
        float *out = c + i * ldc;
        for (long j = j0; j < j1; j++) {
            float acc = 0;
            for (long q = 0; q < k; q++) acc = fmaf(a[q * MR], rows[q][j], acc);
            out[j] = bias ? acc + bias[i] : acc;
        }
    }
}

#if GEMM_X86

// MARK: AVX2 + FMA

#define AVX2 __attribute__((target("avx2,fma")))

// Rows `r0 ..< r0 + 6` of one panel (`count` of them stored), 16 columns from `j` (`width` ≤ 16).
AVX2 static inline void tile_avx2(const float *a, long k, const float *const *rows, long j, long width, float *c, long ldc,
                                  const float *bias, long count) {
    __m256 acc[6][2];
    for (int r = 0; r < 6; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
    if (width == 16) {
        for (long q = 0; q < k; q++) {
            const float *b = rows[q] + j;
            __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
            const float *aq = a + q * MR;
            for (int r = 0; r < 6; r++) {
                __m256 av = _mm256_broadcast_ss(aq + r);
                acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            }
        }
    } else {
        __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width), lanes);
        __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width - 8), lanes);
        for (long q = 0; q < k; q++) {
            const float *b = rows[q] + j;
            __m256 b0 = _mm256_maskload_ps(b, m0), b1 = _mm256_maskload_ps(b + 8, m1);
            const float *aq = a + q * MR;
            for (int r = 0; r < 6; r++) {
                __m256 av = _mm256_broadcast_ss(aq + r);
                acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            }
        }
        for (int r = 0; r < 6 && r < count; r++) {
            if (bias) {
                __m256 bv = _mm256_set1_ps(bias[r]);
                acc[r][0] = _mm256_add_ps(acc[r][0], bv);
                acc[r][1] = _mm256_add_ps(acc[r][1], bv);
            }
            _mm256_maskstore_ps(c + r * ldc + j, m0, acc[r][0]);
            _mm256_maskstore_ps(c + r * ldc + j + 8, m1, acc[r][1]);
        }
        return;
    }
    for (int r = 0; r < 6 && r < count; r++) {
        if (bias) {
            __m256 bv = _mm256_set1_ps(bias[r]);
            acc[r][0] = _mm256_add_ps(acc[r][0], bv);
            acc[r][1] = _mm256_add_ps(acc[r][1], bv);
        }
        _mm256_storeu_ps(c + r * ldc + j, acc[r][0]);
        _mm256_storeu_ps(c + r * ldc + j + 8, acc[r][1]);
    }
}

AVX2 static void gemm_avx2(const float *packed, long m, long k, const float *const *rows, long j0, long j1, float *c, long ldc,
                           const float *bias) {
    long panels = (m + MR - 1) / MR;
    for (long j = j0; j < j1; j += 16) {
        long width = j1 - j < 16 ? j1 - j : 16;
        for (long p = 0; p < panels; p++) {
            const float *a = packed + p * k * MR;
            long i = p * MR;
            for (long half = 0; half < 2; half++) {
                long r0 = i + half * 6;
                if (r0 >= m) break;
                tile_avx2(a + half * 6, k, rows, j, width, c + r0 * ldc, ldc, bias ? bias + r0 : NULL, m - r0);
            }
        }
    }
}

// MARK: AVX-512

#define AVX512 __attribute__((target("avx512f,avx2,fma")))

AVX512 static inline void tile_avx512(const float *a, long k, const float *const *rows, long j, __mmask16 m0, __mmask16 m1,
                                      float *c, long ldc, const float *bias, long count) {
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    if (m0 == 0xFFFF && m1 == 0xFFFF) {
        for (long q = 0; q < k; q++) {
            const float *b = rows[q] + j;
            __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
            const float *aq = a + q * MR;
            for (int r = 0; r < MR; r++) {
                __m512 av = _mm512_set1_ps(aq[r]);
                acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
                acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
            }
        }
    } else {
        for (long q = 0; q < k; q++) {
            const float *b = rows[q] + j;
            __m512 b0 = _mm512_maskz_loadu_ps(m0, b), b1 = _mm512_maskz_loadu_ps(m1, b + 16);
            const float *aq = a + q * MR;
            for (int r = 0; r < MR; r++) {
                __m512 av = _mm512_set1_ps(aq[r]);
                acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
                acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
            }
        }
    }
    for (int r = 0; r < MR && r < count; r++) {
        if (bias) {
            __m512 bv = _mm512_set1_ps(bias[r]);
            acc[r][0] = _mm512_add_ps(acc[r][0], bv);
            acc[r][1] = _mm512_add_ps(acc[r][1], bv);
        }
        _mm512_mask_storeu_ps(c + r * ldc + j, m0, acc[r][0]);
        _mm512_mask_storeu_ps(c + r * ldc + j + 16, m1, acc[r][1]);
    }
}

AVX512 static void gemm_avx512(const float *packed, long m, long k, const float *const *rows, long j0, long j1, float *c,
                               long ldc, const float *bias) {
    long panels = (m + MR - 1) / MR;
    for (long j = j0; j < j1; j += 32) {
        long width = j1 - j < 32 ? j1 - j : 32;
        __mmask16 m0 = width >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << width) - 1);
        __mmask16 m1 = width >= 32 ? (__mmask16)0xFFFF : width <= 16 ? (__mmask16)0 : (__mmask16)((1u << (width - 16)) - 1);
        for (long p = 0; p < panels; p++) {
            long i = p * MR;
            tile_avx512(packed + p * k * MR, k, rows, j, m0, m1, c + i * ldc, ldc, bias ? bias + i : NULL, m - i);
        }
    }
}

#endif

// MARK: dispatch

static int best = -1;
static int level = -1;

int lockstep_gemm_best_level(void) {
    if (best < 0) {
#if GEMM_X86
        __builtin_cpu_init();
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        best = avx2 && __builtin_cpu_supports("avx512f") ? 2 : avx2 ? 1 : 0;
#else
        best = 0;
#endif
    }
    return best;
}

int lockstep_gemm_level(void) {
    if (level < 0) level = lockstep_gemm_best_level();
    return level;
}

void lockstep_gemm_set_level(int l) {
    int b = lockstep_gemm_best_level();
    level = l < 0 ? 0 : (l > b ? b : l);
}

void lockstep_gemm_f32(const float *packed, long m, long k, const float *const *rows, long j0, long j1, float *c, long ldc,
                       const float *bias) {
    if (m <= 0 || j1 <= j0) return;
#if GEMM_X86
    switch (lockstep_gemm_level()) {
    case 2: gemm_avx512(packed, m, k, rows, j0, j1, c, ldc, bias); return;
    case 1: gemm_avx2(packed, m, k, rows, j0, j1, c, ldc, bias); return;
    default: break;
    }
#endif
    gemm_base(packed, m, k, rows, j0, j1, c, ldc, bias);
}
