import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import LockstepKit

/// The ONNX backend node suite through the reference interpreter: the pass count may only go up.
final class ConformanceTests: XCTestCase {
    static let baselinePath = Repo.path("docs/conformance-baseline.txt")

    func testNodeSuitePassCountDoesNotFallBelowTheBaseline() throws {
        let dir = try CorpusTests.corpusDirectory() + "/node"
        let expected = try Conformance.loadExpectedFailures(path: Repo.path("docs/conformance-expected-failures.txt"))
        let report = try Conformance.runNodeTests(directory: dir, expected: expected)
        XCTAssertEqual(report.failed, 0, "cases fail that docs/conformance-expected-failures.txt does not list:\n"
            + report.cases.filter { $0.status == .failed || $0.status == .unsupported }.prefix(30)
                .map { "\($0.name): \($0.reason ?? "")" }.joined(separator: "\n"))
        XCTAssertGreaterThan(report.cases.count, 1800)
        let baselineText = try String(contentsOfFile: Self.baselinePath, encoding: .utf8)
        let baseline = try XCTUnwrap(Int(baselineText.split(separator: "\n").first { !$0.hasPrefix("#") }?
            .trimmingCharacters(in: .whitespaces) ?? ""), "baseline file holds one number")
        XCTAssertGreaterThanOrEqual(report.passed, baseline,
            "conformance fell below the baseline: \(report.summaryLine); failures:\n"
            + report.cases.filter { $0.status == .failed }.prefix(20).map { "\($0.name): \($0.reason ?? "")" }.joined(separator: "\n"))
        // Every case is accounted for: nothing disappears between statuses.
        XCTAssertEqual(report.passed + report.failed + report.skipped, report.cases.count)
    }

    func testAllcloseComparison() throws {
        let e = try Tensor(float32: [1, .nan, .infinity, 100], shape: [4])
        XCTAssertNil(Conformance.compare(try Tensor(float32: [1, .nan, .infinity, 100.09], shape: [4]), e, rtol: 1e-3, atol: 0))
        XCTAssertNotNil(Conformance.compare(try Tensor(float32: [1, .nan, .infinity, 100.2], shape: [4]), e, rtol: 1e-3, atol: 0))
        XCTAssertNotNil(Conformance.compare(try Tensor(float32: [1, 0, .infinity, 100], shape: [4]), e, rtol: 1, atol: 1))
        XCTAssertNotNil(Conformance.compare(try Tensor(float32: [1, .nan, -.infinity, 100], shape: [4]), e, rtol: 1, atol: 1))
        XCTAssertEqual(Conformance.compare(try Tensor(float32: [1, 2], shape: [2]), try Tensor(float32: [1, 2], shape: [1, 2]), rtol: 0, atol: 0),
                       "shape [2], expected [1, 2]")
        let i = try Tensor(dtype: .int32, shape: [1], values: [Int32(1)])
        XCTAssertEqual(Conformance.compare(i, try Tensor(float32: [1], shape: [1]), rtol: 0, atol: 0), "dtype int32, expected float32")
    }

    func testExpectedFailuresNeedReasons() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.txt").path
        try "# comment\ntest_a: needs sequences\ntest_cast_*: float8 casts\n".write(toFile: good, atomically: true, encoding: .utf8)
        let list = try Conformance.loadExpectedFailures(path: good)
        XCTAssertEqual(list.count, 2)
        XCTAssertTrue(list[1].matches("test_cast_FLOAT_to_FLOAT8E4M3FN"))
        XCTAssertFalse(list[0].matches("test_ab"))
        let bad = dir.appendingPathComponent("bad.txt").path
        try "test_a:\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Conformance.loadExpectedFailures(path: bad)) { error in
            XCTAssertTrue(error.localizedDescription.contains("bad.txt:1"), error.localizedDescription)
        }
    }
}
