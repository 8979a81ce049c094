import Foundation
import LockstepTestSupport
import XCTest

/// Runs the built `lockstep` executable as a user would.
final class CLITests: XCTestCase {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("lockstep")
        }
        fatalError("no xctest bundle")
        #else
        return Bundle.main.bundleURL.appendingPathComponent("lockstep")
        #endif
    }

    func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "100"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func testInspectPrintsTextAndJSON() throws {
        let text = try run(["inspect", "examples/models/tiny_cnn.onnx"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("examples/models/tiny_cnn.onnx\n"))
        XCTAssertTrue(text.stdout.contains("image  float32 [batch, 3, 32, 32]"), text.stdout)
        let json = try run(["inspect", "--json", "examples/models/tiny_cnn.onnx"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["nodeCount"] as? Int, 9)
        XCTAssertEqual((object["opHistogram"] as? [String: Int])?["Conv"], 2)
    }

    func testBadInputsExitTwoWithOneErrorLine() throws {
        let cases: [(args: [String], expected: String)] = [
            (["inspect", "does/not/exist.onnx"], "lockstep: error: does/not/exist.onnx: no such file\n"),
            (["inspect", "Tests/ONNXFormatTests/Fixtures/bad/truncated.onnx"], "lockstep: error: Tests/ONNXFormatTests/Fixtures/bad/truncated.onnx: not a valid ONNX model (truncated)"),
            (["inspect", "Tests/ONNXFormatTests/Fixtures/bad/deep_nesting.onnx"], "too deeply nested"),
            (["inspect", "Tests/ONNXFormatTests/Fixtures/bad/external_escape.onnx"], "leaves the model's folder"),
            (["inspect", "Tests/ONNXFormatTests/Fixtures/bad/empty.onnx"], "empty file"),
            (["inspect", "Tests/TFLiteFormatTests/Fixtures/bad/truncated_half.tflite"], "Tests/TFLiteFormatTests/Fixtures/bad/truncated_half.tflite: "),
            (["inspect", "Tests/TFLiteFormatTests/Fixtures/bad/buffer_offset_overflow.tflite"], "buffer_offset_overflow.tflite: "),
            (["inspect", "Tests/TFLiteFormatTests/Fixtures/bad/wrong_identifier.tflite"], "wrong_identifier.tflite: "),
            (["inspect", Self.scratchFile("not-layers.json", "[1, 2]")], "not-layers.json: "),
            (["inspect", Self.scratchFile("short.plan", "ftrt")], "short.plan: "),
        ]
        for (args, expected) in cases {
            let result = try run(args)
            XCTAssertEqual(result.status, 2, "\(args): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(args): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("lockstep: error: "), result.stderr)
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
    }

    /// Writes a small file into a per-process scratch folder and returns its path.
    static func scratchFile(_ name: String, _ text: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-cli-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func testUsageErrorsExitTwo() throws {
        let missing = try run(["inspect"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("Missing expected argument"), missing.stderr)
        let unknown = try run(["inspekt", "x"])
        XCTAssertEqual(unknown.status, 2)
        // conformance needs exactly one suite.
        let neither = try run(["conformance"])
        XCTAssertEqual(neither.status, 2)
        XCTAssertTrue(neither.stderr.contains("exactly one of --onnx-node-tests DIR and --tflite-op-tests DIR"), neither.stderr)
        let both = try run(["conformance", "--onnx-node-tests", "a", "--tflite-op-tests", "b"])
        XCTAssertEqual(both.status, 2)
    }

    func testTFLiteConformanceRunsTheCommittedSuite() throws {
        let result = try run(["conformance", "--tflite-op-tests", "Tests/Fixtures/tflite-op-tests", "--filter", "op_relu_float32"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("1 passed, 0 failed, 0 skipped\n"), result.stdout)
        let missing = try run(["conformance", "--tflite-op-tests", "no/such/dir"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("lockstep: error: no/such/dir: "), missing.stderr)
    }

    func testRunExitsOneWhenACustomOpKeepsOutputsFromBeingProduced() throws {
        let result = try run(["run", "Tests/TFLiteFormatTests/Fixtures/models/custom_op.tflite", "--random-inputs", "1"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("MyCustomOp_1 (custom::MyCustomOp)"), result.stdout)
        let complete = try run(["run", "Tests/TFLiteFormatTests/Fixtures/models/float_conv.tflite", "--random-inputs", "1", "--steps", "2"])
        XCTAssertEqual(complete.status, 0, complete.stderr)
        XCTAssertTrue(complete.stdout.contains("output  float32 [2, 1, 10]"), complete.stdout)
    }

    func testHelpSnapshots() throws {
        let root = try run(["--help"])
        XCTAssertEqual(root.status, 0)
        assertSnapshot(root.stdout, named: "help.txt")
        let inspect = try run(["inspect", "--help"])
        XCTAssertEqual(inspect.status, 0)
        assertSnapshot(inspect.stdout, named: "help-inspect.txt")
        let accuracy = try run(["accuracy", "--help"])
        XCTAssertEqual(accuracy.status, 0)
        assertSnapshot(accuracy.stdout, named: "help-accuracy.txt")
        let version = try run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout, "0.1.0\n")
    }

    func testAccuracyExitCodesAndJSON() throws {
        let base = ["accuracy", "--dataset", "examples/accuracy/digits-test.npz", "--reference", "examples/accuracy/digits_cnn.onnx",
                    "--classes", "examples/accuracy/classes.txt", "--bootstrap", "200"]
        let good = try run(base + ["--candidate", "examples/accuracy/digits_cnn_int8.onnx"])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.contains("gate: PASS"), good.stdout)
        XCTAssertEqual(good.stderr, "", "no progress bar when stderr is not a terminal")
        let skewed = try run(base + ["--candidate", "examples/accuracy/digits_cnn_int8_skewed.onnx", "--json"])
        XCTAssertEqual(skewed.status, 1, skewed.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(skewed.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(object["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.filter { $0["severity"] as? String == "error" }.map { $0["kind"] as? String }, ["classRegression"])
        XCTAssertEqual(((findings.first?["location"] as? [String: Any])?["class"]) as? String, "four")
        XCTAssertNotNil(object["accuracy"])

        let cases: [(args: [String], expected: String)] = [
            (["accuracy", "--dataset", "nope.npz", "--reference", "examples/accuracy/digits_cnn.onnx", "--candidate", "x.onnx"],
             "lockstep: error: nope.npz: no such file or folder\n"),
            (base + ["--candidate", "examples/accuracy/classes.txt"], "lockstep: error: examples/accuracy/classes.txt: "),
            (["accuracy", "--dataset", "examples/accuracy/digits-test.npz", "--reference", "examples/accuracy/digits_cnn.onnx"],
             "lockstep: error: give at least one --candidate FORM\n"),
        ]
        for (args, expected) in cases {
            let result = try run(args)
            XCTAssertEqual(result.status, 2, "\(args): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix(expected), "\(args): \(result.stderr)")
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
            XCTAssertEqual(result.stdout, "")
        }
    }
}
