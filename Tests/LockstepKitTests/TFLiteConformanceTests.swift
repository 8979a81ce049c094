import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import LockstepKit

/// The committed TFLite op-test suite (Tests/Fixtures/tflite-op-tests) through the reference
/// interpreter: no unlisted failure, and the pass count may only go up.
final class TFLiteConformanceTests: XCTestCase {
    static let directory = Repo.path("Tests/Fixtures/tflite-op-tests")

    func testOpSuitePassCountDoesNotFallBelowTheBaseline() throws {
        let expected = try Conformance.loadExpectedFailures(path: Repo.path("docs/conformance-tflite-expected-failures.txt"))
        let report = try Conformance.runTFLiteOpTests(directory: Self.directory, expected: expected)
        XCTAssertEqual(report.failed, 0, "cases fail that docs/conformance-tflite-expected-failures.txt does not list:\n"
            + report.cases.filter { $0.status == .failed || $0.status == .unsupported }.prefix(30)
                .map { "\($0.name): \($0.reason ?? "")" }.joined(separator: "\n"))
        XCTAssertGreaterThan(report.cases.count, 200)
        let text = try String(contentsOfFile: Repo.path("docs/conformance-tflite-baseline.txt"), encoding: .utf8)
        let baseline = try XCTUnwrap(Int(text.split(separator: "\n").first { !$0.hasPrefix("#") }?.trimmingCharacters(in: .whitespaces) ?? ""))
        XCTAssertGreaterThanOrEqual(report.passed, baseline, "TFLite conformance fell below the baseline: \(report.summaryLine)")
        XCTAssertEqual(report.passed + report.failed + report.skipped, report.cases.count)
        // Every case is tallied under the op its case.json names; whole models under MODEL (scheme).
        XCTAssertTrue(report.perOp.contains { $0.op == "CONV_2D" && $0.cases >= 50 })
        XCTAssertTrue(report.perOp.contains { $0.op == "MODEL (int8)" && $0.cases == 2 })
        // Passing float cases are bit-exact unless docs/conformance-tflite-inexact.txt lists them with the cause.
        let inexact = try Conformance.loadExpectedFailures(path: Repo.path("docs/conformance-tflite-inexact.txt"))
        let notExact = Set(report.cases.filter { $0.status == .passed && $0.bitExact == false }.map(\.name))
        let listed = Set(report.cases.filter { c in inexact.contains { $0.matches(c.name) } }.map(\.name))
        XCTAssertEqual(notExact.subtracting(listed).sorted(), [], "passing cases that are not bit-exact and not listed in docs/conformance-tflite-inexact.txt")
        XCTAssertEqual(listed.subtracting(notExact).sorted(), [], "cases listed in docs/conformance-tflite-inexact.txt that are bit-exact (or fail) now")
    }

    func testOneCaseAndItsFailureModes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tflite-conf-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = Self.directory + "/op_relu_float32"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: dir + "/op_relu_float32")
        XCTAssertEqual(try Conformance.runTFLiteOpTests(directory: dir).summaryLine, "1 passed, 0 failed, 0 skipped")
        // A wrong golden fails with the element that differs.
        let output = dir + "/op_relu_float32/test_data_set_0/output_0.npy"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        bytes[bytes.count - 1] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: output))
        let failed = try Conformance.runTFLiteOpTests(directory: dir)
        XCTAssertEqual(failed.summaryLine, "0 passed, 1 failed, 0 skipped")
        XCTAssertTrue(failed.cases[0].reason?.contains("elements differ") ?? false, failed.cases[0].reason ?? "")
        // Listed as expected: skipped, with the reason.
        let skipped = try Conformance.runTFLiteOpTests(directory: dir, expected: [.init(pattern: "op_relu_*", reason: "test")])
        XCTAssertEqual(skipped.summaryLine, "0 passed, 0 failed, 1 skipped")
        // A corrupt case.json is a failure naming the file.
        try "{".write(toFile: dir + "/op_relu_float32/case.json", atomically: true, encoding: .utf8)
        XCTAssertTrue(try Conformance.runTFLiteOpTests(directory: dir).cases[0].reason?.hasPrefix("case.json") ?? false)
        // Not a suite folder.
        XCTAssertThrowsError(try Conformance.runTFLiteOpTests(directory: dir + "/missing"))
        XCTAssertThrowsError(try Conformance.runTFLiteOpTests(directory: dir + "/op_relu_float32/test_data_set_0"))
    }
}
