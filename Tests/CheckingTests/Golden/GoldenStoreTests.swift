import Foundation
import LockstepCore
import TensorIO
import XCTest
@testable import Checking

final class GoldenStoreTests: XCTestCase {
    var root = ""
    let clock = Date(timeIntervalSince1970: 1_767_323_045)

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-golden-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    func record(_ dir: String, force: Bool = false, outputValue: Float = 0.5) throws -> GoldenManifest {
        let p = Provenance(runtime: "lockstep reference interpreter", version: "0.1.0", command: "lockstep golden record", form: "onnx")
        return try GoldenStore.write(
            caseDirectory: dir,
            inputs: [.init(name: "image:0", tensor: try Tensor(float32: [1, 2, 3, 4], shape: [1, 4]), provenance: Provenance(runtime: "random", version: "0.1.0", command: "seed 3"))],
            outputs: [.init(name: "logits", tensor: try Tensor(float32: [outputValue, -1], shape: [1, 2]), provenance: p,
                            tolerance: ToleranceOverride(atol: 1e-4)),
                      .init(name: "logits?", tensor: try Tensor(dtype: .int64, shape: [1], values: [Int64(0)]), provenance: p)],
            model: ModelReference(path: "net.onnx", sha256: String(repeating: "a", count: 64)), created: clock, force: force)
    }

    func testRecordThenReadRoundTrips() throws {
        let dir = root + "/suite/case-1"
        let written = try record(dir)
        XCTAssertEqual(written.suite, "suite")
        XCTAssertEqual(written.name, "case-1")
        XCTAssertEqual(written.created, "2026-01-02T03:04:05Z")
        XCTAssertEqual(written.inputs.map(\.file), ["inputs/image_0.npy"])
        XCTAssertEqual(written.outputs.map(\.file), ["outputs/logits.npy", "outputs/logits_.npy"])
        let golden = try GoldenStore.read(caseDirectory: dir)
        XCTAssertEqual(golden.manifest, written)
        XCTAssertEqual(golden.name, "suite/case-1")
        XCTAssertEqual(try golden.inputs().map { try $0.tensor.floatValues() }, [[1, 2, 3, 4]])
        let outputs = try golden.outputs()
        XCTAssertEqual(outputs.map(\.name), ["logits", "logits?"])
        XCTAssertEqual(outputs[0].file.tolerance, ToleranceOverride(atol: 1e-4))
        XCTAssertEqual(outputs[0].file.sha256, SHA256.hex(fileAt: dir + "/outputs/logits.npy"))
        XCTAssertTrue(try GoldenStore.verify(caseDirectory: dir).intact)
        let text = try String(contentsOfFile: dir + "/manifest.yaml", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# Written by lockstep golden record"))
        XCTAssertTrue(text.contains("case: case-1"), text)
    }

    func testRecordRefusesToOverwriteWithoutForce() throws {
        let dir = root + "/suite/case"
        _ = try record(dir)
        XCTAssertThrowsError(try record(dir)) { error in
            XCTAssertEqual(error as? CheckingError, .wouldOverwrite(path: dir + "/manifest.yaml", flag: "--force"))
        }
        XCTAssertEqual(try GoldenStore.read(caseDirectory: dir).outputs()[0].tensor.floatValues(), [0.5, -1])
        _ = try record(dir, force: true, outputValue: 2)
        XCTAssertEqual(try GoldenStore.read(caseDirectory: dir).outputs()[0].tensor.floatValues(), [2, -1])
    }

    func testVerifyFindsChangedMissingAndStrayFiles() throws {
        let dir = root + "/suite/case"
        _ = try record(dir)
        try Npy.write(try Tensor(float32: [9, 9], shape: [1, 2]), to: dir + "/outputs/logits.npy", overwrite: true)
        try FileManager.default.removeItem(atPath: dir + "/inputs/image_0.npy")
        FileManager.default.createFile(atPath: dir + "/outputs/extra.npy", contents: Data([1]))
        let v = try GoldenStore.verify(caseDirectory: dir)
        XCTAssertFalse(v.intact)
        XCTAssertEqual(v.files.map(\.file), ["inputs/image_0.npy", "outputs/logits.npy", "outputs/logits_.npy"])
        XCTAssertEqual(v.files.map(\.status), [.missing, .mismatch, .ok])
        XCTAssertEqual(v.unlisted, ["outputs/extra.npy"])
        // Loading a changed file is an input error naming the file.
        XCTAssertThrowsError(try GoldenStore.read(caseDirectory: dir).outputs()) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.hasPrefix(dir + "/inputs/image_0.npy: missing") || message.contains("does not match"), message)
        }
    }

    func testSymbolicLinksAreRefused() throws {
        let dir = root + "/suite/case"
        _ = try record(dir)
        let outside = root + "/outside.npy"
        try FileManager.default.moveItem(atPath: dir + "/outputs/logits.npy", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: dir + "/outputs/logits.npy", withDestinationPath: outside)
        XCTAssertThrowsError(try GoldenStore.read(caseDirectory: dir).outputs()) { error in
            XCTAssertTrue((error as? LocalizedError)?.errorDescription?.contains("is a symbolic link") == true)
        }
        XCTAssertEqual(try GoldenStore.verify(caseDirectory: dir).files.first { $0.file == "outputs/logits.npy" }?.status, .missing)
    }

    func testHostileManifestsAreRefusedWithTheReason() throws {
        let sha = String(repeating: "0", count: 64)
        func manifest(_ outputs: String, extra: String = "", schema: Int = 1) -> String {
            """
            schema: \(schema)
            suite: s
            case: c
            created: "2026-01-02T03:04:05Z"
            \(extra)inputs: []
            outputs:
            \(outputs)
            """
        }
        func output(file: String = "outputs/y.npy", name: String = "y", sha: String = sha, more: String = "") -> String {
            """
              - name: \(name)
                file: \(file)
                dtype: float32
                shape: [1]
                sha256: "\(sha)"
                provenance: {runtime: r, version: v, command: c}
            \(more)
            """
        }
        let cases: [(String, String, String)] = [
            ("traversal", manifest(output(file: "outputs/../../etc/passwd.npy")), "must be a .npy path under outputs/"),
            ("absolute", manifest(output(file: "/etc/outputs/y.npy")), "must be a .npy path under outputs/"),
            ("wrong folder", manifest(output(file: "inputs/y.npy")), "must be a .npy path under outputs/"),
            ("not npy", manifest(output(file: "outputs/y.txt")), "must be a .npy path"),
            ("bad sha", manifest(output(sha: "xyz")), "is not 64 lowercase hex digits"),
            ("duplicate", manifest(output() + "\n" + output(file: "outputs/z.npy")), "the name appears twice"),
            ("unknown key", manifest(output(more: "    tolerence: {atol: 1}")), ":13: outputs[0]: unknown key 'tolerence' (did you mean 'tolerance'?)"),
            ("unknown top key", manifest(output(), extra: "owner: me\n"), ":5: unknown key 'owner'"),
            ("duplicate key", manifest(output(), extra: "suite: t\n"), ":5: duplicate key 'suite'"),
            ("duplicate tolerance key", manifest(output(more: "    tolerance: {atol: 1, atol: 2}")), ":13: outputs[0].tolerance: duplicate key 'atol'"),
            ("bad tolerance", manifest(output(more: "    tolerance: {atol: -1}")), "tolerance: atol -1.0: expected a finite number ≥ 0"),
            ("future schema", manifest(output(), schema: 7), "schema 7 is not one this lockstep reads"),
            ("no outputs", manifest("  []"), "the case has no outputs"),
            ("bad dtype", manifest(output().replacingOccurrences(of: "float32", with: "float99")), "invalid value at 'outputs.Index 0.dtype'"),
            ("not a mapping", "- 1\n- 2\n", "expected a mapping at the top level"),
            ("not yaml", "a: [1,\n", "not valid YAML"),
            ("missing key", "schema: 1\nsuite: s\n", "missing key"),
        ]
        for (id, text, expected) in cases {
            let dir = root + "/hostile/\(id.replacingOccurrences(of: " ", with: "-"))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try text.write(toFile: dir + "/manifest.yaml", atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try GoldenStore.read(caseDirectory: dir), id) { error in
                let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                // `<file>: <reason>`, or `<file>:<line>: <reason>` where the problem has a place.
                XCTAssertTrue(message.hasPrefix(dir + "/manifest.yaml:") && message.contains(expected), "\(id): \(message)")
            }
        }
        XCTAssertThrowsError(try GoldenStore.read(caseDirectory: root + "/nowhere"))
    }

    func testADTypeOrShapeThatDisagreesWithTheFileIsAnError() throws {
        let dir = root + "/suite/case"
        _ = try record(dir)
        var text = try String(contentsOfFile: dir + "/manifest.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "dtype: int64", with: "dtype: int32")
        try text.write(toFile: dir + "/manifest.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try GoldenStore.read(caseDirectory: dir).outputs()) { error in
            XCTAssertTrue((error as? LocalizedError)?.errorDescription?.contains("holds int64 [1], the manifest says int32 [1]") == true, "\(error)")
        }
    }

    func testCaseDiscovery() throws {
        _ = try record(root + "/a/one")
        _ = try record(root + "/a/two")
        _ = try record(root + "/b/three")
        XCTAssertEqual(try GoldenStore.caseDirectories(under: root), [root + "/a/one", root + "/a/two", root + "/b/three"])
        XCTAssertEqual(try GoldenStore.caseDirectories(under: root + "/a/two"), [root + "/a/two"])
        XCTAssertThrowsError(try GoldenStore.caseDirectories(under: root + "/none"))
    }

    func testSafePathsAndStems() {
        XCTAssertTrue(GoldenStore.isSafeRelativePath("outputs/y.npy"))
        for bad in ["", "/abs", "a/../b", "./a", "a//b", "a\\b", ".."] { XCTAssertFalse(GoldenStore.isSafeRelativePath(bad), bad) }
        XCTAssertEqual(GoldenStore.fileStem("model/out:0"), "model_out_0")
        XCTAssertEqual(GoldenStore.fileStem(".hidden"), "_.hidden")
        XCTAssertEqual(GoldenStore.fileStem(""), "_")
    }
}
