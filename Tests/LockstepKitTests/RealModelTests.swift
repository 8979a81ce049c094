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

    /// Fused elementwise chains change no bit of PP-OCR's outputs (its exported HardSwish /
    /// HardSigmoid / LayerNorm chains are what fusion is for).
    func testFusionIsBitIdenticalOnPPOCR() throws {
        let corpus = try CorpusTests.corpusDirectory()
        let root = corpus + "/goldens/ort"
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).sorted().filter { $0.hasPrefix("ppocr") }
        XCTAssertEqual(cases.count, 3)
        for name in cases {
            let dir = "\(root)/\(name)"
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json")))
            let model = try ModelFile.load(path: corpus + "/" + manifest.model)
            var feeds: [String: Value] = [:]
            for input in manifest.inputs { feeds[input.name] = .tensor(try Npy.read(path: "\(dir)/\(input.file)")) }
            let fused = try Session(model: model), plain = try Session(model: model, fusion: false)
            XCTAssertGreaterThan(fused.main.fusedStepCount, 10, name)
            let a = try fused.run(feeds), b = try plain.run(feeds)
            for (x, y) in zip(a.outputs, b.outputs) {
                let p = try XCTUnwrap(x.value?.tensor).scalars(as: Float.self), q = try XCTUnwrap(y.value?.tensor).scalars(as: Float.self)
                XCTAssertEqual(p.map(\.bitPattern), q.map(\.bitPattern), "\(name): \(x.name)")
            }
        }
    }
}
