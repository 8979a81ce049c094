import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Compatibility

final class CorrespondenceTableTests: XCTestCase {
    func testTheCommittedTableLoadsAndEveryRuleCitesASource() throws {
        let table = try CorrespondenceTable.load(opsetsDirectory: Repo.path("opsets"))
        XCTAssertGreaterThan(table.rules.count, 10)
        let ids = Set(table.sources.map(\.id))
        for rule in table.rules { XCTAssertTrue(ids.contains(rule.source), rule.id) }
        XCTAssertEqual(table.counterparts[.tflite]?["Conv"], ["CONV_2D", "DEPTHWISE_CONV_2D", "CONV_3D"])
        XCTAssertEqual(table.rules.first { $0.id == "relu6-fused-activation" }?.when.clip, [0, 6])
    }

    func testMalformedTablesNameTheFileLineAndReason() {
        let head = """
            schema: 1
            kind: correspondence
            sources:
              - {id: s, title: t, url: u, version: v}

            """
        let cases: [(String, String, String)] = [
            ("unknown top key", head + "extra: 1\n", "t.yaml:5: unknown key 'extra'"),
            ("wrong kind", "schema: 1\nkind: target\n", "kind: expected 'correspondence'"),
            ("undeclared source", head + "rules:\n  - {id: r, ops: [Relu], formats: [tflite], action: eliminate, reason: x, source: nope}\n",
             "source 'nope' is not declared"),
            ("unknown action", head + "rules:\n  - {id: r, ops: [Relu], formats: [tflite], action: vanish, reason: x, source: s}\n",
             "unknown action 'vanish'"),
            ("fuse without into", head + "rules:\n  - {id: r, ops: [Relu], formats: [tflite], action: fuse, reason: x, source: s}\n",
             "a fuse rule needs 'into'"),
            ("unknown condition", head + "rules:\n  - {id: r, ops: [Relu], formats: [tflite], action: eliminate, when: {sunny: true}, reason: x, source: s}\n",
             "t.yaml:6: rule 'r'.when: unknown key 'sunny'"),
            ("unknown format", head + "counterparts:\n  coreml: {Conv: [X]}\n", "unknown format 'coreml'"),
            ("duplicate rule", head + "rules:\n  - {id: r, ops: [A], formats: [tflite], action: eliminate, reason: x, source: s}\n  - {id: r, ops: [B], formats: [tflite], action: eliminate, reason: x, source: s}\n",
             "id 'r' appears twice"),
            ("not yaml", "a: [\n", "not valid YAML"),
            ("duplicate key", head + "rules: []\nrules: []\n", "t.yaml:6: duplicate key 'rules'"),
            ("duplicate counterpart", head + "counterparts:\n  tflite:\n    Conv: [CONV_2D]\n    Conv: [X]\n",
             "t.yaml:8: counterparts.tflite: duplicate key 'Conv'"),
            ("missing field", head + "rules:\n  - {id: r, formats: [tflite], action: eliminate, reason: x, source: s}\n",
             "t.yaml:6: rule 'r': missing 'ops'"),
        ]
        for (id, text, expected) in cases {
            XCTAssertThrowsError(try CorrespondenceTable.parse(text, path: "t.yaml"), id) { error in
                let message = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(message.hasPrefix("t.yaml") && message.contains(expected), "\(id): \(message)")
            }
        }
    }

    func testNameTokensStripKerasSuffixesAndOutputIndices() {
        XCTAssertEqual(CorrespondenceBuilder.nameTokens("model_1/conv1_1/Relu;model_1/bn1_1/mul:0"),
                       ["model_1", "model", "conv1_1", "conv1", "Relu", "bn1_1", "bn1", "mul"])
    }
}
