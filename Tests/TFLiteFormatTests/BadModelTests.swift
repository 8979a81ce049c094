import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import TFLiteFormat

/// Every hostile file made by scripts/make-bad-tflite.py (Fixtures/bad/README.md) is refused
/// with one clear line, and mutated models never crash the loader.
final class BadModelTests: XCTestCase {
    static let bad = Repo.path("Tests/TFLiteFormatTests/Fixtures/bad")

    static let cases: [(file: String, expected: String)] = [
        ("empty.tflite", "empty file (0 bytes)"),
        ("too_short.tflite", "file too short (7 bytes)"),
        ("wrong_identifier.tflite", "file identifier is \"TFL2\", expected \"TFL3\""),
        ("truncated_half.tflite", "not a valid TFLite flatbuffer (verification failed"),
        ("root_offset_past_end.tflite", "not a valid TFLite flatbuffer (verification failed"),
        ("vtable_offset_out_of_range.tflite", "not a valid TFLite flatbuffer (verification failed"),
        ("self_referencing_offset.tflite", "subgraph 0 has no tensors"),
        ("amplified_offsets.tflite", "not a valid TFLite flatbuffer (verification failed"),
        ("string_length_past_end.tflite", "not a valid TFLite flatbuffer (verification failed"),
        ("vector_length_past_end.tflite", "not a valid TFLite flatbuffer (verification failed"),
        ("buffer_index_out_of_range.tflite", "tensor 1 'fc/weights': buffer index 99 out of range (model has 2 buffers)"),
        ("opcode_index_out_of_range.tflite", "operator 0: opcode_index 7 out of range (model has 2 operator codes)"),
        ("tensor_index_out_of_range.tflite", "input 1 is tensor index 42, out of range (subgraph has 5 tensors)"),
        ("tensor_index_negative.tflite", "input 1 is tensor index -7, out of range"),
        ("subgraph_input_out_of_range.tflite", "input 1 is tensor index 9, out of range (subgraph has 5 tensors)"),
        ("buffer_data_too_small.tflite", "buffer 1 holds 8 bytes, float32 shape [3, 4] needs 48"),
        ("buffer_offset_past_end.tflite", "buffer 1 of 48 bytes at offset 1048576 lies past the end of the file"),
        ("buffer_offset_overflow.tflite", "at offset 18446744073709551600 lies past the end of the file"),
        ("onnx_renamed.tflite", "not a TFLite model: looks like an ONNX model"),
    ]

    func fixtures() throws -> [String] {
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.bad), "Fixtures/bad is committed (scripts/make-bad-tflite.py)")
        return try FileManager.default.contentsOfDirectory(atPath: Self.bad).filter { $0.hasSuffix(".tflite") }
    }

    func testEveryHostileFileIsRejectedWithAClearReason() throws {
        let present = Set(try fixtures())
        for (file, expected) in Self.cases {
            let path = Self.bad + "/" + file
            XCTAssertTrue(present.contains(file), "fixture \(file) missing")
            XCTAssertThrowsError(try TFLiteLoader.load(path: path), file) { error in
                XCTAssertTrue(error is TFLiteError, "\(file): \(type(of: error))")
                let message = error.localizedDescription
                XCTAssertTrue(message.hasPrefix(path + ": "), "\(file): message should start with the path: \(message)")
                XCTAssertTrue(message.contains(expected), "\(file): expected '\(expected)' in: \(message)")
                XCTAssertFalse(message.contains("\n"), "\(file): one line only")
            }
        }
    }

    func testEveryFixtureInTheFolderHasACase() throws {
        let covered = Set(Self.cases.map(\.file))
        for file in try fixtures() { XCTAssertTrue(covered.contains(file), "no test case for \(file)") }
    }

    func testMissingFileDirectoryAndOtherFormats() throws {
        XCTAssertThrowsError(try TFLiteLoader.load(path: "/nonexistent/model.tflite")) { error in
            XCTAssertEqual(error.localizedDescription, "/nonexistent/model.tflite: no such file")
        }
        XCTAssertThrowsError(try TFLiteLoader.load(path: Repo.path("Tests"))) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a regular file"), error.localizedDescription)
        }
        var png: [UInt8] = [0x89] + Array("PNG\r\n\u{1a}\n".utf8)
        png += [UInt8](repeating: 0, count: 24)
        var plan = Array("ftrt".utf8)
        plan += [UInt8](repeating: 0, count: 28)
        let zip: [UInt8] = [0x50, 0x4b, 0x03, 0x04] + [UInt8](repeating: 0, count: 28)
        let unknown = [UInt8](repeating: 0x41, count: 32)
        for (bytes, expected) in [(png, "looks like a PNG image"), (plan, "looks like a TensorRT plan"),
                                  (zip, "looks like a ZIP archive"), (unknown, "file identifier is \"AAAA\", expected \"TFL3\"")] {
            XCTAssertThrowsError(try bytes.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "x") }) { error in
                XCTAssertTrue(error.localizedDescription.hasPrefix("x: "), error.localizedDescription)
                XCTAssertTrue(error.localizedDescription.contains(expected), error.localizedDescription)
            }
        }
    }

    func testUnsupportedSchemaVersionIsNamed() throws {
        // float_conv.tflite with Model.version (the root table's field 0) changed from 3 to 4.
        var file = try FlatFile(path: FeatureTests.models + "/float_conv.tflite")
        let version = try XCTUnwrap(file.field(of: file.root, id: 0), "version is stored")
        XCTAssertEqual(file.int32(at: version), 3)
        file.setInt32(at: version, 4)
        XCTAssertThrowsError(try file.bytes.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "v4") }) { error in
            XCTAssertEqual(error as? TFLiteError, .unsupported(path: "v4", reason: "unsupported schema version 4 (Lockstep reads TFLite schema version 3)"))
        }
    }

    /// An operator code the schema does not list is named, and loading goes on.
    func testUnknownBuiltinCodeIsNamedNotRefused() throws {
        var file = try FlatFile(path: FeatureTests.models + "/deprecated_code.tflite")
        // Model.operator_codes (field 1)[1].builtin_code (field 3) is 150 (GELU): make it 250.
        let code = try XCTUnwrap(file.field(of: file.element(of: file.field(of: file.root, id: 1), 1), id: 3))
        XCTAssertEqual(file.int32(at: code), 150)
        file.setInt32(at: code, 250)
        let model = try file.bytes.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "unknown") }
        XCTAssertEqual(model.graph.nodes.map(\.op.name), ["RELU", "UNKNOWN_250", "ADD"])
        XCTAssertEqual(model.graph.nodes[1].op.domain, "")
    }

    /// WHILE naming a subgraph the model does not have is refused.
    func testSubgraphIndexOutOfRangeIsRefused() throws {
        var file = try FlatFile(path: FeatureTests.models + "/control_flow.tflite")
        // subgraphs (2)[0].operators (3)[0].builtin_options (4) is WhileOptions; body_subgraph_index is field 1.
        let subgraph = try XCTUnwrap(file.element(of: file.field(of: file.root, id: 2), 0))
        let whileOp = try XCTUnwrap(file.element(of: file.field(of: subgraph, id: 3), 0))
        let options = try XCTUnwrap(file.deref(file.field(of: whileOp, id: 4)))
        let body = try XCTUnwrap(file.field(of: options, id: 1))
        XCTAssertEqual(file.int32(at: body), 2)
        file.setInt32(at: body, 9)
        XCTAssertThrowsError(try file.bytes.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "cf") }) { error in
            XCTAssertEqual(error.localizedDescription,
                           "cf: subgraph 0 'main': operator 0 (WHILE): body_subgraph_index 9 is out of range (model has 5 subgraphs)")
        }
    }

    /// Random truncations and byte flips of real models never crash: each either loads or throws
    /// a `TFLiteError` naming the input.
    func testMutatedModelsNeverCrash() throws {
        var generator = SplitMix(seed: 7)
        var rejected = 0, loaded = 0
        for name in ["control_flow.tflite", "sparse.tflite", "custom_op.tflite", "signatures_metadata.tflite", "buffer_offset.tflite"] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: FeatureTests.models + "/" + name)))
            for i in 0..<300 {
                var bytes = original
                switch i % 3 {
                case 0:
                    bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
                case 1:
                    for _ in 0..<4 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
                default:
                    // Flip one byte of a 32-bit little-endian word to an extreme value (offsets, counts, indices).
                    let at = Int(generator.next() % UInt64(bytes.count / 4)) * 4
                    let extreme: [UInt8] = [0xff, 0x7f, 0x80, 0x00]
                    bytes[at + Int(generator.next() % 4)] = extreme[Int(generator.next() % 4)]
                }
                do {
                    _ = try bytes.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "mutant") }
                    loaded += 1
                } catch let error as TFLiteError {
                    rejected += 1
                    XCTAssertTrue(error.localizedDescription.hasPrefix("mutant: "), error.localizedDescription)
                    XCTAssertFalse(error.localizedDescription.contains("\n"))
                }
            }
        }
        XCTAssertEqual(rejected + loaded, 1500)
        XCTAssertGreaterThan(rejected, 500)
    }

    /// A real mediapipe model from the corpus, truncated and flipped the same way.
    func testMutatedCorpusModelNeverCrashes() throws {
        guard let corpus = ProcessInfo.processInfo.environment["LOCKSTEP_CORPUS"],
              case let path = corpus + "/mediapipe/face_detection/face_detection_short_range.tflite",
              FileManager.default.fileExists(atPath: path) else {
            if ProcessInfo.processInfo.environment["LOCKSTEP_REQUIRE_CORPUS"] == "1" {
                XCTFail("LOCKSTEP_REQUIRE_CORPUS=1 but the mediapipe corpus is missing: run scripts/fetch-corpus.sh")
            }
            throw XCTSkip("corpus not fetched: run scripts/fetch-corpus.sh and set LOCKSTEP_CORPUS")
        }
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var generator = SplitMix(seed: 11)
        var rejected = 0
        for i in 0..<200 {
            var bytes = original
            if i % 2 == 0 {
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<8 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            }
            do { _ = try bytes.withUnsafeBytes { try TFLiteLoader.load(bytes: $0, path: "mutant") } } catch let error as TFLiteError {
                rejected += 1
                XCTAssertTrue(error.localizedDescription.hasPrefix("mutant: "), error.localizedDescription)
            }
        }
        XCTAssertGreaterThan(rejected, 100)
    }

    /// A file whose offsets repeat one large vector many times is refused before the loader
    /// materialises the copies.
    func testSharedVectorsCannotAmplifyWork() {
        let budget = Budget(fileSize: 1000)
        XCTAssertEqual(budget.limit, 4000 + (1 << 20))
        XCTAssertTrue(budget.charge(budget.limit))
        XCTAssertFalse(budget.charge(1))
        let huge = Budget(fileSize: .max)
        XCTAssertEqual(huge.limit, .max)
        XCTAssertTrue(huge.charge(.max))
        XCTAssertFalse(huge.charge(1), "an overflowing total is over the limit")
    }
}

/// The mutation tests draw from LockstepCore's generator.
typealias SplitMix = SplitMix64

/// Just enough FlatBuffers navigation to patch one field of a fixture in a test.
struct FlatFile {
    var bytes: [UInt8]

    init(path: String) throws { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    func uint32(at position: Int) -> Int { Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: UInt32.self) }) }
    func int32(at position: Int) -> Int32 { bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: Int32.self) } }
    mutating func setInt32(at position: Int, _ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(position..<position + 4, with: $0) }
    }

    /// The root table.
    var root: Int { uint32(at: 0) }

    /// Follows the uoffset stored at `position`.
    func deref(_ position: Int?) -> Int? { position.map { $0 + uint32(at: $0) } }

    /// Where field `id` of the table at `table` is stored; nil when absent.
    func field(of table: Int?, id: Int) -> Int? {
        guard let table else { return nil }
        let vtable = table - Int(int32(at: table))
        let vtableSize = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: vtable, as: UInt16.self) })
        guard 4 + 2 * id < vtableSize else { return nil }
        let offset = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: vtable + 4 + 2 * id, as: UInt16.self) })
        return offset == 0 ? nil : table + offset
    }

    /// Table `index` of the vector of tables referenced by the field at `position`.
    func element(of position: Int?, _ index: Int) -> Int? {
        guard let vector = deref(position) else { return nil }
        return deref(vector + 4 + 4 * index)
    }
}
