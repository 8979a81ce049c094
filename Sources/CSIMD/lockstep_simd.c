// See include/lockstep_simd.h. Each kernel body is written once (a macro) and instantiated for
// the portable target and, on x86-64, for AVX2 through the `target` attribute; FMA is never
// enabled and contraction is off, so a*b+c always rounds twice, as the scalar definition does.
#include "lockstep_simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define LOCKSTEP_X86 1
#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx512f,avx2"), min_vector_width(512)))
#else
#define LOCKSTEP_X86 0
#endif

typedef float v16sf __attribute__((vector_size(64), aligned(4)));
typedef float v8sf __attribute__((vector_size(32), aligned(4)));
typedef float v4sf __attribute__((vector_size(16), aligned(4)));

#define BINARY_LOOP(OP)                                                                         \
    if (a && b) {                                                                                 \
        for (long i = 0; i < n; i++) out[i] = a[i] OP b[i];                                       \
    } else if (a) {                                                                               \
        for (long i = 0; i < n; i++) out[i] = a[i] OP sb;                                         \
    } else if (b) {                                                                               \
        for (long i = 0; i < n; i++) out[i] = sa OP b[i];                                         \
    } else {                                                                                      \
        float v = sa OP sb;                                                                       \
        for (long i = 0; i < n; i++) out[i] = v;                                                  \
    }

#define BINARY_BODY                                                                              \
    switch (op) {                                                                                 \
    case 0: BINARY_LOOP(+) break;                                                                 \
    case 1: BINARY_LOOP(-) break;                                                                 \
    case 2: BINARY_LOOP(*) break;                                                                 \
    default: BINARY_LOOP(/) break;                                                                \
    }

#define CLIP_BODY                                                                                \
    int lo_nan = isnan(lo), hi_nan = isnan(hi);                                                   \
    for (long i = 0; i < n; i++) {                                                                \
        float v = x[i];                                                                           \
        float m = (v < lo || lo_nan) ? lo : v;                                                    \
        out[i] = (m > hi || hi_nan) ? hi : m;                                                     \
    }

// 16 columns per step in two 8-lane accumulators, then 8, 4 and single columns; every lane sums
// the taps in order from 0 and adds the bias last. The AVX-512 build first takes 32 columns per
// step in two 16-lane accumulators (DEPTHWISE_WIDE), the same sums per lane.
#define DEPTHWISE_WIDE                                                                           \
    for (; o + 32 <= hi; o += 32) {                                                               \
        v16sf s0 = {0}, s1 = {0};                                                                 \
        for (long t = 0; t < count; t++) {                                                        \
            float x = weight[t];                                                                  \
            v16sf w = {x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};                           \
            s0 = s0 + w * *(const v16sf *)(source[t] + o);                                        \
            s1 = s1 + w * *(const v16sf *)(source[t] + o + 16);                                   \
        }                                                                                         \
        if (has_bias) {                                                                           \
            float x = bias;                                                                       \
            v16sf b = {x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};                           \
            s0 = s0 + b;                                                                          \
            s1 = s1 + b;                                                                          \
        }                                                                                         \
        *(v16sf *)(out + o) = s0;                                                                 \
        *(v16sf *)(out + o + 16) = s1;                                                            \
    }

#define DEPTHWISE_BODY                                                                           \
    for (; o + 16 <= hi; o += 16) {                                                               \
        v8sf s0 = {0}, s1 = {0};                                                                  \
        for (long t = 0; t < count; t++) {                                                        \
            v8sf w = {weight[t], weight[t], weight[t], weight[t], weight[t], weight[t], weight[t], weight[t]}; \
            s0 = s0 + w * *(const v8sf *)(source[t] + o);                                         \
            s1 = s1 + w * *(const v8sf *)(source[t] + o + 8);                                     \
        }                                                                                         \
        if (has_bias) {                                                                           \
            v8sf b = {bias, bias, bias, bias, bias, bias, bias, bias};                            \
            s0 = s0 + b;                                                                          \
            s1 = s1 + b;                                                                          \
        }                                                                                         \
        *(v8sf *)(out + o) = s0;                                                                  \
        *(v8sf *)(out + o + 8) = s1;                                                              \
    }                                                                                             \
    for (; o + 4 <= hi; o += 4) {                                                                 \
        v4sf s = {0};                                                                             \
        for (long t = 0; t < count; t++) {                                                        \
            v4sf w = {weight[t], weight[t], weight[t], weight[t]};                                \
            s = s + w * *(const v4sf *)(source[t] + o);                                           \
        }                                                                                         \
        if (has_bias) {                                                                           \
            v4sf b = {bias, bias, bias, bias};                                                    \
            s = s + b;                                                                            \
        }                                                                                         \
        *(v4sf *)(out + o) = s;                                                                   \
    }                                                                                             \
    for (; o < hi; o++) {                                                                         \
        float s = 0;                                                                              \
        for (long t = 0; t < count; t++) s += weight[t] * source[t][o];                           \
        out[o] = has_bias ? s + bias : s;                                                         \
    }

// Output rows `0 ..< rows` of a depthwise plane: row r's tap t reads `base[t] + r * row_stride`.
#define DEPTHWISE_ROWS(ROW)                                                                      \
    const float *stack[64];                                                                       \
    const float **source = count <= 64 ? stack : (const float **)malloc(sizeof(float *) * (size_t)count); \
    for (long r = 0; r < rows; r++) {                                                             \
        for (long t = 0; t < count; t++) source[t] = base[t] + r * row_stride;                    \
        ROW(source, weight, count, out + r * width, 0, width, has_bias, bias);                    \
    }                                                                                             \
    if (source != stack) free(source);

static void binary_base(int op, const float *a, float sa, const float *b, float sb, float *out, long n) { BINARY_BODY }
static void clip_base(const float *x, float lo, float hi, float *out, long n) { CLIP_BODY }
static void depthwise_base(const float *const *source, const float *weight, long count, float *out, long lo, long hi,
                           int has_bias, float bias) { long o = lo; DEPTHWISE_BODY }
static void depthwise_rows_base(const float *const *base, long row_stride, const float *weight, long count, float *out,
                                long rows, long width, int has_bias, float bias) { DEPTHWISE_ROWS(depthwise_base) }

#if LOCKSTEP_X86
AVX2 static void binary_avx2(int op, const float *a, float sa, const float *b, float sb, float *out, long n) { BINARY_BODY }
AVX2 static void clip_avx2(const float *x, float lo, float hi, float *out, long n) { CLIP_BODY }
AVX2 static void depthwise_avx2(const float *const *source, const float *weight, long count, float *out, long lo, long hi,
                                int has_bias, float bias) { long o = lo; DEPTHWISE_BODY }
AVX2 static void depthwise_rows_avx2(const float *const *base, long row_stride, const float *weight, long count, float *out,
                                     long rows, long width, int has_bias, float bias) { DEPTHWISE_ROWS(depthwise_avx2) }
AVX512 static void binary_avx512(int op, const float *a, float sa, const float *b, float sb, float *out, long n) { BINARY_BODY }
AVX512 static void clip_avx512(const float *x, float lo, float hi, float *out, long n) { CLIP_BODY }
AVX512 static void depthwise_avx512(const float *const *source, const float *weight, long count, float *out, long lo, long hi,
                                    int has_bias, float bias) { long o = lo; DEPTHWISE_WIDE DEPTHWISE_BODY }
AVX512 static void depthwise_rows_avx512(const float *const *base, long row_stride, const float *weight, long count, float *out,
                                         long rows, long width, int has_bias, float bias) { DEPTHWISE_ROWS(depthwise_avx512) }
#endif

static int best = -1;
static int level = -1;

int lockstep_simd_best_level(void) {
    if (best < 0) {
#if LOCKSTEP_X86
        __builtin_cpu_init();
        best = !__builtin_cpu_supports("avx2") ? 0 : __builtin_cpu_supports("avx512f") ? 2 : 1;
#else
        best = 0;
#endif
    }
    return best;
}

int lockstep_simd_level(void) {
    if (level < 0) level = lockstep_simd_best_level();
    return level;
}

void lockstep_simd_set_level(int l) {
    int b = lockstep_simd_best_level();
    level = l < 0 ? 0 : (l > b ? b : l);
}

void lockstep_binary_f32(int op, const float *a, float sa, const float *b, float sb, float *out, long n) {
#if LOCKSTEP_X86
    switch (lockstep_simd_level()) {
    case 2: binary_avx512(op, a, sa, b, sb, out, n); return;
    case 1: binary_avx2(op, a, sa, b, sb, out, n); return;
    }
#endif
    binary_base(op, a, sa, b, sb, out, n);
}

void lockstep_clip_f32(const float *x, float lo, float hi, float *out, long n) {
#if LOCKSTEP_X86
    switch (lockstep_simd_level()) {
    case 2: clip_avx512(x, lo, hi, out, n); return;
    case 1: clip_avx2(x, lo, hi, out, n); return;
    }
#endif
    clip_base(x, lo, hi, out, n);
}

void lockstep_depthwise_row_f32(const float *const *source, const float *weight, long count, float *out, long lo, long hi,
                                int has_bias, float bias) {
#if LOCKSTEP_X86
    switch (lockstep_simd_level()) {
    case 2: depthwise_avx512(source, weight, count, out, lo, hi, has_bias, bias); return;
    case 1: depthwise_avx2(source, weight, count, out, lo, hi, has_bias, bias); return;
    }
#endif
    depthwise_base(source, weight, count, out, lo, hi, has_bias, bias);
}

void lockstep_depthwise_rows_f32(const float *const *base, long row_stride, const float *weight, long count, float *out,
                                 long rows, long width, int has_bias, float bias) {
#if LOCKSTEP_X86
    switch (lockstep_simd_level()) {
    case 2: depthwise_rows_avx512(base, row_stride, weight, count, out, rows, width, has_bias, bias); return;
    case 1: depthwise_rows_avx2(base, row_stride, weight, count, out, rows, width, has_bias, bias); return;
    }
#endif
    depthwise_rows_base(base, row_stride, weight, count, out, rows, width, has_bias, bias);
}

void lockstep_chain_f32(const lockstep_chain_op *ops, long count, const float *const *leaves, const unsigned char *scalar,
                        float *const *outputs, float *scratch, long block, long length) {
    int l = lockstep_simd_level();
    for (long start = 0; start < length; start += block) {
        long n = length - start < block ? length - start : block;
        for (long i = 0; i < count; i++) {
            const lockstep_chain_op *op = &ops[i];
            float *out = outputs[i] ? outputs[i] + start : scratch + i * block;
            const float *p[2] = {NULL, NULL};
            float v[2] = {0, 0};
            for (int j = 0; j < 2; j++) {
                int k = op->source[j];
                if (k >= 0) {
                    if (scalar[k]) v[j] = leaves[k][0]; else p[j] = leaves[k] + start;
                } else {
                    long r = -k - 1;
                    p[j] = outputs[r] ? outputs[r] + start : scratch + r * block;
                }
            }
            if (op->op == 4) {
                if (p[0]) {
#if LOCKSTEP_X86
                    if (l == 2) { clip_avx512(p[0], op->lo, op->hi, out, n); continue; }
                    if (l == 1) { clip_avx2(p[0], op->lo, op->hi, out, n); continue; }
#endif
                    clip_base(p[0], op->lo, op->hi, out, n);
                } else {
                    float y;
                    clip_base(&v[0], op->lo, op->hi, &y, 1);
                    for (long e = 0; e < n; e++) out[e] = y;
                }
                continue;
            }
#if LOCKSTEP_X86
            if (l == 2) { binary_avx512(op->op, p[0], v[0], p[1], v[1], out, n); continue; }
            if (l == 1) { binary_avx2(op->op, p[0], v[0], p[1], v[1], out, n); continue; }
#endif
            binary_base(op->op, p[0], v[0], p[1], v[1], out, n);
        }
    }
}
