import Foundation
import LockstepTestSupport
import XCTest

/// `lockstep check` and `lockstep golden` as a user runs them: exit codes, error lines, help.
extension CLITests {
    func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testCheckExitCodesAndReport() throws {
        let dir = try temporaryDirectory()
        let pass = try run(["check", "--onnx", "examples/pairs/pairnet.onnx", "--tflite", "examples/pairs/pairnet.tflite", "--report-dir", dir])
        XCTAssertEqual(pass.status, 0, pass.stderr)
        XCTAssertTrue(pass.stdout.contains("result: PASS"), pass.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))) as? [String: Any])
        XCTAssertEqual(report["schemaVersion"] as? Int, 1)
        XCTAssertEqual((report["command"] as? [String: Any])?["name"] as? String, "check")

        let fail = try run(["check", "--onnx", "examples/pairs/pairnet.onnx", "--tflite", "examples/pairs/pairnet_layout_error.tflite",
                            "--report-dir", dir, "--json"])
        XCTAssertEqual(fail.status, 1, fail.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fail.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.map { $0["kind"] as? String }, ["layoutMismatch"])
        XCTAssertEqual((findings.first?["location"] as? [String: Any])?["nodeName"] as? String, "flatten")

        // Only warnings and above fail with --fail-on warning; nothing is found here, so it passes.
        let warn = try run(["check", "--onnx", "examples/pairs/pairnet.onnx", "--report-dir", dir, "--fail-on", "warning"])
        XCTAssertEqual(warn.status, 0, warn.stderr)
    }

    func testCheckInputErrorsExitTwoWithOneLine() throws {
        let dir = try temporaryDirectory()
        let cases: [(args: [String], expected: String)] = [
            (["check", "--onnx", "nope.onnx", "--report-dir", dir], "lockstep: error: nope.onnx: no such file\n"),
            (["check", "--onnx", "examples/pairs/pairnet.tflite", "--report-dir", dir], "lockstep: error: --onnx examples/pairs/pairnet.tflite: expected an ONNX model, found a tflite file\n"),
            (["check", "--onnx", "examples/pairs/pairnet.onnx", "--tolerance", "probs:atol=-1", "--report-dir", dir],
             "lockstep: error: --tolerance: atol=-1: expected a finite number ≥ 0\n"),
            (["check", "--onnx", "examples/pairs/pairnet.onnx", "--golden", dir + "/none", "--report-dir", dir],
             "lockstep: error: \(dir)/none: no such folder\n"),
            (["check", "--onnx", "examples/pairs/pairnet.onnx", "--target", "tflite-gpu", "--report-dir", dir],
             "lockstep: error: --target tflite-gpu judges tflite models; pass --tflite too\n"),
        ]
        for c in cases {
            let r = try run(c.args)
            XCTAssertEqual(r.status, 2, c.args.joined(separator: " "))
            XCTAssertEqual(r.stderr, c.expected)
        }
    }

    func testGoldenRecordRefusesToOverwriteAndVerifyFindsChanges() throws {
        let dir = try temporaryDirectory()
        let record = ["golden", "record", dir + "/suite/case", "--model", "examples/pairs/pairnet.onnx", "--random-inputs", "5"]
        let first = try run(record)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "recorded suite/case: 1 inputs, 1 outputs → \(dir)/suite/case/manifest.yaml\n")
        let second = try run(record)
        XCTAssertEqual(second.status, 2)
        XCTAssertEqual(second.stderr, "lockstep: error: \(dir)/suite/case/manifest.yaml: exists; pass --force to overwrite it\n")
        XCTAssertEqual(try run(record + ["--force"]).status, 0)
        XCTAssertEqual(try run(["golden", "verify", dir]).status, 0)
        try Data([0x93]).write(to: URL(fileURLWithPath: dir + "/suite/case/outputs/probs.npy"))
        let changed = try run(["golden", "verify", dir])
        XCTAssertEqual(changed.status, 1)
        XCTAssertTrue(changed.stdout.contains("CHANGED suite/case"), changed.stdout)
        XCTAssertTrue(changed.stdout.contains("outputs/probs.npy changed (sha256 differs)"), changed.stdout)
        XCTAssertEqual(try run(["golden", "verify", "golden"]).status, 0)
    }

    func testCheckAndGoldenHelpSnapshots() throws {
        for (args, name) in [(["check", "--help"], "help-check.txt"), (["golden", "--help"], "help-golden.txt"),
                             (["golden", "record", "--help"], "help-golden-record.txt"), (["golden", "verify", "--help"], "help-golden-verify.txt")] {
            let r = try run(args)
            XCTAssertEqual(r.status, 0)
            assertSnapshot(r.stdout, named: name)
        }
    }
}
