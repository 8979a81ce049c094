import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

// MARK: - Helpers

private func evaluateNode(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int = 22,
                 outputs: Int = 1) throws -> [Tensor] {
    try runSingleNode(op, inputs, attributes, opset: opset, outputs: outputs)
}

private func evaluate1(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int = 22) throws -> Tensor {
    try evaluateNode(op, inputs, attributes, opset: opset)[0]
}

private func f32(_ values: [Float], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(float32: values, shape: shape ?? [values.count])
}

private func f64(_ values: [Double], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: .float64, shape: shape ?? [values.count], values: values)
}

private func i64(_ values: [Int64], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: .int64, shape: shape ?? [values.count], values: values)
}

private func ints(_ values: [Int]) -> AttributeValue { .ints(values.map(Int64.init)) }
private func int(_ value: Int) -> AttributeValue { .int(Int64(value)) }
private func str(_ s: String) -> AttributeValue { .string(Array(s.utf8)) }

/// Bitwise equality (NaN equals NaN), else within `tolerance` relative to max(|expected|, 1).
private func assertClose(_ actual: [Double], _ expected: [Double], tolerance: Double = 0, _ id: String,
                         file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(id): count", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        if a.isNaN && e.isNaN { continue }
        if a == e { continue }
        if tolerance > 0, a.isFinite, e.isFinite, abs(a - e) <= tolerance * max(abs(e), 1) { continue }
        XCTFail("\(id): element \(i) is \(a), expected \(e)", file: file, line: line)
        return
    }
}

/// Deterministic values in [-1, 1) (tests must not depend on a global random state).
private struct Noise {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) * 0x1p-52 - 1
    }
    mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in Float(next()) } }
}

// MARK: - Naive references

/// Direct-loop convolution over NCHW-style tensors with 1 to 3 spatial dimensions.
private func naiveConvolution(x: [Float], xShape: [Int], w: [Float], wShape: [Int], bias: [Float]?, group: Int,
                              strides: [Int], dilations: [Int], padsBegin: [Int], output: [Int]) -> [Double] {
    let n = xShape[0], c = xShape[1], m = wShape[0], cg = c / group, mg = m / group
    let spatial = Array(xShape[2...]), kernel = Array(wShape[2...])
    let rank = spatial.count
    let outCount = output.reduce(1, *), kernelCount = kernel.reduce(1, *), inCount = spatial.reduce(1, *)
    func unravel(_ i: Int, _ dims: [Int]) -> [Int] {
        var r = [Int](repeating: 0, count: dims.count), rest = i
        for d in stride(from: dims.count - 1, through: 0, by: -1) { r[d] = rest % dims[d]; rest /= dims[d] }
        return r
    }
    var y = [Double](repeating: 0, count: n * m * outCount)
    for b in 0..<n {
        for oc in 0..<m {
            let g = oc / mg
            for o in 0..<outCount {
                let op = unravel(o, output)
                var sum = 0.0
                for ic in 0..<cg {
                    for k in 0..<kernelCount {
                        let kp = unravel(k, kernel)
                        var offset = 0, inside = true
                        for d in 0..<rank {
                            let p = op[d] * strides[d] - padsBegin[d] + kp[d] * dilations[d]
                            if p < 0 || p >= spatial[d] { inside = false; break }
                            offset = offset * spatial[d] + p
                        }
                        if !inside { continue }
                        let xv = Double(x[(b * c + g * cg + ic) * inCount + offset])
                        sum += xv * Double(w[(oc * cg + ic) * kernelCount + k])
                    }
                }
                y[(b * m + oc) * outCount + o] = sum + Double(bias?[oc] ?? 0)
            }
        }
    }
    return y
}

/// Moves the channel axis (1) of a row-major `[N, C, spatial…]` array to the end.
private func channelsLast<T>(_ v: [T], _ shape: [Int]) -> [T] {
    let n = shape[0], c = shape[1], plane = shape[2...].reduce(1, *)
    var out = v
    for b in 0..<n { for ch in 0..<c { for i in 0..<plane { out[(b * plane + i) * c + ch] = v[(b * c + ch) * plane + i] } } }
    return out
}

// MARK: - Convolution

final class ConvolutionKernelTests: XCTestCase {
    struct Case {
        var id: String
        var x: [Int]        // [N, C, spatial…]
        var m: Int
        var kernel: [Int]
        var group = 1
        var strides: [Int]? = nil
        var dilations: [Int]? = nil
        var pads: [Int]? = nil
        var autoPad = "NOTSET"
        var bias = true
    }

    static let cases: [Case] = [
        Case(id: "2d-basic-3x3", x: [1, 3, 7, 6], m: 4, kernel: [3, 3]),
        Case(id: "2d-pointwise", x: [2, 5, 4, 3], m: 6, kernel: [1, 1]),
        Case(id: "2d-pointwise-grouped", x: [1, 4, 3, 3], m: 6, kernel: [1, 1], group: 2),
        Case(id: "2d-stride2-pad1", x: [1, 2, 9, 8], m: 3, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]),
        Case(id: "2d-asymmetric-pads", x: [1, 2, 5, 6], m: 2, kernel: [3, 2], strides: [2, 1], pads: [0, 2, 1, 0]),
        Case(id: "2d-dilation2", x: [1, 2, 9, 9], m: 2, kernel: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2]),
        Case(id: "2d-dilation-stride-mix", x: [2, 3, 11, 10], m: 5, kernel: [3, 2], strides: [3, 2], dilations: [2, 3], pads: [1, 0, 2, 3]),
        Case(id: "2d-groups3", x: [1, 6, 5, 5], m: 9, kernel: [3, 3], group: 3, pads: [1, 1, 1, 1]),
        Case(id: "2d-depthwise", x: [2, 4, 6, 7], m: 4, kernel: [3, 3], group: 4, pads: [1, 1, 1, 1]),
        Case(id: "2d-depthwise-multiplier2-stride2", x: [1, 3, 8, 9], m: 6, kernel: [3, 3], group: 3, strides: [2, 2], pads: [1, 0, 1, 2]),
        Case(id: "2d-depthwise-5x5-dilated", x: [1, 2, 10, 10], m: 2, kernel: [5, 5], group: 2, dilations: [2, 1], pads: [4, 2, 4, 2]),
        // Rows long enough for the register-blocked vector path of the depthwise kernel.
        Case(id: "2d-depthwise-wide", x: [2, 3, 5, 37], m: 3, kernel: [3, 3], group: 3, pads: [1, 1, 1, 1]),
        Case(id: "2d-depthwise-wide-stride2-5x5", x: [1, 2, 9, 61], m: 4, kernel: [5, 5], group: 2, strides: [2, 2], pads: [2, 2, 2, 2]),
        Case(id: "2d-depthwise-wide-stride21-dilated", x: [1, 2, 8, 50], m: 2, kernel: [3, 3], group: 2, strides: [2, 1], dilations: [1, 3], pads: [1, 3, 1, 3], bias: false),
        Case(id: "2d-depthwise-wide-stride3-unpadded", x: [1, 2, 4, 80], m: 2, kernel: [2, 4], group: 2, strides: [1, 3]),
        Case(id: "2d-same-upper", x: [1, 2, 5, 6], m: 3, kernel: [4, 3], strides: [2, 2], autoPad: "SAME_UPPER"),
        Case(id: "2d-same-lower", x: [1, 2, 5, 6], m: 3, kernel: [4, 3], strides: [2, 2], autoPad: "SAME_LOWER"),
        Case(id: "2d-valid", x: [1, 2, 7, 5], m: 2, kernel: [3, 3], strides: [2, 2], autoPad: "VALID", bias: false),
        Case(id: "2d-padding-larger-than-kernel", x: [1, 1, 3, 3], m: 2, kernel: [2, 2], pads: [3, 3, 3, 3]),
        Case(id: "1d-basic", x: [2, 3, 10], m: 4, kernel: [3], pads: [1, 1]),
        Case(id: "1d-stride-dilation-groups", x: [1, 4, 13], m: 4, kernel: [3], group: 2, strides: [2], dilations: [3], pads: [0, 2]),
        Case(id: "1d-depthwise", x: [1, 3, 9], m: 3, kernel: [4], group: 3, strides: [2], pads: [1, 2]),
        Case(id: "3d-basic", x: [1, 2, 4, 5, 4], m: 3, kernel: [2, 3, 2], pads: [1, 1, 0, 0, 1, 1]),
        Case(id: "3d-strided-dilated-grouped", x: [1, 4, 6, 6, 5], m: 2, kernel: [2, 2, 3], group: 2, strides: [2, 1, 2], dilations: [2, 2, 1]),
        Case(id: "3d-depthwise", x: [1, 2, 4, 4, 4], m: 4, kernel: [3, 3, 3], group: 2, pads: [1, 1, 1, 1, 1, 1]),
        // Column matrix above Convolution.columnBudget: built and multiplied in bands of rows.
        Case(id: "2d-banded-im2col", x: [1, 8, 130, 130], m: 2, kernel: [3, 3], pads: [0, 1, 0, 1]),
        Case(id: "3d-banded-im2col-grouped", x: [1, 4, 4, 70, 70], m: 2, kernel: [2, 3, 3], group: 2, pads: [0, 1, 1, 1, 1, 1]),
    ]

    func testConvAgainstNaiveLoopsBothLayouts() throws {
        var noise = Noise(state: 42)
        for c in Self.cases {
            let wShape = [c.m, c.x[1] / c.group] + c.kernel
            let x = noise.floats(c.x.reduce(1, *)), w = noise.floats(wShape.reduce(1, *))
            let b = c.bias ? noise.floats(c.m) : nil
            var attributes: [String: AttributeValue] = ["group": int(c.group), "auto_pad": str(c.autoPad)]
            if let s = c.strides { attributes["strides"] = ints(s) }
            if let d = c.dilations { attributes["dilations"] = ints(d) }
            if let p = c.pads { attributes["pads"] = ints(p) }
            let y = try evaluate1("Conv", [f32(x, c.x), f32(w, wShape), b.map { f32($0, [c.m]) }], attributes)

            // Geometry from the padding helper, values from the naive loop.
            let window = try Padding.forward(input: Array(c.x[2...]), kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                                             pads: c.pads, autoPad: AutoPad(rawValue: c.autoPad)!)
            XCTAssertEqual(y.shape, [c.x[0], c.m] + window.output, c.id)
            let expected = naiveConvolution(x: x, xShape: c.x, w: w, wShape: wShape, bias: b, group: c.group,
                                            strides: window.strides, dilations: window.dilations, padsBegin: window.padsBegin,
                                            output: window.output)
            assertClose(try y.doubleValues(), expected, tolerance: 1e-5, c.id)

            // The channels-last layout gives the same numbers (weights OHWI).
            let p = ConvolutionParameters(layout: .channelsLast, batch: c.x[0], inputChannels: c.x[1], outputChannels: c.m,
                                          groups: c.group, window: window)
            let xl = channelsLast(x, c.x), wl = channelsLast(w, wShape)
            var yl = [Float](repeating: .nan, count: expected.count)
            try xl.withUnsafeBufferPointer { xp in
                try wl.withUnsafeBufferPointer { wp in
                    try yl.withUnsafeMutableBufferPointer { yp in
                        if let b {
                            try b.withUnsafeBufferPointer { bp in
                                try Convolution.forward(p, x: xp.baseAddress!, w: wp.baseAddress!, bias: bp.baseAddress!, y: yp.baseAddress!)
                            }
                        } else {
                            try Convolution.forward(p, x: xp.baseAddress!, w: wp.baseAddress!, bias: nil, y: yp.baseAddress!)
                        }
                    }
                }
            }
            assertClose(yl.map(Double.init), channelsLast(expected, [c.x[0], c.m] + window.output), tolerance: 1e-5, "\(c.id) channels-last")
        }
    }

    /// Depthwise outputs are exactly 0 + every tap's product over the zero-padded input in kernel
    /// order + bias, in float32, whichever path (vector variant, phase planes) computes them.
    func testDepthwiseSumsInKernelOrderBitForBit() throws {
        var noise = Noise(state: 5)
        for c in Self.cases where c.group == c.x[1] && c.group > 1 && c.x.count == 4 {
            let multiplier = c.m / c.group
            let wShape = [c.m, 1] + c.kernel
            let x = noise.floats(c.x.reduce(1, *)), w = noise.floats(wShape.reduce(1, *))
            let b = c.bias ? noise.floats(c.m) : nil
            var attributes: [String: AttributeValue] = ["group": int(c.group), "auto_pad": str(c.autoPad)]
            if let s = c.strides { attributes["strides"] = ints(s) }
            if let d = c.dilations { attributes["dilations"] = ints(d) }
            if let p = c.pads { attributes["pads"] = ints(p) }
            let start = VectorKernels.level
            defer { VectorKernels.level = start }
            for level in VectorKernels.available {
            VectorKernels.level = level
            let y = try evaluate1("Conv", [f32(x, c.x), f32(w, wShape), b.map { f32($0, [c.m]) }], attributes).scalars(as: Float.self)
            let win = try Padding.forward(input: Array(c.x[2...]), kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                                          pads: c.pads, autoPad: AutoPad(rawValue: c.autoPad)!)
            let (ih, iw, oh, ow) = (c.x[2], c.x[3], win.output[0], win.output[1])
            var expected: [Float] = []
            for n in 0..<c.x[0] {
                for oc in 0..<c.m {
                    for r in 0..<oh {
                        for col in 0..<ow {
                            var sum: Float = 0
                            for kh in 0..<c.kernel[0] {
                                for kw in 0..<c.kernel[1] {
                                    let i = r * win.strides[0] + kh * win.dilations[0] - win.padsBegin[0]
                                    let j = col * win.strides[1] + kw * win.dilations[1] - win.padsBegin[1]
                                    let inside = i >= 0 && i < ih && j >= 0 && j < iw
                                    sum += w[oc * c.kernel[0] * c.kernel[1] + kh * c.kernel[1] + kw]
                                        * (inside ? x[((n * c.x[1] + oc / multiplier) * ih + i) * iw + j] : 0)
                                }
                            }
                            expected.append(b.map { sum + $0[oc] } ?? sum)
                        }
                    }
                }
            }
            XCTAssertEqual(y.count, expected.count, c.id)
            if let i = y.indices.first(where: { y[$0].bitPattern != expected[$0].bitPattern }) {
                XCTFail("\(c.id) (\(level)): element \(i) is \(y[i]), expected \(expected[i])")
            }
            }
        }
    }

    /// Non-depthwise float32 convolutions run on `PackedMatrix`: each output is exactly one fused
    /// multiply-add chain over `(c, k…)` in weight order over the zero-padded input, from 0, then
    /// the bias; the same bits with every GEMM variant, with weights packed once at compile time
    /// (an initializer) or per call (a fed input), and with the columns split over threads.
    func testPackedConvolutionIsOneFusedChainBitForBit() throws {
        var noise = Noise(state: 11)
        let start = PackedGEMM.level
        defer { PackedGEMM.level = start; GEMM.setThreads(1) }
        var checked = 0
        for c in Self.cases where !(c.group == c.x[1] && c.group > 1) {
            let wShape = [c.m, c.x[1] / c.group] + c.kernel
            let x = noise.floats(c.x.reduce(1, *)), w = noise.floats(wShape.reduce(1, *))
            let b = c.bias ? noise.floats(c.m) : nil
            var attributes: [String: AttributeValue] = ["group": int(c.group), "auto_pad": str(c.autoPad)]
            if let s = c.strides { attributes["strides"] = ints(s) }
            if let d = c.dilations { attributes["dilations"] = ints(d) }
            if let p = c.pads { attributes["pads"] = ints(p) }
            let window = try Padding.forward(input: Array(c.x[2...]), kernel: c.kernel, strides: c.strides, dilations: c.dilations,
                                             pads: c.pads, autoPad: AutoPad(rawValue: c.autoPad)!)
            let win = window.expanded(toRank: 3)
            let cg = c.x[1] / c.group, mg = c.m / c.group
            let (ID, IH, IW) = (win.input[0], win.input[1], win.input[2])
            let (KD, KH, KW) = (win.kernel[0], win.kernel[1], win.kernel[2])
            var expected: [Float] = []
            for n in 0..<c.x[0] {
                for oc in 0..<c.m {
                    for od in 0..<win.output[0] { for oh in 0..<win.output[1] { for ow in 0..<win.output[2] {
                        var acc: Float = 0
                        for ci in 0..<cg { for kd in 0..<KD { for kh in 0..<KH { for kw in 0..<KW {
                            let id = od * win.strides[0] + kd * win.dilations[0] - win.padsBegin[0]
                            let ih = oh * win.strides[1] + kh * win.dilations[1] - win.padsBegin[1]
                            let iw = ow * win.strides[2] + kw * win.dilations[2] - win.padsBegin[2]
                            let inside = id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW
                            let channel = (oc / mg) * cg + ci
                            let xv = inside ? x[((n * c.x[1] + channel) * ID + id) * IH * IW + ih * IW + iw] : 0
                            acc = acc.addingProduct(w[(((oc * cg + ci) * KD + kd) * KH + kh) * KW + kw], xv)
                        } } } }
                        expected.append(b.map { acc + $0[oc] } ?? acc)
                    } } }
                }
            }
            for level in PackedGEMM.available where PackedGEMM.isEnabled {
                PackedGEMM.level = level
                for threads in [1, 2] {
                    GEMM.setThreads(threads)
                    for constantWeights in [false, true] {
                        let y = try convolve(x: f32(x, c.x), w: f32(w, wShape), b: b.map { f32($0, [c.m]) }, attributes,
                                             constantWeights: constantWeights).scalars(as: Float.self)
                        XCTAssertEqual(y.count, expected.count, c.id)
                        if let i = y.indices.first(where: { y[$0].bitPattern != expected[$0].bitPattern }) {
                            XCTFail("\(c.id) (\(level), \(threads) threads, constant \(constantWeights)): element \(i) is \(y[i]), expected \(expected[i])")
                        }
                    }
                }
                checked += 1
            }
        }
        XCTAssertTrue(!PackedGEMM.isEnabled || checked > 10)
    }

    /// A one-node Conv graph; with `constantWeights` W is an initializer (packed at compile time).
    func convolve(x: Tensor, w: Tensor, b: Tensor?, _ attributes: [String: AttributeValue], constantWeights: Bool) throws -> Tensor {
        let untyped = { (name: String) in ValueInfo(name: name, type: .tensor(elementType: nil, shape: nil)) }
        var inputs = [untyped("x")], feeds: [String: Value] = ["x": .tensor(x)], initializers: [Initializer] = []
        if constantWeights { initializers.append(Initializer(name: "w", tensor: w)) } else { inputs.append(untyped("w")); feeds["w"] = .tensor(w) }
        if let b { inputs.append(untyped("b")); feeds["b"] = .tensor(b) }
        let node = Node(name: "conv", op: OpIdentifier(name: "Conv", version: 22), inputs: ["x", "w"] + (b == nil ? [] : ["b"]),
                        outputs: ["y"], attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
                        origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "conv"))
        let graph = Graph(name: "g", nodes: [node], inputs: inputs, outputs: [untyped("y")], initializers: initializers)
        let session = try Session(model: Model(format: .onnx, path: "t.onnx", irVersion: 10, opsetImports: ["": 22], graph: graph))
        return try XCTUnwrap(try session.run(feeds).outputs[0].value?.tensor)
    }

    func testConvInFloat64AndFloat16() throws {
        let x = (0..<18).map { Double($0) / 7 - 1 }, w = (0..<8).map { Double($0) / 5 - 0.5 }
        let y = try evaluate1("Conv", [f64(x, [1, 2, 3, 3]), f64(w, [1, 2, 2, 2])], ["pads": ints([0, 0, 1, 1])])
        XCTAssertEqual(y.dtype, .float64)
        let xf: [Float] = x.map { Float($0) }, wf: [Float] = w.map { Float($0) }
        let expected = naiveConvolution(x: xf, xShape: [1, 2, 3, 3], w: wf, wShape: [1, 2, 2, 2], bias: nil,
                                        group: 1, strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], output: [3, 3])
        assertClose(try y.doubleValues(), expected, tolerance: 1e-6, "float64")

        let half = try Tensor(dtype: .float16, shape: [1, 1, 2, 2], values: [Float](arrayLiteral: 1, 2, 3, 4).map(FloatBits.floatToHalf))
        let ones = try Tensor(dtype: .float16, shape: [1, 1, 2, 2], values: [UInt16](repeating: FloatBits.floatToHalf(1), count: 4))
        let h = try evaluate1("Conv", [half, ones])
        XCTAssertEqual(h.dtype, .float16)
        XCTAssertEqual(try h.floatValues(), [10])
    }

    func testConvTransposeAgainstScatterLoop() throws {
        struct T { var id: String; var x: [Int]; var m: Int; var k: [Int]; var group = 1; var s: [Int]; var d: [Int]; var pads: [Int]; var outPad: [Int] }
        let cases = [
            T(id: "2d-stride2", x: [1, 2, 3, 4], m: 3, k: [3, 3], s: [2, 2], d: [1, 1], pads: [0, 0, 0, 0], outPad: [0, 0]),
            T(id: "2d-pads-outpad", x: [2, 2, 3, 3], m: 2, k: [3, 2], s: [2, 3], d: [1, 1], pads: [1, 0, 0, 1], outPad: [1, 2]),
            T(id: "2d-dilated-grouped", x: [1, 4, 3, 2], m: 4, k: [2, 2], group: 2, s: [1, 2], d: [2, 2], pads: [0, 1, 1, 0], outPad: [0, 0]),
            T(id: "1d", x: [1, 3, 5], m: 2, k: [3], s: [3], d: [1], pads: [1, 1], outPad: [0]),
            T(id: "3d", x: [1, 1, 2, 3, 2], m: 2, k: [2, 2, 2], s: [2, 1, 2], d: [1, 1, 1], pads: [0, 0, 0, 0, 0, 0], outPad: [1, 0, 0]),
        ]
        var noise = Noise(state: 7)
        for c in cases {
            let cIn = c.x[1], mg = c.m / c.group, cg = cIn / c.group
            let wShape = [cIn, mg] + c.k
            let x = noise.floats(c.x.reduce(1, *)), w = noise.floats(wShape.reduce(1, *)), b = noise.floats(c.m)
            let y = try evaluate1("ConvTranspose", [f32(x, c.x), f32(w, wShape), f32(b, [c.m])],
                             ["group": int(c.group), "strides": ints(c.s), "dilations": ints(c.d), "pads": ints(c.pads), "output_padding": ints(c.outPad)])
            let rank = c.k.count
            let inSpatial = Array(c.x[2...])
            var out: [Int] = []
            for d in 0..<rank {
                let full: Int = c.s[d] * (inSpatial[d] - 1) + c.outPad[d] + (c.k[d] - 1) * c.d[d] + 1
                out.append(full - c.pads[d] - c.pads[rank + d])
            }
            XCTAssertEqual(y.shape, [c.x[0], c.m] + out, c.id)
            // Scatter every input element through every tap.
            let outCount = out.reduce(1, *), inCount = inSpatial.reduce(1, *), kCount = c.k.reduce(1, *)
            var expected = [Double](repeating: 0, count: c.x[0] * c.m * outCount)
            for n in 0..<c.x[0] { for oc in 0..<c.m { for i in 0..<outCount { expected[(n * c.m + oc) * outCount + i] = Double(b[oc]) } } }
            func unravel(_ i: Int, _ dims: [Int]) -> [Int] {
                var r = [Int](repeating: 0, count: dims.count), rest = i
                for d in stride(from: dims.count - 1, through: 0, by: -1) { r[d] = rest % dims[d]; rest /= dims[d] }
                return r
            }
            for n in 0..<c.x[0] {
                for ic in 0..<cIn {
                    let g = ic / cg
                    for i in 0..<inCount {
                        let ip = unravel(i, inSpatial)
                        for j in 0..<mg {
                            for k in 0..<kCount {
                                let kp = unravel(k, c.k)
                                var offset = 0, inside = true
                                for d in 0..<rank {
                                    let o = ip[d] * c.s[d] + kp[d] * c.d[d] - c.pads[d]
                                    if o < 0 || o >= out[d] { inside = false; break }
                                    offset = offset * out[d] + o
                                }
                                if !inside { continue }
                                let oc = g * mg + j
                                let xv = Double(x[(n * cIn + ic) * inCount + i]), wv = Double(w[(ic * mg + j) * kCount + k])
                                expected[(n * c.m + oc) * outCount + offset] += xv * wv
                            }
                        }
                    }
                }
            }
            assertClose(try y.doubleValues(), expected, tolerance: 1e-5, c.id)
        }
    }

    func testConvTransposeOutputShapeAndSamePadding() throws {
        let x = f32([1, 2, 3, 4], [1, 1, 2, 2]), w = f32([Float](repeating: 1, count: 9), [1, 1, 3, 3])
        // output_shape 4×4 with stride 2: total padding 5 - 4 = 1, at the beginning (NOTSET).
        let y = try evaluate1("ConvTranspose", [x, w], ["strides": ints([2, 2]), "output_shape": ints([4, 4])])
        XCTAssertEqual(y.shape, [1, 1, 4, 4])
        let same = try evaluate1("ConvTranspose", [x, w], ["strides": ints([2, 2]), "auto_pad": str("SAME_UPPER")])
        XCTAssertEqual(same.shape, [1, 1, 4, 4])
        // SAME_UPPER puts the odd padding element at the end: the first row is the full first tap row.
        XCTAssertEqual(Array(try same.floatValues().prefix(4)), [1, 1, 3, 2])
        XCTAssertEqual(Array(try y.floatValues().prefix(4)), [1, 3, 2, 2])
    }

    func testConvErrorsNameTheProblem() {
        let x = f32([Float](repeating: 0, count: 12), [1, 3, 2, 2])
        XCTAssertThrowsError(try evaluate1("Conv", [x, f32([Float](repeating: 0, count: 8), [1, 2, 2, 2])])) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (Conv): input 'X' has 3 channels but 'W' [1, 2, 2, 2] with group 1 expects 2")
        }
        XCTAssertThrowsError(try evaluate1("Conv", [x, f32([Float](repeating: 0, count: 27), [1, 3, 3, 3])])) { error in
            XCTAssertTrue(error.localizedDescription.contains("does not fit spatial dimension 0 of size 2"), error.localizedDescription)
        }
        XCTAssertThrowsError(try evaluate1("Conv", [x, f32([Float](repeating: 0, count: 3), [1, 3, 1, 1]), f32([0, 0], [2])])) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (Conv): input 'B' must have shape [1], found [2]")
        }
        XCTAssertThrowsError(try evaluate1("Conv", [x, f32([Float](repeating: 0, count: 3), [1, 3, 1, 1])], ["auto_pad": str("SAME")])) { error in
            XCTAssertTrue(error.localizedDescription.contains("auto_pad"), error.localizedDescription)
        }
    }
}

// MARK: - Padding arithmetic

final class PaddingTests: XCTestCase {
    func testOutputSizesAndPads() throws {
        struct Case { var id: String; var input: Int; var k: Int; var s: Int; var d: Int; var pads: [Int]; var auto: AutoPad; var ceil: Bool; var out: Int; var begin: Int; var end: Int }
        let cases = [
            Case(id: "floor", input: 5, k: 2, s: 2, d: 1, pads: [0, 0], auto: .notSet, ceil: false, out: 2, begin: 0, end: 0),
            Case(id: "ceil", input: 5, k: 2, s: 2, d: 1, pads: [0, 0], auto: .notSet, ceil: true, out: 3, begin: 0, end: 0),
            Case(id: "ceil-with-pads", input: 4, k: 2, s: 2, d: 1, pads: [1, 1], auto: .notSet, ceil: true, out: 3, begin: 1, end: 1),
            // ceil would start the last window in the end padding: dropped.
            Case(id: "ceil-last-window-dropped", input: 2, k: 1, s: 2, d: 1, pads: [0, 1], auto: .notSet, ceil: true, out: 1, begin: 0, end: 1),
            Case(id: "same-upper-odd", input: 5, k: 4, s: 2, d: 1, pads: [0, 0], auto: .sameUpper, ceil: false, out: 3, begin: 1, end: 2),
            Case(id: "same-lower-odd", input: 5, k: 4, s: 2, d: 1, pads: [0, 0], auto: .sameLower, ceil: false, out: 3, begin: 2, end: 1),
            Case(id: "same-dilated", input: 6, k: 3, s: 1, d: 2, pads: [0, 0], auto: .sameUpper, ceil: false, out: 6, begin: 2, end: 2),
            Case(id: "valid", input: 7, k: 3, s: 3, d: 1, pads: [5, 5], auto: .valid, ceil: false, out: 2, begin: 0, end: 0),
        ]
        for c in cases {
            let w = try Padding.forward(input: [c.input], kernel: [c.k], strides: [c.s], dilations: [c.d], pads: c.pads, autoPad: c.auto, ceilMode: c.ceil)
            XCTAssertEqual(w.output, [c.out], c.id)
            XCTAssertEqual(w.padsBegin, [c.begin], c.id)
            XCTAssertEqual(w.padsEnd, [c.end], c.id)
        }
        XCTAssertThrowsError(try Padding.forward(input: [2], kernel: [3])) { error in
            XCTAssertTrue((error as? KernelError)?.reason.contains("does not fit") ?? false)
        }
        XCTAssertThrowsError(try Padding.forward(input: [4, 4], kernel: [2, 2], pads: [1, 1])) { error in
            XCTAssertEqual((error as? KernelError)?.reason, "pads [1, 1] must have 4 entries (begins, then ends)")
        }
    }
}

// MARK: - Pooling

final class PoolingTests: XCTestCase {
    let x4 = f32((1...16).map(Float.init), [1, 1, 4, 4])

    func testAveragePoolCountIncludePadAndCeilMode() throws {
        let attributes: [String: AttributeValue] = ["kernel_shape": ints([3, 3]), "strides": ints([2, 2]), "pads": ints([1, 1, 1, 1])]
        let exclude = try evaluate1("AveragePool", [x4], attributes)
        XCTAssertEqual(exclude.shape, [1, 1, 2, 2])
        // Top-left window covers 1, 2, 5, 6 (4 real positions).
        assertClose(try exclude.doubleValues(), [3.5, 5, 9.5, 11], "exclude pad")
        var include = attributes
        include["count_include_pad"] = int(1)
        assertClose(try evaluate1("AveragePool", [x4], include).doubleValues(), [14.0 / 9, 30.0 / 9, 57.0 / 9, 99.0 / 9], tolerance: 1e-6, "include pad")
        // ceil_mode adds a window whose extra room is not counted even with count_include_pad.
        var ceil = include
        ceil["ceil_mode"] = int(1)
        ceil["pads"] = ints([0, 0, 0, 0])
        let c = try evaluate1("AveragePool", [x4], ceil)
        XCTAssertEqual(c.shape, [1, 1, 2, 2])
        // Window at (2, 2) covers rows 2–3 and columns 2–3 only: 4 positions.
        assertClose(try c.doubleValues(), [6, 7.5, 12, 13.5], "ceil")
    }

    func testPaddingLargerThanKernel() throws {
        let x = f32([1, 2, 3, 4], [1, 1, 2, 2])
        let attributes: [String: AttributeValue] = ["kernel_shape": ints([1, 1]), "pads": ints([2, 0, 0, 0])]
        let avg = try evaluate1("AveragePool", [x], attributes)
        XCTAssertEqual(avg.shape, [1, 1, 4, 2])
        // The first two rows are all padding: 0 / 0 without count_include_pad.
        assertClose(try avg.doubleValues(), [.nan, .nan, .nan, .nan, 1, 2, 3, 4], "avg")
        var include = attributes
        include["count_include_pad"] = int(1)
        assertClose(try evaluate1("AveragePool", [x], include).doubleValues(), [0, 0, 0, 0, 1, 2, 3, 4], "avg include")
        let max = try evaluate1("MaxPool", [x], attributes)
        assertClose(try max.doubleValues(), [-Double(Float.greatestFiniteMagnitude), -Double(Float.greatestFiniteMagnitude),
                                             -Double(Float.greatestFiniteMagnitude), -Double(Float.greatestFiniteMagnitude), 1, 2, 3, 4], "max")
    }

    func testMaxPoolIndicesAndNaN() throws {
        let x = f32([1, 9, 3, 4, 5, 6, .nan, 8, 2, 7, 11, 0], [1, 1, 3, 4])
        let outs = try evaluateNode("MaxPool", [x], ["kernel_shape": ints([2, 2]), "strides": ints([1, 2])], outputs: 2)
        XCTAssertEqual(outs[0].shape, [1, 1, 2, 2])
        // NaN propagates through its windows; its index is reported.
        assertClose(try outs[0].doubleValues(), [9, .nan, 7, .nan], "values")
        XCTAssertEqual(try outs[1].scalars(as: Int64.self), [1, 6, 9, 6])
        let columnMajor = try evaluateNode("MaxPool", [x], ["kernel_shape": ints([2, 2]), "strides": ints([1, 2]), "storage_order": int(1)], outputs: 2)
        // (h, w) → h + w * H with H = 3.
        XCTAssertEqual(try columnMajor[1].scalars(as: Int64.self), [3, 7, 5, 7])
        let u8 = try Tensor(dtype: .uint8, shape: [1, 1, 2, 2], values: [UInt8](arrayLiteral: 3, 250, 7, 1))
        XCTAssertEqual(try evaluate1("MaxPool", [u8], ["kernel_shape": ints([2, 2])]).scalars(as: UInt8.self), [250])
    }

    func testDilatedAndGlobalPools() throws {
        let d = try evaluate1("MaxPool", [x4], ["kernel_shape": ints([2, 2]), "dilations": ints([2, 2])], opset: 12)
        assertClose(try d.doubleValues(), [11, 12, 15, 16], "dilated max")
        assertClose(try evaluate1("GlobalAveragePool", [x4]).doubleValues(), [8.5], "global avg")
        assertClose(try evaluate1("GlobalMaxPool", [f32([1, .nan, 3], [1, 1, 3])]).doubleValues(), [.nan], "global max NaN")
        assertClose(try evaluate1("GlobalLpPool", [f32([3, -4], [1, 1, 2])]).doubleValues(), [5], "global lp")
        assertClose(try evaluate1("LpPool", [f32([3, -4, 12], [1, 1, 3])], ["kernel_shape": ints([2]), "p": int(1)]).doubleValues(), [7, 16], "lp1")
    }

    /// Windows entirely inside the input take a path without bounds tests: the same sums in the
    /// same order (kh, then kw, from zero), bit for bit, with strides and dilations.
    func testAveragePoolWindowsInsideTheInputSumInOrder() throws {
        let (C, H, W) = (3, 7, 10)
        var state: UInt64 = 5
        let values: [Float] = (0..<(C * H * W)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 20_001) / 3.7
        }
        for (kernel, strides, dilations) in [([3, 2], [3, 2], [1, 1]), ([2, 3], [2, 3], [2, 1]), ([1, 1], [1, 1], [1, 1])] {
            let y = try evaluate1("AveragePool", [f32(values, [1, C, H, W])],
                                  ["kernel_shape": ints(kernel), "strides": ints(strides), "dilations": ints(dilations)], opset: 19)
            let OH = (H - (kernel[0] - 1) * dilations[0] - 1) / strides[0] + 1, OW = (W - (kernel[1] - 1) * dilations[1] - 1) / strides[1] + 1
            var expected: [Float] = []
            for c in 0..<C {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        var sum: Float = 0
                        for kh in 0..<kernel[0] {
                            for kw in 0..<kernel[1] {
                                sum += values[(c * H + oh * strides[0] + kh * dilations[0]) * W + ow * strides[1] + kw * dilations[1]]
                            }
                        }
                        expected.append(sum / Float(kernel[0] * kernel[1]))
                    }
                }
            }
            XCTAssertEqual(y.shape, [1, C, OH, OW])
            XCTAssertEqual(try y.scalars(as: Float.self).map(\.bitPattern), expected.map(\.bitPattern), "\(kernel) \(strides) \(dilations)")
        }
    }

    /// GlobalAveragePool sums eight planes side by side; each must equal the one-plane sum bit for
    /// bit (19 planes: two groups of eight and a tail of three), NaN and Inf included.
    func testGlobalAveragePoolGroupsOfPlanesMatchOnePlaneSums() throws {
        var values: [Float] = []
        var state: UInt64 = 11
        for i in 0..<(19 * 37) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values.append(Float(Int64(bitPattern: state >> 11) % 100_001) / 7 * (i % 5 == 0 ? 1e-7 : 1))
        }
        values[40] = .nan
        values[37 * 9 + 3] = .infinity
        let y = try evaluate1("GlobalAveragePool", [f32(values, [1, 19, 1, 37])])
        let expected: [Float] = (0..<19).map { plane in
            Pooling.reducePlane(.average, count: 37) { values[plane * 37 + $0] }
        }
        XCTAssertEqual(y.shape, [1, 19, 1, 1])
        XCTAssertEqual(try y.scalars(as: Float.self).map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertTrue(try y.scalars(as: Float.self)[1].isNaN)
    }

    func testChannelsLastPoolingMatchesChannelsFirst() throws {
        var noise = Noise(state: 3)
        let shape = [2, 3, 5, 6]
        let x = noise.floats(shape.reduce(1, *))
        let window = try Padding.forward(input: [5, 6], kernel: [3, 2], strides: [2, 1], dilations: [1, 2], pads: [1, 0, 1, 1], ceilMode: true)
        let count = 2 * 3 * window.outputCount
        func pool(_ layout: ActivationLayout, _ data: [Float], average: Bool) throws -> [Float] {
            var y = [Float](repeating: 0, count: count)
            let p = PoolingParameters(layout: layout, batch: 2, channels: 3, window: window)
            try data.withUnsafeBufferPointer { xp in
                try y.withUnsafeMutableBufferPointer { yp in
                    if average {
                        try Pooling.average(p, x: xp.baseAddress!, y: yp.baseAddress!, countIncludePad: true)
                    } else {
                        try Pooling.max(p, x: xp.baseAddress!, y: yp.baseAddress!, lowest: -.infinity)
                    }
                }
            }
            return y
        }
        for average in [false, true] {
            let first = try pool(.channelsFirst, x, average: average)
            let last = try pool(.channelsLast, channelsLast(x, shape), average: average)
            XCTAssertEqual(channelsLast(first, [2, 3] + window.output), last, "average \(average)")
        }
    }
}

// MARK: - Reductions

final class ReductionTests: XCTestCase {
    let x = f32([1, 2, 3, 4, 5, 6], [2, 3])

    func testAxesKeepDimsAndEmptyAxes() throws {
        let sum0 = try evaluate1("ReduceSum", [x, i64([0])], ["keepdims": int(0)], opset: 13)
        XCTAssertEqual(sum0.shape, [3])
        assertClose(try sum0.doubleValues(), [5, 7, 9], "axis 0")
        let all = try evaluate1("ReduceSum", [x], opset: 13)
        XCTAssertEqual(all.shape, [1, 1])
        assertClose(try all.doubleValues(), [21], "all axes")
        let noop = try evaluate1("ReduceSum", [x, i64([])], ["noop_with_empty_axes": int(1)], opset: 13)
        XCTAssertEqual(noop.shape, [2, 3])
        // Opset 11: axes attribute; negative axes count from the end.
        let mean = try evaluate1("ReduceMean", [x], ["axes": ints([-1])], opset: 11)
        XCTAssertEqual(mean.shape, [2, 1])
        assertClose(try mean.doubleValues(), [2, 5], "mean")
        XCTAssertThrowsError(try evaluate1("ReduceSum", [x, i64([1, -1])], opset: 13)) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (ReduceSum): axis -1 is repeated in [1, -1]")
        }
        XCTAssertThrowsError(try evaluate1("ReduceMax", [x, i64([2])], opset: 18)) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (ReduceMax): axis 2 is out of range for rank 2")
        }
    }

    func testEmptyReductionsGiveIdentities() throws {
        let empty = f32([], [2, 0, 3])
        let expected: [(String, Double)] = [("ReduceSum", 0), ("ReduceProd", 1), ("ReduceMax", -.infinity), ("ReduceMin", .infinity),
                                            ("ReduceL1", 0), ("ReduceL2", 0), ("ReduceSumSquare", 0), ("ReduceLogSum", -.infinity),
                                            ("ReduceLogSumExp", -.infinity), ("ReduceMean", .nan)]
        for (op, value) in expected {
            let y = try evaluate1(op, [empty, i64([1])], opset: 18)
            XCTAssertEqual(y.shape, [2, 1, 3], op)
            assertClose(try y.doubleValues(), [Double](repeating: value, count: 6), op)
        }
        // A kept axis of length 0 gives an empty output.
        XCTAssertEqual(try evaluate1("ReduceSum", [empty, i64([2])], opset: 13).shape, [2, 0, 1])
        let boolEmpty = try Tensor(dtype: .bool, shape: [0], values: [UInt8]())
        XCTAssertEqual(try evaluate1("ReduceMax", [boolEmpty], opset: 20).scalars(as: UInt8.self), [0])
        XCTAssertEqual(try evaluate1("ReduceMin", [boolEmpty], opset: 20).scalars(as: UInt8.self), [1])
    }

    func testNaNPropagatesAndStableLogSumExp() throws {
        let withNaN = f32([1, .nan, 3, -1, 0, 2], [2, 3])
        assertClose(try evaluate1("ReduceMax", [withNaN, i64([1])], opset: 18).doubleValues(), [.nan, 2], "max")
        assertClose(try evaluate1("ReduceMin", [withNaN, i64([1])], opset: 18).doubleValues(), [.nan, -1], "min")
        assertClose(try evaluate1("ReduceSum", [withNaN, i64([1])], opset: 13).doubleValues(), [.nan, 1], "sum")
        // exp(1000) overflows float; the running-maximum form does not.
        let big = f32([1000, 1000], [2])
        assertClose(try evaluate1("ReduceLogSumExp", [big], ["keepdims": int(0)], opset: 18).doubleValues(), [1000 + log(2.0)], tolerance: 1e-6, "lse")
        let inf = f32([.infinity, 1], [2])
        assertClose(try evaluate1("ReduceLogSumExp", [inf], opset: 18).doubleValues(), [.infinity], "lse inf")
    }

    func testIntegerAndNonContiguousAxes() throws {
        let t = try Tensor(dtype: .int32, shape: [2, 2, 3], values: (0..<12).map { Int32($0) - 5 })
        let y = try evaluate1("ReduceSum", [t, i64([0, 2])], ["keepdims": int(0)], opset: 13)
        XCTAssertEqual(y.dtype, .int32)
        // axis 1 index 0: (-5,-4,-3) + (1,2,3) = -6; index 1: (-2,-1,0) + (4,5,6) = 12
        XCTAssertEqual(try y.scalars(as: Int32.self), [-6, 12])
        XCTAssertEqual(try evaluate1("ReduceL1", [t], ["keepdims": int(0)], opset: 18).scalars(as: Int32.self), [36])
        XCTAssertEqual(try evaluate1("ReduceMax", [t, i64([1])], opset: 18).scalars(as: Int32.self), [-2, -1, 0, 4, 5, 6])
    }
}

// MARK: - Softmax family and normalisations

final class SoftmaxAndNormalizationTests: XCTestCase {
    func testSoftmaxWithInfinities() throws {
        let x = f32([0, -.infinity, 1, 1, -.infinity, -.infinity, 1, .infinity], [4, 2])
        let y = try evaluate1("Softmax", [x], opset: 13)
        assertClose(try y.doubleValues(), [1, 0, 0.5, 0.5, .nan, .nan, .nan, .nan], "softmax")
        let l = try evaluate1("LogSoftmax", [x], opset: 13)
        assertClose(try l.doubleValues(), [0, -.infinity, -log(2.0), -log(2.0), .nan, .nan, .nan, .nan], tolerance: 1e-6, "logsoftmax")
        // Large finite values do not overflow.
        assertClose(try evaluate1("Softmax", [f32([1000, 1000])]).doubleValues(), [0.5, 0.5], "large")
    }

    func testSoftmaxAxisSemanticsChangeAtOpset13() throws {
        let x = f32([1, 2, 3, 4], [2, 2])
        // Opset 11, axis 0: one softmax over all four values.
        let old = try evaluate1("Softmax", [x], ["axis": int(0)], opset: 11)
        let e = [1.0, 2, 3, 4].map { exp($0 - 4) }, s = e.reduce(0, +)
        assertClose(try old.doubleValues(), e.map { $0 / s }, tolerance: 1e-6, "coerced")
        // Opset 13, axis 0: per column.
        let new = try evaluate1("Softmax", [x], ["axis": int(0)], opset: 13)
        let a = 1 / (1 + exp(2.0))
        assertClose(try new.doubleValues(), [a, a, 1 - a, 1 - a], tolerance: 1e-6, "single axis")
        XCTAssertEqual(try evaluate1("Hardmax", [f32([3, 1, 3, 0, 5, 5], [2, 3])], opset: 13).floatValues(), [1, 0, 0, 0, 1, 0])
    }

    func testNormalisationsAgainstFormulas() throws {
        let x = f32([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2])
        let scale = f32([1, 2]), bias = f32([0, 1])
        let inorm = try evaluate1("InstanceNormalization", [x, scale, bias], ["epsilon": .float(0)])
        let z = 1 / sqrt(1.25)
        assertClose(try inorm.doubleValues(), [-1.5 * z, -0.5 * z, 0.5 * z, 1.5 * z, -3 * z + 1, -z + 1, z + 1, 3 * z + 1],
                    tolerance: 1e-5, "instance")
        let bn = try evaluate1("BatchNormalization", [x, scale, bias, f32([1, 2]), f32([4, 1])], ["epsilon": .float(0)], opset: 15)
        assertClose(try bn.doubleValues(), [0, 0.5, 1, 1.5, 7, 9, 11, 13], tolerance: 1e-6, "batchnorm")
        let ln = try evaluateNode("LayerNormalization", [f32([1, 2, 3, 4], [2, 2]), f32([1, 1])], ["epsilon": .float(0)], opset: 17, outputs: 3)
        assertClose(try ln[0].doubleValues(), [-1, 1, -1, 1], tolerance: 1e-6, "layernorm")
        assertClose(try ln[1].doubleValues(), [1.5, 3.5], "mean")
        XCTAssertEqual(ln[1].shape, [2, 1])
        assertClose(try ln[2].doubleValues(), [2, 2], tolerance: 1e-6, "inv std")
        let gn = try evaluate1("GroupNormalization", [x, f32([1, 1]), f32([0, 0])], ["num_groups": int(1), "epsilon": .float(0)], opset: 21)
        let sd = sqrt(5.25)
        assertClose(try gn.doubleValues(), (1...8).map { (Double($0) - 4.5) / sd }, tolerance: 1e-6, "groupnorm")
        let lrn = try evaluate1("LRN", [f32([1, 2, 3], [1, 3])], ["size": int(2), "alpha": .float(1), "beta": .float(1), "bias": .float(0)])
        // channel c sums squares of c and c + 1: 1+4, 4+9, 9 → x / (sum / 2)
        assertClose(try lrn.doubleValues(), [1 / 2.5, 2 / 6.5, 3 / 4.5], tolerance: 1e-6, "lrn")
    }

    func testDropoutInferenceIsIdentityWithOnesMask() throws {
        let x = f32([1, -2, 3])
        let outs = try evaluateNode("Dropout", [x, f32([0.5], [])], outputs: 2)
        XCTAssertEqual(try outs[0].floatValues(), [1, -2, 3])
        XCTAssertEqual(outs[1].dtype, .bool)
        XCTAssertEqual(try outs[1].scalars(as: UInt8.self), [1, 1, 1])
        // Training mode draws numpy's RandomState(0).uniform: 0.5488, 0.7152, 0.6028.
        let training = try evaluateNode("Dropout", [x, f32([0.6], []), try Tensor(dtype: .bool, shape: [], values: [UInt8(1)])],
                                        outputs: 2)
        let scale = 1 / (1 - Float(0.6))
        XCTAssertEqual(try training[0].floatValues(), [0, -2 * scale, 3 * scale])
        XCTAssertEqual(try training[1].scalars(as: UInt8.self), [0, 1, 1])
        let old = try evaluateNode("Dropout", [x], ["ratio": .float(0.3)], opset: 7, outputs: 2)
        XCTAssertEqual(old[1].dtype, .float32)
        XCTAssertEqual(try old[1].floatValues(), [1, 1, 1])
    }
}

// MARK: - Gemm, MatMul, Resize

final class GemmMatMulResizeTests: XCTestCase {
    func testGemmBroadcastsCAndTransposes() throws {
        let a = f32([1, 2, 3, 4, 5, 6], [3, 2])  // Aᵀ is 2×3
        let b = f32([1, 0, 0, 1, 1, 1], [3, 2])
        let y = try evaluate1("Gemm", [a, b, f32([10, 20], [1, 2])], ["transA": int(1), "alpha": .float(2), "beta": .float(0.5)])
        // Aᵀ·B = [[1+5, 3+5], [2+6, 4+6]] = [[6, 8], [8, 10]]
        XCTAssertEqual(try y.floatValues(), [17, 26, 21, 30])
        XCTAssertThrowsError(try evaluate1("Gemm", [a, b, f32([1, 2, 3], [3])], ["transA": int(1)])) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (Gemm): input 'C' of shape [3] cannot be broadcast to [2, 2]")
        }
        let i = try Tensor(dtype: .int64, shape: [1, 2], values: [Int64](arrayLiteral: 3, -4))
        let j = try Tensor(dtype: .int64, shape: [2, 1], values: [Int64](arrayLiteral: 5, 6))
        XCTAssertEqual(try evaluate1("Gemm", [i, j]).scalars(as: Int64.self), [-9])
    }

    func testMatMulBatchingAndVectors() throws {
        let a = f32((0..<12).map(Float.init), [2, 2, 3]), b = f32([1, 0, 1, 2, 0, 1], [3, 2])
        let y = try evaluate1("MatMul", [a, b])
        XCTAssertEqual(y.shape, [2, 2, 2])
        XCTAssertEqual(try y.floatValues(), [1, 4, 7, 13, 13, 22, 19, 31])
        let v = try evaluate1("MatMul", [f32([1, 2, 3]), f32([1, 0, 1, 2, 0, 1], [3, 2])])
        XCTAssertEqual(v.shape, [2])
        XCTAssertEqual(try v.floatValues(), [3, 7])
        let batchB = try evaluate1("MatMul", [f32([1, 2], [1, 2]), f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])])
        XCTAssertEqual(batchB.shape, [2, 1, 2])
        XCTAssertEqual(try batchB.floatValues(), [7, 10, 19, 22])
        let dot = try evaluate1("MatMul", [f32([1, 2]), f32([3, 4])])
        XCTAssertEqual(dot.shape, [])
        XCTAssertEqual(try dot.floatValues(), [11])
        XCTAssertThrowsError(try evaluate1("MatMul", [f32([1, 2, 3]), f32([1, 2], [2, 1])])) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (MatMul): MatMul inner dimensions differ: [3] and [2, 1]")
        }
        let ia = try Tensor(dtype: .int32, shape: [2, 2], values: [Int32](arrayLiteral: 1, 2, 3, 4))
        XCTAssertEqual(try evaluate1("MatMul", [ia, ia]).scalars(as: Int32.self), [7, 10, 15, 22])
    }

    func testResizeNearestAndLinear() throws {
        let x = f32([1, 2, 3, 4], [1, 1, 2, 2])
        let up = try evaluate1("Resize", [x, nil, f32([1, 1, 2, 2])],
                          ["mode": str("nearest"), "coordinate_transformation_mode": str("asymmetric"), "nearest_mode": str("floor")], opset: 13)
        XCTAssertEqual(up.shape, [1, 1, 4, 4])
        XCTAssertEqual(try up.floatValues(), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let linear = try evaluate1("Resize", [f32([0, 4], [1, 2]), nil, nil, i64([1, 4])], ["mode": str("linear")], opset: 13)
        // half_pixel: x = (y + 0.5) / 2 - 0.5 → -0.25, 0.25, 0.75, 1.25 (clamped at the edges)
        XCTAssertEqual(try linear.floatValues(), [0, 1, 3, 4])
        let aligned = try evaluate1("Resize", [f32([0, 4], [1, 2]), nil, nil, i64([1, 3])],
                               ["mode": str("linear"), "coordinate_transformation_mode": str("align_corners")], opset: 13)
        XCTAssertEqual(try aligned.floatValues(), [0, 2, 4])
        let u8 = try Tensor(dtype: .uint8, shape: [1, 2], values: [UInt8](arrayLiteral: 0, 255))
        let r = try evaluate1("Resize", [u8, nil, nil, i64([1, 3])], ["mode": str("linear"), "coordinate_transformation_mode": str("align_corners")], opset: 13)
        XCTAssertEqual(try r.scalars(as: UInt8.self), [0, 128, 255])  // 127.5 rounds half to even
        XCTAssertThrowsError(try evaluate1("Resize", [x, nil, f32([1, 1, 2, 2]), i64([1, 1, 4, 4])], opset: 13)) { error in
            XCTAssertEqual(error.localizedDescription, "node 'n' (Resize): only one of the inputs 'scales' and 'sizes' may be given")
        }
    }
}
