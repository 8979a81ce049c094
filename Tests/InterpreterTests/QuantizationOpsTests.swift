import LockstepCore
import XCTest

@testable import Interpreter

/// Q/DQ rounding and saturation, granularities, the integer kernels and the fixed-point
/// requantisation helper.
final class QuantizationOpsTests: XCTestCase {
    // MARK: Helpers

    func attribute(_ name: String, _ value: AttributeValue) -> Attribute { Attribute(name: name, value: value) }

    /// Runs a single-node model over `inputs` (name, tensor); empty names are omitted inputs.
    func run(_ op: String, opset: Int = 21, inputs: [(String, Tensor?)], outputs: Int = 1,
             attributes: [Attribute] = []) throws -> [Tensor] {
        let names = inputs.map { $0.1 == nil ? "" : $0.0 }
        let outNames = (0..<outputs).map { "y\($0)" }
        let node = Node(name: "n", op: OpIdentifier(name: op, version: opset), inputs: names, outputs: outNames,
                        attributes: attributes, origin: Origin(format: .onnx, graphPath: ["g"], nodeIndex: 0, name: "n"))
        let given = inputs.compactMap { name, t in t.map { (name, $0) } }
        let graph = Graph(name: "g", nodes: [node],
                          inputs: given.map { ValueInfo(name: $0.0, type: .tensor(elementType: $0.1.dtype, shape: nil)) },
                          outputs: outNames.map { ValueInfo(name: $0, type: .tensor(elementType: nil, shape: nil)) })
        let model = Model(format: .onnx, path: "q.onnx", irVersion: 10, opsetImports: ["": opset], graph: graph)
        var feeds: [String: Value] = [:]
        for (name, t) in given { feeds[name] = .tensor(t) }
        let result = try Session(model: model).run(feeds)
        return try result.outputs.map { try XCTUnwrap($0.value?.tensor) }
    }

    func f32(_ v: [Float], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(float32: v, shape: shape ?? [v.count]) }
    func u8(_ v: [UInt8], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(dtype: .uint8, shape: shape ?? [v.count], values: v) }
    func i8(_ v: [Int8], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(dtype: .int8, shape: shape ?? [v.count], values: v) }
    func i32(_ t: Tensor) throws -> [Int32] { try t.scalars(as: Int32.self) }

    // MARK: QuantizeLinear

    func testQuantizeRoundsHalfToEvenAndSaturatesAtBothEnds() throws {
        let x = try f32([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1000, -1000, .nan, .infinity, -.infinity])
        let scale = try f32([1], [])
        let u = try run("QuantizeLinear", inputs: [("x", x), ("s", scale), ("z", try u8([128], []))])[0]
        XCTAssertEqual(u.dtype, .uint8)
        XCTAssertEqual(try u.scalars(as: UInt8.self), [128, 130, 130, 128, 126, 126, 255, 0, 0, 255, 0])
        let s = try run("QuantizeLinear", inputs: [("x", x), ("s", scale), ("z", try i8([-1], []))])[0]
        XCTAssertEqual(try s.scalars(as: Int8.self), [-1, 1, 1, -1, -3, -3, 127, -128, -128, 127, -128])
        // No zero point: uint8 with zero point 0; division by the scale before rounding.
        let d = try run("QuantizeLinear", inputs: [("x", try f32([0.375, 0.625, 0.875, -0.25])), ("s", try f32([0.25], []))])[0]
        XCTAssertEqual(try d.scalars(as: UInt8.self), [2, 2, 4, 0])  // 1.5→2, 2.5→2, 3.5→4, −1→0
    }

    func testQuantizeOutputTypesFromAttributeAndSixteenBitRanges() throws {
        let x = try f32([70000, -70000, 3.5])
        let y = try run("QuantizeLinear", inputs: [("x", x), ("s", try f32([1], []))],
                        attributes: [attribute("output_dtype", .int(Int64(DType.int16.onnxCode)))])[0]
        XCTAssertEqual(y.dtype, .int16)
        XCTAssertEqual(try y.scalars(as: Int16.self), [32767, -32768, 4])
        let z = try run("QuantizeLinear", inputs: [("x", x), ("s", try f32([1], [])),
                                                    ("z", try Tensor(dtype: .uint16, shape: [], values: [UInt16(10)]))])[0]
        XCTAssertEqual(try z.scalars(as: UInt16.self), [65535, 0, 14])
        XCTAssertThrowsError(try run("QuantizeLinear", inputs: [("x", x), ("s", try f32([1], [])), ("z", try u8([0], []))],
                                     attributes: [attribute("output_dtype", .int(Int64(DType.int8.onnxCode)))]))
    }

    func testQuantizePerAxisAndBlocked() throws {
        // x [2, 3], axis 1: scales per column.
        let x = try f32([1, 2, 3, -4, 5, 6], [2, 3])
        let y = try run("QuantizeLinear", inputs: [("x", x), ("s", try f32([1, 2, 4])), ("z", try u8([0, 10, 20]))])[0]
        XCTAssertEqual(try y.scalars(as: UInt8.self), [1, 11, 21, 0, 12, 22])  // 2/2=1, 3/4=0.75→1, 5/2=2.5→2, 6/4=1.5→2
        // axis 0 (negative axis −2) with per-row scales.
        let r = try run("QuantizeLinear", inputs: [("x", x), ("s", try f32([1, 2]))], attributes: [attribute("axis", .int(-2))])[0]
        XCTAssertEqual(try r.scalars(as: UInt8.self), [1, 2, 3, 0, 2, 3])
        // Blocked: x [2, 5], axis 1, block 2 → scale [2, 3] (last block short).
        let xb = try f32([2, 4, 6, 8, 10, 1, 2, 3, 4, 5], [2, 5])
        let sb = try f32([2, 4, 10, 1, 2, 5], [2, 3])
        let zb = try i8([0, 1, 2, 0, 0, -1], [2, 3])
        let b = try run("QuantizeLinear", inputs: [("x", xb), ("s", sb), ("z", zb)], attributes: [attribute("block_size", .int(2))])[0]
        // row 0: 2/2,4/2 | 6/4+1, 8/4+1 | 10/10+2 ; row 1: 1,2 | 3/2=1.5→2, 4/2 | 5/5−1
        XCTAssertEqual(try b.scalars(as: Int8.self), [1, 2, 3, 3, 3, 1, 2, 2, 2, 0])
        XCTAssertThrowsError(try run("QuantizeLinear", inputs: [("x", xb), ("s", try f32([1, 2], [2, 1])), ("z", nil)],
                                     attributes: [attribute("block_size", .int(2))]))
    }

    func testQuantizeToFloat8RoundsHalfToEvenAndFollowsSaturate() throws {
        let x = try f32([448, 464, 480, 1e6, .infinity, -.infinity, -0.0, 0.0137, .nan, -464])
        let s = try f32([1], [])
        let zero = try Tensor(dtype: .float8e4m3fn, shape: [], values: [UInt8(0)])
        let sat = try run("QuantizeLinear", inputs: [("x", x), ("s", s), ("z", zero)])[0]
        // 464 is halfway between 448 (0x7e) and 480 (not finite): ties to even 448.
        XCTAssertEqual(try sat.scalars(as: UInt8.self), [0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0xfe, 0x80, 0x07, 0x7f, 0xfe])  // 0.0137 ≈ 7·2^-9 (subnormal)
        let noSat = try run("QuantizeLinear", inputs: [("x", x), ("s", s), ("z", zero)], attributes: [attribute("saturate", .int(0))])[0]
        XCTAssertEqual(try noSat.scalars(as: UInt8.self), [0x7e, 0x7e, 0x7f, 0x7f, 0x7f, 0xff, 0x80, 0x07, 0x7f, 0xfe])
        // e5m2 without saturation overflows to ±Inf; fnuz has no −0.
        let e5 = try run("QuantizeLinear", inputs: [("x", try f32([1e6, -1e6, -0.0])), ("s", s),
                                                    ("z", try Tensor(dtype: .float8e5m2, shape: [], values: [UInt8(0)]))],
                         attributes: [attribute("saturate", .int(0))])[0]
        XCTAssertEqual(try e5.scalars(as: UInt8.self), [0x7c, 0xfc, 0x80])
        let uz = try run("QuantizeLinear", inputs: [("x", try f32([-0.0, 1e6])), ("s", s),
                                                    ("z", try Tensor(dtype: .float8e4m3fnuz, shape: [], values: [UInt8(0)]))])[0]
        XCTAssertEqual(try uz.scalars(as: UInt8.self), [0x00, 0x7f])
    }

    func testQuantizeToInt4PacksLowNibbleFirst() throws {
        let y = try run("QuantizeLinear", inputs: [("x", try f32([-9, 7.5, 3, -1, 2])), ("s", try f32([1], [])),
                                                   ("z", try Tensor(dtype: .int4, shape: [], storage: TensorStorage(copying: [UInt8(0)])))])[0]
        XCTAssertEqual(y.dtype, .int4)
        XCTAssertEqual(try y.unpackedSubByte(), [-8, 7, 3, -1, 2])
        XCTAssertEqual(Array(y.storage.bytes), [0x78, 0xf3, 0x02])
    }

    // MARK: DequantizeLinear

    func testDequantizePerTensorAxisBlockedAndInt4() throws {
        let x = try u8([0, 128, 255])
        let y = try run("DequantizeLinear", inputs: [("x", x), ("s", try f32([0.5], [])), ("z", try u8([128], []))])[0]
        XCTAssertEqual(try y.floatValues(), [-64, 0, 63.5])
        let xa = try i8([1, 2, 3, 4, 5, 6], [2, 3])
        let a = try run("DequantizeLinear", inputs: [("x", xa), ("s", try f32([1, 10, 100])), ("z", try i8([1, 0, -1]))])[0]
        XCTAssertEqual(try a.floatValues(), [0, 20, 400, 3, 50, 700])
        let b = try run("DequantizeLinear", inputs: [("x", xa), ("s", try f32([2, 3], [2, 1]))],
                        attributes: [attribute("axis", .int(1)), attribute("block_size", .int(3))])[0]
        XCTAssertEqual(try b.floatValues(), [2, 4, 6, 12, 15, 18])
        let q4 = try Tensor(dtype: .int4, shape: [3], storage: TensorStorage(copying: [UInt8(0x78), 0x0f]))  // −8, 7, −1
        let d4 = try run("DequantizeLinear", inputs: [("x", q4), ("s", try f32([2], []))])[0]
        XCTAssertEqual(try d4.floatValues(), [-16, 14, -2])
        // int32 input, float16 output type from the scale.
        let h = try Tensor(dtype: .float16, shape: [], values: [FloatBits.floatToHalf(0.5)])
        let d16 = try run("DequantizeLinear", inputs: [("x", try Tensor(dtype: .int32, shape: [2], values: [Int32(-3), 4097])), ("s", h)])[0]
        XCTAssertEqual(d16.dtype, .float16)
        XCTAssertEqual(try d16.floatValues(), [-1.5, 2048])  // 2048.5 rounds to even in float16
    }

    func testDynamicQuantizeLinearMatchesTheSpecFormula() throws {
        let x = try f32([0, 2, -3, -2.5, 1.34, 0.5])
        let out = try run("DynamicQuantizeLinear", opset: 11, inputs: [("x", x)], outputs: 3)
        let scale: Float = 5 / 255
        XCTAssertEqual(try out[1].floatValues(), [scale])
        let zp = (Float(3) / scale).rounded(.toNearestOrEven)
        XCTAssertEqual(try out[2].scalars(as: UInt8.self), [UInt8(zp)])
        let expected = try x.floatValues().map { UInt8(min(max(($0 / scale).rounded(.toNearestOrEven) + zp, 0), 255)) }
        XCTAssertEqual(try out[0].scalars(as: UInt8.self), expected)
        // All zeros: scale 1 (ONNX Runtime's choice), zero point 0.
        let zeros = try run("DynamicQuantizeLinear", opset: 11, inputs: [("x", try f32([0, 0]))], outputs: 3)
        XCTAssertEqual(try zeros[1].floatValues(), [1])
        XCTAssertEqual(try zeros[2].scalars(as: UInt8.self), [0])
        XCTAssertEqual(try zeros[0].scalars(as: UInt8.self), [0, 0])
    }

    // MARK: Integer ops

    func testMatMulIntegerWithPerRowAndPerColumnZeroPoints() throws {
        let a = try u8([11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0], [4, 3])
        let b = try u8([1, 4, 2, 5, 3, 6], [3, 2])
        let y = try run("MatMulInteger", opset: 10, inputs: [("a", a), ("b", b), ("az", try u8([12, 12, 12, 11])), ("bz", try u8([0, 1]))])[0]
        var expected: [Int32] = []
        let av = try a.scalars(as: UInt8.self).map(Int32.init), bv = try b.scalars(as: UInt8.self).map(Int32.init)
        for i in 0..<4 {
            for j in 0..<2 {
                var s: Int32 = 0
                for k in 0..<3 { s += (av[i * 3 + k] - [12, 12, 12, 11][i]) * (bv[k * 2 + j] - [0, 1][j]) }
                expected.append(s)
            }
        }
        XCTAssertEqual(y.shape, [4, 2])
        XCTAssertEqual(try i32(y), expected)
    }

    func testConvIntegerMatchesADirectLoopWithPaddingStridesAndGroups() throws {
        var rng = SystemRandomNumberGenerator()
        let (n, c, h, w, m, kh, kw, group) = (2, 4, 5, 6, 4, 3, 2, 2)
        let xv = (0..<(n * c * h * w)).map { _ in Int8.random(in: -128...127, using: &rng) }
        let wv = (0..<(m * (c / group) * kh * kw)).map { _ in Int8.random(in: -128...127, using: &rng) }
        let x = try i8(xv, [n, c, h, w]), wt = try i8(wv, [m, c / group, kh, kw])
        let pads = [1, 0, 2, 1], strides = [2, 1], dilations = [1, 2]
        let y = try run("ConvInteger", opset: 10, inputs: [("x", x), ("w", wt), ("xz", try i8([3], [])), ("wz", try i8([-2], []))],
                        attributes: [attribute("pads", .ints(pads.map(Int64.init))), attribute("strides", .ints(strides.map(Int64.init))),
                                     attribute("dilations", .ints(dilations.map(Int64.init))), attribute("group", .int(Int64(group)))])[0]
        let oh = (h + pads[0] + pads[2] - ((kh - 1) * dilations[0] + 1)) / strides[0] + 1
        let ow = (w + pads[1] + pads[3] - ((kw - 1) * dilations[1] + 1)) / strides[1] + 1
        XCTAssertEqual(y.shape, [n, m, oh, ow])
        var expected: [Int32] = []
        for b in 0..<n {
            for o in 0..<m {
                let g = o / (m / group)
                for i in 0..<oh {
                    for j in 0..<ow {
                        var s: Int32 = 0
                        for ci in 0..<(c / group) {
                            for p in 0..<kh {
                                for q in 0..<kw {
                                    let yy = i * strides[0] - pads[0] + p * dilations[0], xx = j * strides[1] - pads[1] + q * dilations[1]
                                    let xval: Int32 = (yy < 0 || yy >= h || xx < 0 || xx >= w) ? 3 : Int32(xv[((b * c + g * (c / group) + ci) * h + yy) * w + xx])
                                    s += (xval - 3) * (Int32(wv[((o * (c / group) + ci) * kh + p) * kw + q]) + 2)
                                }
                            }
                        }
                        expected.append(s)
                    }
                }
            }
        }
        XCTAssertEqual(try i32(y), expected)
    }

    func testQLinearMatMulRequantisesWithRoundHalfToEven() throws {
        // acc = [[2, 6]]; scale 1 · 0.5 / 2 = 0.25 → 0.5 → 0 and 1.5 → 2 (ties to even), plus zero point 10.
        let a = try u8([1, 1], [1, 2]), b = try u8([1, 2, 1, 4], [2, 2])
        let one = try f32([1], []), half = try f32([0.5], []), zero = try u8([0], [])
        let y = try run("QLinearMatMul", opset: 10, inputs: [("a", a), ("as", one), ("az", zero), ("b", b), ("bs", half), ("bz", zero),
                                                             ("ys", try f32([2], [])), ("yz", try u8([10], []))])[0]
        XCTAssertEqual(try y.scalars(as: UInt8.self), [10, 12])
    }

    // MARK: Requantisation helper

    /// Exact rounding of `numerator / 2^shift` with ties as `rounding` says.
    func exactRound(_ numerator: Int128, shift: Int, _ rounding: Requantize.Rounding) -> Int128 {
        if shift <= 0 { return numerator << Int128(-shift) }
        let d = Int128(1) << Int128(shift)
        var q = numerator / d, r = numerator % d
        if r < 0 { q -= 1; r += d }  // floor division
        let twice = 2 * r
        if twice > d { return q + 1 }
        if twice < d { return q }
        switch rounding {
        case .halfUp: return q + 1
        case .halfAwayFromZero, .gemmlowp: return numerator >= 0 ? q + 1 : q
        case .halfToEven: return q & 1 == 0 ? q : q + 1
        }
    }

    func testRequantizeAgreesWithExactRationalArithmetic() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<20000 {
            let real = Double.random(in: 1e-6...30, using: &rng)
            let (multiplier, shift) = Requantize.quantizeMultiplier(real)
            XCTAssertTrue(multiplier >= 1 << 30, "\(real)")
            let approx = Double(multiplier) * Double(sign: .plus, exponent: shift - 31, significand: 1)
            XCTAssertLessThanOrEqual(abs(approx - real) / real, 1.0 / Double(1 << 30))
            let x: Int32 = trial % 7 == 0 ? [Int32.min, Int32.max, 0, 1, -1][trial % 5] : Int32.random(in: -(1 << 20)...(1 << 20), using: &rng)
            for rounding in [Requantize.Rounding.halfUp, .halfAwayFromZero, .halfToEven] {
                let exact = exactRound(Int128(x) * Int128(multiplier), shift: 31 - shift, rounding)
                let clamped = Int32(clamping: max(min(exact, Int128(Int32.max)), Int128(Int32.min)))
                XCTAssertEqual(Requantize.multiply(x, multiplier: multiplier, shift: shift, rounding: rounding), clamped,
                               "x=\(x) m=\(multiplier) shift=\(shift) \(rounding)")
            }
            // gemmlowp: SaturatingRoundingDoublingHighMul (ties toward +∞), then RoundingDivideByPOT
            // (ties away from zero), each exact.
            let left = max(shift, 0), right = max(-shift, 0)
            let shifted = Int32(clamping: Int64(x) << left)
            var high = exactRound(Int128(shifted) * Int128(multiplier), shift: 31, .halfUp)
            high = max(min(high, Int128(Int32.max)), Int128(Int32.min))
            let expected = exactRound(high, shift: right, .halfAwayFromZero)
            XCTAssertEqual(Int128(Requantize.multiply(x, multiplier: multiplier, shift: shift, rounding: .gemmlowp)), expected,
                           "gemmlowp x=\(x) m=\(multiplier) shift=\(shift)")
        }
    }

    func testRequantizeTiesAndKnownTFLiteValues() {
        // 0.5 exactly: multiplier 2^30, shift 0.
        let (m, s) = Requantize.quantizeMultiplier(0.5)
        XCTAssertEqual(m, 1 << 30)
        XCTAssertEqual(s, 0)
        XCTAssertEqual([3, 5, -3, -5].map { Requantize.multiply($0, multiplier: m, shift: s, rounding: .halfToEven) }, [2, 2, -2, -2])
        XCTAssertEqual([3, 5, -3, -5].map { Requantize.multiply($0, multiplier: m, shift: s, rounding: .halfAwayFromZero) }, [2, 3, -2, -3])
        XCTAssertEqual([3, 5, -3, -5].map { Requantize.multiply($0, multiplier: m, shift: s, rounding: .halfUp) }, [2, 3, -1, -2])
        XCTAssertEqual([3, 5, -3, -5].map { Requantize.multiply($0, multiplier: m, shift: s, rounding: .gemmlowp) }, [2, 3, -1, -2])
        XCTAssertEqual(Requantize.multiply(-6, multiplier: 1 << 30, shift: -1, rounding: .gemmlowp), -2)  // SRDHM −3 → RDBPOT(−3, 1) = −1.5 → −2
        XCTAssertEqual(Requantize.saturatingRoundingDoublingHighMul(Int32.min, Int32.min), Int32.max)
        XCTAssertEqual(Requantize.roundingDivideByPOT(-5, 1), -3)
        XCTAssertEqual(Requantize.roundingDivideByPOT(5, 1), 3)
        XCTAssertEqual(Requantize.quantizeMultiplier(0).multiplier, 0)
        // A mantissa rounding up to 2^31 is halved with the shift incremented.
        let (m1, s1) = Requantize.quantizeMultiplier(1 - 1e-12)
        XCTAssertEqual(m1, 1 << 30)
        XCTAssertEqual(s1, 1)
        XCTAssertEqual(Requantize.requantizeFloat(5, scale: 0.5, zeroPoint: 0, min: -128, max: 127), 2)
        XCTAssertEqual(Requantize.requantizeFloat(1000, scale: 1, zeroPoint: 0, min: -128, max: 127), 127)
    }
}
