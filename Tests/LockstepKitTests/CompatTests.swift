import Compatibility
import Foundation
import Interpreter
import LockstepCore
import LockstepTestSupport
import XCTest

@testable import LockstepKit

final class CompatTests: XCTestCase {
    func catalog() throws -> TargetCatalog { try TargetCatalog.load(directory: Repo.path("opsets")) }

    /// Every op the reference interpreter implements is named in the ONNX CPU target (DESIGN:
    /// compatibility data covers what Lockstep itself runs).
    func testInterpreterOpsAppearInTheCPUTargets() throws {
        let cpu = try catalog().target("ort-cpu")
        // Ops ONNX Runtime 1.32.0 (the version opsets/onnxruntime/cpu.yaml describes) does not run on
        // its CPU EP, so the file cannot list them as supported.
        let newerThanORT: [String: String] = [
            "SwiGLU": "ai.onnx opset 28, no kernel; its function body's Swish-24 is not inlined at opset 28 (measured)",
            "ai.onnx.preview::FlexAttention": "ai.onnx.preview domain; no schema in ORT 1.32.0",
        ]
        let missing = ONNXOps.registry.opNames.filter { cpu.ops[$0] == nil }
        XCTAssertEqual(missing.filter { newerThanORT[$0] == nil }, [], "interpreter ops not in opsets/onnxruntime/cpu.yaml")
        for op in newerThanORT.keys.sorted() {
            XCTAssertNil(cpu.ops[op], "\(op) is in cpu.yaml now: drop it from the exceptions")
            XCTAssertTrue(ONNXOps.registry.opNames.contains(op), "\(op) is no longer implemented: drop it from the exceptions")
        }
        XCTAssertGreaterThan(ONNXOps.registry.opNames.count, 100)
    }

    func testExampleModelsOnORTCPU() throws {
        let c = try catalog()
        let cnn = try Compat.run(modelPath: Repo.path("examples/models/tiny_cnn.onnx"), targetID: "ort-cpu", catalog: c)
        XCTAssertEqual(cnn.worst, .supported, cnn.nodes.filter { $0.verdict != .supported }.map(\.reason).joined(separator: "\n"))
        XCTAssertEqual(cnn.total.nodes, 9)
        XCTAssertFalse(Compat.fails(cnn, failOn: .fallback))
        // The contrib op and the model-local function both run on ORT CPU.
        let custom = try Compat.run(modelPath: Repo.path("examples/models/custom_domain.onnx"), targetID: "ort-cpu", catalog: c)
        XCTAssertEqual(custom.nodes.map(\.verdict), [.supported, .supported], custom.nodes.map(\.reason).joined(separator: "\n"))
        XCTAssertTrue(custom.nodes[1].reason.contains("model-local function"), custom.nodes[1].reason)
    }

    func testJSONListsEveryNodeWithVerdictAndReason() throws {
        let report = try Compat.run(modelPath: Repo.path("examples/models/tiny_cnn_qdq.onnx"), targetID: "trt-dla", catalog: try catalog())
        let json = try CompatRendering.json(report)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let nodes = try XCTUnwrap(object["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.count, report.total.nodes)
        for node in nodes {
            XCTAssertNotNil(node["verdict"] as? String)
            XCTAssertFalse((node["reason"] as? String ?? "").isEmpty)
        }
        XCTAssertEqual(json, try CompatRendering.json(report), "deterministic")
    }

    func testMatrixFiles() throws {
        let models = ["examples/models/tiny_cnn.onnx", "examples/models/custom_domain.onnx"].map { Repo.path($0) }
        let matrix = try Compat.matrix(modelPaths: models, targetIDs: ["ort-cpu", "trt-dla"], catalog: try catalog())
        XCTAssertEqual(matrix.targets.map(\.id), ["ort-cpu", "trt-dla"])
        XCTAssertEqual(matrix.models.count, 2)
        XCTAssertEqual(matrix.models[0].cells["ort-cpu"]?.status, .supported)
        let conv = try XCTUnwrap(matrix.ops.first { $0.op == "Conv" })
        XCTAssertEqual(conv.nodes, 2)
        XCTAssertEqual(conv.models, [models[0]])
        let files = try Compat.matrixFiles(matrix)
        XCTAssertEqual(files.map(\.name), ["matrix.md", "ops.csv", "models.csv", "matrix.json", "matrix.html"])
        let html = try XCTUnwrap(files.first { $0.name == "matrix.html" }?.contents)
        for fetch in ["<script", "<link", "src=", "href=", "@import", "url("] {
            XCTAssertFalse(html.contains(fetch), "self-contained, nothing fetched: found \(fetch)")
        }
        XCTAssertTrue(html.contains("<details>"))
        let csv = try XCTUnwrap(files.first { $0.name == "ops.csv" }?.contents)
        XCTAssertTrue(csv.hasPrefix("format,op,nodes,target,status"))
        XCTAssertTrue(csv.contains("onnx,Conv,2,ort-cpu,supported,2,"), csv)
    }

    func testRenderingEscapes() throws {
        // The matrix page escapes every user string as the reports do (HTMLText): a control
        // character becomes U+FFFD, not a character reference HTML parsers reject.
        let hostile = "<img src=x onerror=\"alert(1)\">&'\u{1}"
        let escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;\u{FFFD}"
        let cell: [String: Any] = ["status": "fallback", "supported": 0, "nodes": 1, "reasons": [hostile]]
        let object: [String: Any] = [
            "schemaVersion": 1, "targetFormats": ["t": "onnx"],
            "targets": [["id": "t", "name": hostile, "kind": "runtime", "runtime": "r", "versions": "1", "device": "cpu", "file": "f"]],
            "models": [["model": hostile, "format": "onnx", "nodes": 1, "cells": ["t": [
                "status": "fallback", "onTarget": 0, "nodes": 1, "fallback": 1, "unknown": 0, "custom": 0, "unsupported": 0, "partitions": 0,
                "summary": hostile, "reasons": [hostile]]]]],
            "ops": [["op": hostile, "format": "onnx", "nodes": 1, "models": [hostile], "cells": ["t": cell]]],
        ]
        let matrix = try JSONDecoder().decode(CompatibilityMatrix.self, from: try JSONSerialization.data(withJSONObject: object))
        let html = MatrixRendering.html(matrix)
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("\u{1}"))
        XCTAssertTrue(html.contains("<td><code>\(escaped)</code></td>"), html)
        XCTAssertTrue(html.contains("<th title=\"\(escaped)\">t</th>"), html)
        XCTAssertEqual(MatrixRendering.escape(hostile), escaped)
        XCTAssertEqual(MatrixRendering.csv("a,b \"c\""), "\"a,b \"\"c\"\"\"")
        XCTAssertEqual(MatrixRendering.csv("plain"), "plain")
    }

    func testOpsetsDirectoryLookup() throws {
        XCTAssertEqual(try Compat.opsetsDirectory(explicit: "x", environment: ["LOCKSTEP_OPSETS": "y"]), "x")
        XCTAssertEqual(try Compat.opsetsDirectory(explicit: nil, environment: ["LOCKSTEP_OPSETS": "y"]), "y")
        let found = try Compat.opsetsDirectory(explicit: nil, environment: [:], executable: Repo.path(".build/debug/lockstep"))
        XCTAssertTrue(found == "opsets" || found.hasSuffix("/opsets"), found)
    }

    // MARK: Against reality

    struct Reality: Decodable {
        struct Log: Decodable { var delegated: Int; var nodes: Int; var partitions: Int; var subgraph: Int }
        struct Observation: Decodable {
            var target: String
            var nodes: Int
            var log: [Log]?
            var delegateNodes: Int?
            var delegatedNodes: [Int]?
            var placements: [String: Int]?
            var error: String?
        }
        var models: [String: Observation]
    }

    /// Lockstep's predictions against what LiteRT's XNNPACK delegate and ONNX Runtime's CPU EP did
    /// with the corpus models (Fixtures/compat-reality.json, written by scripts/compat-reality.py).
    func testPredictionsMatchTheRuntimes() throws {
        let env = ProcessInfo.processInfo.environment
        guard let corpus = env["LOCKSTEP_CORPUS"], FileManager.default.fileExists(atPath: corpus + "/mediapipe") else {
            if env["LOCKSTEP_REQUIRE_CORPUS"] == "1" { XCTFail("LOCKSTEP_REQUIRE_CORPUS=1 but the corpus is missing") }
            throw XCTSkip("corpus not fetched: run scripts/fetch-corpus.sh and set LOCKSTEP_CORPUS")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.path("Tests/LockstepKitTests/Fixtures/compat-reality.json")))
        let reality = try JSONDecoder().decode(Reality.self, from: data)
        let c = try catalog()
        var checked = 0
        for (name, observed) in reality.models.sorted(by: { $0.key < $1.key }) {
            let report = try Compat.run(modelPath: corpus + "/" + name, targetID: observed.target, catalog: c)
            let main = report.graphs[0]
            switch observed.target {
            case "tflite-xnnpack":
                let log = try XCTUnwrap(observed.log?.first, name)
                XCTAssertEqual(main.nodes, log.nodes, "\(name): node count")
                XCTAssertEqual(main.onTarget, log.delegated, "\(name): nodes delegated")
                XCTAssertEqual(main.subsets, log.partitions, "\(name): partitions TFLite logs (delegated + CPU subsets)")
                XCTAssertEqual(main.partitions, observed.delegateNodes, "\(name): DELEGATE nodes")
                let predicted = report.nodes.filter { $0.graph == main.graph && $0.verdict == .supported }.map(\.index)
                XCTAssertEqual(predicted, observed.delegatedNodes, "\(name): which nodes")
            default:
                // ORT folds Constant nodes into initializers before placing nodes.
                let placed = report.nodes.filter { $0.op != "Constant" }
                XCTAssertEqual(observed.error == nil, report.worst < .custom, "\(name): loads")
                XCTAssertEqual(placed.filter { $0.verdict == .supported }.count, observed.placements?["CPUExecutionProvider"], "\(name): nodes on the CPU EP")
            }
            checked += 1
        }
        XCTAssertEqual(checked, reality.models.count)
        XCTAssertGreaterThanOrEqual(checked, 26)
    }
}

extension CompatTests {
    /// Real engines: a QAT INT8 MobileNetV2 whose global average pool stays in FP16, an FP16 ResNet.
    func testTensorRTEnginesFromTheSharedFixtures() throws {
        let dir = FormsInspectTests.trtFixtures + "/nvidia-tensorrt-trex"
        try FormsInspectTests.requireTRTFixtures(dir)
        let c = try catalog()
        let qat = try Compat.run(modelPath: dir + "/trex-tests_mobilenet.qat.onnx.engine.graph.json", targetID: nil, precision: "int8", dla: false, catalog: c)
        XCTAssertEqual(qat.target.id, "tensorrt-engine")
        XCTAssertEqual(qat.nodes.filter { $0.verdict == .fallback }.map(\.name), ["GlobalAveragePool_843"])
        XCTAssertEqual(qat.findings.map(\.kind), [.precisionFallback])
        let fp16 = try Compat.run(modelPath: dir + "/trex-A100_fp16_resnet.onnx.engine.graph.json", targetID: nil, precision: "fp16", dla: false, catalog: c)
        XCTAssertTrue(fp16.findings.isEmpty, fp16.findings.map(\.message).joined(separator: "\n"))
        XCTAssertThrowsError(try Compat.run(modelPath: dir + "/trex-A100_fp16_resnet.onnx.engine.graph.json", targetID: nil, precision: "fp12", dla: false, catalog: c))
        XCTAssertThrowsError(try Compat.run(modelPath: Repo.path("examples/models/tiny_cnn.onnx"), targetID: "ort-cpu", precision: "int8", dla: false, catalog: c))
    }
}

extension CompatTests {
    /// reports/examples/matrix is what `scripts/make-example-matrix.sh` gives with the current code and opsets/.
    func testCommittedExampleMatrixIsCurrent() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(Repo.root))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let models = try FileManager.default.subpathsOfDirectory(atPath: "examples/models").filter { $0.hasSuffix(".onnx") }
            .map { "examples/models/" + $0 }.sorted()
        XCTAssertGreaterThanOrEqual(models.count, 5)
        let matrix = try Compat.matrix(modelPaths: models, targetIDs: [], catalog: try TargetCatalog.load(directory: "opsets"))
        for file in try Compat.matrixFiles(matrix) {
            let committed = try String(contentsOfFile: "reports/examples/matrix/" + file.name, encoding: .utf8)
            XCTAssertEqual(committed, file.contents, "reports/examples/matrix/\(file.name) is stale: run scripts/make-example-matrix.sh")
        }
    }
}

extension CompatTests {
    struct NodeCases: Decodable {
        struct Case: Decodable { var loads: Bool; var error: String? }
        var nodeCases: [String: Case]
    }

    /// Whether ONNX Runtime's CPU EP can create a session for each ONNX backend node case, against
    /// Lockstep's ort-cpu prediction (no node unsupported or custom). Disagreements are listed in
    /// docs/compatibility.md with their cause; the test pins the count so a change shows.
    func testNodeCasesAgainstORTCPU() throws {
        let env = ProcessInfo.processInfo.environment
        guard let corpus = env["LOCKSTEP_CORPUS"], FileManager.default.fileExists(atPath: corpus + "/node") else {
            if env["LOCKSTEP_REQUIRE_CORPUS"] == "1" { XCTFail("LOCKSTEP_REQUIRE_CORPUS=1 but the corpus is missing") }
            throw XCTSkip("corpus not fetched: run scripts/fetch-corpus.sh and set LOCKSTEP_CORPUS")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.path("Tests/LockstepKitTests/Fixtures/compat-reality.json")))
        let cases = try JSONDecoder().decode(NodeCases.self, from: data).nodeCases
        let analyzer = CompatibilityAnalyzer(catalog: try catalog())
        var agree = 0
        var disagreements: [String] = []
        for (name, observed) in cases.sorted(by: { $0.key < $1.key }) {
            guard let model = try? ModelFile.load(path: corpus + "/" + name) else { continue }
            let report = try analyzer.analyze(model, target: "ort-cpu")
            let predicted = report.worst < .custom
            if predicted == observed.loads {
                agree += 1
            } else {
                let why = report.nodes.first { $0.verdict >= .custom }.map { "\($0.op): \($0.reason)" } ?? "predicted to load"
                disagreements.append("\(name): ORT \(observed.loads ? "loads" : "fails (\(observed.error ?? ""))"); Lockstep: \(why)")
            }
        }
        print("node cases: \(agree) of \(cases.count) agree with onnxruntime's CPU EP")
        // Every disagreement has a known cause (docs/compatibility.md, "Against reality").
        // What schema 1 cannot say, and the environment; each entry must still occur (no stale excuses).
        let explained: [(cause: String, matches: (String) -> Bool)] = [
            ("OneHot-28 has kernels for (indices, depth, values) combinations only; bfloat16 values only with int32/int32 or int64/int64 "
                + "(per-input dtype lists cannot say which combinations)", { $0.contains("test_onehot_with_bfloat16_values/") }),
            ("Range-27 has no bfloat16 kernel; ORT inlines its context-dependent function body for that type instead "
                + "(the data gives the kernel's types; a kernel op's body as a per-type alternative is not modelled)",
             { $0.contains("test_range_bfloat16_") }),
            ("StringNormalizer needs the en_US locale, missing on this machine", { $0.contains("test_strnormalizer_") }),
        ]
        var counts = [Int](repeating: 0, count: explained.count)
        for d in disagreements {
            guard let i = explained.firstIndex(where: { $0.matches(d) }) else { XCTFail("unexplained: \(d)"); continue }
            counts[i] += 1
        }
        for (i, e) in explained.enumerated() {
            print("  \(counts[i]) × \(e.cause)")
            XCTAssertGreaterThan(counts[i], 0, "no disagreement of this kind any more: drop it from the exceptions (\(e.cause))")
        }
        XCTAssertGreaterThanOrEqual(agree, 1878)
    }
}
