import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

/// The less common builtins (round 2 of issue 5) on small hand-computed cases: edge values (halves, NaN,
/// -0, wrapping, clamped shifts and starts), empty reductions, every error LiteRT raises (out of
/// range indices, unsorted segment ids …). The LiteRT-generated `builtin_*` op tests
/// (TFLiteConformanceTests) check the same kernels against LiteRT itself.
final class TFLiteRoundTwoBuiltinsTests: XCTestCase {
    func f(_ v: [Float], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(float32: v, shape: shape ?? [v.count]) }
    func t<T: BitwiseCopyable>(_ dtype: DType, _ v: [T], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(dtype: dtype, shape: shape ?? [v.count], values: v) }
    func s(_ text: String) -> AttributeValue { .string(Array(text.utf8)) }

    /// Bit patterns, so that NaN and -0 compare exactly.
    func bits(_ x: Tensor) throws -> [UInt32] { try x.scalars(as: Float.self).map(\.bitPattern) }

    func run(_ op: String, version: Int = 1, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], outputs: Int = 1,
             outputTypes: [DType?] = []) throws -> [Tensor] {
        try runTFLiteNode(op, version: version, inputs, attributes, outputs: outputs, outputTypes: outputTypes)
    }

    func assertFails(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], outputs: Int = 1,
                     outputTypes: [DType?] = [], containing fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try run(op, inputs, attributes, outputs: outputs, outputTypes: outputTypes), line: line) { error in
            let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            XCTAssertTrue(text.contains(fragment), text, line: line)
        }
    }

    func testRoundingHalvesToEvenAndCeilKeepsNegativeZero() throws {
        let x = try f([-2.5, -0.5, 0.5, 1.5, 2.5, .nan, -0.0, 3.7])
        XCTAssertEqual(try bits(run("ROUND", [x])[0]), try bits(f([-2, 0, 0, 2, 2, .nan, -0.0, 4])), "-0.5 rounds to +0 as RoundToNearest does")
        XCTAssertEqual(try bits(run("CEIL", [x])[0]), try bits(f([-2, -0.0, 1, 2, 3, .nan, -0.0, 4])))
        // float16 computes through float32 and rounds back.
        let h = try t(.float16, [FloatBits.floatToHalf(2.5), FloatBits.floatToHalf(-1.25)])
        XCTAssertEqual(try run("ROUND", [h])[0].scalars(as: UInt16.self), [FloatBits.floatToHalf(2), FloatBits.floatToHalf(-1)])
        assertFails("CEIL", [try t(.int32, [Int32(1)])], containing: "not implemented")
    }

    func testAtan2QuadrantsAndShapes() throws {
        let y = try f([0, -0.0, 1, -1]), x = try f([-1, -1, 0, 0])
        let pi = Float(Double.pi), half = Float(Double.pi / 2)  // nearest floats (Float.pi rounds toward zero)
        XCTAssertEqual(try run("ATAN2", [y, x])[0].scalars(as: Float.self), [pi, -pi, half, -half])
        assertFails("ATAN2", [try f([1, 2]), try f([1])], containing: "one shape")
    }

    func testBitwiseOpsWrapClampAndBroadcast() throws {
        // RIGHT_SHIFT clamps the count to [0, bits - 1]; signed values shift arithmetically.
        let r = try run("RIGHT_SHIFT", [try t(.int8, [Int8(-128), 64, -1, 100]), try t(.int8, [Int8(-1), 9, 3, 2])])[0]
        XCTAssertEqual(try r.scalars(as: Int8.self), [-128, 0, -1, 25])
        XCTAssertEqual(try run("RIGHT_SHIFT", [try t(.uint8, [UInt8(255)]), try t(.uint8, [UInt8(200)])])[0].scalars(as: UInt8.self), [1])
        let x = try run("BITWISE_XOR", [try t(.int16, [Int16(0x0F0F), -1], [2, 1]), try t(.int16, [Int16(0x00FF), 0x7FFF])])[0]
        XCTAssertEqual(x.shape, [2, 2])
        XCTAssertEqual(try x.scalars(as: Int16.self), [0x0FF0, 0x70F0, -256, -32768])
        assertFails("BITWISE_XOR", [try f([1]), try f([1])], containing: "not implemented")
        assertFails("RIGHT_SHIFT", [try t(.int8, [Int8(1)]), try t(.int16, [Int16(1)])], containing: "must be")
    }

    func testBitcastShapesFollowTheWidths() throws {
        let one = try run("BITCAST", [try f([1, -2])], outputTypes: [.int32])[0]
        XCTAssertEqual(try one.scalars(as: Int32.self), [0x3F80_0000, Int32(bitPattern: 0xC000_0000)])
        let bytes = try run("BITCAST", [try t(.int32, [Int32(0x0403_0201)])], outputTypes: [.uint8])[0]
        XCTAssertEqual(bytes.shape, [1, 4])
        XCTAssertEqual(try bytes.scalars(as: UInt8.self), [1, 2, 3, 4])
        let wide = try run("BITCAST", [try t(.uint8, [UInt8(1), 2, 3, 4], [1, 4])], outputTypes: [.int32])[0]
        XCTAssertEqual(wide.shape, [1])
        assertFails("BITCAST", [try t(.uint8, [UInt8(1), 2, 3], [3])], outputTypes: [.int32], containing: "last dimension of 4")
    }

    func testRankAndBroadcastArgs() throws {
        XCTAssertEqual(try run("RANK", [try f([1, 2, 3, 4, 5, 6], [1, 2, 3])])[0].scalars(as: Int32.self), [3])
        let b = try run("BROADCAST_ARGS", [try t(.int64, [Int64(2), 1, 4]), try t(.int64, [Int64(3), 1])])[0]
        XCTAssertEqual(try b.scalars(as: Int64.self), [2, 3, 4])
        assertFails("BROADCAST_ARGS", [try t(.int32, [Int32(2)]), try t(.int32, [Int32(3)])], containing: "broadcast")
    }

    func testBooleanReductionsOfNothing() throws {
        let empty = try t(.bool, [UInt8](), [2, 0])
        let axis = try t(.int32, [Int32(1)])
        XCTAssertEqual(try run("REDUCE_ANY", [empty, axis])[0].scalars(as: UInt8.self), [0, 0])
        XCTAssertEqual(try run("REDUCE_ALL", [empty, axis])[0].scalars(as: UInt8.self), [1, 1])
        let x = try t(.bool, [UInt8(1), 0, 1, 1], [2, 2])
        let kept = try run("REDUCE_ALL", [x, try t(.int32, [Int32(-1)])], ["keep_dims": .int(1)])[0]
        XCTAssertEqual(kept.shape, [2, 1])
        XCTAssertEqual(try kept.scalars(as: UInt8.self), [0, 1])
        assertFails("REDUCE_ANY", [try f([1]), axis], containing: "bool")
    }

    func testWhereCountsNaNButNotNegativeZero() throws {
        let w = try run("WHERE", [try f([.nan, -0.0, 0, 1], [2, 2])])[0]
        XCTAssertEqual(w.dtype, .int64)
        XCTAssertEqual(w.shape, [2, 2])
        XCTAssertEqual(try w.scalars(as: Int64.self), [0, 0, 1, 1])
        XCTAssertEqual(try run("WHERE", [try t(.bool, [UInt8(0), 0])])[0].shape, [0, 1])
    }

    func testIndexingOps() throws {
        let seq = try run("REVERSE_SEQUENCE", [try f([1, 2, 3, 4, 5, 6], [2, 3]), try t(.int32, [Int32(2), 3])], ["seq_dim": .int(1), "batch_dim": .int(0)])[0]
        XCTAssertEqual(try seq.scalars(as: Float.self), [2, 1, 3, 6, 5, 4])
        assertFails("REVERSE_SEQUENCE", [try f([1, 2], [1, 2]), try t(.int32, [Int32(3)])], ["seq_dim": .int(1)], containing: "outside")

        let diag = try run("MATRIX_DIAG", [try t(.int32, [Int32(1), 2])])[0]
        XCTAssertEqual(try diag.scalars(as: Int32.self), [1, 0, 0, 2])
        let set = try run("MATRIX_SET_DIAG", [try f([0, 0, 0, 0, 0, 0], [3, 2]), try f([7, 8])])[0]
        XCTAssertEqual(try set.scalars(as: Float.self), [7, 0, 0, 8, 0, 0])
        assertFails("MATRIX_SET_DIAG", [try f([0, 0, 0, 0], [2, 2]), try f([1])], containing: "must have shape")

        // Duplicates accumulate; a slice past the end is an error.
        let scatter = try run("SCATTER_ND", [try t(.int32, [Int32(1), 1, 0], [3, 1]), try t(.int8, [Int8(100), 100, 5]), try t(.int32, [Int32(3)])])[0]
        XCTAssertEqual(try scatter.scalars(as: Int8.self), [5, -56, 0])
        assertFails("SCATTER_ND", [try t(.int32, [Int32(3)], [1, 1]), try f([1]), try t(.int32, [Int32(3)])], containing: "out of bounds")

        let dense = try run("SPARSE_TO_DENSE", [try t(.int32, [Int32(0), 1, 1, 0], [2, 2]), try t(.int32, [Int32(2), 2]), try t(.int32, [Int32(5), 6]),
                                                try t(.int32, [Int32(-1)], [])])[0]
        XCTAssertEqual(try dense.scalars(as: Int32.self), [-1, 5, 6, -1])
        assertFails("SPARSE_TO_DENSE", [try t(.int32, [Int32(4)]), try t(.int32, [Int32(3)]), try f([1], []), try f([0], [])], containing: "outside")

        let unique = try run("UNIQUE", [try f([0, -0.0, .nan, 2, .nan, 0])], outputs: 2)
        XCTAssertEqual(unique[0].count, 3)
        XCTAssertEqual(try unique[1].scalars(as: Int32.self), [0, 0, 1, 2, 1, 0])

        // Starts clamp so that the update fits.
        let dus = try run("DYNAMIC_UPDATE_SLICE", [try f([0, 0, 0, 0, 0]), try f([1, 2]), try t(.int32, [Int32(9)])])[0]
        XCTAssertEqual(try dus.scalars(as: Float.self), [0, 0, 0, 1, 2])
        assertFails("DYNAMIC_UPDATE_SLICE", [try f([0, 0]), try f([1, 2, 3]), try t(.int32, [Int32(0)])], containing: "does not fit")

        let dilated = try run("DILATE", [try t(.int8, [Int8(1), 2, 3]), try t(.int32, [Int32(2)]), try t(.int8, [Int8(-9)], [])])[0]
        XCTAssertEqual(try dilated.scalars(as: Int8.self), [1, -9, 2, -9, 3])
        assertFails("DILATE", [try f([1, 2]), try t(.int32, [Int32(0)]), try f([0], [])], containing: "factors")
    }

    func testSegmentsAndBuckets() throws {
        let sum = try run("SEGMENT_SUM", [try t(.int32, [Int32.max, 1, 5]), try t(.int32, [Int32(0), 0, 1])])[0]
        XCTAssertEqual(try sum.scalars(as: Int32.self), [Int32.min, 5], "int32 wraps")
        assertFails("SEGMENT_SUM", [try f([1, 2]), try t(.int32, [Int32(0), 2])], containing: "consecutive")
        assertFails("SEGMENT_SUM", [try f([1, 2]), try t(.int32, [Int32(1), 1])], containing: "start at 0")

        // An empty segment keeps the initial value; negative ids are skipped; NaN as std::max treats it.
        let max = try run("UNSORTED_SEGMENT_MAX", [try f([.nan, 1, 4]), try t(.int32, [Int32(0), 0, -1]), try t(.int32, [Int32(2)])])[0]
        XCTAssertEqual(try max.scalars(as: Float.self), [1, -.greatestFiniteMagnitude])
        let prod = try run("UNSORTED_SEGMENT_PROD", [try t(.int32, [Int32(3), 4]), try t(.int32, [Int32(1), 1]), try t(.int32, [Int32(2)])])[0]
        XCTAssertEqual(try prod.scalars(as: Int32.self), [1, 12])
        assertFails("UNSORTED_SEGMENT_SUM", [try f([1]), try t(.int32, [Int32(2)]), try t(.int32, [Int32(2)])], containing: "not below")

        let buckets = try run("BUCKETIZE", [try f([-1, 0, 0.5, 9])], ["boundaries": .floats([0, 0.5])])[0]
        XCTAssertEqual(try buckets.scalars(as: Int32.self), [0, 1, 2, 2])
        assertFails("BUCKETIZE", [try f([1])], ["boundaries": .floats([1, 0])], containing: "sorted")
    }

    func testIntegerAndBoolReducers() throws {
        let axis = try t(.int32, [Int32(0)])
        // MEAN of int32 truncates toward zero; sums wrap instead of trapping.
        XCTAssertEqual(try run("MEAN", [try t(.int32, [Int32(-7), 0], [2, 1]), axis])[0].scalars(as: Int32.self), [-3])
        XCTAssertEqual(try run("SUM", [try t(.int32, [Int32.max, 1], [2, 1]), axis])[0].scalars(as: Int32.self), [Int32.min])
        XCTAssertEqual(try run("MEAN", [try t(.int64, [Int64](), [0, 2]), axis])[0].scalars(as: Int64.self), [0, 0], "an empty mean is 0, not a trap")
        let b = try t(.bool, [UInt8(1), 0, 0, 0], [2, 2])
        XCTAssertEqual(try run("REDUCE_MAX", [b, axis])[0].scalars(as: UInt8.self), [1, 0])
        XCTAssertEqual(try run("SUM", [b, axis])[0].scalars(as: UInt8.self), [1, 0])
        XCTAssertEqual(try run("REDUCE_PROD", [b, axis])[0].scalars(as: UInt8.self), [0, 0])
        assertFails("MEAN", [b, axis], containing: "not implemented")
    }

    func testEmbeddingLookupPathsAndErrors() throws {
        let table = try f([1, 2, 3, 4, 5, 6], [3, 2])
        let rows = try run("EMBEDDING_LOOKUP", [try t(.int32, [Int32(2), 0]), table])[0]
        XCTAssertEqual(try rows.scalars(as: Float.self), [5, 6, 1, 2])
        assertFails("EMBEDDING_LOOKUP", [try t(.int32, [Int32(3)]), table], containing: "out of bounds")
        // Hybrid int4 with an odd column count: odd rows start at the low nibble of a shared byte,
        // as LiteRT's Unpack4Bit reads them. Codes 1…6 packed two per byte.
        var q = try Tensor(dtype: .int4, shape: [2, 3], storage: TensorStorage(copying: UnsafeRawBufferPointer(start: [UInt8]([0x21, 0x43, 0x65]),
                                                                                                            count: 3)))
        q.quantization = QuantizationParameters(scales: [0.5], zeroPoints: [0])
        let hybrid = try run("EMBEDDING_LOOKUP", [try t(.int32, [Int32(0), 1]), q], outputTypes: [.float32])[0]
        XCTAssertEqual(try hybrid.scalars(as: Float.self), [0.5, 1, 1.5, 1.5, 2, 2.5])
    }

    func testNonMaxSuppression() throws {
        let boxes = try f([0, 0, 1, 1, 0, 0.05, 1, 1.05, 2, 2, 3, 3], [3, 4])
        let scores = try f([0.9, 0.8, 0.7])
        let v4 = try run("NON_MAX_SUPPRESSION_V4", [boxes, scores, try t(.int32, [Int32(5)], []), try f([0.5], []), try f([0.1], [])], outputs: 2)
        // Box 1 overlaps box 0 (IoU 0.905); max_output_size is not a constant: exactly the selected.
        XCTAssertEqual(try v4[0].scalars(as: Int32.self), [0, 2])
        XCTAssertEqual(try v4[1].scalars(as: Int32.self), [2])
        // Soft NMS: box 1 decays by exp(-0.5 / 0.5 · IoU²) below box 2; it is still selected last.
        let v5 = try run("NON_MAX_SUPPRESSION_V5", [boxes, scores, try t(.int32, [Int32(3)], []), try f([1], []), try f([0], []), try f([0.5], [])],
                         outputs: 3)
        XCTAssertEqual(try v5[0].scalars(as: Int32.self), [0, 2, 1])
        XCTAssertEqual(try v5[1].scalars(as: Float.self)[2], 0.8 * expf(-0.5 / 0.5 * powf(0.95 / 1.05, 2)), accuracy: 1e-6)
        assertFails("NON_MAX_SUPPRESSION_V5", [boxes, scores, try t(.int32, [Int32(2)], []), try f([1], []), try f([0], []), try f([-1], [])],
                    outputs: 3, containing: "sigma")
        // LiteRT's quirk, kept: a selected candidate goes back into the queue, and a zero-area box
        // (IoU 0 even with itself) is then selected again and again (LiteRT 2.3.0 gives [3, 3, 3, 3, 0], 4).
        let degenerate = try f([0, 0, 1, 1, 0, 0.05, 1, 1.05, 2, 2, 3, 3, 0, 0, 0, 0], [4, 4])
        let again = try run("NON_MAX_SUPPRESSION_V4", [degenerate, try f([0.9, 0.8, 0.7, 0.95]), try t(.int32, [Int32(5)], []), try f([0.5], []),
                                                       try f([0.1], [])], outputs: 2)
        XCTAssertEqual(try again[0].scalars(as: Int32.self), [3, 3, 3, 3])
    }

    func testScoreHeapPopsInScoreOrder() {
        var heap = TFLiteNonMaxSuppression.ScoreHeap()
        let scores: [Float] = [3, 9, 1, 7, 7, 2, 8, 5, 0, 6]
        for (i, s) in scores.enumerated() { heap.push(.init(index: i, score: s, suppressBeginIndex: 0)) }
        var popped: [Float] = []
        while let c = heap.pop() { popped.append(c.score) }
        XCTAssertEqual(popped, scores.sorted(by: >))
    }

    func testReduceWindowAndFakeQuant() throws {
        let x = try t(.int32, [Int32(1), 2, 3, 4, 5, 6], [2, 3])
        let window = try t(.int64, [Int64(2), 2]), ones = try t(.int64, [Int64(1), 1])
        let sum = try run("REDUCE_WINDOW", [x, try t(.int32, [Int32(0)], []), window, ones, ones], ["reduce_function": s("ADD")])[0]
        XCTAssertEqual(sum.shape, [1, 2])
        XCTAssertEqual(try sum.scalars(as: Int32.self), [12, 16])
        let tooBig = try run("REDUCE_WINDOW", [x, try t(.int32, [Int32(0)], []), try t(.int64, [Int64(3), 1]), ones, ones], ["reduce_function": s("MAXIMUM")])[0]
        XCTAssertEqual(tooBig.shape, [0, 3])

        let q = try run("FAKE_QUANT", [try f([-5, 0.33, 0.6, 5, .nan])], ["min": .float(-1), "max": .float(2), "num_bits": .int(2)])[0]
        XCTAssertEqual(try q.scalars(as: Float.self), [-1, 0, 1, 2, -1])
        assertFails("FAKE_QUANT", [try f([1])], ["min": .float(-1), "max": .float(1), "num_bits": .int(8), "narrow_range": .int(1)], containing: "narrow_range")
    }

    func testStablehloElementwiseAndPad() throws {
        let a = try t(.int8, [Int8(100), -100]), b = try t(.int8, [Int8(100), -100])
        XCTAssertEqual(try run("STABLEHLO_ADD", [a, b])[0].scalars(as: Int8.self), [-56, 56])
        let m = try run("STABLEHLO_MAXIMUM", [try f([.nan, 1]), try f([1, .nan])])[0]
        XCTAssertEqual(try bits(m).map { Float(bitPattern: $0).isNaN }, [true, false], "std::max keeps a NaN in a")
        XCTAssertEqual(try run("STABLEHLO_SHIFT_LEFT", [try t(.int8, [Int8(1), 3]), try t(.int8, [Int8(7), 33])])[0].scalars(as: Int8.self), [-128, 6])
        assertFails("STABLEHLO_ADD", [try f([1, 2]), try f([1])], containing: "one shape")
        assertFails("STABLEHLO_AND", [try f([1]), try f([1])], containing: "AND")

        // [1 2 3] with interior 1 is [1 9 2 9 3]; low -1 crops the 1, high 2 appends two 9s.
        let pad = try run("STABLEHLO_PAD", [try f([1, 2, 3]), try f([9], [])],
                          ["edge_padding_low": .ints([-1]), "edge_padding_high": .ints([2]), "interior_padding": .ints([1])])[0]
        XCTAssertEqual(try pad.scalars(as: Float.self), [9, 2, 9, 3, 9, 9])
    }

    func testStablehloGatherClipsStarts() throws {
        let operand = try f([0, 1, 2, 3, 4, 5], [3, 2])
        let rows = try run("STABLEHLO_GATHER", [operand, try t(.int32, [Int32(2), 9, -4], [3, 1])],
                           ["offset_dims": .ints([1]), "collapsed_slice_dims": .ints([0]), "start_index_map": .ints([0]), "index_vector_dim": .int(1),
                            "slice_sizes": .ints([1, 2])])[0]
        XCTAssertEqual(rows.shape, [3, 2])
        XCTAssertEqual(try rows.scalars(as: Float.self), [4, 5, 4, 5, 0, 1])
    }

    func testIntegerResizeBilinearAndBatchMatMul16() throws {
        // Integer resize: 10-bit coordinates, rounding half away from zero of the 2^20-scaled sum.
        var x = try t(.int8, [Int8(-3), 4], [1, 1, 2, 1])
        x.quantization = QuantizationParameters(scales: [0.1], zeroPoints: [0])
        let r = try run("RESIZE_BILINEAR", [x, try t(.int32, [Int32(1), 4])])[0]
        XCTAssertEqual(try r.scalars(as: Int8.self), [-3, 1, 4, 4])  // -3 + 7·0.5 = 0.5 → 1
        let u = try run("RESIZE_BILINEAR", [try t(.uint8, [UInt8(3), 4], [1, 1, 2, 1]), try t(.int32, [Int32(1), 4])])[0]
        XCTAssertEqual(try u.scalars(as: UInt8.self), [3, 4, 4, 4], "uint8: float interpolation + 0.5, truncated")
    }
}
