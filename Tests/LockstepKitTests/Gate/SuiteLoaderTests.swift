import Compatibility
import Foundation
import LockstepCore
import LockstepTestSupport
import Reporting
import XCTest

@testable import LockstepKit

/// The suite file: what it accepts, and one `file:line` error for each thing it refuses.
final class SuiteLoaderTests: XCTestCase {
    static let head = "version: 1\nname: t\n"

    func parse(_ yaml: String) throws -> Suite {
        try SuiteLoader.parse(yaml: yaml, path: "s.yaml", directory: Repo.root)
    }

    func testTheBundledSuiteLoadsWithEverySection() throws {
        let suite = try SuiteLoader.load(path: Repo.path("lockstep.yaml"))
        XCTAssertEqual(suite.name, "examples")
        XCTAssertEqual(suite.models.map(\.name), ["pairnet", "pairnet-int8", "digits"])
        XCTAssertEqual(suite.policy, GatePolicyRecord(failOn: .error))
        XCTAssertEqual(suite.baselineMargin, 0.01)
        XCTAssertEqual(suite.sha256.count, 64)
        let pairnet = suite.models[0]
        XCTAssertEqual(pairnet.targets, ["tflite-xnnpack", "tflite-gpu", "ort-cpu", "trt-onnx-parser-10"])
        XCTAssertEqual(pairnet.targetLines.count, 4)
        XCTAssertEqual(pairnet.precision, "int8")
        XCTAssertTrue(pairnet.runsCheck)
        // Global tolerance with the model's per-output one on top.
        XCTAssertEqual(pairnet.tolerances.all?.atol, 1e-5)
        XCTAssertEqual(pairnet.tolerances.outputs["probs"]?.atol, 1e-3)
        XCTAssertNil(suite.models[1].tolerances.outputs["probs"])
        let accuracy = try XCTUnwrap(suite.models[2].accuracy)
        XCTAssertEqual(accuracy.reference, Repo.path("examples/accuracy/digits_cnn.onnx"))
        XCTAssertEqual(accuracy.candidates.count, 2)
        XCTAssertEqual(accuracy.policy.maxDrop, 0.02)
        XCTAssertEqual(accuracy.classMaxDrop, ["one": 0.05])
        XCTAssertFalse(suite.models[2].runsCheck)
        XCTAssertNoThrow(try Gate.validateTargets(suite, catalog: try TargetCatalog.load(directory: Repo.path("opsets"))))
    }

    func testPoliciesThresholdsAndPathsResolveAgainstTheSuiteFolder() throws {
        let suite = try SuiteLoader.parse(yaml: """
            version: 1
            fail_on: {severity: warning, kinds: [droppedOp, numericDivergence]}
            baseline: base/report.json
            accuracy: {max_drop: 0.05, class_max_drop: {"3": 0.1}}
            models:
              - name: m
                onnx: pairs/pairnet.onnx
                random_inputs: 7
                dims: {batch: 2}
                accuracy: {dataset: accuracy/digits-test.npz, candidates: onnx, alpha: 0.01}
            """, path: "examples/x.yaml", directory: Repo.path("examples"))
        XCTAssertEqual(suite.name, "x")
        XCTAssertEqual(suite.policy, GatePolicyRecord(failOn: .warning, kinds: [.numericDivergence, .droppedOp]))
        XCTAssertEqual(suite.baseline, Repo.path("examples/base/report.json"))
        let m = suite.models[0]
        XCTAssertEqual(m.onnx, Repo.path("examples/pairs/pairnet.onnx"))
        XCTAssertEqual(m.randomSeed, 7)
        XCTAssertEqual(m.dimensions, ["batch": 2])
        XCTAssertEqual(m.accuracy?.policy.maxDrop, 0.05)
        XCTAssertEqual(m.accuracy?.policy.alpha, 0.01)
        XCTAssertEqual(m.accuracy?.classMaxDrop, ["3": 0.1])
        XCTAssertEqual(m.accuracy?.candidates, [Repo.path("examples/pairs/pairnet.onnx")])
    }

    func testEveryMistakeIsOneErrorWithItsLine() throws {
        let onnx = "examples/pairs/pairnet.onnx"
        let cases: [(id: String, yaml: String, expected: String)] = [
            ("no version", "name: t\nmodels: []\n", "s.yaml:1: the suite: missing 'version: 1'"),
            ("wrong version", "version: 2\nmodels: []\n", "s.yaml:1: version 2 is not one this lockstep reads (1)"),
            ("unknown top key", Self.head + "modles: []\n", "s.yaml:3: the suite: unknown key 'modles' (did you mean 'models'?)"),
            ("no models", Self.head, "s.yaml:1: the suite: missing 'models'"),
            ("empty models", Self.head + "models: []\n", "s.yaml:3: models: the list is empty"),
            ("model not a mapping", Self.head + "models:\n  - pairnet\n", "s.yaml:4: models[0] must be a mapping"),
            ("model without name", Self.head + "models:\n  - onnx: \(onnx)\n", "s.yaml:4: models[0]: missing 'name'"),
            ("unknown model key", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n    tflte: x\n",
             "s.yaml:6: models[0] (a): unknown key 'tflte' (did you mean 'tflite'?)"),
            ("missing file", Self.head + "models:\n  - name: a\n    onnx: nope.onnx\n",
             "s.yaml:5: models[0] (a).onnx: 'nope.onnx' does not exist (paths are relative to the suite file's folder)"),
            ("no form", Self.head + "models:\n  - name: a\n    targets: [ort-cpu]\n", "s.yaml:4: models[0] (a): give at least one form"),
            ("duplicate name", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n  - name: a\n    onnx: \(onnx)\n",
             "s.yaml:6: models[1]: name 'a' is already used by models[0]"),
            ("duplicate target", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n    targets: [ort-cpu, ort-cpu]\n",
             "s.yaml:6: models[0] (a).targets: 'ort-cpu' is listed twice"),
            ("bad severity", Self.head + "fail_on: fatal\nmodels:\n  - name: a\n    onnx: \(onnx)\n",
             "s.yaml:3: fail_on: severity 'fatal' is not info, warning or error"),
            ("bad kind", Self.head + "fail_on: {kinds: [dropedOp]}\nmodels:\n  - name: a\n    onnx: \(onnx)\n",
             "s.yaml:3: fail_on.kinds: 'dropedOp' is not a finding kind (did you mean 'droppedOp'?)"),
            ("empty kinds", Self.head + "fail_on: {kinds: []}\nmodels:\n  - name: a\n    onnx: \(onnx)\n", "fail_on.kinds: an empty list would never fail"),
            ("bad tolerance key", Self.head + "tolerances:\n  probs: {atl: 1}\nmodels:\n  - name: a\n    onnx: \(onnx)\n",
             "s.yaml:4: tolerances.probs: unknown key 'atl' (did you mean 'atol'?)"),
            ("bad tolerance value", Self.head + "tolerances:\n  probs: {atol: -1}\nmodels:\n  - name: a\n    onnx: \(onnx)\n",
             "s.yaml:4: tolerances.probs: "),
            ("bad dtype", Self.head + "tolerances:\n  dtype=float17: {atol: 1}\nmodels:\n  - name: a\n    onnx: \(onnx)\n",
             "'float17' is not an element type"),
            ("max_drop not a fraction", Self.head + "accuracy: {max_drop: 2}\nmodels:\n  - name: a\n    onnx: \(onnx)\n",
             "s.yaml:3: accuracy.max_drop must be in [0, 1)"),
            ("accuracy without candidates", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n    accuracy: {dataset: examples/accuracy/digits-test.npz}\n",
             "s.yaml:6: models[0] (a).accuracy: missing 'candidates'"),
            ("accuracy form missing", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n    accuracy: {dataset: examples/accuracy/digits-test.npz, candidates: [tflite]}\n",
             "'tflite', but the model has no tflite form"),
            ("precision without tensorrt", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n    precision: int8\n",
             "s.yaml:4: models[0] (a): precision and dla describe a TensorRT engine; add 'tensorrt'"),
            ("bad precision", Self.head + "models:\n  - name: a\n    tensorrt: examples/tensorrt/pairnet\n    precision: int7\n",
             "s.yaml:6: models[0] (a).precision: 'int7' is not a precision"),
            ("inputs without onnx", Self.head + "models:\n  - name: a\n    tflite: examples/pairs/pairnet.tflite\n    inputs: examples/pairs/inputs\n",
             "add 'onnx'"),
            ("negative dims", Self.head + "models:\n  - name: a\n    onnx: \(onnx)\n    dims: {batch: -1}\n", "s.yaml:6: models[0] (a).dims.batch must be at least 0"),
            ("not YAML", Self.head + "models: [\n", "s.yaml:4: not valid YAML"),
            ("tab indentation", "version: 1\nmodels:\n\t- name: a\n", "s.yaml:3: not valid YAML"),
            ("empty", "", "s.yaml: empty file"),
        ]
        for c in cases {
            XCTAssertThrowsError(try parse(c.yaml), c.id) { error in
                let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                XCTAssertTrue(text.contains(c.expected), "\(c.id): \(text)")
                XCTAssertFalse(text.contains("\n"), "\(c.id): one line")
            }
        }
    }

    func testTargetsMustExistAndMatchAForm() throws {
        let catalog = try TargetCatalog.load(directory: Repo.path("opsets"))
        let cases: [(String, String)] = [
            ("targets: [ort-cpu, tflite-gpux]", "s.yaml:6: models 'a': "),
            ("targets: [tflite-gpu]", "s.yaml:6: models 'a': target tflite-gpu judges tflite models, and the model has no tflite form"),
            ("targets: [tensorrt-engine]", "s.yaml:6: models 'a': target tensorrt-engine judges a TensorRT bundle; add 'tensorrt'"),
        ]
        for (line, expected) in cases {
            let suite = try parse(Self.head + "models:\n  - name: a\n    onnx: examples/pairs/pairnet.onnx\n    \(line)\n")
            XCTAssertThrowsError(try Gate.validateTargets(suite, catalog: catalog), line) { error in
                XCTAssertTrue((error as? LocalizedError)?.errorDescription?.hasPrefix(expected) == true, "\(line): \(error)")
            }
        }
    }

    func testMissingAndHugeSuiteFiles() throws {
        XCTAssertThrowsError(try SuiteLoader.load(path: "/nonexistent/lockstep.yaml")) { error in
            XCTAssertEqual((error as? LocalizedError)?.errorDescription, "/nonexistent/lockstep.yaml: no such file (a suite file: docs/gate.md)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-suite-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let big = dir.appendingPathComponent("big.yaml")
        try Data(count: SuiteLoader.maximumFileBytes + 1).write(to: big)
        XCTAssertThrowsError(try SuiteLoader.load(path: big.path)) { error in
            XCTAssertTrue("\(error.localizedDescription)".contains("more than the"), "\(error)")
        }
        let binary = dir.appendingPathComponent("bin.yaml")
        try Data([0xff, 0xfe, 0x00]).write(to: binary)
        XCTAssertThrowsError(try SuiteLoader.load(path: binary.path)) { error in
            XCTAssertTrue(error.localizedDescription.contains("not UTF-8"), "\(error)")
        }
        XCTAssertThrowsError(try SuiteLoader.load(path: dir.path)) { error in
            XCTAssertTrue(error.localizedDescription.contains("is a folder"), "\(error)")
        }
    }
}
