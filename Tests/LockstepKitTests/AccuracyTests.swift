import Checking
import Foundation
import LockstepCore
import LockstepTestSupport
import Reporting
import TensorIO
import XCTest

@testable import LockstepKit

/// `lockstep accuracy` on the committed demonstration (examples/accuracy, scripts/make-accuracy-demo.py)
/// and on captured outputs.
final class AccuracyTests: XCTestCase {
    static let demo = Repo.path("examples/accuracy")
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("accuracy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    func demoOptions(_ candidates: [String]) -> AccuracyAudit.Options {
        var o = AccuracyAudit.Options(dataset: Self.demo + "/digits-test.npz", reference: Self.demo + "/digits_cnn.onnx",
                                      candidates: candidates.map { Self.demo + "/" + $0 })
        o.classesFile = Self.demo + "/classes.txt"
        o.policy.bootstrapResamples = 500
        return o
    }

    static func fixedClock() -> Date { Date(timeIntervalSince1970: 1_800_000_000) }

    /// The skewed calibration costs class 4 (only) while the aggregate hardly moves; the good
    /// calibration raises nothing.
    func testDemonstrationFlagsExactlyTheRegressedClass() throws {
        var options = demoOptions(["digits_cnn_int8.onnx", "digits_cnn_int8_skewed.onnx"])
        options.sliceBy = "ink"
        let report = try AccuracyAudit.run(options, clock: Self.fixedClock).report
        let failing = report.findings.filter { $0.severity == .error }
        XCTAssertEqual(failing.map(\.kind), [.classRegression], "\(failing.map(\.message))")
        let f = try XCTUnwrap(failing.first)
        XCTAssertEqual(f.location?.classLabel, "four")
        XCTAssertEqual(f.model, "digits_cnn")
        XCTAssertEqual(f.form, .onnx)
        XCTAssertTrue(f.message.hasPrefix("candidate digits_cnn_int8_skewed.onnx: aggregate −1.3 pt; class 4 'four' −13.2 pt (95.6% → 82.4%, n = 91), p = 0.0049"), f.message)
        XCTAssertEqual(f.measured ?? 0, 12.0 / 91.0, accuracy: 1e-12)
        XCTAssertEqual(f.threshold, 0.02)
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertFalse(report.findings.contains { $0.message.contains("digits_cnn_int8.onnx:") && $0.severity >= .warning })

        let a = try XCTUnwrap(report.accuracy)
        XCTAssertEqual(a.dataset.samples, 899)
        XCTAssertEqual(a.dataset.classNames?.count, 10)
        XCTAssertEqual(a.forms.map(\.role), ["reference", "candidate", "candidate"])
        XCTAssertEqual(a.forms[0].correct(), 881)
        XCTAssertEqual(a.comparisons[1].classes.filter { $0.verdict == "regression" }.map(\.group), [4])
        XCTAssertEqual(a.comparisons[1].classes[4].lost, 12)
        XCTAssertEqual(a.comparisons[1].slices?.values, ["0", "1", "2"])
        // The report reads back through the versioned decoder.
        let decoded = try ReportJSON.decode(try ReportJSON.encode(report), path: "r.json")
        XCTAssertEqual(decoded, report)
    }

    /// TFLite forms (TensorFlow's converter, NHWC, batch 1) against the ONNX reference (NCHW): the
    /// CHW samples are transposed for them, and their accuracy is LiteRT's (printed by the generator).
    func testTFLiteCandidatesRunWithTransposedSamples() throws {
        let report = try AccuracyAudit.run(demoOptions(["digits_cnn.tflite", "digits_cnn_int8.tflite"]), clock: Self.fixedClock).report
        let a = try XCTUnwrap(report.accuracy)
        XCTAssertEqual(a.forms.map { $0.correct() }, [881, 881, 880])
        XCTAssertEqual(report.models[0].forms.map(\.format), [.onnx, .tflite, .tflite])
        XCTAssertNil(a.forms[0].adaptations)
        XCTAssertTrue(a.forms[1].adaptations?.first?.hasSuffix("samples transposed CHW→HWC") ?? false, "\(String(describing: a.forms[1].adaptations))")
        XCTAssertEqual(report.exitCode, 0)
    }

    func testParallelAndSerialRunsGiveTheSameReport() throws {
        var one = demoOptions(["digits_cnn_int8_skewed.onnx"])
        one.evaluation.threads = 1
        one.evaluation.batchSize = 7
        var two = one
        two.evaluation.threads = 2
        two.evaluation.batchSize = 32
        let a = try ReportJSON.string(AccuracyAudit.run(one, clock: Self.fixedClock).report)
        let b = try ReportJSON.string(AccuracyAudit.run(two, clock: Self.fixedClock).report)
        XCTAssertEqual(a, b)
    }

    /// The null case: 40 int8 conversions calibrated on random training draws (predictions
    /// captured from onnxruntime by scripts/accuracy-null-case.py). At alpha 0.05 at most 5% may
    /// raise a failing finding.
    func testNullCaseFalseAlarmRateIsWithinAlpha() throws {
        let arrays = try Npz.read(path: Self.demo + "/null-case-captured.npz")
        let predictions = try XCTUnwrap(arrays.first { $0.name == "predictions" }?.tensor)
        let referenceValues = try XCTUnwrap(arrays.first { $0.name == "reference" }?.tensor).doubleValues()
        let labels = try XCTUnwrap(try Npz.read(path: Self.demo + "/digits-test.npz").first { $0.name == "labels" }?.tensor).doubleValues().map { Int32($0) }
        let seeds = predictions.shape[0], n = predictions.shape[1]
        XCTAssertGreaterThanOrEqual(seeds, 20)
        func preds(_ values: ArraySlice<Double>) -> Predictions {
            var p = Predictions(count: n, classCount: 10, k: 1)
            for (i, v) in values.enumerated() { p.set(i, classIndex: Int(v)) }
            return p
        }
        let reference = preds(referenceValues[...])
        let all = try predictions.doubleValues()
        var alarms = 0
        for s in 0..<seeds {
            let drift = AccuracyDrift.compare(labels: labels, reference: reference, candidate: preds(all[(s * n)..<((s + 1) * n)]),
                                              groups: labels, groupCount: 10, policy: DriftPolicy(bootstrapResamples: 100))
            let findings = AccuracyFindings.findings(drift, subject: .init(model: "m", candidate: "seed\(s)", format: nil, classNames: nil))
            if findings.contains(where: { $0.severity == .error }) { alarms += 1 }
        }
        XCTAssertLessThanOrEqual(Double(alarms), 0.05 * Double(seeds), "\(alarms) false alarms in \(seeds) seeds")
    }

    func testCapturedOutputsScoresAndClassIndices() throws {
        let labels: [Int64] = [0, 1, 2, 1, 0, 2]
        try Npz.write([("inputs", try Tensor(float32: [Float](repeating: 0, count: 6), shape: [6, 1])),
                       ("labels", try Tensor(dtype: .int64, shape: [6], values: labels))], to: scratch + "/set.npz", compressed: false)
        // Reference scores: all right. Candidate indices: sample 1 wrong.
        var scores = [Float](repeating: 0, count: 18)
        for (i, l) in labels.enumerated() { scores[i * 3 + Int(l)] = 1 }
        try Npy.write(try Tensor(float32: scores, shape: [6, 3]), to: scratch + "/ref.npy")
        try Npy.write(try Tensor(dtype: .int32, shape: [6], values: [Int32(0), 0, 2, 1, 0, 2]), to: scratch + "/cand.npy")
        try Npz.write([("logits", try Tensor(float32: scores, shape: [6, 1, 3])), ("extra", try Tensor(float32: [1], shape: [1]))],
                      to: scratch + "/cand2.npz", compressed: false)
        var options = AccuracyAudit.Options(dataset: scratch + "/set.npz", reference: scratch + "/ref.npy",
                                            candidates: [scratch + "/cand.npy", scratch + "/cand2.npz"])
        options.policy.minSupport = 1
        options.policy.bootstrapResamples = 100
        let report = try AccuracyAudit.run(options, clock: Self.fixedClock).report
        let a = try XCTUnwrap(report.accuracy)
        XCTAssertEqual(a.dataset.classes, 3)
        XCTAssertEqual(a.forms.map(\.accuracy), [1, 5.0 / 6.0, 1])
        XCTAssertEqual(a.forms.map(\.topK), [3, 1, 3])
        XCTAssertEqual(a.forms.map(\.execution), ["captured outputs", "captured outputs", "captured outputs"])
        XCTAssertEqual(a.comparisons[0].classes[1].lost, 1)
        XCTAssertEqual(report.models[0].forms.map(\.id), ["ref.npy", "cand.npy", "cand2.npz"])

        // Wrong row count, and a class count the names contradict.
        try Npy.write(try Tensor(float32: [1, 2], shape: [2, 1]), to: scratch + "/short.npy")
        let short = AccuracyAudit.Options(dataset: scratch + "/set.npz", reference: scratch + "/ref.npy", candidates: [scratch + "/short.npy"])
        XCTAssertThrowsError(try AccuracyAudit.run(short)) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix(self.scratch + "/short.npy: "), error.localizedDescription)
            XCTAssertTrue(error.localizedDescription.contains("one row per sample (6 samples)"), error.localizedDescription)
        }
        try "a\nb\n".write(toFile: scratch + "/names.txt", atomically: true, encoding: .utf8)
        var named = options
        named.classesFile = scratch + "/names.txt"
        XCTAssertThrowsError(try AccuracyAudit.run(named)) { error in
            XCTAssertTrue(error.localizedDescription.contains("class-name file lists 2"), error.localizedDescription)
        }
    }

    func testUsageErrors() {
        let cases: [(AccuracyAudit.Options, String)] = [
            (demoOptions([]), "at least one --candidate"),
            ({ var o = demoOptions(["digits_cnn_int8.onnx"]); o.policy.alpha = 1; return o }(), "--alpha"),
            ({ var o = demoOptions(["digits_cnn_int8.onnx"]); o.policy.maxDrop = 2; return o }(), "--max-drop"),
            ({ var o = demoOptions(["digits_cnn_int8.onnx"]); o.sliceBy = "weather"; return o }(), "no metadata column 'weather' (columns: ink)"),
            ({ var o = demoOptions(["digits_cnn_int8.onnx"]); o.evaluation.outputName = "probs"; return o }(), "no output of that name"),
        ]
        for (options, expected) in cases {
            XCTAssertThrowsError(try AccuracyAudit.run(options), expected) { error in
                XCTAssertTrue(error.localizedDescription.contains(expected), error.localizedDescription)
            }
        }
    }

    func testModelInputsMustFitTheSamples() throws {
        // tiny_cnn takes [batch, 3, 32, 32]; the digits are [1, 8, 8].
        let o = AccuracyAudit.Options(dataset: Self.demo + "/digits-test.npz", reference: Repo.path("examples/models/tiny_cnn.onnx"),
                                      candidates: [Self.demo + "/digits_cnn.onnx"])
        XCTAssertThrowsError(try AccuracyAudit.run(o)) { error in
            XCTAssertTrue(error.localizedDescription.contains("samples of shape [1, 8, 8] do not fit"), error.localizedDescription)
        }
    }

    func testReportIsNotOverwrittenWithoutForce() throws {
        let report = Report(generatedAt: Self.fixedClock(), command: CommandInfo(name: "accuracy"))
        try AccuracyAudit.writeReport(report, to: scratch + "/r", force: false)
        XCTAssertThrowsError(try AccuracyAudit.writeReport(report, to: scratch + "/r", force: false)) { error in
            XCTAssertTrue(error.localizedDescription.contains("--force"), error.localizedDescription)
        }
        XCTAssertNoThrow(try AccuracyAudit.writeReport(report, to: scratch + "/r", force: true))
    }

    func testProgressLine() {
        XCTAssertEqual(ProgressBar.line(label: "m.onnx", done: 0, total: 10, elapsed: 0), "  m.onnx  [....................]  0/10  0%")
        XCTAssertEqual(ProgressBar.line(label: "m.onnx", done: 5, total: 10, elapsed: 3), "  m.onnx  [##########..........]  5/10  50%  ETA 0:03")
        XCTAssertEqual(ProgressBar.line(label: "m.onnx", done: 10, total: 10, elapsed: 3725), "  m.onnx  [####################]  10/10  100%  1:02:05")
        final class Sink: @unchecked Sendable { var text = "" }
        let sink = Sink()
        final class Clock: @unchecked Sendable { var t = 0.0 }
        let clock = Clock()
        let bar = ProgressBar(label: "x", total: 4, clock: { clock.t }, write: { sink.text += $0 })
        bar.update(1)
        clock.t = 0.05
        bar.update(2)  // within 0.1 s of the last draw: skipped
        clock.t = 0.5
        bar.update(4)
        bar.update(4)  // after the end: nothing
        XCTAssertEqual(sink.text.components(separatedBy: "\r").count - 1, 2)
        XCTAssertTrue(sink.text.hasSuffix("100%  0:01\n"), sink.text)
    }
}

extension AccuracyFormResult {
    func correct() -> Int { classes.map(\.correct).reduce(0, +) }
}
