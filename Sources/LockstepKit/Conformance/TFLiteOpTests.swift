import Foundation
import Interpreter
import LockstepCore
import TFLiteFormat
import TensorIO

extension Conformance {
    /// Runs Lockstep's TFLite op-test cases (`<dir>/<case>/model.tflite`,
    /// `test_data_set_*/input_<i>.npy` and `output_<i>.npy`, `case.json` with the op, the
    /// tolerance and the provenance; written by scripts/make-tflite-op-tests.py) through the
    /// reference interpreter. Integer outputs must match bit for bit (the case's rtol and atol
    /// are 0); float outputs within the case's rtol/atol, and a passing case records whether
    /// they matched bit for bit (`CaseResult.bitExact`). A `stateful` case's data sets are
    /// consecutive invocations of one LiteRT interpreter: they run in order on one execution
    /// state (variables and the recurrent ops' state tensors carry over), otherwise each data set
    /// starts from a fresh state. Cases are sorted by name; `filter`
    /// keeps names containing it; `expected` turns listed failures into skips with their reason.
    public static func runTFLiteOpTests(directory: String, expected: [ExpectedFailure] = [], filter: String? = nil,
                                        progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        try runSuite(directory: directory, suite: "TFLite op-test cases", modelFile: "model.tflite", expected: expected,
                     filter: filter, progress: progress) { runTFLiteCase(directory: $0, name: $1) }
    }

    /// What a case's `case.json` says (see scripts/make-tflite-op-tests.py).
    struct TFLiteCaseInfo: Decodable {
        struct Tolerance: Decodable { var rtol: Double; var atol: Double }
        var op: String
        var scheme: String
        var tolerance: Tolerance
        /// The data sets are consecutive invocations sharing state (absent: independent).
        var stateful: Bool?
    }

    /// Runs one case: every data set must match within the case's tolerance.
    static func runTFLiteCase(directory: String, name: String) -> CaseResult {
        let info: TFLiteCaseInfo
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/case.json"))
            info = try JSONDecoder().decode(TFLiteCaseInfo.self, from: data)
        } catch {
            return CaseResult(name: name, op: "?", status: .failed, reason: "case.json: \(error.localizedDescription)")
        }
        // Single-op cases are tallied under their builtin; whole models under MODEL (scheme).
        let op = info.op == "MODEL" ? "MODEL (\(info.scheme))" : info.op
        let model: Model
        do { model = try TFLiteLoader.load(path: directory + "/model.tflite") } catch {
            return CaseResult(name: name, op: op, status: .failed, reason: "cannot load model: \(error.localizedDescription)")
        }
        let session: Session
        do { session = try Session(model: model) } catch let error as InterpreterError {
            return CaseResult(name: name, op: op, status: error.isUnsupported ? .unsupported : .failed, reason: error.localizedDescription)
        } catch {
            return CaseResult(name: name, op: op, status: .failed, reason: error.localizedDescription)
        }
        let sets = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("test_data_set_") }.sorted()
        guard !sets.isEmpty else { return CaseResult(name: name, op: op, status: .failed, reason: "no test_data_set_* folder") }
        // Numeric order (test_data_set_10 after _9): stateful sets are consecutive invocations.
        let ordered = sets.sorted { (Int($0.dropFirst("test_data_set_".count)) ?? 0) < (Int($1.dropFirst("test_data_set_".count)) ?? 0) }
        let shared = info.stateful == true ? ExecutionState() : nil
        var bitExact = true
        for set in ordered {
            let setDir = "\(directory)/\(set)"
            do {
                var feeds: [String: Value] = [:]
                for (i, input) in model.graph.runtimeInputs.enumerated() {
                    feeds[input.name] = .tensor(try Npy.read(path: "\(setDir)/input_\(i).npy"))
                }
                let result = try session.run(feeds, state: shared)
                for (i, output) in model.graph.outputs.enumerated() {
                    let expected = try Npy.read(path: "\(setDir)/output_\(i).npy")
                    guard case .tensor(let actual)? = result.outputs[i].value else {
                        return CaseResult(name: name, op: op, status: .failed, reason: "\(set): output '\(output.name)' is not a tensor")
                    }
                    if let mismatch = compare(actual, expected, rtol: info.tolerance.rtol, atol: info.tolerance.atol) {
                        return CaseResult(name: name, op: op, status: .failed, reason: "\(set): output '\(output.name)': \(mismatch)")
                    }
                    if !actual.storage.bytes.elementsEqual(expected.storage.bytes) { bitExact = false }
                }
            } catch let error as InterpreterError {
                return CaseResult(name: name, op: op, status: error.isUnsupported ? .unsupported : .failed,
                                  reason: "\(set): \(error.localizedDescription)")
            } catch {
                return CaseResult(name: name, op: op, status: .failed, reason: "\(set): \(error.localizedDescription)")
            }
        }
        return CaseResult(name: name, op: op, status: .passed, reason: nil, bitExact: bitExact)
    }
}
