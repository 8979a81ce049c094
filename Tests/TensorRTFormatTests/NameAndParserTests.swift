import Foundation
import LockstepCore
import XCTest

@testable import TensorRTFormat

/// Table-driven tests of the name analysis, precision words and the JSON parser.
final class NameAndParserTests: XCTestCase {
    func testFusedParts() {
        let cases: [(id: String, name: String, parts: [String])] = [
            ("single", "Conv_0", ["Conv_0"]),
            ("plus", "Conv_0 + Relu_1", ["Conv_0", "Relu_1"]),
            ("pwn", "w + QuantizeLinear_8 + Conv_12 + PWN(Clip_16)", ["w", "QuantizeLinear_8", "Conv_12", "Clip_16"]),
            ("nested pwn", "Conv_3 + PWN(PWN(Sigmoid_4), Mul_5)", ["Conv_3", "Sigmoid_4", "Mul_5"]),
            ("horizontal", "a/1x1 + a/relu || b/3x3 + b/relu", ["a/1x1", "a/relu", "b/3x3", "b/relu"]),
            ("brackets keep", "fc.bias + (Unnamed Layer* 306) [Shuffle] + x", ["fc.bias", "(Unnamed Layer* 306) [Shuffle]", "x"]),
            ("torch", "[CONV]-[aten.conv]-[/f/0/conv] + [RELU]-[aten.relu]-[/f/1/relu]", ["[CONV]-[aten.conv]-[/f/0/conv]", "[RELU]-[aten.relu]-[/f/1/relu]"]),
            ("foreign", "{ForeignNode[a + b...c]}", ["a", "b", "c"]),
            ("unbalanced", "weird( + name", ["weird(", "name"]),
            ("profile suffix kept out", "Conv_0 + Relu_1 [profile 2]", ["Conv_0", "Relu_1 [profile 2]"]),
        ]
        for c in cases {
            XCTAssertEqual(LayerNames.fusedParts(c.name), c.parts, c.id)
        }
        let layer = LayerFactory.make(index: 0, name: "Conv_0 + Relu_1 [profile 2]", type: "CaskConvolution")
        XCTAssertEqual(layer.profileIndex, 2)
        XCTAssertEqual(layer.fusedParts, ["Conv_0", "Relu_1"])
    }

    func testMetadataAndNames() {
        XCTAssertEqual(LayerNames.onnxNodes(fromMetadata: "[ONNX Layer: a]\u{1E}[ONNX Layer: b]\u{1F}[ONNX Layer: a]"), ["a", "b"])
        XCTAssertEqual(LayerNames.onnxNodes(fromMetadata: "user text\u{1E}[ONNX Layer: /m/Conv]"), ["/m/Conv"])
        XCTAssertEqual(LayerNames.onnxNodes(fromMetadata: ""), [])
        XCTAssertEqual(LayerNames.metadataEntries("x\u{1E}\u{1E}y\u{1F}z"), ["x", "y", "z"])
        XCTAssertEqual(LayerNames.profileSuffix("conv [profile 12]").base, "conv")
        XCTAssertEqual(LayerNames.profileSuffix("conv [profile 12]").profile, 12)
        XCTAssertEqual(LayerNames.profileSuffix("conv [profile x]").profile, 0)
        XCTAssertTrue(LayerNames.isMyelinKernelName("node_linear_myl4_0"))
        XCTAssertTrue(LayerNames.isMyelinKernelName("__mye59_0_myl0_0"))
        XCTAssertFalse(LayerNames.isMyelinKernelName("node_linear_4_0"))
        XCTAssertFalse(LayerNames.isMyelinKernelName("_myl"))
        XCTAssertEqual(LayerNames.reformatTarget("Reformatting CopyNode for Output Tensor 1 to conv + relu"), "conv + relu")
        XCTAssertNil(LayerNames.reformatTarget("Reformat_3"))
        XCTAssertEqual(LayerNames.foreignNodes("{ForeignNode[only]}"), ForeignNodeRange(first: "only", last: "only"))
        XCTAssertNil(LayerNames.foreignNodes("{ForeignNode[]"))
        let qdq = LayerFactory.make(index: 0, name: "QuantizeLinear_2", type: "Reformat", origin: "QDQ")
        XCTAssertTrue(qdq.isReformat)
        XCTAssertEqual(qdq.onnxNodes, ["QuantizeLinear_2"])
    }

    func testPrecisionWords() {
        let cases: [(String, DType?)] = [
            ("Row major linear FP32", .float32), ("Row major linear Int32", .int32), ("Row major linear FP16 format", .float16),
            ("Four wide channel vectorized row major Int8 format", .int8), ("Channel major FP16 format where channel % 8 == 0", .float16),
            ("Row major linear BOOL", .bool), ("Row major linear UInt8 format", .uint8), ("Row major linear Int64 format", .int64),
            ("Channel major BFloat16 format where channel % 8 == 0", .bfloat16), ("Row major linear FP8 format", .float8e4m3fn),
            ("Half", .float16), ("Float", .float32), ("Int64", .int64), ("Double", .float64), ("FloatComplex", .complex64),
            ("Row major linear FP32 format (kLINEAR)", .float32), ("Unknown format", nil), ("None", nil), ("", nil),
        ]
        for (format, dtype) in cases { XCTAssertEqual(Precision.dtype(fromFormat: format), dtype, format) }
        XCTAssertEqual(Precision.dtype(fromTypeName: "fp16"), .float16)
        XCTAssertEqual(Precision.dtype(fromTypeName: "int64"), .int64)
    }

    func testVersionTags() {
        XCTAssertEqual(PlanHeader.Version(trtexecTag: 101601)?.description, "10.16.1")
        XCTAssertEqual(PlanHeader.Version(trtexecTag: 8601)?.description, "8.6.1")
        XCTAssertEqual(PlanHeader.Version(trtexecTag: 7103)?.description, "7.1.3")
        XCTAssertEqual(PlanHeader.Version(dotted: "10.3.0.26")?.build, 26)
        XCTAssertNil(PlanHeader.Version(dotted: "10.x.0"))
    }

    func testJSONParser() throws {
        func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }
        XCTAssertEqual(try parse("-7428355835493435592").intValue, -7428355835493435592)
        XCTAssertEqual(try parse("18446744073709551616").doubleValue, 18446744073709551616.0)   // beyond Int64: a Double
        XCTAssertEqual(try parse("1e3").doubleValue, 1000)
        XCTAssertEqual(try parse(#""\ud83d\ude00 \u00e9 \/""#).stringValue, "😀 é /")
        XCTAssertEqual(try parse(#""\ud83d x""#).stringValue, "\u{FFFD} x")   // lone surrogate
        XCTAssertEqual(try parse("\"raw\u{1E}sep\"").stringValue, "raw\u{1E}sep")   // trtexec writes names unescaped
        XCTAssertTrue(try parse("[nan, -nan, inf, -inf, NaN, Infinity, -Infinity]").arrayValue!.allSatisfy { !($0.doubleValue!.isFinite) })
        XCTAssertEqual(try parse(#"{"b": 1, "a": 2}"#).objectMembers!.map(\.key), ["b", "a"])   // order kept
        XCTAssertEqual(try parse("\u{FEFF}[]").arrayValue?.count, 0)
        for bad in ["", "01", "1.", "-", "[1,]", "{\"a\"}", "{\"a\":}", "\"abc", "tru", "[1 2]", "\"\\x\""] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
        XCTAssertEqual(JSONValue.object([("k", .array([.int(1), .string("a\"b")]))]).compactText, #"{"k":[1,"a\"b"]}"#)
    }

    func testOneLineKeyValues() {
        let pairs = OneLineLayerInfo.keyValues("ParameterType: Convolution, Weights: {\"Type\": \"Float\", \"Count\": 800}, TacticValue: 0x1, StreamId: 0")
        XCTAssertEqual(pairs.map(\.key), ["ParameterType", "Weights", "TacticValue", "StreamId"])
        XCTAssertEqual(pairs[1].value, "{\"Type\": \"Float\", \"Count\": 800}")
        XCTAssertEqual(pairs[3].value, "0")
    }

    func testVerboseTensorForms() {
        XCTAssertEqual(VerboseLayerInfo.tensors("a (Float[-1,3:4,8,8]), b c (Int64[-1])"),
                       [LayerTensor(name: "a", dimensions: [-1, 3, 8, 8], format: "Float", precision: .float32),
                        LayerTensor(name: "b c", dimensions: [-1], format: "Int64", precision: .int64)])
        // TensorRT 8.0-era form.
        XCTAssertEqual(VerboseLayerInfo.tensors("conv1_pool[Half(-2,32,75,75)], data[Float(-2,3,300,300)]"),
                       [LayerTensor(name: "conv1_pool", dimensions: [-2, 32, 75, 75], format: "Half", precision: .float16),
                        LayerTensor(name: "data", dimensions: [-2, 3, 300, 300], format: "Float", precision: .float32)])
    }

    func testLatencySummaryDefinition() throws {
        let s = try XCTUnwrap(LatencySummary.summarize([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]))
        XCTAssertEqual(s.median, 5.5)
        XCTAssertEqual(s.p50, 5.5)
        XCTAssertEqual(s.mean, 5.5)
        XCTAssertEqual(s.p90, 9)    // exclude = Int(0.1 * 10) = 1 → sorted[8]
        XCTAssertEqual(s.p99, 10)   // exclude = Int(0.01 * 10) = 0 → sorted[9]
        XCTAssertEqual(LatencySummary.summarize([2])?.p95, 2)
        XCTAssertNil(LatencySummary.summarize([]))
    }
}
