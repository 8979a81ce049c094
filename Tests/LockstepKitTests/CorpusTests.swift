import Foundation
import LockstepCore
import TensorIO
import LockstepTestSupport
import XCTest

@testable import LockstepKit

/// Loads every model of the third-party corpus (scripts/fetch-corpus.sh) and compares what
/// Lockstep reads with what the `onnx` Python package reports for the same file
/// (`$LOCKSTEP_CORPUS/reference.json`, written by scripts/corpus_reference.py).
final class CorpusTests: XCTestCase {
    struct Reference: Decodable {
        struct IO: Decodable {
            var name: String
            var dtype: String?
            var shape: [JSONDim]?
        }
        var error: String?
        var nodeCount: Int?
        var graphCount: Int?
        var initializerCount: Int?
        var opHistogram: [String: Int]?
        var inputs: [IO]?
        var outputs: [IO]?
        var irVersion: Int64?
        var opsets: [String: Int]?
    }

    /// A dimension as the reference writes it: integer, symbolic name, or null.
    enum JSONDim: Decodable, Equatable, CustomStringConvertible {
        case value(Int), name(String), none
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .none } else if let n = try? c.decode(Int.self) { self = .value(n) } else { self = .name(try c.decode(String.self)) }
        }
        var description: String {
            switch self {
            case .value(let n): return String(n)
            case .name(let s): return s
            case .none: return "?"
            }
        }
    }

    static func corpusDirectory() throws -> String {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["LOCKSTEP_CORPUS"], FileManager.default.fileExists(atPath: dir + "/reference.json") else {
            if env["LOCKSTEP_REQUIRE_CORPUS"] == "1" {
                XCTFail("LOCKSTEP_REQUIRE_CORPUS=1 but $LOCKSTEP_CORPUS/reference.json is missing: run scripts/fetch-corpus.sh")
            }
            throw XCTSkip("corpus not fetched: run scripts/fetch-corpus.sh and set LOCKSTEP_CORPUS")
        }
        return dir
    }

    func testEveryCorpusModelMatchesTheOnnxPackage() throws {
        let dir = try Self.corpusDirectory()
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/reference.json"))
        let references = try JSONDecoder().decode([String: Reference].self, from: data)
        XCTAssertGreaterThan(references.count, 2000, "corpus should hold the 1,800+ node cases and the zoo models")

        var failures: [String] = []
        var checked = 0
        for (relative, ref) in references.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + relative
            if let error = ref.error {
                failures.append("\(relative): the onnx package could not load it (\(error)); corpus broken?")
                continue
            }
            let report: InspectReport
            do {
                report = try Inspect.run(path: path)
            } catch {
                failures.append("\(relative): Lockstep failed to load it: \(error.localizedDescription)")
                continue
            }
            checked += 1
            var problems: [String] = []
            if report.nodeCount != ref.nodeCount { problems.append("nodeCount \(report.nodeCount) vs onnx \(ref.nodeCount ?? -1)") }
            if report.graphs.count != ref.graphCount { problems.append("graphs \(report.graphs.count) vs onnx \(ref.graphCount ?? -1)") }
            if report.opHistogram != ref.opHistogram { problems.append("opHistogram \(report.opHistogram) vs onnx \(ref.opHistogram ?? [:])") }
            if report.graphs.first?.initializerCount != ref.initializerCount {
                problems.append("initializers \(report.graphs.first?.initializerCount ?? -1) vs onnx \(ref.initializerCount ?? -1)")
            }
            if report.irVersion != ref.irVersion { problems.append("irVersion \(report.irVersion) vs onnx \(ref.irVersion ?? -1)") }
            var refOpsets: [String: Int] = [:]
            for (k, v) in ref.opsets ?? [:] { refOpsets[k.isEmpty || k == "ai.onnx" ? "ai.onnx" : k] = v }
            if report.opsets != refOpsets { problems.append("opsets \(report.opsets) vs onnx \(refOpsets)") }
            problems += Self.compare("inputs", report.inputs, ref.inputs ?? [])
            problems += Self.compare("outputs", report.outputs, ref.outputs ?? [])
            if !problems.isEmpty { failures.append("\(relative): " + problems.joined(separator: "; ")) }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(references.count) corpus models differ:\n" + failures.prefix(25).joined(separator: "\n"))
        XCTAssertEqual(checked, references.count)
    }

    static func compare(_ label: String, _ ours: [InspectReport.IOValue], _ theirs: [Reference.IO]) -> [String] {
        guard ours.count == theirs.count else { return ["\(label): \(ours.count) vs onnx \(theirs.count)"] }
        var problems: [String] = []
        for (a, b) in zip(ours, theirs) {
            if a.name != b.name { problems.append("\(label) name '\(a.name)' vs '\(b.name)'") }
            if a.dtype?.rawValue != b.dtype { problems.append("\(label) '\(a.name)' dtype \(a.dtype?.rawValue ?? "nil") vs \(b.dtype ?? "nil")") }
            let ourShape = a.shape.map { $0.dimensions.map(\.description) }
            // A negative dim_value (Paddle writes -1 for dynamic sizes) is read as an unknown dimension.
            let theirShape = b.shape.map { $0.map { d -> String in
                if case .value(let n) = d, n < 0 { return "?" }
                return d.description
            } }
            if ourShape != theirShape {
                problems.append("\(label) '\(a.name)' shape \(ourShape ?? []) vs \(theirShape ?? [])")
            }
        }
        return problems
    }

    /// Every tensor file of the ONNX backend node cases decodes, with the dtype and rank its model declares.
    func testNodeCaseTensorFilesMatchTheirModels() throws {
        let dir = try Self.corpusDirectory() + "/node"
        let cases = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertGreaterThan(cases.count, 1800)
        var failures: [String] = []
        var files = 0
        for name in cases {
            let caseDir = dir + "/" + name
            guard FileManager.default.fileExists(atPath: caseDir + "/model.onnx") else { continue }
            let model: Model
            do { model = try ModelFile.load(path: caseDir + "/model.onnx") } catch {
                failures.append("\(name): \(error.localizedDescription)")
                continue
            }
            let sets = ((try? FileManager.default.contentsOfDirectory(atPath: caseDir)) ?? []).filter { $0.hasPrefix("test_data_set_") }
            for set in sets {
                for (prefix, values) in [("input", model.graph.runtimeInputs), ("output", model.graph.outputs)] {
                    for (i, value) in values.enumerated() {
                        guard case .tensor(let dtype?, let shape) = value.type else { continue }
                        let file = "\(caseDir)/\(set)/\(prefix)_\(i).pb"
                        guard FileManager.default.fileExists(atPath: file) else { continue }
                        files += 1
                        do {
                            let t = try TensorProtoFile.read(path: file).tensor
                            if t.dtype != dtype { failures.append("\(name)/\(set)/\(prefix)_\(i).pb: dtype \(t.dtype) vs declared \(dtype)") }
                            if let shape, shape.rank != t.rank { failures.append("\(name)/\(set)/\(prefix)_\(i).pb: rank \(t.rank) vs declared \(shape)") }
                            if let fixed = shape?.fixedDimensions, fixed != t.shape {
                                failures.append("\(name)/\(set)/\(prefix)_\(i).pb: shape \(t.shape) vs declared \(fixed)")
                            }
                            if dtype.isConvertibleToReal { _ = try t.doubleValues() }
                        } catch {
                            failures.append("\(name)/\(set)/\(prefix)_\(i).pb: \(error.localizedDescription)")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(files, 3000)
        XCTAssertTrue(failures.isEmpty, "\(failures.count) tensor files failed:\n" + failures.prefix(25).joined(separator: "\n"))
    }
}
