import XCTest

@testable import LockstepCore

final class DTypeTests: XCTestCase {
    func testONNXCodesRoundTripAndMatchTheSpec() {
        // Codes from onnx/onnx-ml.proto TensorProto.DataType (onnx 1.23.2).
        let expected: [(DType, Int32)] = [
            (.float32, 1), (.uint8, 2), (.int8, 3), (.uint16, 4), (.int16, 5), (.int32, 6), (.int64, 7),
            (.string, 8), (.bool, 9), (.float16, 10), (.float64, 11), (.uint32, 12), (.uint64, 13),
            (.complex64, 14), (.complex128, 15), (.bfloat16, 16), (.float8e4m3fn, 17), (.float8e4m3fnuz, 18),
            (.float8e5m2, 19), (.float8e5m2fnuz, 20), (.uint4, 21), (.int4, 22), (.float4e2m1, 23),
            (.float8e8m0, 24), (.uint2, 25), (.int2, 26), (.float6e2m3, 27), (.float6e3m2, 28),
        ]
        XCTAssertEqual(expected.count, DType.allCases.count, "every DType has an ONNX code")
        for (dtype, code) in expected {
            XCTAssertEqual(dtype.onnxCode, code, "\(dtype)")
            XCTAssertEqual(DType(onnxCode: code), dtype)
        }
        XCTAssertNil(DType(onnxCode: 0))
        XCTAssertNil(DType(onnxCode: 999))
    }

    func testStorageBytesPackSubByteTypesAndRejectOverflow() {
        XCTAssertEqual(DType.float32.storageBytes(count: 3), 12)
        XCTAssertEqual(DType.int4.storageBytes(count: 3), 2)
        XCTAssertEqual(DType.uint2.storageBytes(count: 5), 2)
        XCTAssertEqual(DType.float6e2m3.storageBytes(count: 4), 3)
        XCTAssertEqual(DType.complex128.storageBytes(count: 2), 32)
        XCTAssertNil(DType.string.storageBytes(count: 1))
        XCTAssertNil(DType.float64.storageBytes(count: Int.max / 2))
        XCTAssertEqual(DType.bool.storageBytes(count: 0), 0)
    }

    func testClassification() {
        XCTAssertTrue(DType.bfloat16.isFloatingPoint)
        XCTAssertFalse(DType.bfloat16.isInteger)
        XCTAssertTrue(DType.int4.isSignedInteger)
        XCTAssertFalse(DType.uint64.isSignedInteger)
        XCTAssertTrue(DType.complex64.isComplex)
        XCTAssertNil(DType.int4.byteWidth)
        XCTAssertEqual(DType.float16.byteWidth, 2)
    }

    func testShapeSymbolsAndCounts() throws {
        let shape = Shape([.symbolic("batch"), .fixed(3), .unknown, .symbolic("batch")])
        XCTAssertEqual(shape.description, "[batch, 3, ?, batch]")
        XCTAssertEqual(shape.symbols, ["batch"])
        XCTAssertFalse(shape.isStatic)
        XCTAssertNil(shape.fixedDimensions)
        XCTAssertEqual(Shape(fixed: [2, 3]).fixedDimensions, [2, 3])
        XCTAssertEqual(Shape.elementCount([]), 1)
        XCTAssertEqual(Shape.elementCount([2, 0, 5]), 0)
        XCTAssertNil(Shape.elementCount([1 << 40, 1 << 40]))
        XCTAssertNil(Shape.elementCount([-1]))
        let json = String(decoding: try JSONEncoder().encode(shape), as: UTF8.self)
        XCTAssertEqual(json, #"["batch",3,null,"batch"]"#)
        XCTAssertEqual(try JSONDecoder().decode(Shape.self, from: Data(json.utf8)), shape)
    }
}
