// See include/lockstep_qconv.h. Each body is written once (a macro) and instantiated for the
// portable target and, on x86-64, for AVX2 and AVX-512 through the `target` attribute. Products
// and sums are taken in uint32_t so that they wrap as the int32 reference's do.
#include "lockstep_qconv.h"
#include "lockstep_simd.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define QX86 1
#define QAVX2 __attribute__((target("avx2")))
#define QAVX512 __attribute__((target("avx512f,avx2"), min_vector_width(512)))
#else
#define QX86 0
#endif

typedef uint32_t v8su __attribute__((vector_size(32), aligned(4)));

// acc row (n lanes) += row · x, wrapping: blocks of eight lanes (one AVX2 register; the
// AVX-512 build uses the same width, since rows are often only 8–32 channels), then single lanes.
#define AXPY(ACC, ROW, X, N)                                                                      \
    {                                                                                             \
        long j = 0;                                                                               \
        v8su xv = {(X), (X), (X), (X), (X), (X), (X), (X)};                                       \
        for (; j + 8 <= (N); j += 8) {                                                            \
            v8su av, rv;                                                                          \
            memcpy(&av, (ACC) + j, sizeof av);                                                    \
            memcpy(&rv, (ROW) + j, sizeof rv);                                                    \
            av += rv * xv;                                                                        \
            memcpy((ACC) + j, &av, sizeof av);                                                    \
        }                                                                                         \
        for (; j < (N); j++) (ACC)[j] = (ACC)[j] + (ROW)[j] * (X);                                \
    }

// Geometry in locals; per output pixel the window's rows and columns are clipped to the input
// once, so the tap loops carry no bounds tests. Single-group filters (the common case) run eight
// output channels at a time over all taps with their sums in one register; grouped filters add
// tap by tap into the pixel's sums.
#define CONV_BODY                                                                                  \
    const long od = g->output_depth, fid = g->filter_input_depth;                                  \
    const long groups = g->input_depth / fid, per_group = od / groups;                             \
    const long ih = g->input_height, iw = g->input_width, idepth = g->input_depth;                 \
    const long fh = g->filter_height, fw = g->filter_width, dh = g->dilation_height, dw = g->dilation_width; \
    uint32_t *a = (uint32_t *)acc;                                                                 \
    const uint32_t *w = (const uint32_t *)weights;                                                 \
    const uint32_t *in = (const uint32_t *)input;                                                  \
    for (long b = 0; b < g->batches; b++)                                                          \
        for (long oy = 0; oy < g->output_height; oy++) {                                           \
            const long iy0 = oy * g->stride_height - g->pad_height;                                \
            long fy0 = 0, fy1 = fh;                                                                \
            while (fy0 < fh && iy0 + dh * fy0 < 0) fy0++;                                          \
            while (fy1 > fy0 && iy0 + dh * (fy1 - 1) >= ih) fy1--;                                 \
            for (long ox = 0; ox < g->output_width; ox++) {                                        \
                const long ix0 = ox * g->stride_width - g->pad_width;                              \
                long fx0 = 0, fx1 = fw;                                                            \
                while (fx0 < fw && ix0 + dw * fx0 < 0) fx0++;                                      \
                while (fx1 > fx0 && ix0 + dw * (fx1 - 1) >= iw) fx1--;                             \
                uint32_t *out = a + ((b * g->output_height + oy) * g->output_width + ox) * od;     \
                if (groups == 1) {                                                                 \
                    /* eight output channels at a time, their sums held in one register */         \
                    long c0 = 0;                                                                   \
                    for (; c0 + 8 <= od; c0 += 8) {                                                \
                        v8su r = {0, 0, 0, 0, 0, 0, 0, 0};                                         \
                        for (long fy = fy0; fy < fy1; fy++) {                                      \
                            const uint32_t *inRow = in + ((b * ih + iy0 + dh * fy) * iw) * idepth; \
                            for (long fx = fx0; fx < fx1; fx++) {                                  \
                                const uint32_t *px = inRow + (ix0 + dw * fx) * idepth;             \
                                const uint32_t *wt = w + (fy * fw + fx) * fid * od + c0;           \
                                for (long ic = 0; ic < fid; ic++) {                                \
                                    v8su wv, xv;                                                   \
                                    memcpy(&wv, wt + ic * od, sizeof wv);                          \
                                    uint32_t x = px[ic];                                           \
                                    xv = (v8su){x, x, x, x, x, x, x, x};                           \
                                    r += wv * xv;                                                  \
                                }                                                                  \
                            }                                                                      \
                        }                                                                          \
                        memcpy(out + c0, &r, sizeof r);                                            \
                    }                                                                              \
                    for (; c0 < od; c0++) {                                                        \
                        uint32_t r = 0;                                                            \
                        for (long fy = fy0; fy < fy1; fy++) {                                      \
                            const uint32_t *inRow = in + ((b * ih + iy0 + dh * fy) * iw) * idepth; \
                            for (long fx = fx0; fx < fx1; fx++) {                                  \
                                const uint32_t *px = inRow + (ix0 + dw * fx) * idepth;             \
                                const uint32_t *wt = w + (fy * fw + fx) * fid * od + c0;           \
                                for (long ic = 0; ic < fid; ic++) r += wt[ic * od] * px[ic];       \
                            }                                                                      \
                        }                                                                          \
                        out[c0] = r;                                                               \
                    }                                                                              \
                } else {                                                                           \
                    memset(out, 0, sizeof(uint32_t) * (size_t)od);                                 \
                    for (long fy = fy0; fy < fy1; fy++) {                                          \
                        const uint32_t *inRow = in + ((b * ih + iy0 + dh * fy) * iw) * idepth;     \
                        for (long fx = fx0; fx < fx1; fx++) {                                      \
                            const uint32_t *px = inRow + (ix0 + dw * fx) * idepth;                 \
                            const uint32_t *wt = w + (fy * fw + fx) * fid * od;                    \
                            for (long grp = 0; grp < groups; grp++)                                \
                                for (long ic = 0; ic < fid; ic++)                                  \
                                    AXPY(out + grp * per_group, wt + ic * od + grp * per_group,    \
                                         px[grp * fid + ic], per_group)                            \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }

// acc += a · b lane by lane, wrapping; blocks of eight lanes, then single lanes.
#define MULADD(ACC, A, B, N)                                                                      \
    {                                                                                             \
        long j = 0;                                                                               \
        for (; j + 8 <= (N); j += 8) {                                                            \
            v8su av, xv, yv;                                                                      \
            memcpy(&av, (ACC) + j, sizeof av);                                                    \
            memcpy(&xv, (A) + j, sizeof xv);                                                      \
            memcpy(&yv, (B) + j, sizeof yv);                                                      \
            av += xv * yv;                                                                        \
            memcpy((ACC) + j, &av, sizeof av);                                                    \
        }                                                                                         \
        for (; j < (N); j++) (ACC)[j] = (ACC)[j] + (A)[j] * (B)[j];                               \
    }

#define DEPTHWISE_BODY                                                                             \
    const long od = g->output_depth, m = od / g->input_depth;                                      \
    uint32_t *a = (uint32_t *)acc;                                                                 \
    const uint32_t *w = (const uint32_t *)weights;                                                 \
    for (long b = 0; b < g->batches; b++)                                                          \
        for (long oy = 0; oy < g->output_height; oy++)                                             \
            for (long ox = 0; ox < g->output_width; ox++) {                                        \
                uint32_t *out = a + ((b * g->output_height + oy) * g->output_width + ox) * od;     \
                for (long c = 0; c < od; c++) out[c] = 0;                                          \
                for (long fy = 0; fy < g->filter_height; fy++) {                                   \
                    long iy = oy * g->stride_height - g->pad_height + g->dilation_height * fy;     \
                    if (iy < 0 || iy >= g->input_height) continue;                                 \
                    for (long fx = 0; fx < g->filter_width; fx++) {                                \
                        long ix = ox * g->stride_width - g->pad_width + g->dilation_width * fx;    \
                        if (ix < 0 || ix >= g->input_width) continue;                              \
                        const uint32_t *px = (const uint32_t *)input + ((b * g->input_height + iy) * g->input_width + ix) * g->input_depth; \
                        const uint32_t *row = w + (fy * g->filter_width + fx) * od;                \
                        if (m == 1) {                                                              \
                            MULADD(out, row, px, od)                                               \
                        } else {                                                                   \
                            for (long c = 0; c < od; c++) out[c] = out[c] + row[c] * px[c / m];    \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }

// gemmlowp SaturatingRoundingDoublingHighMul: (a·b + nudge) / 2^31, C division toward zero
// (written as a biased arithmetic shift); INT32_MIN·INT32_MIN saturates. RoundingDivideByPOT:
// round half away from zero. Branch-free (selects), so the compiler can vectorise the channels.
#define REQUANT_BODY                                                                               \
    for (long i = 0; i < n; i++) {                                                                 \
        int32_t x = (int32_t)((uint32_t)acc[i] + (uint32_t)bias[i]);                               \
        int32_t s = shift[i], mul = multiplier[i], v;                                              \
        if (double_rounding) {                                                                     \
            int32_t left = s > 0 ? s : 0, right = s < 0 ? -s : 0;                                  \
            int32_t shifted = left >= 32 ? 0 : (int32_t)((uint32_t)x << left);                     \
            int64_t ab = (int64_t)shifted * (int64_t)mul;                                          \
            int64_t t = ab + (ab >= 0 ? (INT64_C(1) << 30) : (1 - (INT64_C(1) << 30)));            \
            int64_t q = (t + ((t >> 63) & ((INT64_C(1) << 31) - 1))) >> 31;                        \
            int32_t high = (shifted == INT32_MIN && mul == INT32_MIN) ? INT32_MAX : (int32_t)q;     \
            int32_t mask = (int32_t)((uint32_t)((UINT64_C(1) << right) - 1));                      \
            int32_t rem = high & mask;                                                             \
            int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);                                  \
            v = (high >> right) + (rem > threshold ? 1 : 0);                                       \
        } else {                                                                                   \
            int total = 31 - s;                                                                    \
            v = (int32_t)(((int64_t)x * (int64_t)mul + (INT64_C(1) << (total - 1))) >> total);     \
        }                                                                                          \
        v = (int32_t)((uint32_t)v + (uint32_t)output_offset);                                      \
        out[i] = v < lo ? lo : (v > hi ? hi : v);                                                  \
    }

// One run of n elements whose per-element parameters are given in full (bias, multiplier, shift).
#define REQUANT_ARGS                                                                               \
    const int32_t *acc, long n, const int32_t *bias, const int32_t *multiplier, const int32_t *shift, \
        int double_rounding, int32_t output_offset, int32_t lo, int32_t hi, int32_t *out

static void conv_base(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { CONV_BODY }
static void depthwise_base(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { DEPTHWISE_BODY }
static void requant_base(REQUANT_ARGS) { REQUANT_BODY }
#if QX86
QAVX2 static void conv_avx2(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { CONV_BODY }
QAVX2 static void depthwise_avx2(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { DEPTHWISE_BODY }
QAVX2 static void requant_avx2(REQUANT_ARGS) { REQUANT_BODY }
QAVX512 static void conv_avx512(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { CONV_BODY }
QAVX512 static void depthwise_avx512(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { DEPTHWISE_BODY }
#endif

void lockstep_qconv_sums_i32(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) {
#if QX86
    switch (lockstep_simd_level()) {
    case 2: conv_avx512(g, input, weights, acc); return;
    case 1: conv_avx2(g, input, weights, acc); return;
    }
#endif
    conv_base(g, input, weights, acc);
}

void lockstep_qdepthwise_sums_i32(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) {
#if QX86
    switch (lockstep_simd_level()) {
    case 2: depthwise_avx512(g, input, weights, acc); return;
    case 1: depthwise_avx2(g, input, weights, acc); return;
    }
#endif
    depthwise_base(g, input, weights, acc);
}

static void requant_run(REQUANT_ARGS) {
#if QX86
    switch (lockstep_simd_level()) {
    case 2:
    case 1: requant_avx2(acc, n, bias, multiplier, shift, double_rounding, output_offset, lo, hi, out); return;
    }
#endif
    requant_base(acc, n, bias, multiplier, shift, double_rounding, output_offset, lo, hi, out);
}

void lockstep_requantize_i32(const int32_t *acc, long pixels, long channels, const int32_t *bias, const int32_t *multiplier,
                             const int32_t *shift, int double_rounding, int32_t output_offset, int32_t lo, int32_t hi,
                             int32_t *out) {
    if (pixels <= 0 || channels <= 0) return;
    // The channel parameters repeated over whole pixels to a run of at least 64 elements, so the
    // loop runs over long flat stretches whatever the channel count.
    long reps = (64 + channels - 1) / channels;
    if (reps > pixels) reps = pixels;
    long run = reps * channels;
    int32_t *params = malloc(sizeof(int32_t) * 3 * (size_t)run);
    if (!params) abort();
    int32_t *b = params, *m = params + run, *s = params + 2 * run;
    for (long i = 0; i < run; i++) {
        long c = i % channels;
        b[i] = bias ? bias[c] : 0;
        m[i] = multiplier[c];
        s[i] = shift[c];
    }
    long total = pixels * channels;
    for (long start = 0; start < total; start += run) {
        long n = total - start < run ? total - start : run;
        requant_run(acc + start, n, b, m, s, double_rounding, output_offset, lo, hi, out + start);
    }
    free(params);
}
