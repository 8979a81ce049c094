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
#define INLINE static inline __attribute__((always_inline))

// R (constant at each call) rows of one panel, 16 columns from `j` (`width` ≤ 16, masked when
// `full` is 0); `count` of the R rows are stored.
AVX2 INLINE void tile_avx2(const int R, const int full, const float *a, long k, const float *const *rows, long j, long width,
                           float *c, long ldc, const float *bias, long count) {
    __m256 acc[6][2];
    for (int r = 0; r < R; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
    __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width), lanes);
    __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width - 8), lanes);
    for (long q = 0; q < k; q++) {
        const float *b = rows[q] + j;
        __m256 b0 = full ? _mm256_loadu_ps(b) : _mm256_maskload_ps(b, m0);
        __m256 b1 = full ? _mm256_loadu_ps(b + 8) : _mm256_maskload_ps(b + 8, m1);
        const float *aq = a + q * MR;
        for (int r = 0; r < R; r++) {
            __m256 av = _mm256_broadcast_ss(aq + r);
            acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < R && r < count; r++) {
        if (bias) {
            __m256 bv = _mm256_set1_ps(bias[r]);
            acc[r][0] = _mm256_add_ps(acc[r][0], bv);
            acc[r][1] = _mm256_add_ps(acc[r][1], bv);
        }
        if (full) {
            _mm256_storeu_ps(c + r * ldc + j, acc[r][0]);
            _mm256_storeu_ps(c + r * ldc + j + 8, acc[r][1]);
        } else {
            _mm256_maskstore_ps(c + r * ldc + j, m0, acc[r][0]);
            _mm256_maskstore_ps(c + r * ldc + j + 8, m1, acc[r][1]);
        }
    }
}

// The smallest tile height of 6, 4, 2, 1 that covers `count` rows.
#define TILE_AVX2(FULL)                                                                               \
    if (count > 4) tile_avx2(6, FULL, a, k, rows, j, width, cr, ldc, br, count);                     \
    else if (count > 2) tile_avx2(4, FULL, a, k, rows, j, width, cr, ldc, br, count);                \
    else if (count > 1) tile_avx2(2, FULL, a, k, rows, j, width, cr, ldc, br, count);                \
    else tile_avx2(1, FULL, a, k, rows, j, width, cr, ldc, br, count);

AVX2 static void gemm_avx2(const float *packed, long m, long k, const float *const *rows, long j0, long j1, float *c, long ldc,
                           const float *bias) {
    long panels = (m + MR - 1) / MR;
    for (long j = j0; j < j1; j += 16) {
        long width = j1 - j < 16 ? j1 - j : 16;
        for (long p = 0; p < panels; p++) {
            for (long half = 0; half < 2; half++) {
                long r0 = p * MR + half * 6;
                if (r0 >= m) break;
                const float *a = packed + p * k * MR + half * 6;
                float *cr = c + r0 * ldc;
                const float *br = bias ? bias + r0 : NULL;
                long count = m - r0;
                if (width == 16) { TILE_AVX2(1) } else { TILE_AVX2(0) }
            }
        }
    }
}

// MARK: AVX-512

#define AVX512 __attribute__((target("avx512f,avx2,fma")))

// R (constant at each call) rows of one panel, 32 columns from `j` under the lane masks;
// `count` of the R rows are stored.
AVX512 INLINE void tile_avx512(const int R, const float *a, long k, const float *const *rows, long j, __mmask16 m0,
                               __mmask16 m1, float *c, long ldc, const float *bias, long count) {
    __m512 acc[MR][2];
    for (int r = 0; r < R; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    for (long q = 0; q < k; q++) {
        const float *b = rows[q] + j;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b), b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        const float *aq = a + q * MR;
        for (int r = 0; r < R; r++) {
            __m512 av = _mm512_set1_ps(aq[r]);
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < R && r < count; r++) {
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
            long i = p * MR, count = m - i;
            const float *a = packed + p * k * MR;
            float *cr = c + i * ldc;
            const float *br = bias ? bias + i : NULL;
            // The smallest tile height of 12, 8, 4, 1 that covers the panel's rows.
            if (count > 8) tile_avx512(12, a, k, rows, j, m0, m1, cr, ldc, br, count);
            else if (count > 4) tile_avx512(8, a, k, rows, j, m0, m1, cr, ldc, br, count);
            else if (count > 1) tile_avx512(4, a, k, rows, j, m0, m1, cr, ldc, br, count);
            else tile_avx512(1, a, k, rows, j, m0, m1, cr, ldc, br, count);
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
