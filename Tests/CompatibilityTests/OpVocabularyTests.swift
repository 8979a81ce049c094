import LockstepCore
import XCTest
@testable import Compatibility

final class OpVocabularyTests: XCTestCase {
    let v = OpVocabulary.shared

    func testONNXSchemas() throws {
        XCTAssertEqual(v.onnxPackageVersion, "1.23.2")
        // Since-version resolution: the highest schema version at or below the opset.
        let cases: [(String, String, Int?, Int?)] = [
            ("", "Relu", 17, 14), ("", "Relu", 13, 13), ("", "Relu", 6, 6), ("ai.onnx", "Conv", 17, 11), ("", "Conv", 10, 1),
            ("", "Softmax", 12, 11), ("com.microsoft", "QLinearConv", 1, 1), ("", "NoSuchOp", 17, nil), ("", "Relu", nil, 14),
        ]
        for (domain, name, opset, since) in cases {
            XCTAssertEqual(v.schema(domain: domain, name: name, opset: opset)?.sinceVersion, since, "\(domain)::\(name)@\(opset ?? -1)")
        }
        let conv = try XCTUnwrap(v.schema(domain: "", name: "Conv", opset: 17))
        XCTAssertEqual(conv.inputs.map(\.name), ["X", "W", "B"])
        XCTAssertEqual(conv.inputs[2].option, .optional)
        XCTAssertEqual(conv.typeConstraints["$T"], [.float16, .float32, .float64])
        guard case .string(let pad)? = conv.attributeDefaults["auto_pad"], case .int(let group)? = conv.attributeDefaults["group"] else {
            return XCTFail("Conv defaults: \(conv.attributeDefaults)")
        }
        XCTAssertEqual(String(decoding: pad, as: UTF8.self), "NOTSET")
        XCTAssertEqual(group, 1)
        XCTAssertTrue(v.isKnownOrForeignONNX("com.microsoft::QLinearConv"))
        XCTAssertTrue(v.isKnownOrForeignONNX("ai.onnx.ml::TreeEnsembleClassifier"))
        XCTAssertTrue(v.isKnownOrForeignONNX("my.domain::Anything"), "domains without schemas are not checked")
        XCTAssertFalse(v.isKnownOrForeignONNX("Convolution"))
        XCTAssertEqual(v.suggestions(for: "Convv", format: .onnx).first, "Conv")
    }

    func testTFLiteBuiltins() {
        XCTAssertTrue(v.tfliteBuiltins.contains("CONV_2D"))
        XCTAssertTrue(v.tfliteBuiltins.contains("STABLEHLO_CASE"))
        XCTAssertEqual(v.tfliteBuiltins.count, 210)
        XCTAssertEqual(v.suggestions(for: "CONV2D", format: .tflite).first, "CONV_2D")
    }

    func testElementTypeInference() {
        var b = ModelBuilder()
        b.input("x", .float16, [2, 3])
        b.node("Shape", ["x"], ["s"])
        b.node("Cast", ["s"], ["f"], ["to": .int(1)])
        b.node("Relu", ["x"], ["r"])
        b.node("ConstantOfShape", ["s"], ["z"])
        b.node("QuantizeLinear", ["x", "scale"], ["q"])
        b.node("DequantizeLinear", ["q", "scale"], ["dq"])
        b.node("Where", ["cond", "x", "x"], ["w"])
        b.node("Unknown", ["x"], ["u"], domain: "custom.domain", version: 1)
        let model = b.model()
        let facts = ValueFacts(graph: model.graph, format: .onnx, opsets: model.opsetImports)
        let expected: [String: DType?] = ["s": .int64, "f": .float32, "r": .float16, "z": .float32, "q": .uint8, "w": .float16, "u": nil]
        for (name, t) in expected {
            XCTAssertEqual(facts[name]?.dtype, t, name)
        }
        XCTAssertEqual(facts["s"]?.dtypeOrigin, "inferred")
        XCTAssertEqual(facts["x"]?.dtypeOrigin, "declared")
    }
}
