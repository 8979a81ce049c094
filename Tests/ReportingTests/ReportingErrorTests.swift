import XCTest
@testable import Reporting

final class ReportingErrorTests: XCTestCase {
    func testMessagesNameTheFile() {
        XCTAssertEqual(ReportingError.invalidReport(path: "r.json", reason: "schemaVersion 9 is newer than this lockstep (1)").errorDescription,
                       "r.json: schemaVersion 9 is newer than this lockstep (1)")
    }
}
