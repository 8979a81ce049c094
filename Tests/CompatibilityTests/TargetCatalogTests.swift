import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Compatibility

final class TargetCatalogTests: XCTestCase {
    /// Every file under opsets/ loads (the CI check of the data), with citations that resolve.
    func testEveryOpsetsFileLoads() throws {
        let catalog = try TargetCatalog.load(directory: Repo.path("opsets"))
        for target in catalog.targets {
            XCTAssertFalse(target.sources.isEmpty, target.id)
            for (name, rule) in target.ops {
                let source = rule.source ?? target.defaultSource
                XCTAssertNotNil(target.source(source), "\(target.id): \(name) has no resolvable source")
                for c in rule.constraints where c.source != nil {
                    XCTAssertNotNil(target.source(c.source), "\(target.id): \(name) constraint source")
                }
            }
        }
        // Lists what is there, so CI logs show it.
        print("opsets/: \(catalog.targets.count) targets: \(catalog.targets.map { "\($0.id) (\($0.ops.count) ops)" }.joined(separator: ", "))")
    }

    /// opsets/README.md's layout lists every target file with its id (and nothing that is gone).
    func testReadmeLayoutListsEveryFile() throws {
        let catalog = try TargetCatalog.load(directory: Repo.path("opsets"))
        let readme = try String(contentsOfFile: Repo.path("opsets/README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.components(separatedBy: "## Layout").last)
        let block = try XCTUnwrap(section.components(separatedBy: "```").dropFirst().first, "no layout block")
        let lines = block.split(separator: "\n").map(String.init)
        var directory = ""
        var listed: [String: String] = [:]  // directory/file -> the word after it (the id)
        for line in lines.dropFirst() {  // "opsets/"
            var fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if fields.first?.hasSuffix("/") == true { directory = fields.removeFirst() }
            guard fields.count >= 2, fields[0].hasSuffix(".yaml") else { continue }
            listed[fields[0].contains("/") ? fields[0] : directory + fields[0]] = fields[1]
        }
        for target in catalog.targets {
            let url = URL(fileURLWithPath: target.path)
            let file = url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
            XCTAssertEqual(listed[file], target.id, "\(file) (\(target.id)) is not listed with its id in opsets/README.md's layout")
        }
        for file in listed.keys.sorted() {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Repo.path("opsets/" + file)), "opsets/README.md lists \(file), which is gone")
        }
    }

    func testFixtureCatalog() throws {
        let catalog = try TargetCatalog.load(directory: CompatibilityAnalyzerTests.catalogPath)
        XCTAssertEqual(catalog.targets.map(\.id), ["test-accel", "test-cpu"])
        XCTAssertEqual(catalog.targets(for: .onnx).count, 2)
        XCTAssertEqual(catalog.targets(for: .tflite).count, 0)
        XCTAssertThrowsError(try catalog.target("test-gpu")) { error in
            XCTAssertEqual(error as? CompatibilityError, .unknownTarget(id: "test-gpu", suggestions: ["test-cpu"]))
        }
    }

    func target(_ id: String, format: ModelFormat = .onnx, fallback: String? = nil) -> Target {
        Target(id: id, name: id, format: format, kind: .delegate, runtime: RuntimeDescription(name: "r", versions: "1"), accelerator: .gpu,
               sources: [Source(id: "s", title: "s", url: "https://example.org", repository: nil, path: nil, version: "1", retrieved: nil)],
               defaultSource: "s", unsupported: UnsupportedAction(action: .fallback, to: .cpu, reason: nil, source: nil), fallbackTarget: fallback,
               constantThrough: [], partitioning: Partitioning(), modelLimits: ModelLimits(), notes: nil, ops: [:], path: "opsets/\(id).yaml")
    }

    func testCatalogProblems() {
        let cases: [(String, [Target], String)] = [
            ("duplicate id", [target("a"), target("a")], "opsets/a.yaml: target id 'a' is also used by opsets/a.yaml"),
            ("missing fallback", [target("a", fallback: "cpu")], "opsets/a.yaml: fallback_target 'cpu' is not a target in the catalog"),
            ("fallback of another format", [target("a", fallback: "b"), target("b", format: .tflite)],
             "opsets/a.yaml: fallback_target 'b' judges tflite models, this target onnx"),
            ("fallback loop", [target("a", fallback: "b"), target("b", fallback: "a")], "opsets/a.yaml: fallback_target chain loops back to 'a'"),
        ]
        for (id, targets, message) in cases {
            XCTAssertThrowsError(try TargetCatalog(targets: targets), id) { error in
                XCTAssertEqual((error as? CompatibilityError)?.errorDescription, message, id)
            }
        }
        XCTAssertThrowsError(try TargetCatalog.load(directory: "/nonexistent-opsets")) { error in
            XCTAssertEqual((error as? CompatibilityError)?.errorDescription, "/nonexistent-opsets: no such folder of target files")
        }
    }
}
