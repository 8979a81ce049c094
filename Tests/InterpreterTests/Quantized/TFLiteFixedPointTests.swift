import XCTest

@testable import Interpreter

/// Table-driven tests of TFLite's fixed-point core: edge values (min/max ints, rounding ties,
/// negative values, saturation) worked out by hand from the definitions in
/// `tflite/kernels/internal/common.h` and gemmlowp `fixedpoint.h`.
final class TFLiteFixedPointTests: XCTestCase {
    typealias F = TFLiteFixedPoint

    func testSaturatingRoundingDoublingHighMul() {
        let cases: [(id: String, a: Int32, b: Int32, expected: Int32)] = [
            ("min·min saturates", .min, .min, .max),
            ("max·max", .max, .max, .max - 1),
            ("min·max", .min, .max, -Int32.max),
            ("half·half", 1 << 30, 1 << 30, 1 << 29),
            ("zero", 0, .max, 0),
            ("tie positive rounds up", 1, 1 << 30, 1),  // 2^30 / 2^31 = 0.5 → 1
            ("tie negative rounds up", -1, 1 << 30, 0),  // -0.5 → 0: ties go toward +∞
            ("just below tie", 1, (1 << 30) - 1, 0),
            ("negative below tie", -1, (1 << 30) - 1, 0),
        ]
        for c in cases {
            XCTAssertEqual(F.saturatingRoundingDoublingHighMul(c.a, c.b), c.expected, c.id)
        }
        XCTAssertEqual(F.saturatingRoundingDoublingHighMul(Int16.min, Int16.min), Int16.max)
        XCTAssertEqual(F.saturatingRoundingDoublingHighMul(Int16(1 << 14), Int16(1 << 14)), Int16(1 << 13))
        XCTAssertEqual(F.saturatingDoublingHighMul(Int16(3), Int16(1 << 14)), 1)  // 1.5 truncates to 1
        XCTAssertEqual(F.saturatingDoublingHighMul(Int16(-3), Int16(1 << 14)), -1)  // -1.5 truncates toward zero
    }

    func testRoundingDivideByPOT() {
        let cases: [(x: Int32, e: Int, expected: Int32)] = [
            (5, 1, 3), (-5, 1, -3), (4, 1, 2), (-4, 1, -2), (7, 2, 2), (6, 2, 2), (-6, 2, -2), (-7, 2, -2),
            (3, 0, 3), (.max, 31, 1), (.min, 31, -1), (.min, 1, -(1 << 30)), (1, 31, 0), (-1, 31, 0),
        ]
        for c in cases { XCTAssertEqual(F.roundingDivideByPOT(c.x, c.e), c.expected, "\(c.x) / 2^\(c.e)") }
        XCTAssertEqual(F.roundingDivideByPOT(Int16(-3), 1), -2)
        XCTAssertEqual(F.roundingDivideByPOT(Int16(3), 1), 2)
    }

    func testSaturatingRoundingMultiplyByPOT() {
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT(1 << 29, 1), 1 << 30)
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT(1 << 30, 1), .max)
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT(-(1 << 30), 1), .min)
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT(-(1 << 30) + 1, 1), Int32.min + 2)
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT(5, -1), 3)
        XCTAssertEqual(F.roundingHalfSum(.max, .max), .max)
        XCTAssertEqual(F.roundingHalfSum(-3, 0), -2)
        XCTAssertEqual(F.roundingHalfSum(3, 0), 2)
    }

    func testQuantizeMultiplier() {
        let cases: [(real: Double, m: Int32, shift: Int)] = [
            (0, 0, 0), (0.5, 1 << 30, 0), (1, 1 << 30, 1), (0.25, 1 << 30, -1), (3, 1_610_612_736, 2),
            (1.0 - 1e-12, 1 << 30, 1),  // the mantissa rounds to 2^31: halved, shift + 1
            (1e-10, 0, 0),  // shift below -31 flushes to zero
            (-0.5, -(1 << 30), 0),
        ]
        for c in cases {
            let q = F.quantizeMultiplier(c.real)
            XCTAssertEqual(q.multiplier, c.m, "\(c.real)")
            XCTAssertEqual(q.shift, c.shift, "\(c.real)")
        }
        XCTAssertEqual(F.quantizeMultiplier(1e10, rounding: .double).shift, 34)
        XCTAssertEqual(F.quantizeMultiplier(1e10, rounding: .single).shift, 30)
        XCTAssertEqual(F.quantizeMultiplier(1e10, rounding: .single).multiplier, .max)
    }

    func testMultiplyByQuantizedMultiplierVariants() {
        // 0.75 = (3·2^29)·2^(0-31): x·0.75 for x = 2 is 1.5 — a tie.
        let m: Int32 = 3 << 29
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(2, m, 0, rounding: .double), 2)
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(2, m, 0, rounding: .single), 2)
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(-2, m, 0, rounding: .double), -1)  // SRDHM ties toward +∞
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(-2, m, 0, rounding: .single), -1)
        // Double rounding: x = 1 times 0.375 (m = 0.75, shift -1): the high-mul rounds 0.75 to
        // 1, the shift rounds 0.5 away to 1; one rounding of 0.375 gives 0.
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(1, m, -1, rounding: .double), 1)
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(1, m, -1, rounding: .single), 0)
        // Left shifts.
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(3, 1 << 30, 2, rounding: .double), 6)
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(3, 1 << 30, 2, rounding: .single), 6)
        // 64-bit: the multiplier is reduced to 16 bits first.
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(Int64(1) << 40, 1 << 30, -10), 1 << 29)
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(Int64(-3), 1 << 30, 0), -1)  // -1.5 → -1 (half up)
        XCTAssertEqual(F.multiplyByQuantizedMultiplier(Int64(3), Int32.max, 0), 3)  // multiplier ≥ 0x7FFF0000 → 0x7FFF
    }

    func testExpLogisticTanhTrackTheRealFunctions() {
        // exp(x) for x ≤ 0 in Q5.26 → Q0.31, logistic/tanh in Q4.27 → Q0.31: within a few ULP of 2^-31.
        for k in [0, 1, 4, 5, 12] {
            for x in stride(from: -Double(min(1 << k, 31)) + 0.001, through: 0, by: max(Double(1 << k) / 97, 0.01)) {
                let raw = Int32((x * Double(Int64(1) << (31 - k))).rounded())
                let got = Double(F.expOnNegativeValues(raw, integerBits: k)) / Double(Int64(1) << 31)
                XCTAssertEqual(got, exp(Double(raw) / Double(Int64(1) << (31 - k))), accuracy: 2e-6, "exp \(x) Q\(k)")
            }
        }
        XCTAssertEqual(F.expOnNegativeValues(0, integerBits: 5), .max)
        XCTAssertEqual(F.expOnNegativeValues(Int32.min, integerBits: 12), 0)  // below -32: clamped to 0
        for x in stride(from: -15.9, through: 15.9, by: 0.37) {
            let raw = Int32((x * Double(1 << 27)).rounded())
            XCTAssertEqual(Double(F.logistic(raw, integerBits: 4)) / Double(Int64(1) << 31), 1 / (1 + exp(-x)), accuracy: 2e-6, "logistic \(x)")
            XCTAssertEqual(Double(F.tanh(raw, integerBits: 4)) / Double(Int64(1) << 31), tanh(x), accuracy: 4e-6, "tanh \(x)")
        }
        XCTAssertEqual(F.logistic(0, integerBits: 4), 1 << 30)
        XCTAssertEqual(F.tanh(0, integerBits: 4), 0)
        for x in stride(from: 0.0, to: 1, by: 0.0625) {
            let raw = Int32(x * Double(Int64(1) << 31))
            XCTAssertEqual(Double(F.oneOverOnePlusXForXIn01(raw)) / Double(Int64(1) << 31), 1 / (1 + x), accuracy: 1e-8, "1/(1+\(x))")
            XCTAssertEqual(Double(F.oneMinusXOverOnePlusXForXIn01(raw)) / Double(Int64(1) << 31), (1 - x) / (1 + x), accuracy: 1e-8)
        }
        // GetReciprocal of 3.0 in Q12: 1/3 = scale · 2^-bitsOverUnit.
        let r = F.reciprocal(3 << 19, integerDigits: 12)
        XCTAssertEqual(Double(r.scale) / Double(Int64(1) << 31) / Double(1 << r.bitsOverUnit), 1.0 / 3.0, accuracy: 1e-8)
    }

    /// gemmlowp's functions on int16 raws (the integer LSTM's gates): the 32-bit constants
    /// rounding-shifted by 16, the last add of the exp polynomial saturating.
    func testInt16ExpLogisticTanhTrackTheRealFunctions() {
        for k in [3, 4, 5, 6] {
            for x in stride(from: -Double(1 << k) + 0.01, through: 0, by: Double(1 << k) / 61) {
                let raw = Int16((x * Double(1 << (15 - k))).rounded())
                let got = Double(F.expOnNegativeValues16(raw, integerBits: k)) / 32768
                XCTAssertEqual(got, exp(Double(raw) / Double(1 << (15 - k))), accuracy: 3e-4, "exp \(x) Q\(k)")
            }
        }
        XCTAssertEqual(F.expOnNegativeValues16(Int16(0), integerBits: 3), .max)
        for x in stride(from: -7.9, through: 7.9, by: 0.21) {
            let raw = Int16((x * 4096).rounded())  // Q3.12, the LSTM gates
            XCTAssertEqual(Double(F.logistic16(raw, integerBits: 3)) / 32768, 1 / (1 + exp(-Double(raw) / 4096)), accuracy: 2e-4, "logistic \(x)")
            XCTAssertEqual(Double(F.tanh16(raw, integerBits: 3)) / 32768, tanh(Double(raw) / 4096), accuracy: 4e-4, "tanh \(x)")
        }
        XCTAssertEqual(F.logistic16(Int16(0), integerBits: 3), 1 << 14)
        XCTAssertEqual(F.tanh16(Int16(0), integerBits: 4), 0)
        XCTAssertEqual(Double(F.logistic16(Int16.max, integerBits: 3)), 32768 / (1 + exp(-8)), accuracy: 2)  // 1/(1+e^-8) at Q0.15
        XCTAssertEqual(F.tanh16(Int16.min, integerBits: 3), -32767)
        XCTAssertEqual(F.saturatingAdd16(Int16(30000), Int16(10000)), .max)
        XCTAssertEqual(F.roundingHalfSum16(Int16(-3), Int16(0)), -2)  // -1.5 → away from zero
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT16(Int16(5000), 3), .max)
        XCTAssertEqual(F.saturatingRoundingMultiplyByPOT16(Int16(-3), -1), -2)
    }

    /// TFLite's fixed-point log (LOG_SOFTMAX): log(x) for x ≥ 1 given in Q12, returned in Q5.
    func testLogForXGreaterThanOrEqualToOne() {
        for x in [1.0, 1.5, 2, 2.718281828, 10, 100, 1000, 4095] {
            let raw = Int32((x * Double(1 << 19)).rounded())
            let got = Double(F.logXForXGreaterThanOrEqualTo1(raw, inputIntegerBits: 12, outputIntegerBits: 5)) / Double(1 << 26)
            XCTAssertEqual(got, log(Double(raw) / Double(1 << 19)), accuracy: 2e-6, "log \(x)")
        }
        XCTAssertEqual(F.saturatingAdd(Int32.max, 1), .max)
        XCTAssertEqual(F.saturatingSub(Int32.min, 1), .min)
    }

    func testHelpers() {
        XCTAssertEqual(F.countLeadingSignBits(0), 31)
        XCTAssertEqual(F.countLeadingSignBits(-1), 31)
        XCTAssertEqual(F.countLeadingSignBits(.min), 0)
        XCTAssertEqual(F.countLeadingSignBits(1), 30)
        XCTAssertEqual(F.downScaleInt32ToInt16Multiplier(1 << 30), 1 << 14)
        XCTAssertEqual(F.downScaleInt32ToInt16Multiplier(.max), .max)
        XCTAssertEqual(F.calculateInputRadius(inputIntegerBits: 5, inputLeftShift: 25), 62)  // 31·2^26/2^25
        XCTAssertEqual(F.countLeadingSignBits(-2), 30)
        XCTAssertEqual(F.truncatingToInt32(.nan), .min)
        XCTAssertEqual(F.truncatingToInt32(.infinity), .min)
        XCTAssertEqual(F.truncatingToInt32(-2.9), -2)
        XCTAssertEqual(F.checkedLog2(1.0 / 32768)?.log2, -15)
        XCTAssertEqual(F.checkedLog2(0.3)?.isPowerOfTwo, false)
        XCTAssertNil(F.checkedLog2(0))
    }

    func testLookupTables() {
        // An identity table maps every int8 to itself; the int8 ordering puts -128 at index 128.
        let identity = TFLiteLookupTable.populate8(Int8.self, inputScale: 0.5, inputZeroPoint: 0, outputScale: 0.5, outputZeroPoint: 0) { $0 }
        XCTAssertEqual(identity[0], 0)
        XCTAssertEqual(identity[127], 127)
        XCTAssertEqual(Int8(bitPattern: identity[128]), -128)
        // Saturation at both ends and NaN (converted to INT32_MIN, clamped to the minimum).
        let saturating = TFLiteLookupTable.populate8(UInt8.self, inputScale: 1, inputZeroPoint: 128, outputScale: 0.01, outputZeroPoint: 0) { $0 }
        XCTAssertEqual(saturating[0], 0)
        XCTAssertEqual(saturating[255], 255)
        let nan = TFLiteLookupTable.populate8(Int8.self, inputScale: 1, inputZeroPoint: 0, outputScale: 1, outputZeroPoint: 0) { _ in .nan }
        XCTAssertTrue(nan.allSatisfy { Int8(bitPattern: $0) == -128 })
        // An int16 identity table interpolates exactly.
        let lut16 = TFLiteLookupTable.populate16(Float.self, inputScale: 1.0 / 32768, inputZeroPoint: 0, outputScale: 1.0 / 32768, outputZeroPoint: 0) { $0 }
        XCTAssertEqual(lut16.count, 513)
        lut16.withUnsafeBufferPointer { p in
            for v: Int16 in [-32768, -1000, -1, 0, 1, 129, 32767] {
                XCTAssertEqual(Int(TFLiteLookupTable.lookup(v, p.baseAddress!)), Int(v), accuracy: 2, "\(v)")
            }
        }
        XCTAssertEqual(TFLiteLookupTable.sigmoidTableUInt16.count, 256)
        XCTAssertEqual(TFLiteLookupTable.sigmoidTableUInt16.first, 32768)
    }
}
