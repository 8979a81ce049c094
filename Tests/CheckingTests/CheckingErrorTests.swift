import XCTest
@testable import Checking

final class CheckingErrorTests: XCTestCase {
    func testMessagesNameTheFile() {
        XCTAssertEqual(CheckingError.wouldOverwrite(path: "golden/s/c/manifest.yaml", flag: "--force").errorDescription,
                       "golden/s/c/manifest.yaml: exists; pass --force to overwrite it")
        XCTAssertEqual(CheckingError.invalidInput(path: "d.npz", reason: "no array 'labels'").errorDescription, "d.npz: no array 'labels'")
    }
}
