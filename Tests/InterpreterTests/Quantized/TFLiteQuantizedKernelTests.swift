import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

/// The quantised kernels against LiteRT 2.3.0 (reference kernels, `BUILTIN_REF`) on the
/// committed single-op models and the MLP/CNN model set: every integer output must match bit
/// for bit. Cases whose ops the kernels do not cover yet are listed, not silently skipped.
final class TFLiteQuantizedKernelTests: XCTestCase {
    /// The builtins the evaluator expresses with the quantised kernels; cases of other builtins run
    /// only through the executor (`TFLiteConformanceTests`).
    static let evaluatorOps: Set<String> = [
        "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "SUB", "MUL", "SOFTMAX",
        "LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "RELU", "RELU6", "PRELU", "MEAN", "SUM", "QUANTIZE", "BATCH_MATMUL",
        "DEQUANTIZE", "CONCATENATION", "ELU", "LOG_SOFTMAX", "L2_NORMALIZATION",
    ]

    /// Integer cases the evaluator must reproduce exactly: single-op int8/int8pt/int16x8 cases
    /// of the builtins it expresses, and the integer models.
    func testIntegerCasesMatchLiteRTBitExactly() throws {
        let names = (LiteRTCase.names("op_").filter { $0.hasSuffix("_int8") || $0.hasSuffix("_int8pt") || $0.hasSuffix("_int16x8") || $0.hasSuffix("_int8io") }
            + LiteRTCase.names("model_").filter { $0.hasSuffix("_int8") || $0.hasSuffix("_int8pt") || $0.hasSuffix("_int16x8") })
            .filter { name in Set(LiteRTCase.ops(name)).isSubset(of: Self.evaluatorOps) }
        XCTAssertGreaterThan(names.count, 100, "the committed cases are missing (scripts/make-tflite-op-tests.py)")
        var passed: [String] = [], unsupported: [String] = []
        for name in names {
            let c = try LiteRTCase(name)
            var evaluator = QuantizedEvaluator(c)
            let outputs: [Tensor]
            do { outputs = try evaluator.run() } catch let error as QuantizedEvaluator.Unsupported {
                unsupported.append("\(name): \(error)")
                continue
            }
            XCTAssertEqual(outputs.count, c.outputs.count, name)
            for (got, want) in zip(outputs, c.outputs) {
                XCTAssertEqual(got.dtype, want.dtype, name)
                XCTAssertEqual(got.shape, want.shape, name)
                if want.dtype == .float32 {
                    XCTAssertEqual(try got.scalars(as: Float.self), try want.scalars(as: Float.self), name)
                } else if !got.storage.bytes.elementsEqual(want.storage.bytes) {
                    let a = try got.doubleValues(), b = try want.doubleValues()
                    let diffs = zip(a, b).filter { $0 != $1 }
                    let maxDiff = zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
                    XCTFail("\(name): \(diffs.count) of \(a.count) elements differ (max \(maxDiff) LSB); first \(diffs.prefix(4))")
                    continue
                }
            }
            passed.append(name)
        }
        // Everything the evaluator can express must run; what it cannot is listed here.
        let expectedUnsupported = [
            "op_batch_matmul_int16x8", "op_batch_matmul_adj_y_int16x8", "op_batch_matmul_adj_x_int16x8",  // int16 BATCH_MATMUL kernel not written yet
            "op_elu_int8",  // the converter keeps ELU in float (DEQUANTIZE → ELU → QUANTIZE)
        ]
        for line in unsupported where !expectedUnsupported.contains(where: { line.hasPrefix($0) }) {
            XCTFail("unexpectedly unsupported: \(line)")
        }
        print("TFLiteQuantizedKernelTests: \(passed.count) of \(names.count) integer cases bit-exact; unsupported:\n" + unsupported.joined(separator: "\n"))
    }

    /// LiteRT 2.3.0's reference FULLY_CONNECTED requantises `round(double(acc) · scale)`, not with
    /// the fixed-point multiplier: in `op_fully_connected_keep_num_dims_int8` one accumulator lands
    /// on a tie of the fixed-point path's first rounding, and only the double form gives LiteRT's code.
    func testFullyConnectedRequantisesInDouble() throws {
        let c = try LiteRTCase("op_fully_connected_keep_num_dims_int8")
        let node = try XCTUnwrap(c.graph.nodes.first)
        let x = c.inputs[0], w = try XCTUnwrap(c.constant(node.inputs[1])), b = try XCTUnwrap(c.constant(node.inputs[2]))
        let xq = try XCTUnwrap(c.quantization(node.inputs[0])), wq = try XCTUnwrap(c.quantization(node.inputs[1]))
        let oq = try XCTUnwrap(c.quantization(node.outputs[0]))
        XCTAssertGreaterThan(wq.scales.count, 1, "per-channel weights")
        let multipliers = TFLiteQuantizationParams.perChannelMultipliers(inputScale: xq.scales[0], filterScales: wq.scales, outputScale: oq.scales[0],
                                                                         channels: w.shape[0])
        let scales = TFLiteQuantizedFullyConnected.effectiveScales(inputScale: xq.scales[0], filterScales: wq.scales, outputScale: oq.scales[0])
        func run(_ effective: [Double]?) throws -> [Int8] {
            var out = [Int8](repeating: 0, count: c.outputs[0].count)
            let offsets = TFLiteQuantizedConvolution.Offsets(inputOffset: -Int32(xq.zeroPoints[0]), outputOffset: Int32(oq.zeroPoints[0]),
                                                             activationMin: -128, activationMax: 127)
            try x.withElements(as: Int8.self) { xs in
                try w.withElements(as: Int8.self) { ws in
                    try b.withElements(as: Int32.self) { bs in
                        out.withUnsafeMutableBufferPointer { o in
                            TFLiteQuantizedFullyConnected.fullyConnected(batches: x.count / w.shape[1], accumDepth: w.shape[1], outputDepth: w.shape[0],
                                                                         input: xs, filter: ws, bias: bs, multipliers: multipliers, offsets: offsets,
                                                                         effectiveScales: effective, output: o)
                        }
                    }
                }
            }
            return out
        }
        let want = try c.outputs[0].scalars(as: Int8.self)
        XCTAssertEqual(try run(scales), want)
        let fixed = try run(nil)
        XCTAssertEqual(zip(fixed, want).filter { $0 != $1 }.count, 1, "the fixed-point multiplier is one LSB off on the tie")
    }

    /// The pinned LiteRT uses double rounding: single rounding would get some committed case wrong.
    func testLiteRTUsesDoubleRounding() throws {
        let c = try LiteRTCase("op_fully_connected_none_int8")
        let node = try XCTUnwrap(c.graph.nodes.first)
        let x = c.inputs[0], w = try XCTUnwrap(c.constant(node.inputs[1])), b = try XCTUnwrap(c.constant(node.inputs[2]))
        let xq = try XCTUnwrap(c.quantization(node.inputs[0])), wq = try XCTUnwrap(c.quantization(node.inputs[1]))
        let oq = try XCTUnwrap(c.quantization(node.outputs[0]))
        let multipliers = wq.scales.count > 1
            ? TFLiteQuantizationParams.perChannelMultipliers(inputScale: xq.scales[0], filterScales: wq.scales, outputScale: oq.scales[0], channels: w.shape[0])
            : [TFLiteQuantizationParams.convolutionMultiplier(inputScale: xq.scales[0], filterScale: wq.scales[0], outputScale: oq.scales[0])]
        func run(_ rounding: TFLiteFixedPoint.Rounding) throws -> [Int8] {
            var out = [Int8](repeating: 0, count: c.outputs[0].count)
            let offsets = TFLiteQuantizedConvolution.Offsets(inputOffset: -Int32(xq.zeroPoints[0]), outputOffset: Int32(oq.zeroPoints[0]),
                                                             activationMin: -128, activationMax: 127)
            try x.withElements(as: Int8.self) { xs in
                try w.withElements(as: Int8.self) { ws in
                    try b.withElements(as: Int32.self) { bs in
                        out.withUnsafeMutableBufferPointer { o in
                            TFLiteQuantizedFullyConnected.fullyConnected(batches: x.shape[0], accumDepth: w.shape[1], outputDepth: w.shape[0],
                                                                         input: xs, filter: ws, bias: bs, multipliers: multipliers, offsets: offsets,
                                                                         rounding: rounding, output: o)
                        }
                    }
                }
            }
            return out
        }
        let want = try c.outputs[0].scalars(as: Int8.self)
        XCTAssertEqual(try run(.double), want)
        // Across all committed int8 cases single rounding differs somewhere; here the
        // multiplier's ties show in this case's accumulators.
        let single = try run(.single)
        XCTAssertEqual(single.count, want.count)
        if single == want {
            // Prove it on the fixed-point level instead: a tie the two variants round differently.
            XCTAssertNotEqual(TFLiteFixedPoint.multiplyByQuantizedMultiplier(1, 3 << 29, -1, rounding: .single),
                              TFLiteFixedPoint.multiplyByQuantizedMultiplier(1, 3 << 29, -1, rounding: .double))
        }
    }
}
