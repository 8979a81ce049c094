import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Compatibility

/// The ONNX Runtime data under opsets/onnxruntime gives the verdicts ONNX Runtime 1.32.0 gave on
/// this machine (scripts/opsets_ort_kernels.py measured or read them): the loader's IR version and
/// opset limits, the RNN kernels' layout check, and which function ops run as their function body.
/// Runs without the corpus; CompatTests.testNodeCasesAgainstORTCPU checks the same data on all
/// ONNX backend node cases.
final class ORTTargetDataTests: XCTestCase {
    func catalog() throws -> TargetCatalog { try TargetCatalog.load(directory: Repo.path("opsets")) }

    /// One node `op` on float32 input x [2, 3, 4] (and more inputs), in a model of `opset`.
    func model(_ op: String, opset: Int = 24, ir: Int64 = 10, inputs: [(String, DType, Shape)] = [],
               _ attributes: [String: AttributeValue] = [:], domainOpsets: [String: Int] = [:]) -> Model {
        var b = ModelBuilder()
        b.opset = opset
        b.input("x", .float32, [2, 3, 4])
        for (name, t, shape) in inputs { b.input(name, t, shape) }
        b.node(op, ["x"] + inputs.map(\.0), ["y"], attributes)
        var m = b.model()
        m.irVersion = ir
        for (d, v) in domainOpsets { m.opsetImports[d] = v }
        return m
    }

    func testVerdicts() throws {
        let c = try catalog()
        let a = CompatibilityAnalyzer(catalog: c)
        let rnnWeights: [(String, DType, Shape)] = [("w", .float32, [1, 4, 4]), ("r", .float32, [1, 4, 1])]
        // (case id, model, target, verdict, fragment of the reason) — measured with onnxruntime 1.32.0
        let cases: [(String, Model, String, Verdict, String)] = [
            ("IR 14 loads", model("Relu", ir: 14), "ort-cpu", .supported, "supports Relu"),
            ("IR 15 is refused", model("Relu", ir: 15), "ort-cpu", .unsupported, "reads IR versions up to 14, the model has IR version 15"),
            ("opset 28 loads", model("Relu", opset: 28), "ort-cpu", .supported, "supports Relu"),
            ("opset 29 is refused", model("Relu", opset: 29), "ort-cpu", .unsupported, "reads ai.onnx opsets up to 28, the model imports opset 29"),
            ("ai.onnx.ml opset 6 is refused", model("Relu", domainOpsets: ["ai.onnx.ml": 6]), "ort-cpu", .unsupported, "reads ai.onnx.ml opsets up to 5"),
            ("the CUDA EP shares the loader", model("Relu", ir: 15), "ort-cuda", .unsupported, "reads IR versions up to 14"),
            ("GRU layout 0", model("GRU", inputs: rnnWeights, ["hidden_size": .int(1), "layout": .int(0)]), "ort-cpu", .supported, "supports GRU"),
            ("GRU layout 1", model("GRU", inputs: rnnWeights, ["hidden_size": .int(1), "layout": .int(1)]), "ort-cpu", .unsupported,
             "attribute layout is 1, must be 0: batchwise layout (layout=1) is refused when the kernel is created"),
            ("LSTM layout 1 on CUDA falls to the CPU, which refuses it too",
             model("LSTM", inputs: [("w", .float32, [1, 4, 4]), ("r", .float32, [1, 4, 1])], ["hidden_size": .int(1), "layout": .int(1)]),
             "ort-cuda", .unsupported, "attribute layout is 1, must be 0"),
            ("RNN before opset 14 has no layout", model("RNN", opset: 13, inputs: [("w", .float32, [1, 1, 4]), ("r", .float32, [1, 1, 1])],
                                                        ["hidden_size": .int(1)]), "ort-cpu", .supported, "supports RNN"),
            ("Swish inlined at opset 24", model("Swish", opset: 24), "ort-cpu", .supported, "supports Swish"),
            ("Swish not inlined at opset 25", model("Swish", opset: 25), "ort-cpu", .unsupported, "the model imports ai.onnx opset 25, at most 24 allowed"),
            ("SwiGLU's body is Swish at opset 28", model("SwiGLU", opset: 28), "ort-cpu", .unsupported, "SwiGLU is not listed"),
            ("Bernoulli-15 body runs", model("Bernoulli", opset: 21), "ort-cpu", .supported, "supports Bernoulli"),
            ("Bernoulli-22 body needs RandomUniformLike-22", model("Bernoulli", opset: 22), "ort-cpu", .unsupported,
             "Bernoulli (opset 22, schema version) 22 is not among the supported versions 15-21"),
            ("CastLike to float16", model("CastLike", opset: 25, inputs: [("t", .float16, [1])]), "ort-cpu", .supported, "supports CastLike"),
            ("CastLike to float4e2m1: Cast-25 has no float4 kernel", model("CastLike", opset: 25, inputs: [("t", .float4e2m1, [2])]), "ort-cpu",
             .unsupported, "output 0 'y' is float4e2m1"),
            ("Attention-25 runs as its function body", model("Attention", opset: 25, inputs: [("k", .float32, [2, 3, 4]), ("v", .float32, [2, 3, 4])]),
             "ort-cpu", .supported, "supports Attention"),
        ]
        for (id, m, target, verdict, fragment) in cases {
            let v = try a.analyze(m, target: target).nodes[0]
            XCTAssertEqual(v.verdict, verdict, "\(id): \(v.reason)")
            XCTAssertTrue(v.reason.contains(fragment), "\(id): '\(v.reason)' lacks '\(fragment)'")
        }
    }
}
