// Integer convolution sums and TFLite requantisation for Lockstep's quantised CONV_2D and
// DEPTHWISE_CONV_2D (Sources/Interpreter/Kernels/Quantized/TFLiteQuantizedConvolution.swift).
// Integer arithmetic wraps (two's complement) as the C++ reference does, so every variant
// (portable, AVX2, AVX-512, chosen by lockstep_simd_level) gives the same bits.
#ifndef LOCKSTEP_QCONV_H
#define LOCKSTEP_QCONV_H

#include <stdint.h>

/// NHWC geometry of one 2-D convolution with TFLite's leading padding.
typedef struct {
    long batches, input_height, input_width, input_depth;
    long filter_height, filter_width;
    /// Input channels per filter (CONV_2D: input_depth / groups; 1 for depthwise).
    long filter_input_depth;
    long output_height, output_width, output_depth;
    long stride_height, stride_width, dilation_height, dilation_width, pad_height, pad_width;
} lockstep_qconv_geometry;

/// CONV_2D sums: `acc[pixel][oc] = Σ weights[(tap·fid + ic)][oc] · input[…]` over the window
/// points inside the input. `input` holds `x + inputOffset` (NHWC); `weights` holds
/// `w + filterOffset` rearranged to `[(fy·W + fx)·fid + ic][output_depth]`. Grouped filters read
/// their group's input channels.
void lockstep_qconv_sums_i32(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc);

/// DEPTHWISE_CONV_2D sums: output channel oc reads input channel oc / multiplier;
/// `weights` is `[(fy·W + fx)][output_depth]` with the filter offset added.
void lockstep_qdepthwise_sums_i32(const lockstep_qconv_geometry *g, const int32_t *input, const int32_t *weights, int32_t *acc);

/// `out[p][c] = clamp(MultiplyByQuantizedMultiplier(acc[p][c] + bias[c], multiplier[c], shift[c])
/// + output_offset, lo, hi)` for `pixels` rows of `channels`; `bias` may be NULL. `double_rounding`
/// 1: gemmlowp's SaturatingRoundingDoublingHighMul then RoundingDivideByPOT (LiteRT's default
/// build); 0: TFLITE_SINGLE_ROUNDING's one 64-bit rounding shift.
void lockstep_requantize_i32(const int32_t *acc, long pixels, long channels, const int32_t *bias, const int32_t *multiplier,
                             const int32_t *shift, int double_rounding, int32_t output_offset, int32_t lo, int32_t hi,
                             int32_t *out);

#endif
