import LockstepCore
import XCTest

@testable import Interpreter

/// DFT, STFT, the window generators and MelWeightMatrix on one-node IR graphs, against small
/// cases worked out by hand.
final class MiscOpsTests: XCTestCase {
    /// Runs one node of `op` (`nil` inputs are omitted optional inputs) and returns its first output.
    func run(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int = 20) throws -> Tensor {
        var names: [String] = [], infos: [ValueInfo] = [], feeds: [String: Value] = [:]
        for (i, t) in inputs.enumerated() {
            guard let t else { names.append(""); continue }
            names.append("in\(i)")
            infos.append(ValueInfo(name: "in\(i)", type: .tensor(elementType: nil, shape: nil)))
            feeds["in\(i)"] = .tensor(t)
        }
        let node = Node(name: "n", op: OpIdentifier(name: op, version: opset), inputs: names, outputs: ["out"],
                        attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                        origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "n"))
        let graph = Graph(name: "g", nodes: [node], inputs: infos,
                          outputs: [ValueInfo(name: "out", type: .tensor(elementType: nil, shape: nil))])
        let model = Model(format: .onnx, path: "t.onnx", irVersion: 10, opsetImports: ["": opset], graph: graph)
        let result = try Session(model: model).run(feeds)
        return try XCTUnwrap(result.outputs[0].value?.tensor)
    }

    func f32(_ values: [Float], _ shape: [Int]) throws -> Tensor { try Tensor(float32: values, shape: shape) }
    func i64(_ value: Int64) throws -> Tensor { try Tensor(dtype: .int64, shape: [], values: [value]) }
    func int(_ value: Int) -> AttributeValue { .int(Int64(value)) }

    func assertClose(_ t: Tensor, _ expected: [Double], shape: [Int], _ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(t.shape, shape, "\(id): shape", file: file, line: line)
        let actual = try t.doubleValues()
        XCTAssertEqual(actual.count, expected.count, "\(id): count", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= 1e-5) {
            XCTFail("\(id): element \(i) is \(a), expected \(e)", file: file, line: line)
            return
        }
    }

    func testDFT() throws {
        // x = [1, 2, 3, 4]: X = [10, -2+2i, -2, -2-2i].
        let real = try f32([1, 2, 3, 4], [1, 4, 1])
        let spectrum: [Double] = [10, 0, -2, 2, -2, 0, -2, -2]
        let axis = try i64(1)
        struct Case {
            let id: String, inputs: [Tensor?], attributes: [String: AttributeValue], opset: Int, expected: [Double], shape: [Int]
            init(_ id: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue], _ opset: Int, _ expected: [Double], _ shape: [Int]) {
                (self.id, self.inputs, self.attributes, self.opset, self.expected, self.shape) = (id, inputs, attributes, opset, expected, shape)
            }
        }
        let inverseInput = try f32(spectrum.map { Float($0) }, [1, 4, 2])
        let halfInput = try f32(spectrum[0..<6].map { Float($0) }, [1, 3, 2])
        // Zero-padded to 8 (w = e^{-iπ/4}): X[1] = 1 + 2w + 3w² + 4w³ = (1 - √2) - (3 + 3√2)i, …
        let r2 = 2.0.squareRoot()
        let padded: [Double] = [10, 0, 1 - r2, -3 - 3 * r2, -2, 2, 1 + r2, 3 - 3 * r2,
                                -2, 0, 1 + r2, 3 * r2 - 3, -2, -2, 1 - r2, 3 + 3 * r2]
        let cases: [Case] = [
            Case("forward, opset 20 axis input", [real, nil, axis], [:], 20, spectrum, [1, 4, 2]),
            Case("forward, opset 17 axis attribute", [real], ["axis": int(1)], 17, spectrum, [1, 4, 2]),
            Case("default axis -2", [real], [:], 20, spectrum, [1, 4, 2]),
            Case("onesided (RFFT)", [real, nil, axis], ["onesided": int(1)], 20, Array(spectrum[0..<6]), [1, 3, 2]),
            Case("zero-padded to 8", [real, try i64(8)], [:], 20, padded, [1, 8, 2]),
            Case("truncated to 2", [real, try i64(2)], [:], 20, [3, 0, -1, 0], [1, 2, 2]),
            Case("inverse", [inverseInput], ["inverse": int(1)], 20, [1, 0, 2, 0, 3, 0, 4, 0], [1, 4, 2]),
            Case("inverse onesided (IRFFT), default length 2·(3-1)", [halfInput], ["inverse": int(1), "onesided": int(1)], 20,
                 [1, 2, 3, 4], [1, 4, 1]),
        ]
        for c in cases {
            try assertClose(try run("DFT", c.inputs, c.attributes, opset: c.opset), c.expected, shape: c.shape, c.id)
        }
        // Along the first axis of [2, 2, 1]: columns [1, 3] and [2, 4].
        let grid = try run("DFT", [try f32([1, 2, 3, 4], [2, 2, 1]), nil, try i64(0)], [:])
        try assertClose(grid, [4, 0, 6, 0, -2, 0, -2, 0], shape: [2, 2, 2], "axis 0")
        XCTAssertThrowsError(try run("DFT", [real, nil, try i64(2)], [:]), "the complex axis is not a signal axis")
        // float16 is computed in float32 and rounded back.
        let half = try Tensor(dtype: .float16, shape: [1, 4, 1], values: [Float(1), 2, 3, 4].map { FloatBits.floatToHalf($0) })
        let halfSpectrum = try run("DFT", [half], [:])
        XCTAssertEqual(halfSpectrum.dtype, .float16)
        try assertClose(halfSpectrum, spectrum, shape: [1, 4, 2], "float16")
    }

    func testSTFT() throws {
        // Frames [1, 2] and [3, 4] (step 2, length 2): 2-point DFTs [a + b, a - b].
        let signal = try f32([1, 2, 3, 4], [1, 4, 1])
        let plain = try run("STFT", [signal, try i64(2), nil, try i64(2)], [:], opset: 17)
        try assertClose(plain, [3, 0, -1, 0, 7, 0, -1, 0], shape: [1, 2, 2, 2], "rectangular")
        let windowed = try run("STFT", [signal, try i64(2), try f32([1, 0], [2])], [:], opset: 17)
        try assertClose(windowed, [1, 0, 1, 0, 3, 0, 3, 0], shape: [1, 2, 2, 2], "window [1, 0]")
        // One frame of the whole signal, two-sided: the 4-point DFT.
        let whole = try run("STFT", [signal, try i64(1)], ["onesided": int(0)], opset: 17)
        try assertClose(whole, [10, 0, -2, 2, -2, 0, -2, -2], shape: [1, 1, 4, 2], "whole signal")
    }

    func testWindows() throws {
        let alpha = 25.0 / 46.0, beta = 21.0 / 46.0
        let cases: [(String, Int64, Int, [Double])] = [
            ("HannWindow", 4, 1, [0, 0.5, 1, 0.5]),
            ("HannWindow", 3, 0, [0, 1, 0]),
            ("HammingWindow", 3, 0, [alpha - beta, 1, alpha - beta]),
            ("HammingWindow", 2, 1, [alpha - beta, 1]),
            ("BlackmanWindow", 4, 1, [0, 0.34, 1, 0.34]),
            ("BlackmanWindow", 3, 0, [0, 1, 0]),
        ]
        for (op, size, periodic, expected) in cases {
            let w = try run(op, [try i64(size)], ["periodic": int(periodic)], opset: 17)
            XCTAssertEqual(w.dtype, .float32)
            try assertClose(w, expected, shape: [Int(size)], "\(op) size \(size) periodic \(periodic)")
        }
        let double = try run("HannWindow", [try Tensor(dtype: .int32, shape: [], values: [Int32(2)])], ["output_datatype": int(11)], opset: 17)
        XCTAssertEqual(double.dtype, .float64)
        try assertClose(double, [0, 1], shape: [2], "float64 output")
        // Integer outputs truncate as Cast does: [0, 0.5, 1, 0.5] → [0, 0, 1, 0].
        let integer = try run("HannWindow", [try i64(4)], ["output_datatype": int(7)], opset: 17)
        XCTAssertEqual(integer.dtype, .int64)
        XCTAssertEqual(try integer.scalars(as: Int64.self), [0, 0, 1, 0])
    }

    func testMelWeightMatrix() throws {
        // mel(700·(2ᵏ - 1)) = k·2595·log₁₀2, so with upper = 4900 Hz the three points are 0, 700 and
        // 2100 Hz; with dft_length 8 and 6000 Hz they fall in bins ⌊9·f/6000⌋ = 0, 1 and 3.
        let inputs = [try i64(1), try i64(8), try i64(6000), try f32([0], []), try f32([4900], [])]
        let m = try run("MelWeightMatrix", inputs, [:], opset: 17)
        XCTAssertEqual(m.dtype, .float32)
        try assertClose(m, [0, 1, 0.5, 0, 0], shape: [5, 1], "one triangle")
    }
}
