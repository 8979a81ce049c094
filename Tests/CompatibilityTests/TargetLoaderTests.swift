import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Compatibility

final class TargetLoaderTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// A valid file; cases below replace one part of it.
    static let header = """
        schema: 1
        id: t
        name: T
        format: tflite
        kind: delegate
        runtime:
          name: R
          versions: "1"
        sources:
          - id: s
            title: S
            url: https://example.org/s
            version: "1"
        default_source: s
        unsupported:
          action: fallback
          to: cpu

        """

    func testFixturesLoad() throws {
        let cpu = try TargetLoader.load(path: Self.fixtures + "/catalog/test-cpu.yaml")
        XCTAssertEqual(cpu.id, "test-cpu")
        XCTAssertEqual(cpu.format, .onnx)
        XCTAssertEqual(cpu.kind, .builtin)
        XCTAssertEqual(cpu.unsupported.action, .error)
        XCTAssertEqual(cpu.ops.count, 14)
        XCTAssertEqual(cpu.ops["Conv"]?.versions?.description, "1+")
        XCTAssertEqual(cpu.ops["Conv"]?.dtypes, [.float32, .float64])
        XCTAssertEqual(cpu.ops["Gather"]?.dtypeSubject, .all)
        XCTAssertEqual(cpu.ops["TopK"]?.supported, false)
        XCTAssertNotNil(cpu.ops["MaxPool"], "an op listed with no value is supported")

        let accel = try TargetLoader.load(path: Self.fixtures + "/catalog/test-accel.yaml")
        XCTAssertEqual(accel.device, .gpu)
        XCTAssertEqual(accel.fallbackTarget, "test-cpu")
        XCTAssertEqual(accel.partitioning.minNodesPerPartition, 2)
        let conv = try XCTUnwrap(accel.ops["Conv"])
        XCTAssertEqual(conv.source, "src")
        XCTAssertEqual(accel.source("src")?.location, "example/accel/src/ops.cc")
        XCTAssertEqual(conv.constraints.count, 5)
        XCTAssertEqual(conv.constraints[0].subject, .input(1))
        XCTAssertEqual(conv.constraints[0].checks, [.constant(true)])
        XCTAssertEqual(conv.constraints[0].reason, "weights must be constant")
        XCTAssertEqual(conv.constraints[1].checks, [.equals(.int(1))])
        XCTAssertEqual(conv.constraints[3].checks, [.rank(min: 4, max: 4)])
        XCTAssertEqual(conv.constraints[4].checks, [.dim(axis: 1, min: nil, max: 64)])
        XCTAssertEqual(conv.line, 30)
        XCTAssertEqual(accel.ops["MaxPool"]?.constraints.first?.checks, [.oneOf([.list([.int(2), .int(2)]), .list([.int(3), .int(3)])])])
    }

    /// The example in opsets/README.md is a valid file (the contract shows what loads).
    func testReadmeExampleLoads() throws {
        let readme = try String(contentsOfFile: Repo.path("opsets/README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "```yaml\n"))
        let end = try XCTUnwrap(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let target = try TargetLoader.parse(yaml: String(readme[start.upperBound..<end.lowerBound]), path: "README")
        XCTAssertEqual(target.id, "tflite-gpu")
        XCTAssertEqual(target.fallbackTarget, "tflite-builtin")
        XCTAssertEqual(target.constantThrough, ["DEQUANTIZE"])
        XCTAssertEqual(target.ops["CONV_2D"]?.constraints.count, 8)
        XCTAssertEqual(target.ops["HASHTABLE_LOOKUP"]?.supported, false)
    }

    func testMalformedFilesFailWithLineAndReason() {
        // (case id, after the header?, text, expected line (in the text), fragment of the reason)
        let cases: [(String, Bool, String, Int?, String)] = [
            ("unknown top-level key", true, "ops: {}\nopz: 1\n", 2, "unknown key 'opz'"),
            ("unknown op key", true, "ops:\n  CONV_2D:\n    version: 1\n", 3, "unknown key 'version' (did you mean 'versions'?)"),
            ("unknown op", true, "ops:\n  CONV2D: {}\n", 2, "unknown op 'CONV2D': not a TFLite builtin operator"),
            ("bad version range", true, "ops:\n  CONV_2D:\n    versions: 3-1\n", 3, "version range '3-1' is empty"),
            ("version not a number", true, "ops:\n  CONV_2D:\n    versions: x\n", 3, "'x' is not a version"),
            ("bad version list item", true, "ops:\n  CONV_2D:\n    versions: [1, two]\n", 3, "'two' is not a version"),
            ("unknown dtype", true, "ops:\n  ADD:\n    dtypes: [float32, float128]\n", 3, "unknown element type 'float128'"),
            ("undeclared source", true, "ops:\n  ADD:\n    source: nope\n", 3, "names source 'nope'"),
            ("duplicate op", true, "ops:\n  ADD: {}\n  ADD: {}\n", 3, "duplicate op 'ADD'"),
            ("two constraint subjects", true, "ops:\n  ADD:\n    constraints:\n      - input: 0\n        attribute: x\n        rank: 2\n", 4, "exactly one of"),
            ("check not for the subject", true, "ops:\n  ADD:\n    constraints:\n      - attribute: x\n        rank: 2\n", 5, "unknown key 'rank'"),
            ("constraint without check", true, "ops:\n  ADD:\n    constraints:\n      - input: 0\n", 4, "has no check"),
            ("empty range", true, "ops:\n  ADD:\n    constraints:\n      - attribute: x\n        range: [4, 1]\n", 5, "range [4.0, 1.0] is empty"),
            ("unsupported without reason", true, "ops:\n  ADD:\n    supported: false\n", 2, "gives no 'reason'"),
            ("bad action", true, "ops:\n  ADD:\n    unsupported:\n      action: explode\n", 4, "unknown action 'explode'"),
            ("fallback without device", true, "ops:\n  ADD:\n    unsupported:\n      action: fallback\n", 4, "needs 'to'"),
            ("bad device", true, "accelerator: fpga\nops: {}\n", 1, "unknown device 'fpga'"),
            ("inputs: count spelled wrong", true, "ops:\n  ADD:\n    constraints:\n      - inputs: all\n        max: 2\n", 4, "write 'inputs: count'"),
            ("opset: import spelled wrong", true, "ops:\n  ADD:\n    constraints:\n      - opset: 24\n        max: 24\n", 4, "write 'opset: import'"),
            ("opset import takes no dtype", true, "ops:\n  ADD:\n    constraints:\n      - opset: import\n        dtype: [float32]\n", 5, "unknown key 'dtype'"),
            ("bad dtype_inputs", true, "ops:\n  ADD:\n    dtype_inputs: some\n", 3, "dtype_inputs: 'some'"),
            ("default on a tensor", true, "ops:\n  ADD:\n    constraints:\n      - input: 0\n        rank: 2\n        default: 1\n", 6, "'default' only goes with 'attribute'"),
            ("bad yaml", true, "ops:\n  ADD: [\n", 3, "not valid YAML"),
            ("ops not a mapping", true, "ops: [ADD]\n", 1, "ops must be a mapping"),
            ("bad partitioning", true, "partitioning:\n  min_nodes_per_partition: 0\nops: {}\n", 2, "at least 1"),
            ("fallback_target is itself", true, "fallback_target: t\nops: {}\n", 1, "names the target itself"),
            ("missing ops", true, "", nil, "missing required key 'ops'"),
            ("custom op without a name", true, "ops:\n  \"custom::\": {}\n", 2, "has no name"),
            (
                "missing key", false, "schema: 1\nid: t\nname: T\nformat: tflite\nkind: delegate\nruntime: {name: R, versions: '1'}\nsources: []\n",
                7, "sources must not be empty"
            ),
            ("bad id", false, "schema: 1\nid: Bad_Id\n", 2, "may only contain"),
            ("schema 2", false, "schema: 2\n", 1, "schema 2 is not supported"),
            ("bad format", false, "schema: 1\nid: t\nname: T\nformat: keras\n", 4, "unknown format 'keras'"),
            ("empty file", false, "", nil, "empty file"),
            (
                "source without version", false, "schema: 1\nid: t\nname: T\nformat: onnx\nkind: builtin\nruntime: {name: R, versions: '1'}\nsources:\n  - {id: s, title: S, url: 'https://x.org'}\n",
                8, "needs a 'version'"
            ),
            (
                "op without any source", false, "schema: 1\nid: t\nname: T\nformat: onnx\nkind: builtin\nruntime: {name: R, versions: '1'}\nsources:\n  - {id: s, title: S, url: 'https://x.org', version: '1'}\nunsupported: {action: error}\nops:\n  Relu: {}\n",
                11, "names no source"
            ),
            (
                "unknown onnx op", false, "schema: 1\nid: t\nname: T\nformat: onnx\nkind: builtin\nruntime: {name: R, versions: '1'}\nsources:\n  - {id: s, title: S, url: 'https://x.org', version: '1'}\ndefault_source: s\nunsupported: {action: error}\nops:\n  Convv: {}\n",
                12, "unknown op 'Convv'"
            ),
            (
                "unknown contrib op", false, "schema: 1\nid: t\nname: T\nformat: onnx\nkind: builtin\nruntime: {name: R, versions: '1'}\nsources:\n  - {id: s, title: S, url: 'https://x.org', version: '1'}\ndefault_source: s\nunsupported: {action: error}\nops:\n  com.microsoft::NoSuchOp: {}\n",
                12, "domain 'com.microsoft'"
            ),
            (
                "duplicate key", false, "schema: 1\nschema: 1\n", 2, "duplicate key 'schema'"
            ),
        ]
        let headerLines = Self.header.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for (id, withHeader, body, bodyLine, fragment) in cases {
            let yaml = withHeader ? Self.header + body : body
            let line = bodyLine.map { withHeader ? $0 + headerLines : $0 }
            XCTAssertThrowsError(try TargetLoader.parse(yaml: yaml, path: "opsets/x.yaml"), id) { error in
                guard case .invalidTargetFile(let path, let l, let reason) = error as? CompatibilityError else {
                    return XCTFail("\(id): unexpected error \(error)")
                }
                XCTAssertEqual(path, "opsets/x.yaml", id)
                XCTAssertEqual(l, line, "\(id): \(reason)")
                XCTAssertTrue(reason.contains(fragment), "\(id): '\(reason)' lacks '\(fragment)'")
            }
        }
    }

    func testFileProblems() {
        XCTAssertThrowsError(try TargetLoader.load(path: "/nonexistent/x.yaml")) { error in
            XCTAssertEqual((error as? CompatibilityError)?.errorDescription, "/nonexistent/x.yaml: cannot read: no such file")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-compat-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = dir.appendingPathComponent("bin.yaml")
        _ = FileManager.default.createFile(atPath: binary.path, contents: Data([0xff, 0xfe, 0x00, 0x80]))
        XCTAssertThrowsError(try TargetLoader.load(path: binary.path)) { error in
            XCTAssertTrue((error as? CompatibilityError)?.errorDescription?.contains("not UTF-8") == true, "\(error)")
        }
    }
}
