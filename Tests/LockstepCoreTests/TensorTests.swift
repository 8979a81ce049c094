import XCTest

@testable import LockstepCore

final class TensorTests: XCTestCase {
    func testShapeAndByteCountAreValidated() throws {
        XCTAssertThrowsError(try Tensor(float32: [1, 2, 3], shape: [2, 2]))
        XCTAssertThrowsError(try Tensor(dtype: .float32, shape: [-1], storage: TensorStorage(copying: [])))
        XCTAssertThrowsError(try Tensor(dtype: .float32, shape: [1 << 40, 1 << 40], storage: TensorStorage(copying: [])))
        XCTAssertThrowsError(try Tensor(dtype: .float64, shape: [1], values: [Float(1)]))
        let scalar = try Tensor(float32: [7], shape: [])
        XCTAssertEqual(scalar.count, 1)
        XCTAssertEqual(scalar.rank, 0)
        let empty = try Tensor(float32: [], shape: [0, 3])
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual(try empty.floatValues(), [])
    }

    func testConversionToRealForEveryConvertibleType() throws {
        func tensor<T: BitwiseCopyable>(_ dtype: DType, _ values: [T]) throws -> Tensor {
            try Tensor(dtype: dtype, shape: [values.count], values: values)
        }
        XCTAssertEqual(try tensor(.float32, [Float(-0.0), 1.5, .infinity]).doubleValues(), [-0.0, 1.5, .infinity])
        XCTAssertEqual(try tensor(.float64, [1e300, -2]).floatValues(), [.infinity, -2])
        XCTAssertEqual(try tensor(.float16, [UInt16(0x3c00), 0xc000]).floatValues(), [1, -2])
        XCTAssertEqual(try tensor(.bfloat16, [UInt16(0x3f80)]).floatValues(), [1])
        XCTAssertEqual(try tensor(.int8, [Int8(-128), 127]).doubleValues(), [-128, 127])
        XCTAssertEqual(try tensor(.uint8, [UInt8(255)]).doubleValues(), [255])
        XCTAssertEqual(try tensor(.int16, [Int16(-300)]).doubleValues(), [-300])
        XCTAssertEqual(try tensor(.uint16, [UInt16(65535)]).doubleValues(), [65535])
        XCTAssertEqual(try tensor(.int32, [Int32.min]).doubleValues(), [Double(Int32.min)])
        XCTAssertEqual(try tensor(.uint32, [UInt32.max]).doubleValues(), [Double(UInt32.max)])
        XCTAssertEqual(try tensor(.int64, [Int64(1) << 53]).doubleValues(), [9_007_199_254_740_992])
        XCTAssertEqual(try tensor(.uint64, [UInt64.max]).doubleValues(), [Double(UInt64.max)])
        XCTAssertEqual(try tensor(.bool, [UInt8(0), 1, 2]).doubleValues(), [0, 1, 1])
        XCTAssertEqual(try tensor(.float8e4m3fn, [UInt8(0x38)]).floatValues(), [1])
        XCTAssertThrowsError(try tensor(.complex64, [Float(1), 2]).doubleValues())
        // float6e2m3 codes [0x08 (1.0), 0x1f (7.5), 0x21 (-0.125), 0x00] packed LSB-first: 24 bits.
        let codes: [UInt32] = [0x08, 0x1f, 0x21, 0x00]
        let bits = codes.enumerated().reduce(UInt32(0)) { $0 | ($1.element << UInt32(6 * $1.offset)) }
        let f6 = try Tensor(dtype: .float6e2m3, shape: [4], storage: TensorStorage(copying: [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8(bits >> 16)]))
        XCTAssertEqual(try f6.floatValues(), [1, 7.5, -0.125, 0])
        let nan = try tensor(.float32, [Float.nan]).doubleValues()
        XCTAssertTrue(nan[0].isNaN)
    }

    func testSubByteUnpackingIsLowNibbleFirstAndSignExtends() throws {
        // int4 values [1, -1, 7, -8, 3]: bytes 0xF1, 0x87, 0x03
        let int4 = try Tensor(dtype: .int4, shape: [5], storage: TensorStorage(copying: [0xF1, 0x87, 0x03]))
        XCTAssertEqual(try int4.unpackedSubByte(), [1, -1, 7, -8, 3])
        XCTAssertEqual(try int4.doubleValues(), [1, -1, 7, -8, 3])
        let uint4 = try Tensor(dtype: .uint4, shape: [2], storage: TensorStorage(copying: [0xF1]))
        XCTAssertEqual(try uint4.unpackedSubByte(), [1, 15])
        let int2 = try Tensor(dtype: .int2, shape: [4], storage: TensorStorage(copying: [0b11_10_01_00]))
        XCTAssertEqual(try int2.unpackedSubByte(), [0, 1, -2, -1])
        let fp4 = try Tensor(dtype: .float4e2m1, shape: [2], storage: TensorStorage(copying: [0x9F]))
        XCTAssertEqual(try fp4.floatValues(), [-6, -0.5])
    }

    func testStringTensorsAndTypedAccess() throws {
        let s = try Tensor(strings: [Array("a".utf8), []], shape: [2])
        XCTAssertEqual(s.dtype, .string)
        XCTAssertEqual(s.strings.count, 2)
        XCTAssertThrowsError(try Tensor(strings: [], shape: [1]))
        let t = try Tensor(dtype: .int32, shape: [2, 2], values: [Int32(1), 2, 3, 4])
        XCTAssertEqual(try t.scalars(as: Int32.self), [1, 2, 3, 4])
        XCTAssertThrowsError(try t.scalars(as: Int64.self))
    }

    func testUnalignedViewsAreReadCorrectly() throws {
        let bytes: [UInt8] = [0xFF, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
        let owner = TensorStorage(copying: bytes)
        let view = TensorStorage(viewing: UnsafeRawBufferPointer(rebasing: owner.bytes[1..<9]), owner: owner)
        XCTAssertTrue(view.isView)
        let t = try Tensor(dtype: .float32, shape: [2], storage: view)
        XCTAssertEqual(try t.floatValues(), [1, 2])
        let aligned = t.aligned()
        XCTAssertFalse(aligned.storage.isView, "a misaligned view is copied once")
        XCTAssertEqual(Int(bitPattern: aligned.storage.bytes.baseAddress!) % 4, 0)
        XCTAssertEqual(try aligned.floatValues(), [1, 2])
        let already = try Tensor(float32: [3], shape: [1])
        XCTAssertTrue(already.aligned().storage === already.storage, "aligned storage is kept as is")
    }

    func testMappedFileViewsAndErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-core-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.bin").path
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path)
        XCTAssertEqual(Array(file.storage(range: 1..<4).bytes), [2, 3, 4])
        let emptyPath = dir.appendingPathComponent("empty.bin").path
        _ = FileManager.default.createFile(atPath: emptyPath, contents: Data())
        XCTAssertEqual(try MappedFile(path: emptyPath).bytes.count, 0)
        XCTAssertThrowsError(try MappedFile(path: dir.appendingPathComponent("missing").path)) { error in
            XCTAssertTrue("\(error.localizedDescription)".contains("no such file"), error.localizedDescription)
        }
        XCTAssertThrowsError(try MappedFile(path: dir.path)) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a regular file"), error.localizedDescription)
        }
    }

    func testQuantizationGranularity() {
        XCTAssertEqual(QuantizationParameters(scales: [0.1], zeroPoints: [0]).granularity, .perTensor)
        XCTAssertEqual(QuantizationParameters(scales: [0.1, 0.2], zeroPoints: [0, 0], axis: 0).granularity, .perAxis)
        XCTAssertEqual(QuantizationParameters(scales: [0.1, 0.2], zeroPoints: [0, 0], axis: 1, blockSize: 32).granularity, .blocked)
    }
}
