import XCTest

@testable import TFLiteFormat

final class TFLitePlaceholderTests: XCTestCase {
    func testModuleBuilds() {}
}
