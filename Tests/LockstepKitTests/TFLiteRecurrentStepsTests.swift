import Foundation
import Interpreter
import LockstepCore
import LockstepTestSupport
import TensorIO
import XCTest

@testable import LockstepKit

/// The stateful cases (`rec_*` and `fin_*` in Tests/Fixtures/tflite-op-tests whose case.json says
/// `stateful`: the data sets are consecutive invocations of one LiteRT interpreter, made by
/// scripts/make-tflite-op-tests-recurrent.py and make-tflite-op-tests-finish.py) through `lockstep
/// run --steps N` (`ModelRun` with the data sets stacked along a new leading axis): every output of
/// every step must equal LiteRT's bit for bit — the RNN, LSTM (float, hybrid and integer) and
/// streaming-audio models included.
final class TFLiteRecurrentStepsTests: XCTestCase {
    struct CaseFile: Decodable {
        var op: String
        var stateful: Bool?
    }

    let root = Repo.path("Tests/Fixtures/tflite-op-tests")
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tflite-rec-steps-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// Cases that are stateful but cannot run yet, with the reason (docs/conformance-tflite-expected-failures.txt).
    static let notImplemented: Set<String> = []

    func statefulCases() throws -> [(name: String, steps: Int)] {
        try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("rec_") || $0.hasPrefix("fin_") }.sorted().compactMap { name in
            let dir = "\(root)/\(name)"
            let file = try JSONDecoder().decode(CaseFile.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/case.json")))
            guard file.stateful == true else { return nil }
            let steps = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("test_data_set_") }.count
            return (name, steps)
        }
    }

    /// The files `<prefix>_<i>.npy` of every data set, stacked per `i`.
    func stacked(_ dir: String, _ prefix: String, steps: Int) throws -> [Tensor] {
        var result: [Tensor] = []
        var i = 0
        while FileManager.default.fileExists(atPath: "\(dir)/test_data_set_0/\(prefix)_\(i).npy") {
            let parts = try (0..<steps).map { try Npy.read(path: "\(dir)/test_data_set_\($0)/\(prefix)_\(i).npy") }
            let shape = parts[0].shape
            result.append(try DataMovement.concatenate(try parts.map { try DataMovement.reshape($0, to: [1] + shape) }, axis: 0, shape: [steps] + shape))
            i += 1
        }
        return result
    }

    func testRunWithStepsMatchesLiteRTInvokingOneInterpreterBitForBit() throws {
        let cases = try statefulCases()
        XCTAssertGreaterThanOrEqual(cases.count, 48, "the stateful rec_ / fin_ cases are missing (scripts/make-tflite-op-tests-recurrent.py, -finish.py)")
        let ops = Set(try cases.map { try JSONDecoder().decode(CaseFile.self, from: Data(contentsOf: URL(fileURLWithPath: "\(root)/\($0.name)/case.json"))).op })
        XCTAssertTrue(ops.isSuperset(of: ["RNN", "UNIDIRECTIONAL_SEQUENCE_RNN", "BIDIRECTIONAL_SEQUENCE_RNN", "LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM",
                                          "BIDIRECTIONAL_SEQUENCE_LSTM", "MODEL"]), "\(ops.sorted())")
        for (name, steps) in cases {
            let dir = "\(root)/\(name)"
            XCTAssertGreaterThan(steps, 1, name)
            let inputs = "\(scratch!)/\(name)/in"
            try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
            for (i, t) in try stacked(dir, "input", steps: steps).enumerated() { try Npy.write(t, to: "\(inputs)/input_\(i).npy") }
            var options = ModelRun.Options()
            options.inputDirectory = inputs
            options.outputDirectory = "\(scratch!)/\(name)/out"
            options.steps = steps
            if Self.notImplemented.contains(name) {
                XCTAssertThrowsError(try ModelRun.run(modelPath: dir + "/model.tflite", options: options), name)
                continue
            }
            let result = try ModelRun.run(modelPath: dir + "/model.tflite", options: options)
            XCTAssertTrue(result.isComplete, name)
            for (i, expected) in try stacked(dir, "output", steps: steps).enumerated() {
                let actual = try Npy.read(path: "\(scratch!)/\(name)/out/output_\(i).npy")
                XCTAssertEqual(actual.shape, expected.shape, "\(name) output \(i)")
                XCTAssertTrue(actual.storage.bytes.elementsEqual(expected.storage.bytes),
                              "\(name) output \(i): \(Conformance.compare(actual, expected, rtol: 0, atol: 0) ?? "bytes differ")")
            }
        }
    }

    /// The state matters: the last invocation alone, from a fresh state, is not what LiteRT gave
    /// after the earlier ones; run on one state after them, it is.
    func testTheRecurrentStateCarriesOverOnlyWithinOneState() throws {
        for name in ["rec_model_streaming_audio_float32", "rec_unidirectional_sequence_rnn_tanh_float32", "rec_lstm_layer_norm_float32",
                     "rec_bidirectional_sequence_lstm_merge_time_major_dynamic", "rec_unidirectional_sequence_lstm_keras_int8",
                     "fin_lstm_layer_norm_int8"] {
            let dir = "\(root)/\(name)"
            let session = try Session(model: try ModelFile.load(path: dir + "/model.tflite"))
            let names = session.model.graph.runtimeInputs.map(\.name)
            func feeds(_ set: Int) throws -> [String: Value] {
                Dictionary(uniqueKeysWithValues: try names.enumerated().map { ($1, .tensor(try Npy.read(path: "\(dir)/test_data_set_\(set)/input_\($0).npy"))) })
            }
            let last = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("test_data_set_") }.count - 1
            let expected = try Npy.read(path: "\(dir)/test_data_set_\(last)/output_0.npy")
            let fresh = try XCTUnwrap(try session.run(try feeds(last)).outputs[0].value?.tensor)
            XCTAssertNotNil(Conformance.compare(fresh, expected, rtol: 1e-5, atol: 1e-6), name)
            let state = ExecutionState()
            for set in 0..<last { _ = try session.run(try feeds(set), state: state) }
            let carried = try XCTUnwrap(try session.run(try feeds(last), state: state).outputs[0].value?.tensor)
            XCTAssertTrue(carried.storage.bytes.elementsEqual(expected.storage.bytes), name)
        }
    }
}
