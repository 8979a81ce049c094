import Checking
import Foundation
import LockstepTestSupport
import XCTest
@testable import LockstepKit

/// Runs the Python capture tools of tools/ (in the venv of scripts/bootstrap.sh) and reads what
/// they write with Lockstep's golden store.
final class CaptureToolsTests: XCTestCase {
    var temp = ""
    var python = ""

    override func setUpWithError() throws {
        let cache = ProcessInfo.processInfo.environment["LOCKSTEP_CACHE"] ?? (NSHomeDirectory() + "/.cache/lockstep")
        python = cache + "/venv/bin/python"
        if !FileManager.default.isExecutableFile(atPath: python) {
            if ProcessInfo.processInfo.environment["LOCKSTEP_REQUIRE_CORPUS"] == "1" { XCTFail("no Python venv at \(python) (scripts/bootstrap.sh)") }
            throw XCTSkip("no Python venv at \(python) (scripts/bootstrap.sh)")
        }
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-capture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
    }

    override func tearDown() { if !temp.isEmpty { try? FileManager.default.removeItem(atPath: temp) } }

    @discardableResult
    func tool(_ arguments: [String], expectStatus: Int32 = 0) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "1767225600"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, expectStatus, text)
        return text
    }

    func testCapturesAreReadableGoldenCasesThatAgreeWithTheReferenceRun() throws {
        let inputs = "examples/pairs/inputs"
        try tool(["tools/capture_onnxruntime.py", "examples/pairs/pairnet.onnx", "--inputs", inputs, "--out", temp + "/g/pairnet/ort"])
        try tool(["tools/capture_litert.py", "examples/pairs/pairnet.tflite", "--source", "examples/pairs/pairnet.onnx", "--inputs", inputs,
                  "--out", temp + "/g/pairnet/litert"])
        // The TensorRT tool's capture and file-writing path, on ONNX Runtime (no GPU here).
        try tool(["tools/capture_tensorrt.py", "examples/pairs/pairnet.onnx", "--backend", "onnxruntime", "--inputs", inputs,
                  "--out", temp + "/g/pairnet/trt-path"])
        let again = try tool(["tools/capture_onnxruntime.py", "examples/pairs/pairnet.onnx", "--inputs", inputs, "--out", temp + "/g/pairnet/ort"],
                             expectStatus: 1)
        XCTAssertTrue(again.contains("manifest.yaml: exists; pass --force to overwrite it"), again)

        for name in ["ort", "litert", "trt-path"] {
            let g = try GoldenStore.read(caseDirectory: temp + "/g/pairnet/\(name)")
            XCTAssertEqual(g.manifest.created, "2026-01-01T00:00:00Z")
            XCTAssertEqual(g.manifest.inputs.map(\.name), ["image"], name)
            XCTAssertEqual(g.manifest.outputs.map(\.name), ["probs"], name)
            XCTAssertTrue(try GoldenStore.verify(caseDirectory: g.directory).intact, name)
        }
        XCTAssertEqual(try GoldenStore.read(caseDirectory: temp + "/g/pairnet/litert").manifest.outputs.first?.provenance.runtime, "litert")
        var o = Check.Options(onnx: Repo.path("examples/pairs/pairnet.onnx"))
        o.tflite = Repo.path("examples/pairs/pairnet.tflite")
        o.golden = temp + "/g"
        o.opsets = Repo.path("opsets")
        let report = try Check.run(o)
        XCTAssertEqual(report.findings, [])
        XCTAssertEqual(report.comparisons?.filter(\.passed).count, 9)
    }

    func testSavedPolygraphyResultsBecomeAGoldenCase() throws {
        let fixtures = URL(fileURLWithPath: Repo.root + "/../shared/fixtures/tensorrt/trt-samples-hackathon-cn").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: fixtures) else { throw XCTSkip("no TensorRT fixtures at \(fixtures)") }
        try tool(["tools/capture_tensorrt.py", "--from-polygraphy-json", fixtures + "/polygraphy_output.json",
                  "--polygraphy-inputs", fixtures + "/polygraphy_input.json", "--runtime-version", "8.6.1",
                  "--model", "examples/pairs/trt_polygraphy_io.onnx", "--out", temp + "/g/polygraphy/run"])
        let g = try GoldenStore.read(caseDirectory: temp + "/g/polygraphy/run")
        XCTAssertEqual(g.manifest.outputs.map(\.name), ["A-V-12-Add", "A-V-14-ArgMax"])
        XCTAssertEqual(g.manifest.outputs.first?.provenance.version, "8.6.1")
        // The same arrays Lockstep's own Polygraphy reader finds in the file.
        let expected = try Check.loadBundle(fixtures + "/polygraphy_output.json", option: "--trt").outputs
        for (i, (name, tensor, _)) in try g.outputs().enumerated() {
            XCTAssertEqual(name, expected[i].name)
            XCTAssertEqual(try tensor.doubleValues(), try expected[i].tensor.doubleValues())
        }
    }
}
