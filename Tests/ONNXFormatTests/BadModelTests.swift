import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import ONNXFormat

/// Every hostile file made by scripts/make-bad-models.py is refused with one clear message.
final class BadModelTests: XCTestCase {
    static let cases: [(file: String, expected: String)] = [
        ("empty.onnx", "empty file (0 bytes)"),
        ("not_onnx.onnx", "not an ONNX model: looks like a PNG image"),
        ("truncated.onnx", "truncated"),
        ("malformed.onnx", "unsupported wire type 7"),
        ("bad_length.onnx", "declares 2147483648 bytes"),
        ("deep_nesting.onnx", "nested more than 100 deep"),
        ("no_graph.onnx", "model has no graph"),
        ("future_ir.onnx", "unsupported IR version 99"),
        ("external_abs.onnx", "is an absolute path"),
        ("external_escape.onnx", "leaves the model's folder"),
        ("external_missing.onnx", "'missing.bin' does not exist"),
        ("external_range.onnx", "has 8 bytes at offset 8, 16 needed"),
        ("external_symlink/model.onnx", "resolves outside the model's folder"),
        ("huge_dims.onnx", "overflow"),
        ("raw_size_mismatch.onnx", "raw_data holds 3 bytes, float32 shape [4] needs 16"),
        ("bad_dtype.onnx", "unsupported data_type 999"),
    ]

    func testEveryHostileFileIsRejectedWithAClearReason() {
        for (file, expected) in Self.cases {
            let path = Repo.path("Tests/ONNXFormatTests/Fixtures/bad/" + file)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path) || file.hasSuffix("model.onnx"), "fixture \(file) missing")
            XCTAssertThrowsError(try ONNXLoader.load(path: path), file) { error in
                let message = error.localizedDescription
                XCTAssertTrue(message.hasPrefix(path + ": "), "\(file): message should start with the path: \(message)")
                XCTAssertTrue(message.contains(expected), "\(file): expected '\(expected)' in: \(message)")
                XCTAssertFalse(message.contains("\n"), "\(file): one line only")
            }
        }
    }

    func testEveryFixtureInTheFolderHasACase() throws {
        let dir = Repo.path("Tests/ONNXFormatTests/Fixtures/bad")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".onnx") }
        let covered = Set(Self.cases.map { $0.file })
        for f in files { XCTAssertTrue(covered.contains(f), "no test case for \(f)") }
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try ONNXLoader.load(path: "/nonexistent/model.onnx")) { error in
            XCTAssertEqual(error.localizedDescription, "/nonexistent/model.onnx: no such file")
        }
        XCTAssertThrowsError(try ONNXLoader.load(path: Repo.path("Tests"))) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a regular file"))
        }
    }

    func testOtherFormatsAreNamed() {
        var tflite = [UInt8](repeating: 0, count: 32)
        tflite.replaceSubrange(4..<8, with: Array("TFL3".utf8))
        var plan = Array("ftrt".utf8)
        plan += [UInt8](repeating: 0, count: 28)
        for (bytes, expected) in [(tflite, "TFLite"), (plan, "TensorRT plan")] {
            XCTAssertThrowsError(try bytes.withUnsafeBytes { try ONNXLoader.load(bytes: $0, path: "x", externalDataDirectory: nil) }) { error in
                XCTAssertTrue(error.localizedDescription.contains(expected), error.localizedDescription)
            }
        }
    }

    /// Random truncations and byte flips of a real model never crash: each either loads or throws.
    func testMutatedModelsNeverCrash() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Repo.path("examples/models/control_flow.onnx")))
        var generator = SplitMix(seed: 42)
        var rejected = 0
        for i in 0..<400 {
            var bytes = [UInt8](original)
            if i % 2 == 0 {
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<4 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            }
            do { _ = try bytes.withUnsafeBytes { try ONNXLoader.load(bytes: $0, path: "mutant", externalDataDirectory: nil) } } catch {
                rejected += 1
                XCTAssertTrue(error.localizedDescription.hasPrefix("mutant: "), error.localizedDescription)
            }
        }
        XCTAssertGreaterThan(rejected, 100)
    }
}

/// The mutation tests draw from LockstepCore's generator.
typealias SplitMix = SplitMix64
