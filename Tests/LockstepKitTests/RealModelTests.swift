import Foundation
import Interpreter
import LockstepCore
import LockstepTestSupport
import TensorIO
import XCTest

@testable import LockstepKit

/// Real models (PP-OCR, the onnx `light/` zoo) through the reference interpreter, against the
/// outputs ONNX Runtime gave for the same seeded inputs (scripts/make_ort_goldens.py).
final class RealModelTests: XCTestCase {
    struct Manifest: Decodable {
        struct Entry: Decodable { var name: String; var file: String }
        var model: String
        var inputs: [Entry]
        var outputs: [Entry]
        var version: String
    }

    func testInterpreterMatchesONNXRuntimeOnRealModels() throws {
        let corpus = try CorpusTests.corpusDirectory()
        let root = corpus + "/goldens/ort"
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 12)
        var failures: [String] = []
        for name in cases {
            let dir = "\(root)/\(name)"
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json")))
            do {
                let model = try ModelFile.load(path: corpus + "/" + manifest.model)
                let session = try Session(model: model)
                var feeds: [String: Value] = [:]
                for input in manifest.inputs { feeds[input.name] = .tensor(try Npy.read(path: "\(dir)/\(input.file)")) }
                let result = try session.run(feeds)
                for (i, output) in manifest.outputs.enumerated() {
                    let expected = try Npy.read(path: "\(dir)/\(output.file)")
                    guard case .tensor(let actual)? = result.outputs[i].value else {
                        failures.append("\(name): output \(output.name) is not a tensor")
                        continue
                    }
                    if let problem = Conformance.compare(actual, expected, rtol: 1e-4, atol: 1e-5) {
                        failures.append("\(name): output \(output.name): \(problem)")
                    }
                }
            } catch {
                failures.append("\(name): \(error.localizedDescription)")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(cases.count) real models differ from ONNX Runtime:\n" + failures.joined(separator: "\n"))
    }
}
