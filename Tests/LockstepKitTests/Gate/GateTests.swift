import Foundation
import LockstepCore
import LockstepTestSupport
import Reporting
import XCTest

@testable import LockstepKit

/// `lockstep gate` end to end through LockstepKit: exit codes, baselines, shards and merge, the
/// report folder, and the bundled example suite's findings.
final class GateTests: XCTestCase {
    static let clock = Date(timeIntervalSince1970: 1_767_323_045)
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-gate-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let pairs = Repo.path("examples/pairs")
    static let good = """
          - name: good
            onnx: \(pairs)/pairnet.onnx
            tflite: \(pairs)/pairnet.tflite
            inputs: \(pairs)/inputs
            targets: [tflite-xnnpack]
        """
    static let drifting = """
          - name: drifting
            onnx: \(pairs)/pairnet.onnx
            tflite: \(pairs)/pairnet_bn_wrong_stats.tflite
            inputs: \(pairs)/inputs
        """
    static let broken = """
          - name: broken
            onnx: \(pairs)/pairnet.onnx
            tflite: \(pairs)/pairnet_no_activation.tflite
            inputs: \(pairs)/inputs
        """

    func suite(_ models: String..., extra: String = "") throws -> String {
        let url = dir.appendingPathComponent("suite-\(UUID().uuidString.prefix(6)).yaml")
        try Data("version: 1\nname: t\n\(extra)models:\n\(models.joined(separator: "\n"))\n".utf8).write(to: url)
        return url.path
    }

    func options(_ config: String, baseline: String? = nil, shard: String? = nil) throws -> Gate.Options {
        var o = Gate.Options()
        o.config = config
        o.baseline = baseline
        o.shard = try shard.map(Shards.parse)
        o.opsets = Repo.path("opsets")
        o.reportDirectory = dir.appendingPathComponent("out").path
        o.now = { GateTests.clock }
        return o
    }

    func testExitCodesPassFailAndError() throws {
        let pass = try Gate.run(try options(try suite(Self.good)))
        XCTAssertEqual(pass.exitCode, 0, pass.report.findings.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(pass.report.suite?.cases.map(\.status), ["passed"])
        XCTAssertEqual(pass.report.suite?.cases[0].checks.map(\.check), ["structure", "numerics", "compat tflite-xnnpack"])

        let fail = try Gate.run(try options(try suite(Self.good, Self.broken)))
        XCTAssertEqual(fail.exitCode, 1)
        XCTAssertEqual(fail.report.suite?.cases.map(\.status), ["passed", "failed"])
        XCTAssertTrue(fail.report.findings.contains { $0.kind == .droppedOp && $0.model == "broken" && $0.location?.nodeName == "relu2" })
        XCTAssertEqual(fail.report.exitCode, 1)

        // A corrupt form: exit 2, the other models still run and the report says what happened.
        let corrupt = dir.appendingPathComponent("corrupt.tflite")
        try Data("TFL3 this is not a flatbuffer".utf8).write(to: corrupt)
        let error = try Gate.run(try options(try suite(Self.good, "  - name: bad\n    tflite: \(corrupt.path)\n    targets: [tflite-xnnpack]")))
        XCTAssertEqual(error.exitCode, 2)
        XCTAssertEqual(error.errors.count, 1)
        XCTAssertTrue(error.errors[0].hasPrefix(corrupt.path + ": "), error.errors[0])
        XCTAssertEqual(error.report.suite?.cases.map(\.status), ["passed", "error"])
        XCTAssertTrue(error.report.findings.contains { $0.kind == .loadProblem && $0.model == "bad" })

        // Suite problems are errors before any work.
        XCTAssertThrowsError(try Gate.run(try options(try suite("  - name: x\n    onnx: \(Self.pairs)/pairnet.onnx\n    targets: [no-such-target]"))))
    }

    func testBaselineTurnsKnownFindingsIntoUnchangedAndFailsOnlyOnNewOrWorse() throws {
        let baselinePath = dir.appendingPathComponent("baseline/report.json").path
        // 1. Accept today's state: --update-baseline writes the report and passes.
        var o = try options(try suite(Self.good, Self.broken, Self.drifting))
        o.baseline = baselinePath
        o.updateBaseline = true
        let accepted = try Gate.run(o)
        XCTAssertEqual(accepted.updatedBaseline, baselinePath)
        XCTAssertEqual(accepted.exitCode, 0)
        XCTAssertFalse(accepted.report.gate.passed, "the report itself still says the findings fail")
        let stored = try ReportJSON.read(path: baselinePath)
        XCTAssertNil(stored.baseline)
        XCTAssertEqual(stored.findings, accepted.report.findings)

        // 2. Same suite against the baseline: everything unchanged, the gate passes.
        let same = try Gate.run(try options(try suite(Self.good, Self.broken, Self.drifting), baseline: baselinePath))
        XCTAssertEqual(same.exitCode, 0)
        XCTAssertEqual(Set(same.report.baseline!.entries.map(\.status)), [.unchanged])
        XCTAssertEqual(same.report.baseline?.fixed, [])
        XCTAssertEqual(same.report.suite?.cases.map(\.status), ["passed", "passed", "passed"])

        // 3. A new broken model: only its findings are new, and they fail.
        let newBroken = """
              - name: layout
                onnx: \(Self.pairs)/pairnet.onnx
                tflite: \(Self.pairs)/pairnet_layout_error.tflite
                inputs: \(Self.pairs)/inputs
            """
        let more = try Gate.run(try options(try suite(Self.good, Self.broken, Self.drifting, newBroken), baseline: baselinePath))
        XCTAssertEqual(more.exitCode, 1)
        let view = ReportView(more.report)
        XCTAssertEqual(Set(view.blockingIndices.map { more.report.findings[$0].model }), ["layout"])
        XCTAssertTrue(more.report.findings.indices.filter { more.report.findings[$0].model == "broken" }.allSatisfy { view.statuses[$0] == .unchanged })

        // 4. The broken model fixed: its findings are fixed, nothing fails.
        let fixed = try Gate.run(try options(try suite(Self.good, Self.drifting), baseline: baselinePath))
        XCTAssertEqual(fixed.exitCode, 0)
        XCTAssertTrue(fixed.report.baseline!.fixed.contains { $0.kind == .droppedOp && $0.model == "broken" })

        // 5. Worse: the baseline's value was smaller than today's.
        var smaller = stored
        smaller.findings = stored.findings.map { f in
            var f = f
            if f.kind == .numericDivergence, let m = f.measured { f.measured = m / 2 }
            return f
        }
        XCTAssertTrue(smaller.findings.contains { $0.kind == .numericDivergence && $0.measured != nil }, "the drifting pair measures a divergence")
        let worsePath = dir.appendingPathComponent("worse.json").path
        try ReportJSON.write(smaller, to: worsePath, overwrite: true)
        let worse = try Gate.run(try options(try suite(Self.good, Self.broken, Self.drifting), baseline: worsePath))
        XCTAssertEqual(worse.exitCode, 1)
        XCTAssertTrue(worse.report.baseline!.entries.contains { $0.status == .worse })

        // A missing baseline is an error, not an empty one.
        XCTAssertThrowsError(try Gate.run(try options(try suite(Self.good), baseline: dir.appendingPathComponent("none.json").path))) { error in
            XCTAssertTrue(error.localizedDescription.contains("--update-baseline"), "\(error)")
        }
        // The report folder's own report.json cannot be the baseline.
        var clash = try options(try suite(Self.good), baseline: dir.appendingPathComponent("out/report.json").path)
        clash.reportDirectory = dir.appendingPathComponent("out").path
        XCTAssertThrowsError(try Gate.run(clash))
    }

    func testShardsMergeIntoTheUnshardedReport() throws {
        let models = [Self.good, Self.broken, Self.good.replacingOccurrences(of: "name: good", with: "name: good2")]
        let config = try suite(models[0], models[1], models[2])
        let whole = try Gate.run(try options(config)).report
        var paths: [String] = []
        for i in 1...2 {
            let shard = try Gate.run(try options(config, shard: "\(i)/2")).report
            XCTAssertEqual(shard.suite?.shard, ShardRecord(index: i, count: 2))
            XCTAssertEqual(shard.suite?.cases.map(\.index), i == 1 ? [0, 2] : [1])
            let path = dir.appendingPathComponent("shard\(i).json").path
            try ReportJSON.write(shard, to: path, overwrite: true)
            paths.append(path)
        }
        let merged = try GateOutputs.merge(paths: paths.reversed(), now: Self.clock)
        XCTAssertEqual(merged.findings, whole.findings)
        XCTAssertEqual(merged.models, whole.models)
        XCTAssertEqual(merged.suite?.cases, whole.suite?.cases)
        XCTAssertEqual(merged.gate, whole.gate)
        XCTAssertEqual(merged.suite?.mergedShards, [ShardRecord(index: 1, count: 2), ShardRecord(index: 2, count: 2)])
        XCTAssertEqual(merged.command.name, "merge")

        // Refusals: a missing shard, a repeated one, another suite, a report that is no shard.
        let expectations: [([String], String)] = [
            ([paths[0]], "missing shard 2/2"),
            ([paths[0], paths[0], paths[1]], "again"),
        ]
        for (input, text) in expectations {
            XCTAssertThrowsError(try GateOutputs.merge(paths: input)) { XCTAssertTrue($0.localizedDescription.contains(text), "\($0)") }
        }
        let other = try Gate.run(try options(try suite(Self.good), shard: "2/2")).report
        let otherPath = dir.appendingPathComponent("other.json").path
        try ReportJSON.write(other, to: otherPath, overwrite: true)
        XCTAssertThrowsError(try GateOutputs.merge(paths: [paths[0], otherPath])) { XCTAssertTrue($0.localizedDescription.contains("another suite file"), "\($0)") }
        let unsharded = dir.appendingPathComponent("whole.json").path
        try ReportJSON.write(whole, to: unsharded, overwrite: true)
        XCTAssertThrowsError(try GateOutputs.merge(paths: [unsharded])) { XCTAssertTrue($0.localizedDescription.contains("not a shard report"), "\($0)") }
        XCTAssertThrowsError(try GateOutputs.merge(paths: [dir.appendingPathComponent("nope.json").path]))
    }

    func testReportFolderHoldsTheFourFilesRenderedFromTheReport() throws {
        let outcome = try Gate.run(try options(try suite(Self.good, Self.broken)))
        let files = try GateOutputs.write(outcome.report, to: outcome.reportDirectory)
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent }, GateOutputs.files)
        XCTAssertEqual(try ReportJSON.read(path: files[0]), outcome.report)
        let junit = try String(contentsOfFile: files[1], encoding: .utf8)
        XCTAssertTrue(junit.contains("<testcase name=\"structure\" classname=\"lockstep.broken.tflite\""), junit)
        XCTAssertTrue(try String(contentsOfFile: files[2], encoding: .utf8).contains("❌ Lockstep gate failed"))
        XCTAssertTrue(try String(contentsOfFile: files[3], encoding: .utf8).contains("✘ Gate failed"))
    }

    /// The bundled example suite (README's main command) shows real findings of every kind it promises.
    func testTheExampleSuiteShowsItsDeliberateRegressions() throws {
        var o = try options(Repo.path("lockstep.yaml"))
        o.opsets = nil
        o.reportDirectory = dir.appendingPathComponent("examples").path
        let outcome = try Gate.run(o)
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.exitCode, 1)
        let r = outcome.report
        XCTAssertEqual(r.suite?.cases.map(\.status), ["passed", "failed", "failed"])
        let blocking = ReportView(r).blockingIndices.map { r.findings[$0] }
        XCTAssertTrue(blocking.contains { $0.model == "pairnet-int8" && $0.kind == .numericDivergence && $0.location?.nodeName == "fc" })
        XCTAssertTrue(blocking.contains { $0.model == "digits" && $0.kind == .classRegression && $0.location?.classLabel == "four" })
        XCTAssertTrue(r.findings.contains { $0.model == "pairnet" && $0.kind == .precisionFallback && $0.location?.nodeName == "fc" })
        let pairnet = try XCTUnwrap(r.suite?.cases.first)
        XCTAssertEqual(pairnet.engines?.first?.layers.count, 9)
        XCTAssertEqual(pairnet.engines?.first?.layersByPrecision, ["int8": 4, "float16": 3, "float32": 2])
        XCTAssertEqual(pairnet.goldens?.count, 3)
        XCTAssertTrue(pairnet.opStrips?.contains { $0.source == "onnx" && $0.form == "tensorrt" } == true)
        XCTAssertTrue(r.suite?.cases[1].opStrips?.contains { $0.nodes.contains { $0.verdict == "divergent" } } == true)
        XCTAssertNotNil(r.suite?.cases[2].accuracy)

        // The committed example report (scripts/make-example-report.sh) is current: as a baseline
        // for this run, every finding is unchanged and none is fixed.
        let committed = try ReportJSON.read(path: Repo.path("reports/examples/gate/report.json"))
        let against = Baseline.compare(r.findings, baseline: committed, baselinePath: "committed", margin: 0.01)
        XCTAssertEqual(against.counts, ["new": 0, "unchanged": r.findings.count, "worse": 0, "fixed": 0],
                       "re-run scripts/make-example-report.sh")
        XCTAssertEqual(committed.suite?.cases.map(\.status), r.suite?.cases.map(\.status))
        XCTAssertEqual(committed.suite?.cases.map(\.checks), r.suite?.cases.map(\.checks))
    }

    func testPerClassThresholdsJudgeTheRowAgain() throws {
        func outcome(_ extra: String) throws -> Gate.Outcome {
            let model = """
                  - name: digits
                    onnx: \(Repo.path("examples/accuracy/digits_cnn.onnx"))
                    accuracy:
                      dataset: \(Repo.path("examples/accuracy/digits-test.npz"))
                      classes: \(Repo.path("examples/accuracy/classes.txt"))
                      candidates: [\(Repo.path("examples/accuracy/digits_cnn_int8_skewed.onnx"))]
                """ + extra
            return try Gate.run(try options(try suite(model)))
        }
        func run(_ extra: String) throws -> Report { try outcome(extra).report }
        let plain = try run("")
        XCTAssertTrue(plain.findings.contains { $0.kind == .classRegression && $0.location?.classLabel == "four" })
        let loose = try run("\n      class_max_drop: {four: 0.2}")
        XCTAssertFalse(loose.findings.contains { $0.kind == .classRegression }, loose.findings.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(loose.findings.contains { $0.kind == .accuracyDrift && $0.severity == .info && $0.message.contains("within the suite's class threshold") })
        XCTAssertTrue(loose.gate.passed)
        let unknown = try outcome("\n      class_max_drop: {eleven: 0.2}")
        XCTAssertEqual(unknown.exitCode, 2)
        XCTAssertTrue(unknown.errors.first?.contains("'eleven' is not a class") == true, "\(unknown.errors)")
    }
}
