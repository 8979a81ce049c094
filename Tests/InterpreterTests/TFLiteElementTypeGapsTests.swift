import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

/// The element-type gap kernels on hand-computed values: quantised int16 SQRT (and int8, now through the
/// same float path with LiteRT's error for negative inputs), uint8 GELU's lookup table, float16
/// GELU in `Eigen::half` steps, LOCAL_RESPONSE_NORMALIZATION's double arithmetic. The LiteRT
/// cases (`builtin_dtype_*`, `cov_*` in Tests/Fixtures/tflite-op-tests: TFLiteConformanceTests)
/// check the same code against LiteRT bit for bit.
final class TFLiteElementTypeGapsTests: XCTestCase {
    /// One TFLite node whose input and output carry per-tensor quantisation `(scale, zeroPoint)`.
    func run(_ op: String, _ x: Tensor, input q: (Float, Int64)? = nil, output r: (Float, Int64)? = nil,
             _ attributes: [String: AttributeValue] = [:]) throws -> Tensor {
        let inInfo = ValueInfo(name: "x", type: .tensor(elementType: x.dtype, shape: nil),
                               quantization: q.map { QuantizationParameters(scales: [$0.0], zeroPoints: [$0.1]) })
        let outInfo = ValueInfo(name: "y", type: .tensor(elementType: x.dtype, shape: nil),
                                quantization: r.map { QuantizationParameters(scales: [$0.0], zeroPoints: [$0.1]) })
        let node = Node(name: "n", op: OpIdentifier(name: op, version: 1), inputs: ["x"], outputs: ["y"],
                        attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                        origin: Origin(format: .tflite, graphPath: ["main"], nodeIndex: 0, name: "n"))
        let graph = Graph(name: "main", nodes: [node], inputs: [inInfo], outputs: [outInfo], valueInfo: [inInfo, outInfo])
        let model = Model(format: .tflite, path: "t.tflite", irVersion: 3, opsetImports: [:], graph: graph)
        let result = try Session(model: model).run(["x": .tensor(x)])
        return try XCTUnwrap(result.outputs.first?.value?.tensor)
    }

    func assertFails(_ body: @autoclosure () throws -> Tensor, containing fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            XCTAssertTrue(text.contains(fragment), text, line: line)
        }
    }

    // MARK: SQRT int8 / int16

    func testQuantizedSqrtTruncatesTheRequantisedRoot() {
        // sIn 0.1, sOut 0.1: code 2 → √0.2 / 0.1 = 4.47 → 4 (rounding would give 4 too); code 7 →
        // √0.7 / 0.1 = 8.37 → 8; code 9 → 9.487 → 9 where rounding gives 9; code 5 → 7.07 → 7.
        // sOut 0.3: code 8 → √0.8 / 0.3 = 2.98 → 2 (rounding: 3).
        let sqrt = { (q: Int32, so: Float, zo: Int32) in
            TFLiteQuantizedMath.sqrt(q, inputScale: 0.1, inputZeroPoint: 0, outputScale: so, outputZeroPoint: zo, lo: -128, hi: 127)
        }
        XCTAssertEqual(sqrt(2, 0.1, 0), 4)
        XCTAssertEqual(sqrt(7, 0.1, 0), 8)
        XCTAssertEqual(sqrt(8, 0.3, 0), 2, "the division truncates toward zero")
        XCTAssertEqual(sqrt(0, 0.1, 5), 5)
        XCTAssertEqual(sqrt(127, 0.001, 0), 127, "clamped to the type's range")
        XCTAssertNil(sqrt(-1, 0.1, 0), "negative inputs are LiteRT's error")
    }

    func testInt16SqrtRunsThroughTheExecutorAndRefusesWhatLiteRTRefuses() throws {
        let x = try Tensor(dtype: .int16, shape: [4], values: [Int16(0), 1, 10_000, 32_767])
        // sIn 1/1024, sOut 1/4096: √(q/1024)·4096 = 128·√q → 0, 128, 12800, 23170.2 → 23170.
        let y = try run("SQRT", x, input: (1.0 / 1024, 0), output: (1.0 / 4096, 0))
        XCTAssertEqual(try y.scalars(as: Int16.self), [0, 128, 12800, 23170])
        let negative = try Tensor(dtype: .int16, shape: [2], values: [Int16(4), -3])
        assertFails(try run("SQRT", negative, input: (0.5, 0), output: (0.5, 0)), containing: "non-negative")
        assertFails(try run("SQRT", x, input: (0.5, 3), output: (0.5, 0)), containing: "zero point 0")
        let int8 = try Tensor(dtype: .int8, shape: [2], values: [Int8(-20), -21])
        assertFails(try run("SQRT", int8, input: (0.1, -20), output: (0.1, 0)), containing: "below the zero point -20")
    }

    // MARK: GELU uint8 / float16

    func testUInt8GeluTabulatesTheFloatFormula() throws {
        // scale 0.1, zero point 128 in and out: 138 is 1.0 → GELU 0.8413 → 8.41 → 8 + 128; 118 is
        // −1.0 → −0.1587 → −1.59 → −2 + 128; 128 is 0 → 128; 255 is 12.7 → 127 + 128 = 255.
        let x = try Tensor(dtype: .uint8, shape: [4], values: [UInt8(138), 118, 128, 255])
        let y = try run("GELU", x, input: (0.1, 128), output: (0.1, 128))
        XCTAssertEqual(try y.scalars(as: UInt8.self), [136, 126, 128, 255])
        let approximate = try run("GELU", x, input: (0.1, 128), output: (0.1, 128), ["approximate": .int(1)])
        XCTAssertEqual(try approximate.scalars(as: UInt8.self), [136, 126, 128, 255])
        // LOG / EXP tables have no uint8 form in LiteRT: still refused.
        assertFails(try run("LOG", x, input: (0.1, 128), output: (0.1, 128)), containing: "not implemented")
    }

    func testFloat16GeluRoundsEveryStepToHalf() throws {
        // LiteRT 2.3.0's outputs for builtin_dtype_gelu_float16 (half bit patterns); the float32
        // formula rounded once to half is one ULP off in elements 0, 2 and 3.
        let input: [UInt16] = [47993, 46199, 48661, 48508, 14156, 13922]
        let expected: [UInt16] = [45371, 44792, 44608, 44922, 13550, 13358]
        let y = try run("GELU", try Tensor(dtype: .float16, shape: [6], values: input))
        XCTAssertEqual(try y.scalars(as: UInt16.self), expected)
        let roundedOnce = input.map { bits -> UInt16 in
            let v = FloatBits.halfToFloat(bits)
            return FloatBits.floatToHalf(0.5 * v * EigenFloat.erfc(v * Float(-0.70710678118654752440), packet: false))
        }
        XCTAssertNotEqual(roundedOnce, expected, "the case must tell half steps from one rounding")
        let approximate = try run("GELU", try Tensor(dtype: .float16, shape: [2], values: [FloatBits.floatToHalf(1), FloatBits.floatToHalf(-3)]),
                                  ["approximate": .int(1)])
        let values = try approximate.scalars(as: UInt16.self).map(FloatBits.halfToFloat)
        XCTAssertEqual(values[0], 0.8413, accuracy: 1e-3)
        XCTAssertEqual(values[1], -0.00364, accuracy: 1e-4)
    }

    // MARK: LOG_SOFTMAX uint8, PRELU int16, SOFTMAX's refused int16 → 8-bit

    func testUInt8LogSoftmaxIsTheInt8ArithmeticAroundZeroPoint255() throws {
        // Two equal elements: log ½ = −0.693 at scale 1/16 → 255 − 11.09 → 244 (int8: 127 → 116);
        // an element e^−12 below the row maximum lands near 255 − 192 = 63.
        let x = try Tensor(dtype: .uint8, shape: [2, 2], values: [UInt8(50), 50, 130, 10])
        let y = try run("LOG_SOFTMAX", x, input: (0.1, 0), output: (16.0 / 256, 255))
        let v = try y.scalars(as: UInt8.self)
        XCTAssertEqual(Array(v[0..<3]), [244, 244, 255])
        XCTAssertEqual(Double(v[3]), 63, accuracy: 1)
        assertFails(try run("LOG_SOFTMAX", x, input: (0.1, 0), output: (16.0 / 256, 127)), containing: "zero point 255")
    }

    func testInt16PReluTakesAnInt8Alpha() throws {
        // x scale 0.002, alpha scale 0.03, output 0.0017: 37 → 43.5 → 44; −41 · alpha 4 →
        // −41·0.002·4·0.03/0.0017 = −5.79 → −6.
        let x = try Tensor(dtype: .int16, shape: [2], values: [Int16(37), -41])
        let alpha = try Tensor(dtype: .int8, shape: [2], values: [Int8(1), 4])
        let graphInputs: [(String, Tensor, QuantizationParameters)] = [("x", x, QuantizationParameters(scales: [0.002], zeroPoints: [0])),
                                                                       ("a", alpha, QuantizationParameters(scales: [0.03], zeroPoints: [0]))]
        let infos = graphInputs.map { ValueInfo(name: $0.0, type: .tensor(elementType: $0.1.dtype, shape: nil), quantization: $0.2) }
        let out = ValueInfo(name: "y", type: .tensor(elementType: .int16, shape: nil), quantization: QuantizationParameters(scales: [0.0017], zeroPoints: [0]))
        func prelu(_ a: Tensor) throws -> Tensor {
            var ins = infos
            ins[1].type = .tensor(elementType: a.dtype, shape: nil)
            let node = Node(name: "n", op: OpIdentifier(name: "PRELU", version: 1), inputs: ["x", "a"], outputs: ["y"],
                            origin: Origin(format: .tflite, graphPath: ["main"], nodeIndex: 0, name: "n"))
            let graph = Graph(name: "main", nodes: [node], inputs: ins, outputs: [out], valueInfo: ins + [out])
            let result = try Session(model: Model(format: .tflite, path: "t.tflite", irVersion: 3, opsetImports: [:], graph: graph))
                .run(["x": .tensor(x), "a": .tensor(a)])
            return try XCTUnwrap(result.outputs.first?.value?.tensor)
        }
        XCTAssertEqual(try prelu(alpha).scalars(as: Int16.self), [44, -6])
        assertFails(try prelu(try Tensor(dtype: .int16, shape: [2], values: [Int16(1), 4])), containing: "int8")
    }

    func testSoftmaxRefusesInt16InputWithAn8BitOutput() throws {
        let x = try Tensor(dtype: .int16, shape: [1, 3], values: [Int16(1), 2, 3])
        let q = (Float(0.01), Int64(0))
        XCTAssertEqual(try run("SOFTMAX", x, input: q, output: (1.0 / 32768, 0), ["beta": .float(1)]).dtype, .int16)
        let inputInfo = ValueInfo(name: "x", type: .tensor(elementType: .int16, shape: nil), quantization: QuantizationParameters(scales: [0.01], zeroPoints: [0]))
        let outInfo = ValueInfo(name: "y", type: .tensor(elementType: .uint8, shape: nil), quantization: QuantizationParameters(scales: [1.0 / 256], zeroPoints: [0]))
        let node = Node(name: "n", op: OpIdentifier(name: "SOFTMAX", version: 1), inputs: ["x"], outputs: ["y"],
                        attributes: [Attribute(name: "beta", value: .float(1))], origin: Origin(format: .tflite, graphPath: ["main"], nodeIndex: 0, name: "n"))
        let graph = Graph(name: "main", nodes: [node], inputs: [inputInfo], outputs: [outInfo], valueInfo: [inputInfo, outInfo])
        XCTAssertThrowsError(try Session(model: Model(format: .tflite, path: "t.tflite", irVersion: 3, opsetImports: [:], graph: graph)).run(["x": .tensor(x)])) {
            XCTAssertTrue("\($0)".contains("int16 output"), "\($0)")
        }
    }

    // MARK: LOCAL_RESPONSE_NORMALIZATION

    func testLocalResponseNormalizationPowersInDouble() throws {
        // A row of builtin_local_response_normalization_r1_float32 (radius 1, bias 2, alpha 0.001,
        // beta 0.5) and LiteRT 2.3.0's output: `bias + alpha·Σ` and the power are double
        // arithmetic (LocalResponseNormalizationParams holds doubles); powf in float misses
        // channels 3 and 4 by one ULP.
        let row: [Float] = [0.3501345217227936, 1.397154688835144, 4.180203437805176, 1.9355754852294922, -0.617377758026123,
                            1.392455816268921, 1.9787245988845825]
        let liteRT: [Float] = [0.24757491052150726, 0.9874255657196045, 2.941598653793335, 1.3614548444747925, -0.4361022114753723,
                               0.9840443134307861, 1.3971261978149414]
        let x = try Tensor(float32: row, shape: [1, 1, 1, 7])
        let attributes: [String: AttributeValue] = ["radius": .int(1), "bias": .float(2), "alpha": .float(0.001), "beta": .float(0.5)]
        XCTAssertEqual(try run("LOCAL_RESPONSE_NORMALIZATION", x, attributes).scalars(as: Float.self), liteRT)
        let inFloat = (0..<row.count).map { c -> Float in
            var accum: Float = 0
            for k in max(0, c - 1)..<min(row.count, c + 1) { accum += row[k] * row[k] }
            return row[c] * powf(2 + 0.001 * accum, -0.5)
        }
        XCTAssertNotEqual(inFloat, liteRT, "the row must tell double from float arithmetic")
    }
}
