import Foundation
import LockstepCore
import XCTest

@testable import TensorIO

// Fixtures come from scripts/make-tensorio-fixtures.py: numpy writes each file and a JSON
// sidecar with what numpy reads back, so these tests compare Lockstep with numpy.

/// Where the fixtures live, and how to compare a tensor with a numpy sidecar.
enum NpyFixtures {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("npy")
    }

    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// Names (without extension) of the valid `.npy` fixtures, i.e. those with a sidecar.
    static func validNpyNames() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return files.filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }
            .filter { files.contains($0 + ".npy") }
            .sorted()
    }

    /// The sidecar as plain values: numbers become `JSONNumber` (JSONSerialization on Linux
    /// rounds some doubles wrongly, so numbers are decoded with `JSONDecoder`).
    static func sidecar(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        return try XCTUnwrap(JSONDecoder().decode(JSONValue.self, from: data).plain as? [String: Any])
    }

    /// Compares `tensor` with a sidecar dictionary (dtype, shape, flat row-major values) and
    /// returns the differences, each prefixed with `label`.
    static func differences(_ tensor: Tensor, _ expected: [String: Any], label: String) -> [String] {
        var problems: [String] = []
        let dtype = expected["dtype"] as? String ?? "?"
        if tensor.dtype.rawValue != dtype { problems.append("\(label): dtype \(tensor.dtype), numpy says \(dtype)") }
        let shape = (expected["shape"] as? [JSONNumber])?.map { Int($0.int64 ?? -1) } ?? [-1]
        if tensor.shape != shape { problems.append("\(label): shape \(tensor.shape), numpy says \(shape)") }
        guard let values = expected["values"] as? [Any] else { return problems + ["\(label): sidecar has no values"] }
        guard problems.isEmpty else { return problems }
        if tensor.count != values.count {
            return ["\(label): \(tensor.count) elements, numpy says \(values.count)"]
        }
        for (i, value) in values.enumerated() {
            if let problem = compareElement(tensor, i, value) { problems.append("\(label)[\(i)]: \(problem)") }
        }
        return problems
    }

    /// `nil` when element `i` of `tensor` equals the sidecar value (NaN equals NaN, zero signs must match).
    static func compareElement(_ tensor: Tensor, _ i: Int, _ value: Any) -> String? {
        let bytes = tensor.storage.bytes
        switch tensor.dtype {
        case .float16, .float32, .float64:
            let actual: Double
            switch tensor.dtype {
            case .float16: actual = Double(FloatBits.halfToFloat(bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            case .float32: actual = Double(bytes.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
            default: actual = bytes.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
            }
            return compareReal(actual, value)
        case .complex64, .complex128:
            guard let pair = value as? [Any], pair.count == 2 else { return "sidecar value is not a [re, im] pair" }
            let (re, im): (Double, Double)
            if tensor.dtype == .complex64 {
                re = Double(bytes.loadUnaligned(fromByteOffset: 8 * i, as: Float.self))
                im = Double(bytes.loadUnaligned(fromByteOffset: 8 * i + 4, as: Float.self))
            } else {
                re = bytes.loadUnaligned(fromByteOffset: 16 * i, as: Double.self)
                im = bytes.loadUnaligned(fromByteOffset: 16 * i + 8, as: Double.self)
            }
            if let problem = compareReal(re, pair[0]) { return "real part: \(problem)" }
            if let problem = compareReal(im, pair[1]) { return "imaginary part: \(problem)" }
            return nil
        case .bool:
            guard let flag = value as? Bool else { return "sidecar value \(value) is not a boolean" }
            let actual = bytes[i]
            return actual == (flag ? 1 : 0) ? nil : "byte \(actual), numpy says \(flag)"
        case .int8, .int16, .int32, .int64:
            guard let number = value as? JSONNumber, let expected = number.int64 else {
                return "sidecar value \(value) is not an integer"
            }
            let actual: Int64
            switch tensor.dtype {
            case .int8: actual = Int64(bytes.loadUnaligned(fromByteOffset: i, as: Int8.self))
            case .int16: actual = Int64(bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
            case .int32: actual = Int64(bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
            default: actual = bytes.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)
            }
            return actual == expected ? nil : "\(actual), numpy says \(expected)"
        case .uint8, .uint16, .uint32, .uint64:
            guard let number = value as? JSONNumber, let expected = number.uint64 else {
                return "sidecar value \(value) is not an unsigned integer"
            }
            let actual: UInt64
            switch tensor.dtype {
            case .uint8: actual = UInt64(bytes[i])
            case .uint16: actual = UInt64(bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            case .uint32: actual = UInt64(bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            default: actual = bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
            }
            return actual == expected ? nil : "\(actual), numpy says \(expected)"
        case .string:
            let actual = tensor.strings[i]
            if let text = value as? String {
                return actual == Array(text.utf8) ? nil : "\(String(decoding: actual, as: UTF8.self).debugDescription), numpy says \(text.debugDescription)"
            }
            if let byteValues = value as? [JSONNumber] {
                let expectedBytes = byteValues.map { UInt8($0.int64 ?? -1) }
                return actual == expectedBytes ? nil : "bytes \(actual), numpy says \(expectedBytes)"
            }
            return "sidecar value \(value) is not a string or byte list"
        default:
            return "no comparison for \(tensor.dtype)"
        }
    }

    static func compareReal(_ actual: Double, _ value: Any) -> String? {
        let expected: Double
        switch value {
        case let text as String where text == "nan": return actual.isNaN ? nil : "\(actual), numpy says nan"
        case let text as String where text == "inf": expected = .infinity
        case let text as String where text == "-inf": expected = -.infinity
        case let number as JSONNumber: expected = number.double
        default: return "sidecar value \(value) is not a number"
        }
        if actual == expected && actual.sign == expected.sign { return nil }
        return "\(actual), numpy says \(expected)"
    }

    /// A fresh empty directory, removed when the test finishes.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tensorio-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A JSON number decoded every way it can be: exactly as a double, and as an integer when it is one.
struct JSONNumber: CustomStringConvertible {
    let double: Double
    let int64: Int64?
    let uint64: UInt64?
    var description: String { int64.map(String.init) ?? uint64.map(String.init) ?? "\(double)" }
}

/// Any JSON value, decoded with `JSONDecoder`.
enum JSONValue: Decodable {
    case null, bool(Bool), number(JSONNumber), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) {
            self = .number(JSONNumber(double: d, int64: try? c.decode(Int64.self), uint64: try? c.decode(UInt64.self)))
        }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Bool, JSONNumber, String, [Any], [String: Any] or NSNull.
    var plain: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let n): return n
        case .string(let s): return s
        case .array(let a): return a.map(\.plain)
        case .object(let o): return o.mapValues(\.plain)
        }
    }
}

/// Asserts `body` throws a `TensorIOError` whose message starts with `path: ` and contains every
/// substring of `reasons`; returns the error.
@discardableResult
func assertTensorIOError(_ path: String, _ reasons: [String], file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Void) -> TensorIOError? {
    do {
        try body()
        XCTFail("\(path): expected an error containing \(reasons), nothing was thrown", file: file, line: line)
    } catch let error as TensorIOError {
        let message = error.localizedDescription
        XCTAssertTrue(message.hasPrefix(path + ": "), "message does not start with the file: \(message)", file: file, line: line)
        for reason in reasons {
            XCTAssertTrue(message.contains(reason), "message lacks '\(reason)': \(message)", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("\(path): expected TensorIOError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}

final class NpyTests: XCTestCase {
    // MARK: - Reading what numpy wrote

    func testEveryValidFixtureMatchesNumpy() throws {
        let names = try NpyFixtures.validNpyNames()
        XCTAssertGreaterThanOrEqual(names.count, 36, "fixture table is suspiciously small: \(names)")
        for name in names {
            let expected = try NpyFixtures.sidecar(name)
            let tensor: Tensor
            do { tensor = try Npy.read(path: NpyFixtures.path(name + ".npy")) } catch {
                XCTFail("\(name): \(error.localizedDescription)")
                continue
            }
            for problem in NpyFixtures.differences(tensor, expected, label: name) { XCTFail(problem) }
        }
    }

    func testFixturesCoverEveryFeature() throws {
        var dtypes = Set<String>(), versions = Set<Int>()
        var fortran = 0, bigEndian = 0, scalars = 0, empties = 0
        for name in try NpyFixtures.validNpyNames() {
            let side = try NpyFixtures.sidecar(name)
            dtypes.insert(side["dtype"] as! String)
            versions.insert(Int((side["version"] as! [JSONNumber])[0].int64!))
            if side["fortran_order"] as! Bool { fortran += 1 }
            if (side["descr"] as! String).hasPrefix(">") { bigEndian += 1 }
            let shape = (side["shape"] as! [JSONNumber]).map(\.int64)
            if shape.isEmpty { scalars += 1 }
            if shape.contains(0) { empties += 1 }
        }
        XCTAssertEqual(dtypes, ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                "uint32", "uint64", "bool", "complex64", "complex128", "string"])
        XCTAssertEqual(versions, [1, 2, 3])
        XCTAssertGreaterThanOrEqual(fortran, 3)
        XCTAssertGreaterThanOrEqual(bigEndian, 5)
        XCTAssertGreaterThanOrEqual(scalars, 2)
        XCTAssertGreaterThanOrEqual(empties, 2)
    }

    func testSpotValuesAgainstNumpyLayout() throws {
        // fortran_2d is np.asfortranarray(np.arange(12).reshape(3, 4) * 0.5 - 1): row-major after reading.
        let f = try Npy.read(path: NpyFixtures.path("fortran_2d.npy"))
        XCTAssertEqual(f.shape, [3, 4])
        XCTAssertEqual(try f.floatValues(), (0..<12).map { Float($0) * 0.5 - 1 })
        let f3 = try Npy.read(path: NpyFixtures.path("fortran_3d.npy"))
        XCTAssertEqual(try f3.scalars(as: Int16.self), (0..<24).map { Int16($0 - 7) })
        let be = try Npy.read(path: NpyFixtures.path("be_i4.npy"))
        XCTAssertEqual(try be.scalars(as: Int32.self), [-2147483648, -1, 0, 1, 65536, 2147483647])
        let scalar = try Npy.read(path: NpyFixtures.path("scalar.npy"))
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(try scalar.doubleValues(), [3.5])
        let empty = try Npy.read(path: NpyFixtures.path("empty.npy"))
        XCTAssertEqual(empty.shape, [0, 3])
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual(empty.byteCount, 0)
        let unicode = try Npy.read(path: NpyFixtures.path("unicode.npy"))
        XCTAssertEqual(unicode.strings.map { String(decoding: $0, as: UTF8.self) },
                       ["héllo", "", "日本語", "🙂 x", "a\u{0}b", "abcde"])
        let bytes = try Npy.read(path: NpyFixtures.path("bytes.npy"))
        XCTAssertEqual(bytes.strings, [Array("ab".utf8), [], [0xFF, 0x00, 0x7A], Array("hello".utf8)])
    }

    func testLittleEndianCOrderIsZeroCopyOtherLayoutsAreConverted() throws {
        for name in ["f4", "f8", "i8", "u2", "c16", "bool", "v2", "v3"] {
            let tensor = try Npy.read(path: NpyFixtures.path(name + ".npy"))
            XCTAssertTrue(tensor.storage.isView, "\(name) should be a view of the mapped file")
        }
        for name in ["be_f4", "be_f2", "fortran_2d", "fortran_be_f8"] {
            let tensor = try Npy.read(path: NpyFixtures.path(name + ".npy"))
            XCTAssertFalse(tensor.storage.isView, "\(name) needs conversion into fresh storage")
        }
    }

    func testReadFromMemoryCopies() throws {
        let bytes = try [UInt8](Data(contentsOf: NpyFixtures.directory.appendingPathComponent("f4.npy")))
        let tensor = try bytes.withUnsafeBytes { try Npy.read(data: $0, name: "memory.npy") }
        XCTAssertFalse(tensor.storage.isView)
        for problem in NpyFixtures.differences(tensor, try NpyFixtures.sidecar("f4"), label: "memory") { XCTFail(problem) }
        let truncated = Array(bytes.prefix(140))
        assertTensorIOError("memory.npy", ["data is truncated"]) {
            _ = try truncated.withUnsafeBytes { try Npy.read(data: $0, name: "memory.npy") }
        }
    }

    // MARK: - Writing

    func testEncodeMatchesNumpyBytes() throws {
        // Every C-order little-endian version 1.0 file numpy wrote must be reproduced byte for
        // byte, except where the numpy header holds something a Lockstep tensor does not keep.
        let headerDiffers: Set<String> = [
            "empty_unicode",  // a (2, 0) '<U4' array: the width 4 cannot be recovered from no elements
        ]
        var compared = 0
        for name in try NpyFixtures.validNpyNames() where !headerDiffers.contains(name) {
            let side = try NpyFixtures.sidecar(name)
            guard (side["version"] as! [JSONNumber])[0].int64 == 1, side["fortran_order"] as! Bool == false,
                  !(side["descr"] as! String).hasPrefix(">")
            else { continue }
            let path = NpyFixtures.path(name + ".npy")
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let encoded = try Npy.encode(try Npy.read(path: path))
            XCTAssertEqual(encoded.count, original.count, "\(name): length")
            if encoded != original {
                XCTFail("\(name): encoded bytes differ from numpy's:\n\(String(decoding: encoded.prefix(128), as: UTF8.self))\n"
                    + String(decoding: original.prefix(128), as: UTF8.self))
            }
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 22)
    }

    func testRoundTripEveryFixtureThroughFiles() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        for name in try NpyFixtures.validNpyNames() {
            let original = try Npy.read(path: NpyFixtures.path(name + ".npy"))
            let out = dir.appendingPathComponent(name + ".npy").path
            try Npy.write(original, to: out)
            let back = try Npy.read(path: out)
            for problem in NpyFixtures.differences(back, try NpyFixtures.sidecar(name), label: "round trip \(name)") {
                XCTFail(problem)
            }
            // What Lockstep writes is always C order, little endian, and 64-byte aligned.
            let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
            let header = try written.withUnsafeBytes { try NpyHeader.parse($0) }
            XCTAssertFalse(header.fortranOrder, name)
            XCTAssertFalse(header.descr.bigEndian, name)
            XCTAssertEqual(header.dataOffset % 64, 0, name)
            XCTAssertEqual(written[header.dataOffset - 1], 0x0A, "\(name): header must end with a newline")
        }
    }

    func testWritesTensorsBuiltInSwift() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        let cases: [(String, Tensor)] = [
            ("scalar", try Tensor(dtype: .int32, shape: [], values: [Int32(-7)])),
            ("empty", try Tensor(dtype: .float64, shape: [2, 0, 3], values: [Double]())),
            ("halves", try Tensor(dtype: .float16, shape: [3], values: [0x3C00, 0x8000, 0x7C00] as [UInt16])),
            ("strings", try Tensor(strings: [Array("añb".utf8), [], Array("🙂".utf8), Array("xyz".utf8)], shape: [2, 2])),
            ("raw bytes", try Tensor(strings: [[0xFF, 0xFE], [0x41]], shape: [2])),
        ]
        for (label, tensor) in cases {
            let path = dir.appendingPathComponent("\(label).npy").path
            try Npy.write(tensor, to: path)
            let back = try Npy.read(path: path)
            XCTAssertEqual(back.dtype, tensor.dtype, label)
            XCTAssertEqual(back.shape, tensor.shape, label)
            XCTAssertEqual(back.strings, tensor.strings, label)
            XCTAssertEqual(Array(back.storage.bytes), Array(tensor.storage.bytes), label)
        }
        let strings = try Npy.encode(cases[3].1)
        XCTAssertTrue(String(decoding: strings.prefix(64), as: UTF8.self).contains("'descr': '<U3'"))
        let raw = try Npy.encode(cases[4].1)
        XCTAssertTrue(String(decoding: raw.prefix(64), as: UTF8.self).contains("'descr': '|S2'"))
    }

    func testHeaderIsPaddedToSixtyFourBytesAndPicksTheVersion() throws {
        for shape in [[], [1], [3, 4], [123456789, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]] {
            let count = shape.reduce(1, *)
            let bytes = try Npy.encode(try Tensor(dtype: .uint8, shape: shape, values: [UInt8](repeating: 1, count: count)))
            let header = try bytes.withUnsafeBytes { try NpyHeader.parse($0) }
            XCTAssertEqual(header.major, 1)
            XCTAssertEqual(header.dataOffset % 64, 0, "\(shape)")
            XCTAssertEqual(bytes[header.dataOffset - 1], 0x0A)
            XCTAssertEqual(header.shape, shape)
        }
        // A header longer than 65535 bytes needs version 2.0 (a 4-byte header length).
        let manyAxes = [Int](repeating: 1, count: 22_000)
        let long = try Npy.encode(try Tensor(dtype: .float32, shape: manyAxes, values: [Float(2.5)]))
        XCTAssertEqual(Array(long[6..<8]), [2, 0])
        let back = try long.withUnsafeBytes { try Npy.read(data: $0, name: "long.npy") }
        XCTAssertEqual(back.shape, manyAxes)
        XCTAssertEqual(try back.floatValues(), [2.5])
        XCTAssertEqual((long.count - 4) % 64, 0)
    }

    func testRefusesToOverwriteUnlessAsked() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        let path = dir.appendingPathComponent("golden.npy").path
        let first = try Tensor(float32: [1, 2, 3], shape: [3])
        let second = try Tensor(float32: [4, 5], shape: [2])
        try Npy.write(first, to: path)
        let error = assertTensorIOError(path, ["already exists", "overwrite"]) { try Npy.write(second, to: path) }
        XCTAssertEqual(error, .fileExists(path: path))
        XCTAssertEqual(try Npy.read(path: path).floatValues(), [1, 2, 3], "the existing file must be untouched")
        try Npy.write(second, to: path, overwrite: true)
        XCTAssertEqual(try Npy.read(path: path).floatValues(), [4, 5])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["golden.npy"],
                       "no temporary files may be left behind")
        assertTensorIOError(dir.path + "/missing/x.npy", ["no such file"]) {
            try Npy.write(first, to: dir.path + "/missing/x.npy")
        }
    }

    func testTypesNumpyCannotHoldAreRejectedByName() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        let unrepresentable: [DType] = [.bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz,
                                        .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2, .int4, .uint4, .int2, .uint2]
        for dtype in DType.allCases {
            let representable = !unrepresentable.contains(dtype)
            XCTAssertEqual((try? NpyEncoded.descr(for: dtype)) != nil, representable, "\(dtype)")
        }
        for dtype in unrepresentable {
            let bytes = dtype.storageBytes(count: 4)!
            let tensor = try Tensor(dtype: dtype, shape: [4], storage: TensorStorage(copying: [UInt8](repeating: 0, count: bytes)))
            let path = dir.appendingPathComponent("\(dtype).npy").path
            let error = assertTensorIOError(path, ["\(dtype) tensors cannot be written", "numpy has no \(dtype)"]) {
                try Npy.write(tensor, to: path)
            }
            if case .unsupported = error {} else { XCTFail("\(dtype): expected .unsupported, got \(String(describing: error))") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(dtype): nothing may be created")
            XCTAssertThrowsError(try Npy.encode(tensor))
        }
    }

    // MARK: - Hostile input

    func testHostileFilesFailWithTheFileAndTheReason() throws {
        let cases: [(String, [String])] = [
            ("hostile_bad_magic.npy", ["not a .npy file", "bad magic"]),
            ("hostile_not_npy.npy", ["not a .npy file", "bad magic"]),
            ("hostile_short_prefix.npy", ["not a .npy file", "only 7 bytes"]),
            ("hostile_bad_version.npy", ["format version 4.0 is not supported"]),
            ("hostile_header_past_end.npy", ["header is truncated", "header length 65520", "23 bytes"]),
            ("hostile_header_past_end_v2.npy", ["header is truncated", "header length 4294967280"]),
            ("hostile_truncated_data.npy",
             ["data is truncated: shape (1000, 1000) of float32 needs 4000000 bytes, found 12"]),
            ("hostile_huge_shape.npy", ["shape (4611686018427387904, 4611686018427387904) of float64 is too large"]),
            ("hostile_huge_dim.npy", ["dimension 99999999999999999999999 is too large"]),
            ("hostile_negative_dim.npy", ["negative dimension -1"]),
            ("hostile_unknown_descr.npy", ["unknown descr '<x4'"]),
            ("hostile_float128.npy", ["'<f16'", "no Lockstep dtype"]),
            ("hostile_code_in_header.npy", ["not a valid dict literal", "__import__"]),
            ("hostile_missing_key.npy", ["no 'fortran_order' key"]),
            ("hostile_shape_not_tuple.npy", ["'shape' must be a tuple"]),
            ("hostile_unterminated_string.npy", ["not a valid dict literal", "expected ',' or '}'"]),
            ("hostile_object.npy", ["object arrays (pickled) are not supported"]),
            ("hostile_structured.npy", ["structured dtypes are not supported"]),
            ("hostile_void.npy", ["raw void descr '|V2'"]),
            ("hostile_datetime.npy", ["datetime/timedelta descr '<M8[s]'"]),
        ]
        for (file, reasons) in cases {
            let path = NpyFixtures.path(file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "missing fixture \(file)")
            assertTensorIOError(path, reasons) { _ = try Npy.read(path: path) }
            // The same bytes from memory fail the same way.
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            assertTensorIOError(file, reasons) { _ = try bytes.withUnsafeBytes { try Npy.read(data: $0, name: file) } }
        }
        assertTensorIOError("/nonexistent/x.npy", ["no such file"]) { _ = try Npy.read(path: "/nonexistent/x.npy") }
        assertTensorIOError(NpyFixtures.directory.path, ["not a regular file"]) {
            _ = try Npy.read(path: NpyFixtures.directory.path)
        }
    }

    func testEveryTruncationOfAValidFileFailsCleanly() throws {
        for name in ["f4", "unicode", "v2", "be_c16", "fortran_3d"] {
            let bytes = try [UInt8](Data(contentsOf: NpyFixtures.directory.appendingPathComponent(name + ".npy")))
            for length in 0..<bytes.count {
                let prefix = Array(bytes.prefix(length))
                XCTAssertThrowsError(try prefix.withUnsafeBytes { try Npy.read(data: $0, name: "cut.npy") },
                                     "\(name) cut to \(length) bytes") { error in
                    XCTAssertTrue(error is TensorIOError)
                    XCTAssertTrue(error.localizedDescription.hasPrefix("cut.npy: "), error.localizedDescription)
                }
            }
        }
    }

    // MARK: - Header parser

    private func header(_ dict: String, version: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
        let body = Array(dict.utf8)
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        if version == 1 {
            out += [UInt8(body.count & 0xFF), UInt8(body.count >> 8)]
        } else {
            out += [UInt8(body.count & 0xFF), UInt8((body.count >> 8) & 0xFF), UInt8(body.count >> 16), 0]
        }
        return out + body + data
    }

    private func parse(_ dict: String, version: UInt8 = 1) throws -> NpyHeader {
        try header(dict, version: version).withUnsafeBytes { try NpyHeader.parse($0) }
    }

    func testHeaderParserAcceptsWhatPythonWrites() throws {
        let h = try parse(#"{"shape": (2,3,), "fortran_order": True, "descr": "<i2"}"#)
        XCTAssertEqual(h.shape, [2, 3])
        XCTAssertTrue(h.fortranOrder)
        XCTAssertEqual(h.descr.element, .numeric(.int16))
        XCTAssertEqual(try parse("{'descr':'|u1','fortran_order':False,'shape':()}\n").shape, [])
        XCTAssertEqual(try parse("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }  \n").shape, [3, 4])
        XCTAssertEqual(try parse("{'descr': '<f4', 'fortran_order': False, 'shape': ((5),), }").shape, [5])
        XCTAssertEqual(try parse("{'descr': '=c8', 'fortran_order': False, 'shape': (1,), }").descr.element, .numeric(.complex64))
        XCTAssertEqual(try parse("{'descr': '?', 'fortran_order': False, 'shape': (1,), }").descr.element, .numeric(.bool))
        XCTAssertEqual(try parse("{'descr': 'bfloat16', 'fortran_order': False, 'shape': (1,), }").descr.element, .numeric(.bfloat16))
        XCTAssertEqual(try parse("{'descr': '>U7', 'fortran_order': False, 'shape': (1,), }").descr.itemSize, 28)
        XCTAssertEqual(try parse("{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (1,), }", version: 3).descr.text, "<f4")
    }

    func testHeaderParserRejectsAnythingElse() {
        let cases: [(String, String)] = [
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", "'shape' must be a tuple"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", "'shape' must be a tuple"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3.0,), }", "malformed integer"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': ('3',), }", "must hold integers"),
            ("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }", "'fortran_order' must be True or False"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "unexpected key 'extra'"),
            ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", "duplicate key 'descr'"),
            ("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (3,)}", "expected a string, number"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} x", "unexpected text after the dict"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", "expected ',' or '}'"),
            ("['descr', '<f4']", "expected '{'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: 100), "nesting is too deep"),
            ("{'descr': '<f4\\q', 'fortran_order': False, 'shape': (3,)}", "unsupported escape"),
            ("{'descr': 7, 'fortran_order': False, 'shape': (3,)}", "'descr' must be a string"),
            ("{'descr': '<i3', 'fortran_order': False, 'shape': (3,)}", "unknown descr '<i3'"),
            ("{'descr': '<f4 ', 'fortran_order': False, 'shape': (3,)}", "unknown descr"),
            ("{'descr': '', 'fortran_order': False, 'shape': (3,)}", "unknown descr ''"),
            ("{'descr': '<U99999999999999999999', 'fortran_order': False, 'shape': (3,)}", "unknown descr"),
            ("", "expected '{'"),
        ]
        for (dict, reason) in cases {
            XCTAssertThrowsError(try parse(dict), dict) { error in
                let message = (error as? NpyFailure)?.reason ?? "\(error)"
                XCTAssertTrue(message.contains(reason), "\(dict): '\(message)' lacks '\(reason)'")
            }
        }
    }

    func testVersionThreeHeaderIsUTF8AndVersionOneIsLatin1() throws {
        // 'é' in UTF-8 is two bytes; as latin1 (version 1.0) they are two characters.
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'é': 1}"
        XCTAssertThrowsError(try parse(dict, version: 3)) { error in
            XCTAssertTrue((error as? NpyFailure)?.reason.contains("unexpected key 'é'") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try parse(dict, version: 1)) { error in
            XCTAssertTrue((error as? NpyFailure)?.reason.contains("unexpected key 'Ã©'") ?? false, "\(error)")
        }
        var invalid = header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", version: 3)
        invalid[14] = 0xFF
        XCTAssertThrowsError(try invalid.withUnsafeBytes { try NpyHeader.parse($0) }) { error in
            XCTAssertTrue((error as? NpyFailure)?.reason.contains("not valid UTF-8") ?? false, "\(error)")
        }
    }

    func testInvalidUTF32IsRejected() {
        let bytes = header("{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", data: [0x00, 0xD8, 0x00, 0x00])
        assertTensorIOError("s.npy", ["not valid UTF-32", "0xd800"]) {
            _ = try bytes.withUnsafeBytes { try Npy.read(data: $0, name: "s.npy") }
        }
    }

    func testBFloat16DescrIsReadAsBFloat16() throws {
        let bytes = header("{'descr': 'bfloat16', 'fortran_order': False, 'shape': (2,), }", data: [0x80, 0x3F, 0x00, 0xC0])
        let tensor = try bytes.withUnsafeBytes { try Npy.read(data: $0, name: "b.npy") }
        XCTAssertEqual(tensor.dtype, .bfloat16)
        XCTAssertEqual(try tensor.floatValues(), [1.0, -2.0])
    }

    func testTrailingBytesAfterTheDataAreIgnoredAsNumpyDoes() throws {
        let bytes = header("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", data: [1, 0, 2, 0, 9, 9, 9])
        let tensor = try bytes.withUnsafeBytes { try Npy.read(data: $0, name: "t.npy") }
        XCTAssertEqual(try tensor.scalars(as: Int16.self), [1, 2])
    }
}
