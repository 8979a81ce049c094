import XCTest
import Yams
import YAMLSupport

final class YAMLReadingTests: XCTestCase {
    let yaml = YAMLReader()

    func root(_ text: String) throws -> Yams.Node { try XCTUnwrap(try yaml.compose(text)) }

    /// Runs `body`, which must throw a `YAMLProblem` with this line and reason.
    func assertProblem(_ line: Int?, _ reason: String, _ id: String, file: StaticString = #filePath, lineNumber: UInt = #line,
                       _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), id, file: file, line: lineNumber) { error in
            XCTAssertEqual(error as? YAMLProblem, YAMLProblem(line: line, reason: reason), id, file: file, line: lineNumber)
        }
    }

    func testSyntaxErrorsCarryTheLine() throws {
        XCTAssertNil(try yaml.compose(""))
        assertProblem(2, "not valid YAML: mapping values are not allowed in this context", "mapping in a scalar") {
            _ = try yaml.compose("a: 1\nb: c: d\ne: 2\n")
        }
        assertProblem(4, "not valid YAML: while parsing a flow sequence did not find expected ',' or ']'", "unclosed flow (at the end)") {
            _ = try yaml.compose("a: 1\nb: [1,\nc: 2\n")
        }
        XCTAssertThrowsError(try yaml.compose("a:\n\t- 1\n")) { error in
            let problem = error as? YAMLProblem
            XCTAssertEqual(problem?.line, 2)
            XCTAssertTrue(problem?.reason.hasPrefix("not valid YAML: ") == true, "\(error)")
        }
    }

    func testMappingsAllowListedKeysOnceAndSuggestTheClosest() throws {
        let allowed = ["name", "models", "version"]
        let cases: [(id: String, text: String, what: String, line: Int, reason: String)] = [
            ("unknown", "name: a\nmodles: []\n", "the suite", 2, "the suite: unknown key 'modles' (did you mean 'models'?); allowed: name, models, version"),
            ("no suggestion", "zzz: 1\n", "x", 1, "x: unknown key 'zzz'; allowed: name, models, version"),
            ("top level, no place", "zzz: 1\n", "", 1, "unknown key 'zzz'; allowed: name, models, version"),
            ("duplicate", "name: a\nversion: 1\nname: b\n", "x", 3, "x: duplicate key 'name'"),
            ("key not text", "[1]: a\n", "x", 1, "x: keys must be plain text"),
            ("not a mapping", "- 1\n", "x", 1, "x must be a mapping, found a list"),
            ("top level not a mapping", "just text\n", "", 1, "the file must be a mapping, found 'just text'"),
        ]
        for c in cases {
            assertProblem(c.line, c.reason, c.id) { _ = try yaml.mapping(try root(c.text), c.what, allowed: allowed) }
        }
        let m = try yaml.mapping(try root("version: 1\nname: a\n"), "x", allowed: allowed)
        XCTAssertEqual(m.map(\.key), ["version", "name"], "file order")
        XCTAssertEqual(m["name"]?.string, "a")
        XCTAssertEqual(m.entry("version")?.keyNode.mark?.line, 1)
        XCTAssertNil(m["models"])
    }

    func testFreeMappingsTakeAnyTextKeyOnce() throws {
        let m = try yaml.freeMapping(try root("b: 1\na: 2\n"), "dims")
        XCTAssertEqual(m.map(\.key), ["b", "a"])
        assertProblem(2, "dims: duplicate key 'b'", "duplicate") { _ = try yaml.freeMapping(try root("b: 1\nb: 2\n"), "dims") }
        assertProblem(1, "dims: keys must be plain text", "empty key") { _ = try yaml.freeMapping(try root("'': 1\n"), "dims") }
        assertProblem(1, "dims must be a mapping, found '3'", "scalar") { _ = try yaml.freeMapping(try root("3\n"), "dims") }
    }

    func testScalarsAreTypedStrictly() throws {
        let doc = try yaml.mapping(try root("""
            text: hello
            blank: '  '
            null: ~
            int: 7
            negative: -2
            yes: true
            float: 0.5
            inf: .inf
            list: [1, 2]
            map: {a: 1}
            """), "", allowed: ["text", "blank", "null", "int", "negative", "yes", "float", "inf", "list", "map"])
        func v(_ key: String) -> Yams.Node { doc[key]! }
        XCTAssertEqual(try yaml.string(v("text"), "t"), "hello")
        XCTAssertEqual(try yaml.string(v("blank"), "t"), "  ")
        XCTAssertEqual(try yaml.int(v("int"), "i", min: 7), 7)
        XCTAssertEqual(try yaml.bool(v("yes"), "b"), true)
        XCTAssertEqual(try yaml.number(v("int"), "n"), 7)
        XCTAssertEqual(try yaml.number(v("float"), "n"), 0.5)
        XCTAssertEqual(try yaml.list(v("list"), "l").count, 2)
        let failures: [(id: String, read: () throws -> Any, line: Int, reason: String)] = [
            ("null text", { try self.yaml.string(v("null"), "name") }, 3, "name must be text, found nothing (null)"),
            ("list as text", { try self.yaml.string(v("list"), "name") }, 9, "name must be text, found a list"),
            ("blank", { try self.yaml.nonEmptyString(v("blank"), "name") }, 2, "name must not be empty"),
            ("not an int", { try self.yaml.int(v("float"), "seed") }, 7, "seed must be an integer, found '0.5'"),
            ("below min", { try self.yaml.int(v("negative"), "seed", min: 0) }, 5, "seed must be at least 0, found -2"),
            ("not a bool", { try self.yaml.bool(v("int"), "dla") }, 4, "dla must be true or false, found '7'"),
            ("infinite", { try self.yaml.number(v("inf"), "atol") }, 8, "atol must be a finite number, found '.inf'"),
            ("text as number", { try self.yaml.number(v("text"), "atol") }, 1, "atol must be a finite number, found 'hello'"),
            ("not a list", { try self.yaml.list(v("map"), "models") }, 10, "models must be a list, found a mapping"),
        ]
        for f in failures { assertProblem(f.line, f.reason, f.id) { _ = try f.read() } }
    }

    func testAProblemNamesItsPlace() {
        XCTAssertEqual(YAMLProblem(line: 4, reason: "r").place(in: "a.yaml"), "a.yaml:4")
        XCTAssertEqual(YAMLProblem(line: nil, reason: "r").place(in: "a.yaml"), "a.yaml")
        XCTAssertEqual(YAMLProblem(nil, "r").line, nil)
    }
}
