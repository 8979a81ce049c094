import XCTest
@testable import Compatibility

final class CompatibilityErrorTests: XCTestCase {
    func testMessagesNameFileAndLine() {
        XCTAssertEqual(CompatibilityError.invalidTargetFile(path: "opsets/x.yaml", line: 12, reason: "unknown key 'foo'").errorDescription,
                       "opsets/x.yaml:12: unknown key 'foo'")
        XCTAssertEqual(CompatibilityError.invalidTargetFile(path: "opsets/x.yaml", line: nil, reason: "empty file").errorDescription,
                       "opsets/x.yaml: empty file")
        XCTAssertEqual(CompatibilityError.unknownTarget(id: "tflite-gpu", suggestions: ["tflite-gpu-delegate"]).errorDescription,
                       "tflite-gpu: no such target (did you mean 'tflite-gpu-delegate'?)")
    }
}
