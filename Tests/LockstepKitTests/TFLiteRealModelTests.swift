import Foundation
import Interpreter
import LockstepCore
import TensorIO
import XCTest

@testable import LockstepKit

/// The mediapipe 0.10.14 .tflite models through the TFLite reference interpreter, against the
/// outputs LiteRT's reference kernels (BUILTIN_REF) gave for the same seeded inputs
/// (scripts/make_litert_goldens.py). Tolerance rtol 1e-5 / atol 1e-6; the conv, fully connected
/// and pooling sums follow the reference kernels' order, so nearly every output is bit-exact, and
/// the test also holds the count of exactly equal outputs to what was measured.
final class TFLiteRealModelTests: XCTestCase {
    struct Manifest: Decodable {
        struct Entry: Decodable { var name: String; var file: String }
        var model: String
        var inputs: [Entry]
        var outputs: [Entry]
        var resolver: String
    }

    func goldens() throws -> (corpus: String, root: String, cases: [String]) {
        let corpus = try CorpusTests.corpusDirectory()
        let root = corpus + "/goldens/litert"
        var isDirectory: ObjCBool = false
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).filter {
            FileManager.default.fileExists(atPath: "\(root)/\($0)", isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        return (corpus, root, cases)
    }

    func testInterpreterMatchesLiteRTReferenceKernelsOnMediapipeModels() throws {
        let (corpus, root, cases) = try goldens()
        XCTAssertEqual(cases.count, 11, "the 14 mediapipe models minus the 3 with custom ops")
        var failures: [String] = []
        var outputs = 0, exact = 0
        for name in cases {
            let dir = "\(root)/\(name)"
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json")))
            XCTAssertTrue(manifest.resolver.hasPrefix("BUILTIN_REF"), name)
            do {
                let model = try ModelFile.load(path: corpus + "/" + manifest.model)
                let session = try Session(model: model)
                var feeds: [String: Value] = [:]
                for input in manifest.inputs { feeds[input.name] = .tensor(try Npy.read(path: "\(dir)/\(input.file)")) }
                let result = try session.run(feeds)
                XCTAssertTrue(result.notExecuted.isEmpty, name)
                for (i, output) in manifest.outputs.enumerated() {
                    let expected = try Npy.read(path: "\(dir)/\(output.file)")
                    guard case .tensor(let actual)? = result.outputs[i].value else {
                        failures.append("\(name): output \(output.name) was not produced")
                        continue
                    }
                    outputs += 1
                    if actual.storage.bytes.elementsEqual(expected.storage.bytes) { exact += 1 }
                    if let problem = Conformance.compare(actual, expected, rtol: 1e-5, atol: 1e-6) {
                        failures.append("\(name): output \(output.name): \(problem)")
                    }
                }
            } catch {
                failures.append("\(name): \(error.localizedDescription)")
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) outputs differ from LiteRT:\n" + failures.joined(separator: "\n"))
        XCTAssertEqual(outputs, 28)
        // Measured: every output bit-exact but pose_landmark_full's Identity_1, a LOGISTIC of about
        // 1.5e-11 one float32 ULP away (the C library's expf against LiteRT's std::exp).
        XCTAssertGreaterThanOrEqual(exact, 27, "bit-exact outputs")
    }

    func testModelsWithCustomOpsReportTheNodesAndTheOutputsTheyKeepFromBeingComputed() throws {
        let (corpus, root, _) = try goldens()
        let skipped = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: root + "/skipped.json")))
        XCTAssertEqual(skipped.keys.sorted(), [
            "mediapipe/face_landmark/face_landmark_with_attention.tflite",
            "mediapipe/selfie_segmentation/selfie_segmentation.tflite",
            "mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite",
        ])
        var options = ModelRun.Options()
        options.randomSeed = 3
        let attention = try ModelRun.run(modelPath: corpus + "/mediapipe/face_landmark/face_landmark_with_attention.tflite", options: options)
        // Every custom node is reported (11, as `lockstep inspect` counts them), also those an
        // earlier custom node already keeps from running.
        XCTAssertEqual(Dictionary(grouping: attention.notExecuted, by: \.op).mapValues(\.count), [
            "custom::Landmarks2TransformMatrix": 3, "custom::TransformLandmarks": 5, "custom::TransformTensorBilinear": 3,
        ])
        XCTAssertEqual(attention.unproduced.map(\.name), ["output_lips", "output_left_eye", "output_right_eye", "output_left_iris", "output_right_iris"])
        XCTAssertTrue(attention.unproduced.allSatisfy { $0.cause.hasPrefix("Landmarks2TransformMatrix_") }, "\(attention.unproduced)")
        XCTAssertEqual(attention.outputs.map(\.name), ["output_mesh_identity", "conv_faceflag"])
        XCTAssertFalse(attention.isComplete)
        XCTAssertEqual(attention.findings.count, 11)
        XCTAssertTrue(attention.findings.allSatisfy { $0.kind == .customOp })
        XCTAssertEqual(attention.findings.first?.location?.op, "custom::Landmarks2TransformMatrix")
        let selfie = try ModelRun.run(modelPath: corpus + "/mediapipe/selfie_segmentation/selfie_segmentation.tflite", options: options)
        XCTAssertEqual(selfie.notExecuted.map(\.op), ["custom::Convolution2DTransposeBias"])
        XCTAssertEqual(selfie.unproduced.map(\.name), ["activation_10"])
        XCTAssertTrue(selfie.outputs.isEmpty)
    }
}
