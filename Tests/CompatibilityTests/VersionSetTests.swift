import XCTest
@testable import Compatibility

final class VersionSetTests: XCTestCase {
    func testParsesAndContains() throws {
        let cases: [(text: String, inside: [Int], outside: [Int], normalised: String)] = [
            ("3", [3], [2, 4], "3"),
            ("1-6", [1, 6], [0, 7], "1-6"),
            ("7+", [7, 100], [6], "7+"),
            ("1-6, 8", [1, 6, 8], [7, 9], "1-6, 8"),
            ("1-10, 11-12, 13+", [1, 12, 13, 99], [0], "1+"),
            ("13+, 1-3", [2, 13], [4, 12], "1-3, 13+"),
            (" 2 ,3 ", [2, 3], [1, 4], "2-3"),
        ]
        for c in cases {
            let set = try VersionSet.parse(c.text).get()
            for v in c.inside { XCTAssertTrue(set.contains(v), "\(c.text) should contain \(v)") }
            for v in c.outside { XCTAssertFalse(set.contains(v), "\(c.text) should not contain \(v)") }
            XCTAssertEqual(set.description, c.normalised, c.text)
        }
    }

    func testRejectsBadRanges() {
        let cases: [(String, String)] = [
            ("3-1", "empty"), ("x", "not a version"), ("", "empty item"), ("1,,2", "empty item"), ("0", "not a version"),
            ("1-", "not a version"), ("+", "not a version"), ("-3", "not a version"), ("1.5", "not a version"), ("9999999999", "not a version"),
        ]
        for (text, fragment) in cases {
            switch VersionSet.parse(text) {
            case .success(let s): XCTFail("'\(text)' parsed as \(s)")
            case .failure(let e): XCTAssertTrue(e.reason.contains(fragment), "'\(text)': \(e.reason)")
            }
        }
    }
}
