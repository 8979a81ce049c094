import XCTest
@testable import Reporting

final class HTMLTextTests: XCTestCase {
    func testEscapesMarkupQuotesAndControlCharacters() {
        let cases: [(id: String, text: String, expected: String)] = [
            ("plain", "Conv 3x3 → relu", "Conv 3x3 → relu"),
            ("markup", "<a href=\"x\">&'</a>", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"),
            ("already escaped stays visible", "&amp;", "&amp;amp;"),
            ("white space kept", "a\tb\nc\r", "a\tb\nc\r"),
            ("C0 controls and DEL", "\u{0}\u{1}\u{1B}\u{7F}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
            ("empty", "", ""),
        ]
        for c in cases {
            XCTAssertEqual(HTMLText.escape(c.text), c.expected, c.id)
            XCTAssertEqual(e(c.text), c.expected, c.id)
        }
    }
}
