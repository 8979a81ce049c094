import Foundation
import LockstepTestSupport
import XCTest

/// `lockstep gate` and `lockstep merge` as CI runs them: exit codes, output streams, the report
/// folder, error lines, help.
extension CLITests {
    func writeSuite(_ dir: String, _ body: String) throws -> String {
        let path = dir + "/suite.yaml"
        try Data("version: 1\nname: cli\n\(body)".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let cliGood = """
        models:
          - name: good
            onnx: \(Repo.path("examples/pairs/pairnet.onnx"))
            tflite: \(Repo.path("examples/pairs/pairnet.tflite"))
            inputs: \(Repo.path("examples/pairs/inputs"))
            targets: [tflite-xnnpack]
          - name: broken
            onnx: \(Repo.path("examples/pairs/pairnet.onnx"))
            tflite: \(Repo.path("examples/pairs/pairnet_no_activation.tflite"))

        """

    func testGateExitCodesStreamsAndReportFolder() throws {
        let dir = try temporaryDirectory()
        let suite = try writeSuite(dir, Self.cliGood)
        let fail = try run(["gate", suite, "--report-dir", dir + "/out"])
        XCTAssertEqual(fail.status, 1, fail.stderr)
        XCTAssertTrue(fail.stdout.contains("gate: FAIL"), fail.stdout)
        XCTAssertTrue(fail.stdout.contains("droppedOp  broken tflite node 'relu2' (Relu)"), fail.stdout)
        XCTAssertTrue(fail.stderr.contains("[2/2] broken  failed"), "progress on stderr: \(fail.stderr)")
        for file in ["report.json", "junit.xml", "summary.md", "index.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/" + file), file)
        }

        // --json: the report on stdout, nothing else there.
        let json = try run(["gate", suite, "--report-dir", dir + "/out", "--json", "--quiet"])
        XCTAssertEqual(json.status, 1)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["command"] as? [String: Any])?["name"] as? String, "gate")
        XCTAssertEqual(json.stderr, "", "--quiet keeps progress off")

        // Accept the state as the baseline, then the same suite passes; --github-annotations.
        let baseline = dir + "/baseline.json"
        let update = try run(["gate", suite, "--report-dir", dir + "/out", "--baseline", baseline, "--update-baseline", "--quiet"])
        XCTAssertEqual(update.status, 0, update.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: baseline))
        let pass = try run(["gate", suite, "--report-dir", dir + "/out", "--baseline", baseline, "--github-annotations"])
        XCTAssertEqual(pass.status, 0, pass.stderr + pass.stdout)
        XCTAssertTrue(pass.stdout.contains("gate: PASS"), pass.stdout)
        XCTAssertFalse(pass.stdout.contains("::error"), "nothing blocks: \(pass.stdout)")
        let annotated = try run(["gate", suite, "--report-dir", dir + "/out", "--github-annotations", "--quiet"])
        XCTAssertTrue(annotated.stdout.hasPrefix("::error file="), annotated.stdout)

        // Shards and merge.
        for i in 1...2 {
            let shard = try run(["gate", suite, "--shard", "\(i)/2", "--report-dir", dir + "/s\(i)", "--quiet"])
            XCTAssertEqual(shard.status, i == 1 ? 0 : 1, shard.stderr)
        }
        let merged = try run(["merge", dir + "/s1", dir + "/s2/report.json", "--report-dir", dir + "/merged"])
        XCTAssertEqual(merged.status, 1, merged.stderr)
        XCTAssertTrue(merged.stdout.contains("gate: FAIL"), merged.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/merged/index.html"))
        let partial = try run(["merge", dir + "/s1", "--report-dir", dir + "/merged"])
        XCTAssertEqual(partial.status, 2)
        XCTAssertEqual(partial.stderr, "lockstep: error: merge: missing shard 2/2 of 2\n")
    }

    func testGateInputErrorsExitTwoWithOneLine() throws {
        let dir = try temporaryDirectory()
        let bad = try writeSuite(dir, "models:\n  - name: a\n    onnx: nope.onnx\n")
        let corrupt = dir + "/corrupt.onnx"
        try Data([0x0a, 0xff, 0xff]).write(to: URL(fileURLWithPath: corrupt))
        let partly = dir + "/partly.yaml"
        try Data("version: 1\nmodels:\n  - name: ok\n    onnx: \(Repo.path("examples/pairs/pairnet.onnx"))\n    targets: [ort-cpu]\n  - name: bad\n    onnx: \(corrupt)\n    targets: [ort-cpu]\n".utf8)
            .write(to: URL(fileURLWithPath: partly))
        let cases: [(args: [String], expected: String)] = [
            (["gate", dir + "/missing.yaml"], "lockstep: error: \(dir)/missing.yaml: no such file (a suite file: docs/gate.md)\n"),
            (["gate", bad, "--report-dir", dir], "lockstep: error: \(bad):5: models[0] (a).onnx: 'nope.onnx' does not exist (paths are relative to the suite file's folder)\n"),
            (["gate", "lockstep.yaml", "--shard", "3/2"], "lockstep: error: --shard '3/2': expected INDEX/COUNT with 1 ≤ INDEX ≤ COUNT (e.g. 2/4)\n"),
            (["gate", "lockstep.yaml", "--shard", "1/2", "--update-baseline", "--baseline", dir + "/b.json"], "--update-baseline and --shard"),
            (["gate", partly, "--report-dir", dir + "/partly", "--quiet"], "lockstep: error: \(corrupt): "),
        ]
        for c in cases {
            let r = try run(c.args)
            XCTAssertEqual(r.status, 2, "\(c.args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("lockstep: error: "), r.stderr)
            XCTAssertTrue(r.stderr.contains(c.expected), "\(c.args): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "one line: \(r.stderr)")
        }
        // The partly readable suite still leaves a report of what ran.
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/partly/report.json"))
        let usage = try run(["gate", "--quiet", "--verbose"])
        XCTAssertEqual(usage.status, 2)
    }

    func testGateHelpSnapshots() throws {
        for (args, name) in [(["gate", "--help"], "help-gate.txt"), (["merge", "--help"], "help-merge.txt")] {
            let r = try run(args)
            XCTAssertEqual(r.status, 0)
            assertSnapshot(r.stdout, named: name)
        }
    }
}
