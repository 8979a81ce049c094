import XCTest

@testable import LockstepCore

final class FloatBitsTests: XCTestCase {
    func testHalfKnownValues() {
        let cases: [(UInt16, Float)] = [
            (0x3c00, 1), (0xc000, -2), (0x7bff, 65504), (0x0001, 0x1p-24), (0x03ff, 0x3ffp-24),
            (0x0400, 0x1p-14), (0x3555, 0.333251953125), (0x7c00, .infinity), (0xfc00, -.infinity),
        ]
        for (bits, value) in cases {
            XCTAssertEqual(FloatBits.halfToFloat(bits), value, String(bits, radix: 16))
            XCTAssertEqual(FloatBits.floatToHalf(value), bits, "\(value)")
        }
        XCTAssertEqual(FloatBits.halfToFloat(0x8000).sign, .minus)
        XCTAssertEqual(FloatBits.halfToFloat(0x8000), 0)
        XCTAssertTrue(FloatBits.halfToFloat(0x7e00).isNaN)
        XCTAssertTrue(FloatBits.halfToFloat(FloatBits.floatToHalf(.nan)).isNaN)
    }

    func testEveryHalfRoundTripsThroughFloat() {
        for bits in 0...UInt16.max {
            let f = FloatBits.halfToFloat(bits)
            if f.isNaN { continue }
            XCTAssertEqual(FloatBits.floatToHalf(f), bits, "half 0x\(String(bits, radix: 16)) → \(f)")
        }
    }

    func testHalfRoundsToNearestEven() {
        XCTAssertEqual(FloatBits.floatToHalf(1 + 0x1p-11), 0x3c00)  // halfway, even stays
        XCTAssertEqual(FloatBits.floatToHalf(1 + 3 * 0x1p-11), 0x3c02)  // halfway, odd rounds up
        XCTAssertEqual(FloatBits.floatToHalf(65520), 0x7c00)  // rounds to infinity
        XCTAssertEqual(FloatBits.floatToHalf(0x1p-25), 0x0000)  // halfway to the smallest subnormal
        XCTAssertEqual(FloatBits.floatToHalf(0x1.8p-25), 0x0001)
    }

    func testBFloat16() {
        XCTAssertEqual(FloatBits.bfloat16ToFloat(0x3f80), 1)
        XCTAssertEqual(FloatBits.floatToBFloat16(1), 0x3f80)
        XCTAssertEqual(FloatBits.floatToBFloat16(Float(bitPattern: 0x3f80_8000)), 0x3f80)  // tie to even
        XCTAssertEqual(FloatBits.floatToBFloat16(Float(bitPattern: 0x3f81_8000)), 0x3f82)
        XCTAssertTrue(FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(.nan)).isNaN)
    }

    func testFloat8AndFloat4KnownValues() {
        // Values from the ONNX float8 tables (onnx/docs/Float8.md).
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x7e, .float8e4m3fn), 448)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x38, .float8e4m3fn), 1)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x01, .float8e4m3fn), 0x1p-9)
        XCTAssertTrue(FloatBits.smallFloatToFloat(0x7f, .float8e4m3fn).isNaN)
        XCTAssertTrue(FloatBits.smallFloatToFloat(0xff, .float8e4m3fn).isNaN)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x7f, .float8e4m3fnuz), 240)
        XCTAssertTrue(FloatBits.smallFloatToFloat(0x80, .float8e4m3fnuz).isNaN)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x7b, .float8e5m2), 57344)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x7c, .float8e5m2), .infinity)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0xfc, .float8e5m2), -.infinity)
        XCTAssertTrue(FloatBits.smallFloatToFloat(0x7d, .float8e5m2).isNaN)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x7f, .float8e5m2fnuz), 57344)
        XCTAssertEqual(FloatBits.smallFloatToFloat(127, .float8e8m0), 1)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0, .float8e8m0), 0x1p-127)
        XCTAssertTrue(FloatBits.smallFloatToFloat(255, .float8e8m0).isNaN)
        // float6 (OCP MX): E2M3 max 7.5, smallest subnormal 1/8; E3M2 max 28, smallest 1/16.
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x1f, .float6e2m3), 7.5)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x01, .float6e2m3), 0.125)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x08, .float6e2m3), 1)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x3f, .float6e2m3), -7.5)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x1f, .float6e3m2), 28)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x01, .float6e3m2), 0.0625)
        XCTAssertEqual(FloatBits.smallFloatToFloat(0x0c, .float6e3m2), 1)
        let fp4: [Float] = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
        for (code, value) in fp4.enumerated() {
            XCTAssertEqual(FloatBits.smallFloatToFloat(UInt8(code), .float4e2m1), value)
            XCTAssertEqual(FloatBits.smallFloatToFloat(UInt8(code) | 8, .float4e2m1), -value)
        }
    }
}
