// See include/lockstep_qconv.h. Each body is written once (a macro) and instantiated for the
// portable target and, on x86-64, for AVX2 and AVX-512 through the `target` attribute. Products
// and sums are taken in uint32_t so that they wrap as the int32 reference's do.
#include "lockstep_qconv.h"
#include "lockstep_simd.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define QX86 1
#define QAVX2 __attribute__((target("avx2")))
#define QAVX512 __attribute__((target("avx512f,avx2"), min_vector_width(512)))
#else
#define QX86 0
#endif

// acc row (n lanes) += row · x, wrapping.
#define AXPY(ACC, ROW, X, N)                                                                      \
    for (long j = 0; j < (N); j++) (ACC)[j] = (ACC)[j] + (ROW)[j] * (X);

#define CONV_BODY                                                                                  \
    const long od = g->output_depth, fid = g->filter_input_depth;                                  \
    const long groups = g->input_depth / fid, per_group = od / groups;                             \
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
                        const int32_t *px = input + ((b * g->input_height + iy) * g->input_width + ix) * g->input_depth; \
                        long tap = (fy * g->filter_width + fx) * fid;                              \
                        for (long grp = 0; grp < groups; grp++) {                                  \
                            uint32_t *ga = out + grp * per_group;                                  \
                            for (long ic = 0; ic < fid; ic++) {                                    \
                                uint32_t x = (uint32_t)px[grp * fid + ic];                         \
                                const uint32_t *row = w + (tap + ic) * od + grp * per_group;       \
                                AXPY(ga, row, x, per_group)                                        \
                            }                                                                      \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
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
                            for (long c = 0; c < od; c++) out[c] = out[c] + row[c] * px[c];        \
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
    for (long p = 0; p < pixels; p++) {                                                            \
        const int32_t *row = acc + p * channels;                                                   \
        int32_t *o = out + p * channels;                                                           \
        for (long c = 0; c < channels; c++) {                                                      \
            int32_t x = (int32_t)((uint32_t)row[c] + (uint32_t)(bias ? bias[c] : 0));              \
            int32_t s = shift[c], mul = multiplier[c], v;                                          \
            if (double_rounding) {                                                                 \
                int32_t left = s > 0 ? s : 0, right = s < 0 ? -s : 0;                              \
                int32_t shifted = left >= 32 ? 0 : (int32_t)((uint32_t)x << left);                 \
                int64_t ab = (int64_t)shifted * (int64_t)mul;                                      \
                int64_t t = ab + (ab >= 0 ? (INT64_C(1) << 30) : (1 - (INT64_C(1) << 30)));        \
                int64_t q = (t + ((t >> 63) & ((INT64_C(1) << 31) - 1))) >> 31;                    \
                int32_t high = (shifted == INT32_MIN && mul == INT32_MIN) ? INT32_MAX : (int32_t)q; \
                int32_t mask = (int32_t)((uint32_t)((UINT64_C(1) << right) - 1));                  \
                int32_t rem = high & mask;                                                         \
                int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);                              \
                v = (high >> right) + (rem > threshold ? 1 : 0);                                   \
            } else {                                                                               \
                int total = 31 - s;                                                                \
                v = (int32_t)(((int64_t)x * (int64_t)mul + (INT64_C(1) << (total - 1))) >> total); \
            }                                                                                      \
            v = (int32_t)((uint32_t)v + (uint32_t)output_offset);                                  \
            o[c] = v < lo ? lo : (v > hi ? hi : v);                                                \
        }                                                                                          \
    }

#define REQUANT_ARGS                                                                               \
    const int32_t *acc, long pixels, long channels, const int32_t *bias, const int32_t *multiplier, \
        const int32_t *shift, int double_rounding, int32_t output_offset, int32_t lo, int32_t hi, int32_t *out

static void conv_base(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { CONV_BODY }
static void depthwise_base(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { DEPTHWISE_BODY }
static void requant_base(REQUANT_ARGS) { REQUANT_BODY }
#if QX86
QAVX2 static void conv_avx2(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { CONV_BODY }
QAVX2 static void depthwise_avx2(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { DEPTHWISE_BODY }
QAVX2 static void requant_avx2(REQUANT_ARGS) { REQUANT_BODY }
QAVX512 static void conv_avx512(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { CONV_BODY }
QAVX512 static void depthwise_avx512(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc) { DEPTHWISE_BODY }
QAVX512 static void requant_avx512(REQUANT_ARGS) { REQUANT_BODY }
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

void lockstep_requantize_i32(REQUANT_ARGS) {
#if QX86
    switch (lockstep_simd_level()) {
    case 2: requant_avx512(acc, pixels, channels, bias, multiplier, shift, double_rounding, output_offset, lo, hi, out); return;
    case 1: requant_avx2(acc, pixels, channels, bias, multiplier, shift, double_rounding, output_offset, lo, hi, out); return;
    }
#endif
    requant_base(acc, pixels, channels, bias, multiplier, shift, double_rounding, output_offset, lo, hi, out);
}
