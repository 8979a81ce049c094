/// BATCH_MATMUL with int16 activations (`reference_ops::BatchMatMul<int16_t, int64_t>` and
/// `BatchMatMul<int8_t, int64_t, int16_t, int16_t>`, google-ai-edge/LiteRT
/// `tflite/kernels/internal/reference/batch_matmul.h`, run by `tflite/kernels/batch_matmul.cc` @
/// 01d971c556e3f74b696b96e0c2aa1e73b179a14e `EvalInt16` / `EvalInt16Int8`): int64 sums of
/// `(lhs + lhsOffset)·(rhs + rhsOffset)`, the 64-bit `MultiplyByQuantizedMultiplier` (multiplier
/// reduced to 16 bits, one rounding shift), the output offset and the int16 clamp.
public enum TFLiteQuantizedBatchMatMul16 {
    /// `lhs [.., M, K]` int16 × `rhs [.., K, N]` (int16 or int8, already transposed as adj_x /
    /// adj_y ask), broadcast batches.
    public static func batchMatMul<R: FixedWidthInteger>(
        shape: IntegerKernels.MatMulShape, lhs: UnsafeBufferPointer<Int16>, rhs: UnsafeBufferPointer<R>,
        lhsOffset: Int32, rhsOffset: Int32, multiplier: TFLiteQuantizationParams.Multiplier, outputOffset: Int32,
        output: UnsafeMutableBufferPointer<Int16>
    ) {
        let (m, k, n) = (shape.m, shape.k, shape.n)
        IntegerKernels.forEachBatch(shape) { out, a, b in
            for i in 0..<m {
                for j in 0..<n {
                    var acc: Int64 = 0
                    for p in 0..<k {
                        let x = Int64(lhs[a * m * k + i * k + p]) + Int64(lhsOffset)
                        let y = Int64(rhs[b * k * n + p * n + j]) + Int64(rhsOffset)
                        acc = acc &+ x &* y
                    }
                    let v = TFLiteFixedPoint.multiplyByQuantizedMultiplier(acc, multiplier.multiplier, multiplier.shift) &+ outputOffset
                    output[out * m * n + i * n + j] = Int16(truncatingIfNeeded: min(max(v, Int32(Int16.min)), Int32(Int16.max)))
                }
            }
        }
    }
}
