import Foundation
import LockstepCore
import XCTest

@testable import TensorIO

/// The TensorProto decoder against `.pb` files the onnx package wrote.
///
/// Fixtures: Tests/TensorIOTests/Fixtures/pb, made by scripts/make-tensorproto-fixtures.py (see the
/// README.md there). Every valid `<name>.pb` has a `<name>.json` sidecar holding what
/// `onnx.numpy_helper.to_array` reads from it; values are compared bit-exactly (NaN as NaN, the
/// sign of zero checked, `Float`/`Double` equality, no tolerances).
final class TensorProtoTests: XCTestCase {
    static let folder: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("pb")

    static func path(_ file: String) -> String { folder.appendingPathComponent(file).path }

    /// Hostile files and the reason each must be refused with (the message is `<path>: <reason>`).
    static let hostile: [(file: String, reason: String)] = [
        ("bad_truncated.pb", "not a valid ONNX TensorProto (truncated): field 9 at byte 7 declares 64 bytes but only 44 remain"),
        // Observed message; an "empty file (0 bytes)" reason (as the ONNX loader gives) would be clearer.
        ("bad_empty.pb", "empty file (0 bytes)"),
        ("bad_malformed.pb", "not a valid ONNX TensorProto (malformed protobuf): unsupported wire type 7 at byte 2"),
        ("bad_truncated_large.pb", "not a valid ONNX TensorProto (truncated): field 9 at byte 8 declares 2048 bytes but only 1048 remain"),
        ("bad_raw_length.pb", "raw_data holds 12 bytes, float32 shape [4] needs 16"),
        ("bad_raw_length_large.pb", "raw_data holds 1028 bytes, float32 shape [256] needs 1024"),
        ("bad_dtype_undefined.pb", "data_type is missing (UNDEFINED)"),
        ("bad_dtype_missing.pb", "data_type is missing (UNDEFINED)"),
        ("bad_dtype_999.pb", "unsupported data_type 999"),
        ("bad_float_data_count.pb", "float_data holds 3 values, shape [4] needs 4"),
        ("bad_int64_data_count.pb", "int64_data holds 5 values, shape [2, 2] needs 4"),
        ("bad_string_count.pb", "string_data holds 2 values, shape [3] needs 3"),
        ("bad_no_data.pb", "float_data holds 0 values, shape [4] needs 4"),
        ("bad_negative_dim.pb", "negative or too large dimension -3"),
        ("bad_huge_dims.pb", "dims [1099511627776, 1099511627776] overflow the element count"),
        ("bad_segment.pb", "segmented tensors (TensorProto.segment) are not supported"),
        ("bad_external_parent.pb", "external data location '../x.bin' leaves the model's folder ('..')"),
        ("bad_external_absolute.pb", "external data location '/etc/hostname' is an absolute path"),
        ("bad_external_length_past_end.pb", "external data 'bad_external_short.bin' has 8 bytes at offset 0, 16 needed"),
        ("bad_external_offset_past_end.pb", "external data offset 100 is past the end of 'bad_external_short.bin' (8 bytes)"),
        ("bad_external_implicit_length_past_end.pb", "external data 'bad_external_short.bin' has 8 bytes at offset 0, 16 needed"),
        ("bad_external_length_mismatch.pb", "external data length 12 does not match its type and shape (16 bytes)"),
        ("bad_external_missing.pb", "external data location 'missing.bin' does not exist"),
        ("bad_external_no_location.pb", "external data has no 'location'"),
        ("bad_external_negative_offset.pb", "external data offset '-4' is not a non-negative integer"),
    ]


    // MARK: - Sidecars

    /// What onnx says a file holds (see scripts/make-tensorproto-fixtures.py for the format).
    struct Sidecar: Decodable {
        enum Values {
            case reals([Double])
            case ints([Int64])
            case uints([UInt64])
            case bools([Bool])
            case strings([String])
            case complex([[Double]])

            var count: Int {
                switch self {
                case .reals(let v): return v.count
                case .ints(let v): return v.count
                case .uints(let v): return v.count
                case .bools(let v): return v.count
                case .strings(let v): return v.count
                case .complex(let v): return v.count
                }
            }
        }

        /// A real number: a JSON number, or "nan", "inf", "-inf", "-0".
        struct Real: Decodable {
            let value: Double
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) {
                    switch s {
                    case "nan": value = .nan
                    case "inf": value = .infinity
                    case "-inf": value = -.infinity
                    case "-0": value = -0.0
                    default: throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown special value '\(s)'")
                    }
                } else {
                    value = try c.decode(Double.self)
                }
            }
        }

        let name: String
        let dtype: DType
        let shape: [Int]
        let encoding: String
        let field: String
        let sameAs: String?
        let values: Values

        enum CodingKeys: String, CodingKey {
            case name, dtype, shape, encoding, field, values
            case sameAs = "same_as"
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            dtype = try c.decode(DType.self, forKey: .dtype)
            shape = try c.decode([Int].self, forKey: .shape)
            encoding = try c.decode(String.self, forKey: .encoding)
            field = try c.decode(String.self, forKey: .field)
            sameAs = try c.decodeIfPresent(String.self, forKey: .sameAs)
            switch dtype {
            case .string: values = .strings(try c.decode([String].self, forKey: .values))
            case .bool: values = .bools(try c.decode([Bool].self, forKey: .values))
            case .uint64: values = .uints(try c.decode([UInt64].self, forKey: .values))
            case .complex64, .complex128: values = .complex(try c.decode([[Real]].self, forKey: .values).map { $0.map(\.value) })
            default:
                if dtype.isInteger {
                    values = .ints(try c.decode([Int64].self, forKey: .values))
                } else {
                    values = .reals(try c.decode([Real].self, forKey: .values).map(\.value))
                }
            }
        }

        static func load(_ file: String) throws -> Sidecar {
            try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: folder.appendingPathComponent(file)))
        }
    }

    /// Every `(pb file, sidecar)` in the folder.
    static func sidecars() throws -> [(pb: String, sidecar: Sidecar)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted().map { json in
            (String(json.dropLast(5)) + ".pb", try Sidecar.load(json))
        }
    }

    // MARK: - Comparison

    /// Bit-exact equality of a decoded value and onnx's: NaN matches NaN, zeros must agree in sign.
    static func same<F: BinaryFloatingPoint>(_ actual: F, _ expected: F) -> Bool {
        expected.isNaN ? actual.isNaN : actual == expected && actual.sign == expected.sign
    }

    /// `expected` as a `Float`, failing when the sidecar value is not exactly a Float (a sidecar bug).
    static func float(_ expected: Double, _ context: String) -> Float {
        let f = Float(expected)
        XCTAssert(expected.isNaN || Double(f) == expected, "\(context): sidecar value \(expected) is not exactly a Float")
        return f
    }

    /// The 6-bit codes of a float6 tensor (a little-endian bit stream, element i at bit 6·i).
    static func float6Codes(_ t: Tensor) -> [UInt8] {
        let bytes = Array(t.storage.bytes)
        return (0..<t.count).map { i in
            let bit = i * 6, byte = bit / 8, shift = bit % 8
            var v = Int(bytes[byte]) >> shift
            if shift > 2 { v |= Int(bytes[byte + 1]) << (8 - shift) }
            return UInt8(v & 0x3f)
        }
    }

    /// OCP MX float6 (no Inf or NaN): E2M3 bias 1, E3M2 bias 3.
    static func float6Value(_ code: UInt8, _ dtype: DType) -> Float {
        let (expBits, mantBits, bias) = dtype == .float6e2m3 ? (2, 3, 1) : (3, 2, 3)
        let exp = Int(code >> UInt8(mantBits)) & ((1 << expBits) - 1)
        let mant = Int(code) & ((1 << mantBits) - 1)
        let magnitude = exp == 0
            ? Float(mant) * Float(sign: .plus, exponent: 1 - bias - mantBits, significand: 1)
            : Float(mant + (1 << mantBits)) * Float(sign: .plus, exponent: exp - bias - mantBits, significand: 1)
        return code & 0x20 != 0 ? -magnitude : magnitude
    }

    /// Asserts `tensor` holds exactly what `sidecar` says, element by element.
    func assertMatches(_ tensor: Tensor, name: String, _ sidecar: Sidecar, _ file: String) throws {
        XCTAssertEqual(name, sidecar.name, "\(file): name")
        XCTAssertEqual(tensor.dtype, sidecar.dtype, "\(file): dtype")
        XCTAssertEqual(tensor.shape, sidecar.shape, "\(file): shape")
        XCTAssertEqual(tensor.count, sidecar.values.count, "\(file): element count")
        guard tensor.dtype == sidecar.dtype, tensor.count == sidecar.values.count else { return }

        var mismatches: [String] = []
        func compare<A, E>(_ actual: [A], _ expected: [E], _ equal: (A, E) -> Bool) {
            for (i, (a, e)) in zip(actual, expected).enumerated() where !equal(a, e) {
                mismatches.append("[\(i)] decoded \(a), onnx \(e)")
            }
        }
        func reals(_ expected: [Double]) throws {
            switch tensor.dtype {
            case .float64:
                compare(try tensor.scalars(as: Double.self), expected) { Self.same($0, $1) }
            case .float32:
                compare(try tensor.scalars(as: Float.self), expected) { Self.same($0, Self.float($1, file)) }
            case .float6e2m3, .float6e3m2:
                let decoded = Self.float6Codes(tensor).map { Self.float6Value($0, tensor.dtype) }
                compare(decoded, expected) { Self.same($0, Self.float($1, file)) }
            default:  // float16, bfloat16, float8*, float4e2m1: what Lockstep reports via floatValues()
                compare(try tensor.floatValues(), expected) { Self.same($0, Self.float($1, file)) }
            }
        }
        func ints(_ expected: [Int64]) throws {
            let actual: [Int64]
            switch tensor.dtype {
            case .int8: actual = try tensor.scalars(as: Int8.self).map(Int64.init)
            case .uint8: actual = try tensor.scalars(as: UInt8.self).map(Int64.init)
            case .int16: actual = try tensor.scalars(as: Int16.self).map(Int64.init)
            case .uint16: actual = try tensor.scalars(as: UInt16.self).map(Int64.init)
            case .int32: actual = try tensor.scalars(as: Int32.self).map(Int64.init)
            case .uint32: actual = try tensor.scalars(as: UInt32.self).map(Int64.init)
            case .int64: actual = try tensor.scalars(as: Int64.self)
            case .int4, .uint4, .int2, .uint2: actual = try tensor.unpackedSubByte()
            default: XCTFail("\(file): no integer reader for \(tensor.dtype)"); return
            }
            compare(actual, expected, ==)
        }

        switch sidecar.values {
        case .reals(let expected): try reals(expected)
        case .ints(let expected): try ints(expected)
        case .uints(let expected): compare(try tensor.scalars(as: UInt64.self), expected, ==)
        case .bools(let expected):
            compare(try tensor.scalars(as: UInt8.self), expected) { $0 == ($1 ? 1 : 0) }
        case .strings(let expected):
            compare(tensor.strings, expected.map { Array($0.utf8) }, ==)
        case .complex(let expected):
            XCTAssert(expected.allSatisfy { $0.count == 2 }, "\(file): complex values are [re, im]")
            if tensor.dtype == .complex64 {
                compare(try tensor.scalars(as: SIMD2<Float>.self), expected) {
                    Self.same($0.x, Self.float($1[0], file)) && Self.same($0.y, Self.float($1[1], file))
                }
            } else {
                compare(try tensor.scalars(as: SIMD2<Double>.self), expected) { Self.same($0.x, $1[0]) && Self.same($0.y, $1[1]) }
            }
        }
        XCTAssert(mismatches.isEmpty, "\(file): \(mismatches.count) element(s) differ from onnx: \(mismatches.prefix(8).joined(separator: "; "))")
    }

    // MARK: - Tests

    func testEveryValidFixtureDecodesToWhatOnnxReads() throws {
        let all = try Self.sidecars()
        var checked = 0
        for (pb, sidecar) in all {
            let decoded: (name: String, tensor: Tensor)
            do {
                decoded = try TensorProtoFile.read(path: Self.path(pb))
            } catch {
                XCTFail("\(pb): \(error.localizedDescription)")
                continue
            }
            try assertMatches(decoded.tensor, name: decoded.name, sidecar, pb)
            checked += 1
        }
        XCTAssertEqual(checked, all.count)
        XCTAssertGreaterThan(checked, 70)
    }

    func testRawAndTypedEncodingsGiveIdenticalTensors() throws {
        var pairs = 0
        for (typed, sidecar) in try Self.sidecars() {
            guard let raw = sidecar.sameAs else { continue }
            XCTAssertEqual(sidecar.encoding, "typed", typed)
            let a = try TensorProtoFile.read(path: Self.path(raw)).tensor
            let b = try TensorProtoFile.read(path: Self.path(typed)).tensor
            XCTAssertEqual(a.dtype, b.dtype, "\(raw) vs \(typed): dtype")
            XCTAssertEqual(a.shape, b.shape, "\(raw) vs \(typed): shape")
            XCTAssertEqual(Array(a.storage.bytes), Array(b.storage.bytes), "\(raw) vs \(typed): bytes")
            XCTAssertEqual(a.strings, b.strings, "\(raw) vs \(typed): strings")
            pairs += 1
        }
        XCTAssertGreaterThan(pairs, 30)
    }

    func testExternalAndRawDataAreZeroCopyViews() throws {
        var external = 0
        for (pb, sidecar) in try Self.sidecars() where sidecar.encoding != "typed" {
            let tensor = try TensorProtoFile.read(path: Self.path(pb)).tensor
            if sidecar.encoding == "external" {
                XCTAssertTrue(tensor.storage.isView, "\(pb): external data should be a view of the mapped \(sidecar.field)")
                XCTAssertGreaterThan(tensor.byteCount, 0, pb)
                external += 1
            } else if tensor.byteCount > 0 {
                XCTAssertTrue(tensor.storage.isView, "\(pb): raw_data should be a view of the unpacked message")
            }
        }
        XCTAssertEqual(external, 5)
    }

    /// Two tensors in one shared .bin, one at an offset that is not 4-byte aligned.
    func testSharedExternalFileOffsets() throws {
        let f32 = try TensorProtoFile.read(path: Self.path("external_shared_float32.pb")).tensor
        let values = try f32.scalars(as: Float.self)
        XCTAssertEqual(values.count, 4)
        XCTAssertEqual(values[0], 1.5)
        XCTAssertEqual(values[1].bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(values[2], .infinity)
        XCTAssertTrue(values[3].isNaN)
        let f64 = try TensorProtoFile.read(path: Self.path("external_shared_float64.pb")).tensor
        XCTAssertEqual(try f64.scalars(as: Double.self)[0], Double.pi)
    }

    func testHostileFilesAreRefusedWithAClearReason() {
        for (file, reason) in Self.hostile {
            let path = Self.path(file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "fixture \(file) missing")
            XCTAssertThrowsError(try TensorProtoFile.read(path: path), file) { error in
                XCTAssertTrue(error is TensorIOError, "\(file): expected a TensorIOError, got \(type(of: error))")
                let message = error.localizedDescription
                XCTAssertTrue(message.hasPrefix(path + ": "), "\(file): message should start with the path: \(message)")
                XCTAssertTrue(message.contains(reason), "\(file): expected '\(reason)' in: \(message)")
                XCTAssertFalse(message.contains("\n"), "\(file): one line only")
            }
        }
    }

    /// New fixtures cannot go untested: every .pb has a sidecar or a hostile case, and every
    /// element type Lockstep knows is covered, in both encodings where ONNX has two.
    func testEveryFixtureHasATestCase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        let hostile = Set(Self.hostile.map(\.file))
        XCTAssertEqual(hostile.count, Self.hostile.count, "duplicate hostile case")
        for pb in files where pb.hasSuffix(".pb") {
            let hasSidecar = files.contains(String(pb.dropLast(3)) + ".json")
            XCTAssertTrue(hasSidecar != hostile.contains(pb), "\(pb): needs exactly one of a .json sidecar or a hostile case")
        }
        for json in files where json.hasSuffix(".json") {
            XCTAssertTrue(files.contains(String(json.dropLast(5)) + ".pb"), "\(json): sidecar without a .pb")
        }
        for file in hostile { XCTAssertTrue(files.contains(file), "hostile case \(file) has no fixture") }

        var encodings: [DType: Set<String>] = [:]
        for (_, sidecar) in try Self.sidecars() { encodings[sidecar.dtype, default: []].insert(sidecar.encoding) }
        for dtype in DType.allCases {
            let want: Set<String> = dtype == .string ? ["typed"] : ["raw", "typed"]
            XCTAssertTrue(want.isSubset(of: encodings[dtype] ?? []), "\(dtype): fixtures cover \(encodings[dtype] ?? []), want \(want)")
        }
    }
}
