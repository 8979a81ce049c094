import Foundation
import LockstepTestSupport
import XCTest

@testable import Interpreter

/// Keeps docs/tflite-builtins.md true: every builtin of the schema is either implemented
/// (registered in `TFLiteOps.registry`, listed with its versions) or listed with a reason, and
/// every implemented op is named in the TFLite builtin target (`opsets/tflite/builtin.yaml`).
final class TFLiteBuiltinCoverageTests: XCTestCase {
    func schemaBuiltins() throws -> [String] {
        let fbs = try String(contentsOfFile: Repo.path("schemas/tflite.fbs"), encoding: .utf8)
        guard let start = fbs.range(of: "enum BuiltinOperator : int32 {"), let end = fbs[start.upperBound...].range(of: "}") else {
            throw XCTSkip("no BuiltinOperator enum")
        }
        return fbs[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line in
            let name = line.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) ?? ""
            return name.isEmpty || name.hasPrefix("//") ? nil : name
        }
    }

    /// First-column entries of the table under `heading` in the doc.
    func table(_ doc: String, _ heading: String) -> [String: String] {
        var rows: [String: String] = [:]
        guard let start = doc.range(of: "## \(heading)\n") else { return rows }
        for line in doc[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("|"), cells.count >= 2, cells[0] != "builtin", !cells[0].hasPrefix("---") else { continue }
            rows[cells[0]] = cells[1]
        }
        return rows
    }

    func testTheBuiltinPageListsEveryBuiltinOnce() throws {
        let builtins = try schemaBuiltins()
        XCTAssertEqual(builtins.count, 210)
        let doc = try String(contentsOfFile: Repo.path("docs/tflite-builtins.md"), encoding: .utf8)
        let implemented = table(doc, "Implemented"), missing = table(doc, "Not implemented")
        let registered = Set(TFLiteOps.registry.opNames)
        XCTAssertEqual(Set(implemented.keys), registered, "the Implemented table and the registry differ")
        XCTAssertTrue(Set(implemented.keys).isDisjoint(with: missing.keys))
        XCTAssertEqual(Set(implemented.keys).union(missing.keys), Set(builtins), "every builtin must be listed once")
        for (op, reason) in missing { XCTAssertFalse(reason.isEmpty, "\(op) needs a reason") }
        for op in registered {
            let versions = TFLiteOps.registry.versions(domain: "", name: op)
            let text = versions.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", ")
            XCTAssertEqual(implemented[op], text, "versions of \(op)")
        }
        XCTAssertTrue(doc.contains("**\(registered.count) implemented**, \(builtins.count - registered.count) not."))
    }

    func testEveryImplementedOpIsNamedInTheBuiltinTarget() throws {
        let yaml = try String(contentsOfFile: Repo.path("opsets/tflite/builtin.yaml"), encoding: .utf8)
        guard let ops = yaml.range(of: "\nops:\n") else { return XCTFail("no ops: section") }
        var named = Set<String>()
        for line in yaml[ops.upperBound...].split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            named.insert(String(line.dropFirst(2).prefix { $0 != ":" }))
        }
        let missing = Set(TFLiteOps.registry.opNames).subtracting(named)
        XCTAssertTrue(missing.isEmpty, "implemented but not in opsets/tflite/builtin.yaml: \(missing.sorted())")
    }
}
