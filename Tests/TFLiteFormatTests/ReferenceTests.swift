import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import TFLiteFormat

/// Loads every fixture model and every TFLite model of the corpus and compares the IR with what
/// the `tflite` Python package read from the same file (scripts/tflite_reference.py):
/// `Tests/TFLiteFormatTests/Fixtures/reference.json` and `$LOCKSTEP_CORPUS/tflite-reference.json`.
final class ReferenceTests: XCTestCase {
    static let fixtures = Repo.path("Tests/TFLiteFormatTests/Fixtures")

    func testEveryFixtureMatchesTheTflitePackage() throws {
        let models = Self.fixtures + "/models"
        let references = try Self.references(Self.fixtures + "/reference.json")
        let files = try FileManager.default.contentsOfDirectory(atPath: models).filter { $0.hasSuffix(".tflite") }
        XCTAssertEqual(Set(references.keys), Set(files), "reference.json and Fixtures/models list the same files")
        let checked = Self.check(references, root: models)
        XCTAssertEqual(checked, references.count)
    }

    func testEveryCorpusModelMatchesTheTflitePackage() throws {
        let env = ProcessInfo.processInfo.environment
        guard let corpus = env["LOCKSTEP_CORPUS"], FileManager.default.fileExists(atPath: corpus + "/tflite-reference.json") else {
            if env["LOCKSTEP_REQUIRE_CORPUS"] == "1" {
                XCTFail("LOCKSTEP_REQUIRE_CORPUS=1 but $LOCKSTEP_CORPUS/tflite-reference.json is missing: run scripts/fetch-corpus.sh")
            }
            throw XCTSkip("corpus not fetched: run scripts/fetch-corpus.sh and set LOCKSTEP_CORPUS")
        }
        let references = try Self.references(corpus + "/tflite-reference.json")
        XCTAssertGreaterThanOrEqual(references.keys.filter { $0.hasPrefix("mediapipe/") }.count, 14,
                                    "the 14 .tflite models of the mediapipe 0.10.14 wheel")
        let checked = Self.check(references, root: corpus)
        XCTAssertEqual(checked, references.count)
    }

    // MARK: Reference facts

    struct Reference: Decodable {
        struct IO: Decodable {
            var name: String?
            var dtype: String?
            var shape: [Int]
        }

        struct Subgraph: Decodable {
            var name: String?
            var nodeCount: Int
            var tensorCount: Int
            var inputs: [IO]
            var outputs: [IO]
        }

        var error: String?
        var version: Int64?
        var description: String?
        var subgraphCount: Int?
        var nodeCount: Int?
        var opHistogram: [String: Int]?
        var tensorCount: Int?
        var bufferCount: Int?
        var signatureKeys: [String]?
        var metadataNames: [String]?
        var subgraphs: [Subgraph]?
    }

    static func references(_ path: String) throws -> [String: Reference] {
        try JSONDecoder().decode([String: Reference].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Loads every referenced file under `root`, records every difference as a test failure and
    /// returns how many files loaded.
    static func check(_ references: [String: Reference], root: String, file: StaticString = #filePath, line: UInt = #line) -> Int {
        var failures: [String] = []
        var loaded = 0
        for (relative, reference) in references.sorted(by: { $0.key < $1.key }) {
            let path = root + "/" + relative
            if let error = reference.error {
                failures.append("\(relative): the tflite package could not read it (\(error))")
                continue
            }
            let model: Model
            do { model = try TFLiteLoader.load(path: path) } catch {
                failures.append("\(relative): \(error.localizedDescription)")
                continue
            }
            loaded += 1
            let problems = compare(model, reference, bufferCount: bufferCount(path))
            if !problems.isEmpty { failures.append("\(relative): " + problems.joined(separator: "; ")) }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(references.count) models differ:\n" + failures.prefix(25).joined(separator: "\n"),
                      file: file, line: line)
        return loaded
    }

    /// Model.buffers length, read through the shim (the IR keeps no buffer list).
    static func bufferCount(_ path: String) -> Int? {
        guard let file = try? MappedFile(path: path), let flat = try? FlatModel(bytes: file.bytes) else { return nil }
        return withExtendedLifetime(file) { flat.info.buffer_count }
    }

    static func compare(_ model: Model, _ reference: Reference, bufferCount: Int?) -> [String] {
        var problems: [String] = []
        func expect<T: Equatable>(_ what: String, _ ours: T, _ theirs: T?) {
            if ours != theirs { problems.append("\(what) \(ours) vs tflite \(theirs.map { "\($0)" } ?? "nil")") }
        }
        let graphs = model.allGraphs
        expect("version", model.irVersion, reference.version)
        expect("description", model.producerName, reference.description ?? "")
        expect("subgraphCount", graphs.count, reference.subgraphCount)
        expect("nodeCount", graphs.map(\.nodes.count).reduce(0, +), reference.nodeCount)
        expect("tensorCount", graphs.map(\.valueInfo.count).reduce(0, +), reference.tensorCount)
        expect("bufferCount", bufferCount, reference.bufferCount)
        expect("signatureKeys", model.signatures.map(\.key), reference.signatureKeys)
        expect("metadataNames", model.metadata.map(\.key), reference.metadataNames)
        var histogram: [String: Int] = [:]
        for graph in graphs { for node in graph.nodes { histogram[node.op.qualifiedName, default: 0] += 1 } }
        // The reference names codes its enum does not know "builtin#N"; Lockstep says UNKNOWN_N.
        var theirs: [String: Int] = [:]
        for (name, count) in reference.opHistogram ?? [:] {
            theirs[name.hasPrefix("builtin#") ? "UNKNOWN_" + name.dropFirst("builtin#".count) : name] = count
        }
        expect("opHistogram", histogram, theirs)
        for (i, (graph, sub)) in zip(graphs, reference.subgraphs ?? []).enumerated() {
            let label = "subgraph \(i)"
            expect("\(label) name", graph.name, (sub.name ?? "").isEmpty ? "subgraph_\(i)" : sub.name)
            expect("\(label) nodeCount", graph.nodes.count, sub.nodeCount)
            expect("\(label) tensorCount", graph.valueInfo.count, sub.tensorCount)
            problems += compareIO("\(label) inputs", graph.inputs, sub.inputs)
            problems += compareIO("\(label) outputs", graph.outputs, sub.outputs)
        }
        return problems
    }

    /// Names go through the value-name rule (`name`, `name#index`, `tensor#index`); a null
    /// reference dtype (RESOURCE, VARIANT, or a code the tflite package does not know) must not
    /// be one of the dtypes it knows.
    static func compareIO(_ label: String, _ ours: [ValueInfo], _ theirs: [Reference.IO]) -> [String] {
        guard ours.count == theirs.count else { return ["\(label): \(ours.count) vs tflite \(theirs.count)"] }
        let knownToReference: Set<DType> = [.float32, .float16, .int32, .uint8, .int64, .string, .bool, .int16, .complex64,
                                            .int8, .float64, .complex128, .uint64, .uint32, .uint16, .int4, .bfloat16]
        var problems: [String] = []
        for (value, io) in zip(ours, theirs) {
            let name = io.name ?? ""
            let nameMatches = value.name == name || (name.isEmpty ? value.name.hasPrefix("tensor#") : value.name.hasPrefix(name + "#"))
            if !nameMatches { problems.append("\(label) name '\(value.name)' vs '\(name)'") }
            let dtype: DType?
            let shape: Shape?
            switch value.type {
            case .tensor(let t, let s): (dtype, shape) = (t, s)
            default: (dtype, shape) = (nil, nil)
            }
            if let expected = io.dtype {
                if dtype?.rawValue != expected { problems.append("\(label) '\(name)' dtype \(dtype?.rawValue ?? "nil") vs \(expected)") }
            } else if let dtype, knownToReference.contains(dtype) {
                problems.append("\(label) '\(name)' dtype \(dtype) vs null")
            }
            if let shape {
                let dims = shape.dimensions.map { $0.fixedValue ?? -1 }
                if dims != io.shape { problems.append("\(label) '\(name)' shape \(dims) vs \(io.shape)") }
            } else if case .opaque = value.type {
                // RESOURCE / VARIANT handles carry no shape in the IR.
            } else {
                problems.append("\(label) '\(name)' has no shape")
            }
        }
        return problems
    }
}
