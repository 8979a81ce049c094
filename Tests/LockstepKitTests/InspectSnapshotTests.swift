import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import LockstepKit

/// `lockstep inspect` text and JSON for every example model, pinned by snapshots.
final class InspectSnapshotTests: XCTestCase {
    static let examples = [
        "tiny_cnn.onnx", "tiny_cnn_qdq.onnx", "control_flow.onnx", "custom_domain.onnx", "with_external_data/model.onnx",
    ]

    func report(_ example: String) throws -> InspectReport {
        var report = try Inspect.run(path: Repo.root + "/examples/models/" + example)
        report.path = "examples/models/" + example  // machine-independent
        return report
    }

    func testTextAndJSONSnapshots() throws {
        for example in Self.examples {
            let report = try report(example)
            let stem = example.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ".onnx", with: "")
            assertSnapshot(report.text(), named: "inspect-\(stem).txt")
            assertSnapshot(try report.jsonString(), named: "inspect-\(stem).json")
        }
    }

    func testJSONHasTheDocumentedKeysAndRoundTrips() throws {
        let report = try report("control_flow.onnx")
        let json = try report.jsonString()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["format", "nodeCount", "opHistogram", "inputs", "outputs", "graphs", "schemaVersion", "producer",
                    "irVersion", "opsets", "initializerCount", "parameterCount", "parameterBytes", "dtypes", "quantization",
                    "customDomains"] {
            XCTAssertNotNil(object[key], "missing key \(key)")
        }
        XCTAssertEqual(object["format"] as? String, "onnx")
        XCTAssertEqual(object["nodeCount"] as? Int, 12)
        let decoded = try JSONDecoder().decode(InspectReport.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, report)
    }

    func testQuantisationSummaryOfTheQDQExample() throws {
        let q = try report("tiny_cnn_qdq.onnx").quantization
        XCTAssertEqual(q.quantizeLinear, 7)
        XCTAssertEqual(q.dequantizeLinear, 13)
        XCTAssertEqual(q.qdqPairs, 7)
        XCTAssertEqual(q.perAxis, 6)
        XCTAssertEqual(q.perTensor, 14)
        XCTAssertEqual(q.quantizedTypes, [.int32, .int8])
        XCTAssertTrue(q.isQuantized)
        XCTAssertFalse(try report("tiny_cnn.onnx").quantization.isQuantized)
    }

    func testCustomDomainsAndSubgraphPaths() throws {
        XCTAssertEqual(try report("custom_domain.onnx").customDomains, ["com.microsoft", "lockstep.examples"])
        let graphs = try report("control_flow.onnx").graphs
        XCTAssertEqual(graphs.count, 5)
        XCTAssertEqual(graphs.map(\.depth), [0, 1, 1, 1, 1])
        XCTAssertTrue(graphs[1].path.hasSuffix("/choose/else_branch") || graphs[1].path.hasSuffix("/choose/then_branch"), graphs[1].path)
    }

    func testNotAModelFolderIsRefusedClearly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-kit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.tflite").path
        _ = FileManager.default.createFile(atPath: path, contents: Data([0x1c, 0, 0, 0] + Array("TFL3".utf8) + [0, 0, 0, 0]))
        XCTAssertThrowsError(try Inspect.run(path: path)) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix(path + ": "), error.localizedDescription)
        }
        XCTAssertThrowsError(try Inspect.run(path: dir.path)) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix(dir.path), error.localizedDescription)
        }
    }
}
