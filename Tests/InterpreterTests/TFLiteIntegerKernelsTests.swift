import Foundation
import LockstepCore
import LockstepTestSupport
import TFLiteFormat
import XCTest

@testable import Interpreter

/// The integer-LSTM and integer normalisation kernels on hand-checked values and hostile declarations: the integer
/// (8x8→16) LSTM's portable tensor_utils and its refusals, int8 L2_NORMALIZATION and
/// LOG_SOFTMAX, Eigen's erfc. The LiteRT cases (`fin_*`, `rec_*_int8` in
/// Tests/Fixtures/tflite-op-tests: TFLiteConformanceTests, TFLiteRecurrentStepsTests) check the
/// same code against LiteRT bit for bit.
final class TFLiteIntegerKernelsTests: XCTestCase {
    typealias Cell = IntegerLSTMCell

    // MARK: integer LSTM building blocks

    func testCwiseMulRoundsAndNarrowsAsLiteRT() {
        XCTAssertEqual(Cell.cwiseMul(16384, 16384, shift: 15), 8192)  // ½ · ½ in Q0.15
        XCTAssertEqual(Cell.cwiseMul(3, 1, shift: 1), 2)  // 1.5 → 2 (half away from zero)
        XCTAssertEqual(Cell.cwiseMul(-3, 1, shift: 1), -2)
        XCTAssertEqual(Cell.cwiseMul(.min, .min, shift: 15), .min)  // 2^30 / 2^15 = 32768 narrows to −32768, as C++ does
        let unit = Cell.Scale(1.0 / 32768)  // Q0.15 · Q0.15 → int8 with scale 2^-15 · 2^-15 / 2^-15 …
        XCTAssertEqual(Cell.cwiseMul(32767, 32767, unit, zeroPoint: 0), 127)  // … clamped to int8
        XCTAssertEqual(Cell.cwiseMul(-256, 128, unit, zeroPoint: 3), 2)  // −1 + 3
    }

    func testMatrixProductAccumulatesAndSaturates() {
        let weights: [Int8] = [1, 2, -3, 4]  // 2 × 2
        var out: [Int16] = [100, 32760]
        let x: [Int8] = [10, 20]
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                Cell.matrixBatchVectorMultiplyAccumulate(xp.baseAddress!, bias: [5, 0], weights, Cell.Scale(1), batch: 1, nInput: 2, nOutput: 2,
                                                         outputZeroPoint: 0, op.baseAddress!)
            }
        }
        XCTAssertEqual(out, [100 + 5 + 10 + 40, 32767])  // −30 + 80 = 50 more saturates
        var out8: [Int8] = [0, 0]
        x.withUnsafeBufferPointer { xp in
            out8.withUnsafeMutableBufferPointer { op in
                Cell.matrixBatchVectorMultiplyAccumulate(xp.baseAddress!, bias: [0, 0], weights, Cell.Scale(2), batch: 1, nInput: 2, nOutput: 2,
                                                         outputZeroPoint: -1, op.baseAddress!)
            }
        }
        XCTAssertEqual(out8, [99, 99])  // 2 · 50 − 1 for both rows
    }

    func testLayerNormUsesTheVarianceGuardForAConstantRow() {
        // A constant row has zero variance: LiteRT substitutes the guard, and (x − mean) is 0, so
        // only the bias survives: bias / 1024 rescaled by the layer-norm scale (here 1 · 2^12).
        var row: [Int16] = [700, 700, 700, 700]
        row.withUnsafeMutableBufferPointer {
            Cell.applyLayerNorm($0.baseAddress!, weights: [1, 1, 1, 1], bias: [1024, 2048, -1024, 0], Cell.Scale(1.0 / 4096), varianceLimit: 1,
                                batch: 1, n: 4)
        }
        XCTAssertEqual(row, [1, 2, -1, 0])
        // A ±d row normalises to ±1 (1024 in the kernel's Q10): weights 4096 · 2^-12 give ±1 · 2^12.
        var signs: [Int16] = [-50, 50, -50, 50]
        signs.withUnsafeMutableBufferPointer {
            Cell.applyLayerNorm($0.baseAddress!, weights: [4096, 4096, 4096, 4096], bias: [0, 0, 0, 0], Cell.Scale(1.0 / 4096), varianceLimit: 1,
                                batch: 1, n: 4)
        }
        for (v, s) in zip(signs, [-1, 1, -1, 1]) { XCTAssertEqual(Double(v), Double(s * 4096), accuracy: 8) }
    }

    /// The integer LSTM's declarations are checked when the session is built or run: LiteRT's
    /// 8x8→8 form (12 intermediates) is refused as not implemented, a missing intermediate and a
    /// cell state whose scale is not a power of two as errors naming the reason.
    func testIntegerLSTMRefusesWhatItCannotRunWithTheReason() throws {
        let path = Repo.path("Tests/Fixtures/tflite-op-tests/fin_lstm_int8/model.tflite")
        let model = try TFLiteLoader.load(path: path)
        let x = try Tensor(dtype: .int8, shape: [2, 3], values: [Int8](repeating: 1, count: 6))
        XCTAssertNoThrow(try Session(model: model).run(["input": .tensor(x)]))

        var twelve = model
        twelve.graph.nodes[0].intermediates = Array(repeating: model.graph.nodes[0].intermediates[0], count: 12)
        XCTAssertThrowsError(try Session(model: twelve)) { error in
            XCTAssertTrue((error as? InterpreterError)?.isUnsupported ?? false, "\(error)")
            XCTAssertTrue(error.localizedDescription.contains("8x8→8"), error.localizedDescription)
        }
        var none = model
        none.graph.nodes[0].intermediates = []
        XCTAssertThrowsError(try Session(model: none)) { error in
            XCTAssertTrue(error.localizedDescription.contains("5 intermediate tensors"), error.localizedDescription)
        }
        var badScale = model
        let cell = model.graph.nodes[0].inputs[19]
        for i in badScale.graph.valueInfo.indices where badScale.graph.valueInfo[i].name == cell {
            badScale.graph.valueInfo[i].quantization = QuantizationParameters(scales: [0.001], zeroPoints: [0])
        }
        XCTAssertThrowsError(try Session(model: badScale).run(["input": .tensor(x)])) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a power of two"), error.localizedDescription)
        }
    }

    // MARK: int8 L2_NORMALIZATION and LOG_SOFTMAX

    func testInt8L2NormalizationAndLogSoftmaxOnHandValues() {
        // (3, 4) / 5 = (0.6, 0.8) at scale 1/128: 76.8 → 77, 102.4 → 102; a zero row stays 0.
        let x: [Int8] = [3, 4, 0, 0]
        var y = [Int8](repeating: 9, count: 4)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { TFLiteQuantizedMath.l2Normalization8(xp, depth: 2, inputZeroPoint: 0, output: $0) } }
        XCTAssertEqual(y, [77, 102, 0, 0])
        // log_softmax of (a, a) = log ½ = −0.693 at scale 1/16, zero point 127: 127 − 11.09 → 116; a
        // far smaller element (e^−12 of the maximum) lands near −12 · 16 + 127 = −65.
        let p = TFLiteQuantizedSoftmax.LogParams8(inputScale: 0.1)
        let z: [Int8] = [50, 50, 120, 0]
        var out = [Int8](repeating: 0, count: 4)
        z.withUnsafeBufferPointer { zp in out.withUnsafeMutableBufferPointer { TFLiteQuantizedSoftmax.logSoftmax8(zp, depth: 2, params: p, output: $0) } }
        XCTAssertEqual(out[0], 116)
        XCTAssertEqual(out[1], 116)
        XCTAssertEqual(Double(out[2]), 127, accuracy: 1)
        XCTAssertEqual(Double(out[3]), -65, accuracy: 1)
    }

    // MARK: Eigen's erfc (GELU)

    func testEigenErfcTracksErfcAndItsTwoExpPaths() {
        for x in stride(from: Float(-12), through: 12, by: 0.173) {
            for packet in [true, false] {
                let got = EigenFloat.erfc(x, packet: packet)
                XCTAssertEqual(Double(got), erfc(Double(x)), accuracy: 4e-7 + 8e-7 * erfc(Double(x)), "erfc(\(x)) packet \(packet)")
            }
        }
        XCTAssertEqual(EigenFloat.erfc(0, packet: true), 1)
        XCTAssertEqual(EigenFloat.erfc(-30, packet: false), 2)
        XCTAssertEqual(EigenFloat.erfc(30, packet: true), 0)
        // Eigen's pexp_float and the C library's expf differ in the last bit at exp(−x²) here, so
        // whether an element lies in a whole packet changes erfc (and GELU) by one ULP.
        let a = Float(-6.62587308883667) * Float(-0.70710678118654752440)
        XCTAssertNotEqual(EigenFloat.erfc(a, packet: true), EigenFloat.erfc(a, packet: false))
        XCTAssertEqual(EigenFloat.expPacket(0), 1)
        XCTAssertEqual(EigenFloat.expPacket(-120), 0)
        XCTAssertEqual(Double(EigenFloat.expPacket(-90)), exp(-90), accuracy: 1e-45)
    }
}
