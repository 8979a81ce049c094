import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Reporting

final class ReportTests: XCTestCase {
    static let clock = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z

    static func finding(_ kind: FindingKind, _ severity: Severity, node: Int? = nil, message: String = "m") -> Finding {
        Finding(kind: kind, severity: severity, model: "net", form: .tflite,
                location: node.map { FindingLocation(graphPath: ["main"], nodeIndex: $0, nodeName: "n\($0)", op: "Relu") },
                measured: 0.5, threshold: 1e-5, message: message)
    }

    static func example() -> Report {
        var report = Report(tool: ToolInfo(version: "0.1.0"), generatedAt: clock,
                            command: CommandInfo(name: "check", arguments: ["--onnx", "net.onnx", "--tflite", "net.tflite"]),
                            models: [ModelEntry(name: "net", forms: [
                                FormEntry(id: "onnx", format: .onnx, path: "net.onnx", sha256: "ab", execution: "reference interpreter"),
                                FormEntry(id: "tflite", format: .tflite, path: "net.tflite")])],
                            findings: [finding(.numericDivergence, .error, node: 3), finding(.droppedOp, .error, node: 1),
                                       finding(.layoutMismatch, .warning)])
        report.comparisons = [OutputComparison(
            reference: "onnx", candidate: "tflite", output: "y", candidateOutput: "Identity", dtype: .float32, shape: [1, 2],
            candidateDtype: .float32, candidateShape: [1, 2], adaptation: ["matched by position"],
            tolerance: ToleranceRecord(rule: "allclose", atol: 1e-8, rtol: 1e-5, source: "default for float32"),
            metrics: ErrorMetrics(count: 2, failing: 0, maxAbs: 0, meanAbs: 0, medianAbs: 0, p99Abs: 0, maxRel: 0, meanRel: 0,
                                  medianRel: 0, p99Rel: 0, rmse: 0, cosine: 1, snrDb: .infinity, maxUlp: 0, nanMismatches: 0,
                                  infMismatches: 0, top1Agreement: 1, top5Agreement: nil, worstIndex: [0, 0], worstReference: 1,
                                  worstCandidate: 1, histogram: ErrorHistogram(edges: [0, 1e-9], counts: [2, 0]),
                                  requiredAtol: 0, requiredRtol: 0),
            passed: true)]
        report.correspondence = [CorrespondenceSection(source: "onnx", target: "tflite", nodes: [
            NodeCorrespondence(nodeIndex: 0, node: "conv", op: "Conv", status: "matched", counterparts: ["CONV_2D #0"], evidence: "tensor name"),
            NodeCorrespondence(nodeIndex: 1, node: "relu", op: "Relu", status: "dropped")], unexplainedTargetOps: [])]
        return report
    }

    func testJSONIsDeterministicAndMatchesTheSnapshot() throws {
        let a = try ReportJSON.string(Self.example())
        let b = try ReportJSON.string(Self.example())
        XCTAssertEqual(a, b)
        assertSnapshot(a, named: "example-report.json")
    }

    func testRoundTripKeepsEverythingIncludingNonFiniteNumbers() throws {
        let report = Self.example()
        let decoded = try ReportJSON.decode(try ReportJSON.encode(report), path: "r.json")
        XCTAssertEqual(decoded, report)
        XCTAssertEqual(decoded.comparisons?.first?.metrics.snrDb, .infinity)
    }

    func testFindingsAreSortedErrorsFirstThenKindThenNode() {
        let report = Self.example()
        XCTAssertEqual(report.findings.map(\.kind), [.droppedOp, .numericDivergence, .layoutMismatch])
        let two = Report.sortFindings([Self.finding(.droppedOp, .error, node: 10), Self.finding(.droppedOp, .error, node: 2)])
        XCTAssertEqual(two.map { $0.location?.nodeIndex }, [2, 10])
    }

    func testGateCountsAndVerdictFollowFailOn() {
        var report = Self.example()
        XCTAssertFalse(report.gate.passed)
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertEqual(report.gate.bySeverity, ["error": 2, "warning": 1, "info": 0])
        XCTAssertEqual(report.gate.byKind, ["droppedOp": 1, "numericDivergence": 1, "layoutMismatch": 1])
        report.setFindings([Self.finding(.layoutMismatch, .warning)])
        XCTAssertTrue(report.gate.passed)
        XCTAssertEqual(report.exitCode, 0)
        let strict = Report(generatedAt: Self.clock, command: CommandInfo(name: "check"), findings: [Self.finding(.layoutMismatch, .warning)],
                            failOn: .warning)
        XCTAssertFalse(strict.gate.passed)
        XCTAssertTrue(Report(generatedAt: Self.clock, command: CommandInfo(name: "check")).gate.passed)
    }

    func testTimestampIsUTCWholeSeconds() {
        XCTAssertEqual(Report.timestamp(Self.clock), "2026-01-02T03:04:05Z")
    }

    func testClassLocationIsEncodedAsClass() throws {
        let f = Finding(kind: .classRegression, severity: .error, model: "m", location: FindingLocation(classLabel: "cat"), message: "x")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(f), as: UTF8.self)
        XCTAssertTrue(text.contains(#""class":"cat""#), text)
        XCTAssertEqual(try JSONDecoder().decode(Finding.self, from: Data(text.utf8)), f)
    }

    func testUnreadableReportsAreRefusedWithTheFileAndReason() {
        let cases: [(String, String, String)] = [
            ("not-json", "oops", "not a JSON object"),
            ("no-version", "{}", "no schemaVersion"),
            ("future", #"{"schemaVersion": 99}"#, "schemaVersion 99 is not one this lockstep reads"),
            ("missing-key", #"{"schemaVersion": 1}"#, "missing key"),
        ]
        for (id, text, expected) in cases {
            XCTAssertThrowsError(try ReportJSON.decode(Data(text.utf8), path: "r.json"), id) { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.hasPrefix("r.json: ") && message.contains(expected), "\(id): \(message)")
            }
        }
    }

    func testWriteRefusesToReplaceWithoutOverwrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("report.json").path
        try ReportJSON.write(Self.example(), to: path, overwrite: false)
        XCTAssertThrowsError(try ReportJSON.write(Self.example(), to: path, overwrite: false)) { error in
            XCTAssertEqual(error as? ReportingError, .wouldOverwrite(path: path, flag: "--force"))
        }
        try ReportJSON.write(Self.example(), to: path, overwrite: true)
        XCTAssertEqual(try ReportJSON.read(path: path), Self.example())
    }
}
