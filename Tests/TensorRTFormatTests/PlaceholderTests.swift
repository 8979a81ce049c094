import XCTest

@testable import TensorRTFormat

final class TensorRTPlaceholderTests: XCTestCase {
    func testModuleBuilds() {}
}
