import LockstepCore
import XCTest
@testable import Compatibility

/// Builds small IR models in code.
struct ModelBuilder {
    var format: ModelFormat = .onnx
    var opset = 17
    var nodes: [Node] = []
    var inputs: [ValueInfo] = []
    var outputs: [ValueInfo] = []
    var initializers: [Initializer] = []
    var functions: [Function] = []

    mutating func input(_ name: String, _ t: DType, _ shape: Shape?) {
        inputs.append(ValueInfo(name: name, type: .tensor(elementType: t, shape: shape)))
    }

    mutating func weight(_ name: String, _ shape: [Int], dtype: DType = .float32) {
        let count = shape.reduce(1, *)
        let tensor: Tensor
        switch dtype {
        case .int64: tensor = try! Tensor(dtype: .int64, shape: shape, values: [Int64](repeating: 1, count: count))
        default: tensor = try! Tensor(dtype: .float32, shape: shape, values: [Float](repeating: 0.5, count: count))
        }
        initializers.append(Initializer(name: name, tensor: tensor))
    }

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], domain: String = "", version: Int? = nil,
                       _ attributes: [String: AttributeValue] = [:]) {
        let name = "n\(nodes.count)_\(op)"
        nodes.append(Node(name: name, op: OpIdentifier(domain: domain, name: op, version: version ?? (format == .onnx ? opset : 1)),
                          inputs: inputs, outputs: outputs,
                          attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                          origin: Origin(format: format, graphPath: ["main"], nodeIndex: nodes.count, name: name)))
    }

    func model() -> Model {
        Model(format: format, path: "test.\(format == .onnx ? "onnx" : "tflite")", opsetImports: format == .onnx ? ["": opset] : [:],
              graph: Graph(name: "main", nodes: nodes, inputs: inputs, outputs: outputs, initializers: initializers), functions: functions)
    }

    /// image [1,3,32,32] → Conv → Relu → MaxPool → Flatten → Gemm → Softmax.
    static func cnn(constantWeights: Bool = true, opset: Int = 17) -> ModelBuilder {
        var b = ModelBuilder()
        b.opset = opset
        b.input("image", .float32, [1, 3, 32, 32])
        if constantWeights { b.weight("w", [8, 3, 3, 3]) } else { b.input("w", .float32, [8, 3, 3, 3]) }
        b.weight("fc", [10, 2048])
        b.node("Conv", ["image", "w"], ["c"], ["strides": .ints([1, 1])])
        b.node("Relu", ["c"], ["r"])
        b.node("MaxPool", ["r"], ["p"], ["kernel_shape": .ints([2, 2])])
        b.node("Flatten", ["p"], ["f"])
        b.node("Gemm", ["f", "fc"], ["logits"], ["transB": .int(1)])
        b.node("Softmax", ["logits"], ["probs"])
        b.outputs = [ValueInfo(name: "probs", type: .tensor(elementType: .float32, shape: [1, 10]))]
        return b
    }
}

final class CompatibilityAnalyzerTests: XCTestCase {
    static let catalogPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/catalog").path

    func analyzer() throws -> CompatibilityAnalyzer { CompatibilityAnalyzer(catalog: try TargetCatalog.load(directory: Self.catalogPath)) }

    func testEverythingOnTheAccelerator() throws {
        let report = try analyzer().analyze(ModelBuilder.cnn().model(), target: "test-accel")
        XCTAssertEqual(report.nodes.map(\.verdict), Array(repeating: .supported, count: 6), report.nodes.map(\.reason).joined(separator: "\n"))
        XCTAssertEqual(Set(report.nodes.compactMap(\.device)), [.gpu])
        XCTAssertEqual(report.partitions.count, 1)
        XCTAssertEqual(report.partitions[0].size, 6)
        XCTAssertEqual(report.summary, "6 of 6 nodes assigned to Test accelerator, 1 partition")
        XCTAssertTrue(report.findings.isEmpty)
        XCTAssertEqual(report.worst, .supported)
        XCTAssertEqual(report.nodes[0].source, "src")
        XCTAssertEqual(report.nodes[0].sourceLocation, "example/accel/src/ops.cc")
    }

    func testConstraintFailureFallsBackToTheCPUTarget() throws {
        let report = try analyzer().analyze(ModelBuilder.cnn(constantWeights: false).model(), target: "test-accel")
        let conv = report.nodes[0]
        XCTAssertEqual(conv.verdict, .fallback)
        XCTAssertEqual(conv.device, .cpu)
        XCTAssertEqual(conv.decidedBy, "test-accel")
        XCTAssertEqual(conv.rule, "constraint 1 (input 1)")
        XCTAssertEqual(conv.reason, "input 1 'w' is not constant: weights must be constant")
        XCTAssertEqual(conv.line, 35)
        XCTAssertEqual(report.nodes[1...].map(\.verdict), Array(repeating: .supported, count: 5))
        XCTAssertEqual(report.partitions.count, 1)
        XCTAssertEqual(report.total.subsets, 2)
        XCTAssertEqual(report.total.crossingsToTarget, 1)
        XCTAssertEqual(report.summary, "5 of 6 nodes assigned to Test accelerator, 1 partition; 1 node fall back to test-cpu; 1 tensor cross between GPU and fallback")
        XCTAssertEqual(report.findings.count, 1)
        XCTAssertEqual(report.findings[0].kind, .fallback)
        XCTAssertEqual(report.findings[0].severity, .warning)
        XCTAssertEqual(report.findings[0].location?.nodeIndex, 0)
    }

    func testVerdictTable() throws {
        // (case id, model, target, node index, verdict, device, fragment of the reason)
        func with(_ build: (inout ModelBuilder) -> Void) -> Model {
            var b = ModelBuilder()
            b.input("x", .float32, [1, 4])
            build(&b)
            return b.model()
        }
        let cases: [(String, Model, String, Int, Verdict, Device?, String)] = [
            ("listed as unsupported on the fallback too", with { $0.weight("k", [1], dtype: .int64); $0.node("TopK", ["x", "k"], ["v", "i"]) }, "test-accel", 0,
             .unsupported, nil, "TopK is not listed: the EP leaves it to the CPU provider; and on the fallback test-cpu: TopK is listed as unsupported: not built into the test runtime"),
            ("not listed on a builtin target", with { $0.node("Sqrt", ["x"], ["y"]) }, "test-cpu", 0,
             .unsupported, nil, "Sqrt is not listed: the test runtime has no kernel for it"),
            ("custom domain", with { $0.node("Frobnicate", ["x"], ["y"], domain: "example.custom", version: 1) }, "test-accel", 0,
             .custom, nil, "custom op example.custom::Frobnicate is not listed"),
            ("attribute not_in", with { $0.node("Cast", ["x"], ["y"], ["to": .int(8)]) }, "test-accel", 0,
             .fallback, .cpu, "attribute to is 8, not allowed: 8: strings stay on the host"),
            ("attribute in passes", with { $0.node("Cast", ["x"], ["y"], ["to": .int(7)]) }, "test-accel", 0, .supported, .gpu, "supports Cast"),
            ("schema default satisfies equals", with { $0.weight("w", [2, 1, 1, 1]); $0.input("img", .float32, [1, 1, 4, 4]); $0.node("Conv", ["img", "w"], ["y"], ["strides": .ints([1, 1])]) },
             "test-accel", 0, .supported, .gpu, "supports Conv"),
            ("grouped conv fails equals", with { $0.weight("w", [2, 1, 1, 1]); $0.input("img", .float32, [1, 2, 4, 4]); $0.node("Conv", ["img", "w"], ["y"], ["group": .int(2), "strides": .ints([1, 1])]) },
             "test-accel", 0, .fallback, .cpu, "attribute group is 2, must be 1: grouped convolution has no kernel"),
            ("list attribute max element-wise", with { $0.weight("w", [2, 1, 1, 1]); $0.input("img", .float32, [1, 1, 4, 4]); $0.node("Conv", ["img", "w"], ["y"], ["strides": .ints([1, 3])]) },
             "test-accel", 0, .fallback, .cpu, "attribute strides is [1, 3], must be at most 2"),
            ("constraint default for a missing attribute", with { $0.weight("w", [2, 1, 1, 1]); $0.input("img", .float32, [1, 1, 4, 4]); $0.node("Conv", ["img", "w"], ["y"]) },
             "test-accel", 0, .supported, .gpu, "supports Conv"),
            ("unknown rank is undecided", with { $0.weight("w", [2, 1, 1, 1]); $0.input("img", .float32, nil); $0.node("Conv", ["img", "w"], ["y"]) },
             "test-accel", 0, .unknown, nil, "the rank of input 0 'img' is not known"),
            ("symbolic dimension is undecided", with { $0.weight("w", [2, 1, 1, 1]); $0.input("img", .float32, Shape([.fixed(1), .symbolic("C"), .fixed(4), .fixed(4)])); $0.node("Conv", ["img", "w"], ["y"]) },
             "test-accel", 0, .unknown, nil, "dimension 1 of input 0 'img' is not fixed"),
            ("dim max", with { $0.weight("w", [2, 100, 1, 1]); $0.input("img", .float32, [1, 100, 4, 4]); $0.node("Conv", ["img", "w"], ["y"]) },
             "test-accel", 0, .fallback, .cpu, "dimension 1 of input 0 'img' is 100, at most 64 allowed"),
            ("whole-list in", with { $0.node("MaxPool", ["x"], ["y"], ["kernel_shape": .ints([2, 3])]) }, "test-accel", 0,
             .fallback, .cpu, "attribute kernel_shape is [2, 3], allowed: [2, 2], [3, 3]"),
            ("input count", with { $0.node("Gemm", ["x"], ["y"]) }, "test-accel", 0, .fallback, .cpu, "1 inputs, at least 2 needed"),
            ("schema version below the listed range", with { $0.opset = 11; $0.node("Softmax", ["x"], ["y"], version: 11) }, "test-accel", 0,
             .fallback, .cpu, "Softmax (opset 11, schema version) 11 is not among the supported versions 13+"),
            ("schema version resolves within range", with { $0.opset = 17; $0.node("Softmax", ["x"], ["y"]) }, "test-accel", 0, .supported, .gpu, "versions 13+"),
            ("dtype of first input", with { $0.input("i", .int32, [4]); $0.node("Add", ["i", "i"], ["y"]) }, "test-cpu", 0,
             .unsupported, nil, "input 0 'i' is int32; Add supports float32, int64"),
            ("inferred dtype through Shape", with { $0.node("Shape", ["x"], ["s"]); $0.node("Add", ["s", "s"], ["y"]) }, "test-cpu", 1,
             .supported, .cpu, "supports Add"),
            ("inferred dtype through Cast", with { $0.node("Cast", ["x"], ["c"], ["to": .int(6)]); $0.node("MatMul", ["c", "c"], ["y"]) }, "test-cpu", 1,
             .unsupported, nil, "input 0 'c' is int32; MatMul supports float32"),
            ("dtype_inputs all", with { $0.input("idx", .int32, [2]); $0.node("Gather", ["x", "idx"], ["y"]) }, "test-cpu", 0,
             .unsupported, nil, "input 1 'idx' is int32; Gather supports float32, int64"),
            ("Constant node output is constant", with { $0.node("Constant", [], ["w"], ["value": .tensor(try! Tensor(dtype: .float32, shape: [1, 1, 1, 1], values: [Float(1)]))]); $0.input("img", .float32, [1, 1, 4, 4]); $0.node("Conv", ["img", "w"], ["y"]) },
             "test-accel", 1, .supported, .gpu, "supports Conv"),
        ]
        // Single nodes: without test-accel's minimum partition size.
        let catalog = try TargetCatalog.load(directory: Self.catalogPath)
        var accel = try catalog.target("test-accel")
        accel.partitioning = Partitioning()
        let a = CompatibilityAnalyzer(catalog: catalog)
        for (id, model, target, index, verdict, device, fragment) in cases {
            let report = try a.analyze(model, target: target == "test-accel" ? accel : try catalog.target(target))
            let v = report.nodes[index]
            XCTAssertEqual(v.verdict, verdict, "\(id): \(v.reason)")
            XCTAssertEqual(v.device, device, id)
            XCTAssertTrue(v.reason.contains(fragment), "\(id): '\(v.reason)' lacks '\(fragment)'")
        }
    }

    func testMinimumPartitionSizeHandsSmallPartitionsBack() throws {
        // Relu (supported) → TopK (fallback/unsupported) → Relu: each Relu is a partition of one node,
        // below test-accel's min_nodes_per_partition 2.
        var b = ModelBuilder()
        b.input("x", .float32, [1, 4])
        b.node("Relu", ["x"], ["a"])
        b.node("Sqrt", ["a"], ["b"])
        b.node("Relu", ["b"], ["c"])
        b.node("Relu", ["c"], ["d"])
        let report = try analyzer().analyze(b.model(), target: "test-accel")
        XCTAssertEqual(report.nodes.map(\.verdict), [.fallback, .unsupported, .supported, .supported])
        XCTAssertEqual(report.nodes[0].rule, "partitioning")
        XCTAssertTrue(report.nodes[0].reason.contains("fewer than the 2"), report.nodes[0].reason)
        XCTAssertEqual(report.partitions.map(\.nodes), [[2, 3]])
        XCTAssertEqual(report.nodes[2].partition, 0)
    }

    func testPartitioningRules() throws {
        var b = ModelBuilder()
        b.input("x", .float32, [1, 4])
        b.node("Relu", ["x"], ["a"])
        b.node("Relu", ["a"], ["b"])
        b.node("Cast", ["b"], ["c"], ["to": .int(8)])  // rejected by test-accel
        b.node("Relu", ["x"], ["d"])
        b.node("Tanh", ["d"], ["e"])
        b.node("Tanh", ["e"], ["f"])
        let model = b.model()
        let catalog = try TargetCatalog.load(directory: Self.catalogPath)
        var accel = try catalog.target("test-accel")
        accel.partitioning = Partitioning()
        let a = CompatibilityAnalyzer(catalog: catalog)

        let plain = try a.analyze(model, target: accel)
        XCTAssertEqual(plain.nodes.map(\.verdict), [.supported, .supported, .fallback, .supported, .supported, .supported])
        XCTAssertEqual(plain.partitions.map(\.nodes), [[0, 1, 3, 4, 5]], "independent supported nodes join one partition")

        accel.partitioning = Partitioning(wholeGraphOnly: true)
        let whole = try a.analyze(model, target: accel)
        XCTAssertEqual(whole.nodes.map(\.verdict), Array(repeating: .fallback, count: 6))
        XCTAssertEqual(whole.partitions.count, 0)

        accel.partitioning = Partitioning(stopAtFirstUnsupported: true)
        let prefix = try a.analyze(model, target: accel)
        XCTAssertEqual(prefix.nodes.map(\.verdict), [.supported, .supported, .fallback, .fallback, .fallback, .fallback])
        XCTAssertTrue(prefix.nodes[4].reason.contains("before the first one it cannot run"), prefix.nodes[4].reason)

        // Two partitions (the Cast splits a chain): keep the larger one.
        var c = ModelBuilder()
        c.input("x", .float32, [1, 4])
        c.node("Relu", ["x"], ["a"])
        c.node("Cast", ["a"], ["b"], ["to": .int(8)])
        c.node("Relu", ["b"], ["c"])
        c.node("Relu", ["c"], ["d"])
        accel.partitioning = Partitioning(maxPartitions: 1)
        let largest = try a.analyze(c.model(), target: accel)
        XCTAssertEqual(largest.nodes.map(\.verdict), [.fallback, .fallback, .supported, .supported])
        XCTAssertEqual(largest.partitions.map(\.nodes), [[2, 3]])
        XCTAssertTrue(largest.nodes[0].reason.contains("keeps only its 1 largest"), largest.nodes[0].reason)
    }

    func testModelLocalFunctionIsJudgedByItsBody() throws {
        var b = ModelBuilder()
        b.input("x", .float32, [1, 4])
        b.node("ScaledTanh", ["x"], ["y"], domain: "lockstep.examples", version: 1)
        let body = [
            Node(name: "t", op: OpIdentifier(name: "Tanh", version: 17), inputs: ["X"], outputs: ["T"], origin: Origin(format: .onnx, graphPath: ["f"], nodeIndex: 0, name: "t")),
            Node(name: "m", op: OpIdentifier(name: "Mul", version: 17), inputs: ["T", "T"], outputs: ["Y"], origin: Origin(format: .onnx, graphPath: ["f"], nodeIndex: 1, name: "m")),
        ]
        b.functions = [Function(name: "ScaledTanh", domain: "lockstep.examples", inputs: ["X"], outputs: ["Y"], nodes: body, opsetImports: ["": 17])]
        let a = try analyzer()
        let cpu = try a.analyze(b.model(), target: "test-cpu")
        XCTAssertEqual(cpu.nodes[0].verdict, .supported, cpu.nodes[0].reason)
        XCTAssertTrue(cpu.nodes[0].reason.contains("model-local function lockstep.examples::ScaledTanh"), cpu.nodes[0].reason)
        let accel = try a.analyze(b.model(), target: "test-accel")
        XCTAssertEqual(accel.nodes[0].verdict, .fallback, "Mul is not listed on test-accel: \(accel.nodes[0].reason)")
        XCTAssertTrue(accel.nodes[0].reason.contains("body node m (Mul)"), accel.nodes[0].reason)
    }

    func testSubgraphsAreJudgedWithOuterValues() throws {
        var b = ModelBuilder()
        b.input("x", .float32, [1, 4])
        b.input("cond", .bool, [])
        let then = Graph(name: "then", nodes: [Node(name: "inner", op: OpIdentifier(name: "Relu", version: 17), inputs: ["x"], outputs: ["t"],
                                                   origin: Origin(format: .onnx, graphPath: ["main", "if/then_branch"], nodeIndex: 0, name: "inner"))],
                         outputs: [ValueInfo(name: "t", type: .tensor(elementType: nil, shape: nil))])
        let otherwise = Graph(name: "else", nodes: [], outputs: [ValueInfo(name: "x", type: .tensor(elementType: .float32, shape: nil))])
        b.node("If", ["cond"], ["y"], ["then_branch": .graph(then), "else_branch": .graph(otherwise)])
        let report = try analyzer().analyze(b.model(), target: "test-cpu")
        XCTAssertEqual(report.graphs.map(\.graph), ["main", "main/n0_If/else_branch", "main/n0_If/then_branch"])
        XCTAssertEqual(report.nodes.map(\.op), ["If", "Relu"])
        XCTAssertEqual(report.nodes.map(\.verdict), [.unsupported, .supported])
    }

    func testTargetOfAnotherFormatIsRefused() throws {
        var b = ModelBuilder()
        b.format = .tflite
        b.input("x", .float32, [1])
        b.node("RELU", ["x"], ["y"])
        XCTAssertThrowsError(try analyzer().analyze(b.model(), target: "test-cpu")) { error in
            XCTAssertEqual((error as? CompatibilityError)?.errorDescription,
                           "test.tflite: target 'test-cpu' judges onnx models, this is a tflite model")
        }
        XCTAssertThrowsError(try analyzer().analyze(b.model(), target: "test-acel")) { error in
            XCTAssertEqual((error as? CompatibilityError)?.errorDescription, "test-acel: no such target (did you mean 'test-accel'?)")
        }
    }
}

extension CompatibilityAnalyzerTests {
    func testModelLimitsRefuseTheWholeFile() throws {
        let yaml = """
            schema: 1
            id: old-runtime
            name: Old runtime
            format: onnx
            kind: builtin
            runtime: {name: R, versions: '1'}
            sources:
              - {id: s, title: S, url: 'https://example.org', version: '1'}
            default_source: s
            unsupported: {action: error}
            model:
              ir_version: {max: 8}
              opset: {max: {"": 15}}
              reason: newer files are rejected at load
            ops:
              Relu: {}
            """
        let target = try TargetLoader.parse(yaml: yaml, path: "old.yaml")
        XCTAssertEqual(target.modelLimits.maxIRVersion, 8)
        XCTAssertEqual(target.modelLimits.maxOpset, ["": 15])
        let a = CompatibilityAnalyzer(catalog: try TargetCatalog(targets: [target]))
        var b = ModelBuilder()
        b.input("x", .float32, [1])
        b.node("Relu", ["x"], ["y"])
        let fine = try a.analyze(b.model(), target: target)
        XCTAssertEqual(fine.worst, .unsupported, "opset 17 > 15")
        XCTAssertEqual(fine.nodes[0].reason, "Old runtime reads ai.onnx opsets up to 15, the model imports opset 17: newer files are rejected at load")
        b.opset = 13
        var model = b.model()
        XCTAssertEqual(try a.analyze(model, target: target).worst, .supported)
        model.irVersion = 9
        let refused = try a.analyze(model, target: target)
        XCTAssertEqual(refused.nodes.map(\.rule), ["model"])
        XCTAssertEqual(refused.nodes[0].reason, "Old runtime reads IR versions up to 8, the model has IR version 9: newer files are rejected at load")
    }
}

extension CompatibilityAnalyzerTests {
    /// `opset: import` checks the model's opset import of the node's domain, not the schema
    /// version: ONNX Runtime inlines Swish-24's function body only in opset-24 models.
    func testOpsetImportConstraint() throws {
        let yaml = """
            schema: 1
            id: inliner
            name: Inliner
            format: onnx
            kind: builtin
            runtime: {name: R, versions: '1'}
            sources:
              - {id: s, title: S, url: 'https://example.org', version: '1'}
            default_source: s
            unsupported: {action: error}
            ops:
              Swish:
                versions: 24+
                constraints:
                  - opset: import
                    max: 24
                    reason: the body is written for opset 24
              HardSwish:
                constraints:
                  - opset: import
                    min: 15
                    max: 22
            """
        let target = try TargetLoader.parse(yaml: yaml, path: "inliner.yaml")
        let a = CompatibilityAnalyzer(catalog: try TargetCatalog(targets: [target]))
        // (op, model opset, verdict, fragment of the reason)
        let cases: [(String, Int, Verdict, String)] = [
            ("Swish", 24, .supported, "supports Swish"),
            ("Swish", 25, .unsupported, "the model imports ai.onnx opset 25, at most 24 allowed: the body is written for opset 24"),
            ("Swish", 28, .unsupported, "opset 28, at most 24 allowed"),
            ("HardSwish", 14, .unsupported, "the model imports ai.onnx opset 14, at least 15 needed"),
            ("HardSwish", 22, .supported, "supports HardSwish"),
            ("HardSwish", 23, .unsupported, "opset 23, at most 22 allowed"),
        ]
        for (op, opset, verdict, fragment) in cases {
            var b = ModelBuilder()
            b.opset = opset
            b.input("x", .float32, [3])
            b.node(op, ["x"], ["y"])
            let v = try a.analyze(b.model(), target: target).nodes[0]
            XCTAssertEqual(v.verdict, verdict, "\(op) at opset \(opset): \(v.reason)")
            XCTAssertTrue(v.reason.contains(fragment), "\(op) at opset \(opset): '\(v.reason)' lacks '\(fragment)'")
        }
    }
}
