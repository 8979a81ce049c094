import Foundation
import LockstepTestSupport
import XCTest

/// `lockstep compat` and `lockstep matrix` as a user runs them.
extension CLITests {
    static let fixtureOpsets = "Tests/CompatibilityTests/Fixtures/catalog"

    func testCompatExitCodes() throws {
        // (arguments, exit status, fragment of stdout or stderr)
        let cases: [([String], Int32, String)] = [
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "ort-cpu"], 0, "9 of 9 nodes assigned to ONNX Runtime CPU execution provider"),
            (["compat", "examples/models/custom_domain.onnx", "--target", "test-cpu", "--opsets", Self.fixtureOpsets], 1, "2 nodes unsupported"),
            // Intermediate shapes from the reference run let test-accel's rank rule decide every Conv.
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "test-accel", "--opsets", Self.fixtureOpsets, "--fail-on", "fallback"], 0, "9 of 9 nodes assigned"),
            // Without the run, conv2's input rank is unknown: undecided, which --fail-on fallback fails on.
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "test-accel", "--opsets", Self.fixtureOpsets, "--no-shape-run"], 0, "8 of 9 nodes assigned"),
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "test-accel", "--opsets", Self.fixtureOpsets, "--no-shape-run", "--fail-on", "fallback"], 1,
             "#3 conv2 (Conv): unknown — the rank of input 0 'pool1' is not known"),
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "tflite-xnnpak"], 2,
             "lockstep: error: tflite-xnnpak: no such target (did you mean 'tflite-xnnpack'"),
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "tflite-xnnpack"], 2,
             "lockstep: error: examples/models/tiny_cnn.onnx: target 'tflite-xnnpack' judges tflite models, this is a onnx model"),
            (["compat", "does/not/exist.onnx", "--target", "ort-cpu"], 2, "lockstep: error: does/not/exist.onnx: no such file"),
            (["compat", "examples/models/tiny_cnn.onnx"], 2, "lockstep: error: compat: give --target (targets for onnx: openvino-cpu, ort-cpu,"),
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "ort-cpu", "--fail-on", "never"], 2, "fail-on"),
            (["compat", "examples/models/tiny_cnn.onnx", "--target", "x", "--opsets", "does/not/exist"], 2,
             "lockstep: error: does/not/exist: no such folder of target files"),
        ]
        for (args, status, fragment) in cases {
            let r = try run(args)
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)")
            XCTAssertTrue((r.stdout + r.stderr).contains(fragment), "\(args): \(r.stdout)\(r.stderr)")
            if status == 2 { XCTAssertEqual(r.stdout, "", "\(args)") }
        }
    }

    func testBrokenTargetFileNamesFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-opsets-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try String(contentsOfFile: Repo.path(Self.fixtureOpsets + "/test-cpu.yaml"), encoding: .utf8)
        try good.replacingOccurrences(of: "  Relu: {}", with: "  Relu: {}\n  Rleu: {}").write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try run(["compat", "examples/models/tiny_cnn.onnx", "--target", "test-cpu", "--opsets", dir.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lockstep: error: \(dir.path)/bad.yaml:24: unknown op 'Rleu': not an op of domain 'ai.onnx' in onnx 1.23.2 / onnxruntime 1.32.0 (did you mean 'Relu'?)\n")
    }

    func testCompatJSONAndListTargets() throws {
        let r = try run(["compat", "examples/models/tiny_cnn_qdq.onnx", "--target", "ort-cpu", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let nodes = try XCTUnwrap(object["nodes"] as? [[String: Any]])
        XCTAssertFalse(nodes.isEmpty)
        XCTAssertTrue(nodes.allSatisfy { $0["verdict"] as? String == "supported" && !($0["reason"] as? String ?? "").isEmpty })
        let list = try run(["compat", "--list-targets"])
        XCTAssertEqual(list.status, 0)
        for id in ["ort-cpu", "tflite-builtin", "tflite-xnnpack"] { XCTAssertTrue(list.stdout.contains("  \(id) "), list.stdout) }
    }

    func testMatrixWritesFiles() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-matrix-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: out)
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try run(["matrix", "examples/models/tiny_cnn.onnx", "examples/models/control_flow.onnx", "--targets", "ort-cpu,trt-onnx-parser-10", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["matrix.md", "ops.csv", "models.csv", "matrix.json", "matrix.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let md = try run(["matrix", "examples/models/tiny_cnn.onnx", "--targets", "ort-cpu"])
        XCTAssertEqual(md.status, 0, md.stderr)
        XCTAssertTrue(md.stdout.contains("| examples/models/tiny_cnn.onnx | 9 | ✅ 9/9, 1p |"), md.stdout)
        let bad = try run(["matrix", "examples/models/tiny_cnn.onnx", "--targets", "nope"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("lockstep: error: nope: no such target"), bad.stderr)
    }

    func testCompatAndMatrixHelpSnapshots() throws {
        let compat = try run(["compat", "--help"])
        XCTAssertEqual(compat.status, 0)
        assertSnapshot(compat.stdout, named: "help-compat.txt")
        let matrix = try run(["matrix", "--help"])
        XCTAssertEqual(matrix.status, 0)
        assertSnapshot(matrix.stdout, named: "help-matrix.txt")
    }
}
