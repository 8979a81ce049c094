import Foundation
import Interpreter
import LockstepCore
import LockstepTestSupport
import TensorIO
import XCTest

@testable import LockstepKit

/// Converter-made models (Tests/Fixtures/tflite-models, scripts/make-tflite-stateful-models.py) run
/// with `--steps` against LiteRT invoking one interpreter step after step: resource variables
/// (CALL_ONCE, VAR_HANDLE, READ/ASSIGN_VARIABLE), a Keras LSTM lowered to WHILE subgraphs and a
/// fused UNIDIRECTIONAL_SEQUENCE_LSTM. (Single-op cases live in Tests/Fixtures/tflite-op-tests.)
final class TFLiteStatefulModelTests: XCTestCase {
    struct CaseFile: Decodable {
        struct Tolerance: Decodable { var atol: Double; var rtol: Double }
        var steps: Int
        var tolerance: Tolerance
    }

    let root = Repo.path("Tests/Fixtures/tflite-models")
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tflite-steps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// The step files of a case stacked along a new leading axis, as `--steps` takes them.
    func stacked(_ dir: String, prefix: String, steps: Int) throws -> [Tensor] {
        var result: [Tensor] = []
        var i = 0
        while FileManager.default.fileExists(atPath: "\(dir)/step_0/\(prefix)_\(i).npy") {
            let parts = try (0..<steps).map { try Npy.read(path: "\(dir)/step_\($0)/\(prefix)_\(i).npy") }
            let shape = parts[0].shape
            result.append(try DataMovement.concatenate(try parts.map { try DataMovement.reshape($0, to: [1] + shape) }, axis: 0, shape: [steps] + shape))
            i += 1
        }
        return result
    }

    /// Cases whose outputs are within tolerance but not bit-exact, with the reason.
    static let inexact: [String: String] = [:]

    func testStepsMatchLiteRTInvokingOneInterpreter() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: root).filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/case.json") }.sorted()
        XCTAssertTrue(cases.contains("lstm_float") && cases.contains("fused_lstm") && cases.contains("variable_streaming"))
        var inexact: Set<String> = []
        for name in cases {
            let dir = "\(root)/\(name)"
            let file = try JSONDecoder().decode(CaseFile.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/case.json")))
            let inputs = "\(scratch!)/\(name)/in"
            try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
            for (i, t) in try stacked(dir, prefix: "input", steps: file.steps).enumerated() { try Npy.write(t, to: "\(inputs)/input_\(i).npy") }
            var options = ModelRun.Options()
            options.inputDirectory = inputs
            options.outputDirectory = "\(scratch!)/\(name)/out"
            options.steps = file.steps
            let result = try ModelRun.run(modelPath: dir + "/model.tflite", options: options)
            XCTAssertTrue(result.isComplete, name)
            for (i, expected) in try stacked(dir, prefix: "output", steps: file.steps).enumerated() {
                let actual = try Npy.read(path: "\(scratch!)/\(name)/out/output_\(i).npy")
                XCTAssertNil(Conformance.compare(actual, expected, rtol: file.tolerance.rtol, atol: file.tolerance.atol), "\(name) output \(i)")
                if !actual.storage.bytes.elementsEqual(expected.storage.bytes) { inexact.insert(name) }
            }
        }
        XCTAssertEqual(inexact, Set(Self.inexact.keys), "cases that are not bit-exact")
    }

    func testTheVariableCarriesOverOnlyWithinOneState() throws {
        let dir = "\(root)/variable_streaming"
        let session = try Session(model: try ModelFile.load(path: dir + "/model.tflite"))
        let name = session.model.graph.runtimeInputs[0].name
        let x1 = try Npy.read(path: dir + "/step_1/input_0.npy")
        let expected = try Npy.read(path: dir + "/step_1/output_0.npy")
        // Step 1 alone, from a fresh state, is not what LiteRT gave after step 0.
        let fresh = try XCTUnwrap(try session.run([name: .tensor(x1)]).outputs[0].value?.tensor)
        XCTAssertNotNil(Conformance.compare(fresh, expected, rtol: 1e-5, atol: 1e-6))
        let state = ExecutionState()
        _ = try session.run([name: .tensor(try Npy.read(path: dir + "/step_0/input_0.npy"))], state: state)
        let carried = try XCTUnwrap(try session.run([name: .tensor(x1)], state: state).outputs[0].value?.tensor)
        XCTAssertNil(Conformance.compare(carried, expected, rtol: 0, atol: 0))
    }
}
