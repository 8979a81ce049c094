import Foundation
import LockstepCore
import XCTest

@testable import Interpreter

// MARK: - Helpers

private func run(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int = 22,
                 outputs: Int = 1) throws -> [Tensor] {
    try runSingleNode(op, inputs, attributes, opset: opset, outputs: outputs)
}

private func run1(_ op: String, _ inputs: [Tensor?], _ attributes: [String: AttributeValue] = [:], opset: Int = 22) throws -> Tensor {
    try run(op, inputs, attributes, opset: opset)[0]
}

private func f32(_ values: [Float], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(float32: values, shape: shape ?? [values.count])
}

private func f64(_ values: [Double], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: .float64, shape: shape ?? [values.count], values: values)
}

private func f16(_ values: [Float], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: .float16, shape: shape ?? [values.count], values: values.map(FloatBits.floatToHalf))
}

private func bf16(_ values: [Float], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: .bfloat16, shape: shape ?? [values.count], values: values.map(FloatBits.floatToBFloat16))
}

private func ints<T: FixedWidthInteger & BitwiseCopyable>(_ dtype: DType, _ values: [T], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: dtype, shape: shape ?? [values.count], values: values)
}

private func bools(_ values: [Bool], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(dtype: .bool, shape: shape ?? [values.count], values: values.map { UInt8($0 ? 1 : 0) })
}

private func strings(_ values: [String], _ shape: [Int]? = nil) -> Tensor {
    try! Tensor(strings: values.map { Array($0.utf8) }, shape: shape ?? [values.count])
}

private func boolValues(_ t: Tensor) throws -> [Bool] {
    XCTAssertEqual(t.dtype, .bool)
    return try t.scalars(as: UInt8.self).map { $0 != 0 }
}

private func attr(_ s: String) -> AttributeValue { .string(Array(s.utf8)) }

/// Bitwise float equality (NaN equals NaN; −0 differs from +0), else within `tolerance`
/// (relative to the expected value, absolute below 1).
private func assertFloats(_ actual: [Double], _ expected: [Double], tolerance: Double = 0, _ id: String,
                          file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(id): count", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        if a.isNaN && e.isNaN { continue }
        if a == e && a.sign == e.sign { continue }
        if tolerance > 0, a.isFinite, e.isFinite, abs(a - e) <= tolerance * max(abs(e), 1) { continue }
        XCTFail("\(id): element \(i) is \(a), expected \(e)", file: file, line: line)
    }
}

private let inf = Double.infinity
private let nan = Double.nan

// MARK: - Unary float functions

final class MathUnaryOpsTests: XCTestCase {
    struct Case {
        let id: String, op: String
        var attributes: [String: AttributeValue] = [:]
        let input: [Float]
        let expected: [Double]
        var tolerance: Double = 0
    }

    /// float32 edge values, computed in float32 (expected values are float32 results).
    let cases: [Case] = [
        Case(id: "abs", op: "Abs", input: [-2, -0.0, 0, .infinity, -.infinity, .nan], expected: [2, 0, 0, inf, inf, nan]),
        Case(id: "neg", op: "Neg", input: [1, 0, -0.0, .infinity, .nan], expected: [-1, -0.0, 0, -inf, nan]),
        Case(id: "exp", op: "Exp", input: [0, 1, -.infinity, .infinity, .nan],
             expected: [1, Double(Float(M_E)), 0, inf, nan]),
        Case(id: "log", op: "Log", input: [1, 0, -0.0, -1, .infinity], expected: [0, -inf, -inf, nan, inf]),
        Case(id: "sqrt", op: "Sqrt", input: [4, -0.0, -1, .infinity], expected: [2, -0.0, nan, inf]),
        Case(id: "reciprocal", op: "Reciprocal", input: [2, 0, -0.0, .infinity], expected: [0.5, inf, -inf, 0]),
        Case(id: "floor", op: "Floor", input: [-1.5, 1.5, -0.0, .nan, .infinity], expected: [-2, 1, -0.0, nan, inf]),
        Case(id: "ceil", op: "Ceil", input: [-0.5, 1.2, -.infinity], expected: [-0.0, 2, -inf]),
        Case(id: "round-half-even", op: "Round", input: [0.5, 1.5, 2.5, -2.5, -0.5, 2.3, -4.5, 0.9, .nan],
             expected: [0, 2, 2, -2, -0.0, 2, -4, 1, nan]),
        Case(id: "sign", op: "Sign", input: [-3, 0, -0.0, 2, .nan, -.infinity], expected: [-1, 0, 0, 1, nan, -1]),
        Case(id: "sin", op: "Sin", input: [0, -0.0, .infinity], expected: [0, -0.0, nan]),
        Case(id: "cos", op: "Cos", input: [0], expected: [1]),
        Case(id: "tan", op: "Tan", input: [0, 1], expected: [0, Double(tanf(1))]),
        Case(id: "asin", op: "Asin", input: [1, 2], expected: [Double(asinf(1)), nan]),
        Case(id: "acos", op: "Acos", input: [1, -2], expected: [0, nan]),
        Case(id: "atan", op: "Atan", input: [.infinity, -0.0], expected: [Double(atanf(1) * 2), -0.0]),
        Case(id: "sinh", op: "Sinh", input: [0, 1], expected: [0, Double(sinhf(1))]),
        Case(id: "cosh", op: "Cosh", input: [0, -.infinity], expected: [1, inf]),
        Case(id: "tanh", op: "Tanh", input: [0, .infinity, -.infinity, 20], expected: [0, 1, -1, 1]),
        Case(id: "asinh", op: "Asinh", input: [0, 1], expected: [0, Double(asinhf(1))]),
        Case(id: "acosh", op: "Acosh", input: [1, 0.5], expected: [0, nan]),
        Case(id: "atanh", op: "Atanh", input: [0, 1, -1, 2], expected: [0, inf, -inf, nan]),
        Case(id: "erf", op: "Erf", input: [0, .infinity, -.infinity, 1], expected: [0, 1, -1, Double(erff(1))]),
        Case(id: "sigmoid", op: "Sigmoid", input: [0, 100, -100, .infinity, -.infinity, .nan],
             expected: [0.5, 1, Double(expf(-100)), 1, 0, nan], tolerance: 1e-6),
        Case(id: "hardsigmoid-default", op: "HardSigmoid", input: [-3, 0, 3, 1, .nan], expected: [0, 0.5, 1, Double(Float(0.2) * 1 + 0.5), nan]),
        Case(id: "hardsigmoid-attrs", op: "HardSigmoid", attributes: ["alpha": .float(0.5), "beta": .float(0.25)],
             input: [1, -1], expected: [0.75, 0]),
        Case(id: "hardswish", op: "HardSwish", input: [-4, 0, 3, 4, -1.5], expected: [-0.0, 0, 3, 4, -0.375], tolerance: 1e-6),
        Case(id: "leakyrelu-default", op: "LeakyRelu", input: [-1, 2, -0.0], expected: [-0.01, 2, -0.0], tolerance: 1e-7),
        Case(id: "leakyrelu-alpha", op: "LeakyRelu", attributes: ["alpha": .float(0.1)], input: [-3], expected: [-0.3],
             tolerance: 1e-6),
        Case(id: "elu-default", op: "Elu", input: [-1, 1, -.infinity], expected: [Double(expm1f(-1)), 1, -1]),
        Case(id: "elu-alpha", op: "Elu", attributes: ["alpha": .float(2)], input: [-1], expected: [2 * Double(expm1f(-1))],
             tolerance: 1e-6),
        Case(id: "selu-default", op: "Selu", input: [1, -1, 0],
             expected: [1.0507009873554805, -1.1113307378125628, 0], tolerance: 1e-6),
        Case(id: "selu-attrs", op: "Selu", attributes: ["alpha": .float(2), "gamma": .float(3)], input: [-1, 1],
             expected: [3 * 2 * expm1(-1.0), 3], tolerance: 1e-6),
        Case(id: "celu-default", op: "Celu", input: [-1, 2, 0], expected: [expm1(-1.0), 2, 0], tolerance: 1e-6),
        Case(id: "celu-alpha", op: "Celu", attributes: ["alpha": .float(2)], input: [-1], expected: [2 * expm1(-0.5)],
             tolerance: 1e-6),
        Case(id: "softplus", op: "Softplus", input: [0, 100, -100, .infinity, -.infinity],
             expected: [log(2.0), 100, exp(-100.0), inf, 0], tolerance: 1e-6),
        Case(id: "softsign", op: "Softsign", input: [1, -3, 0], expected: [0.5, -0.75, 0]),
        Case(id: "thresholdedrelu-default", op: "ThresholdedRelu", input: [0.5, 1, 2, .nan], expected: [0, 0, 2, 0]),
        Case(id: "thresholdedrelu-alpha", op: "ThresholdedRelu", attributes: ["alpha": .float(-1)], input: [-0.5, -2],
             expected: [-0.5, 0]),
        Case(id: "gelu-none", op: "Gelu", input: [1, -1, 0], expected: [0.8413447460685429, -0.15865525393145707, 0],
             tolerance: 1e-6),
        Case(id: "gelu-tanh", op: "Gelu", attributes: ["approximate": attr("tanh")], input: [1, -1],
             expected: [0.8411919906082768, -0.15880800939172324], tolerance: 1e-6),
        Case(id: "mish", op: "Mish", input: [1, -1, 0, 50], expected: [0.8650983882673103, -0.30340146137410895, 0, 50],
             tolerance: 1e-6),
        Case(id: "shrink-default", op: "Shrink", input: [-1, -0.5, 0.2, 0.6], expected: [-1, 0, 0, Double(Float(0.6))]),
        Case(id: "shrink-attrs", op: "Shrink", attributes: ["lambd": .float(1), "bias": .float(0.5)],
             input: [-2, 1, 1.5], expected: [-1.5, 0, 1]),
        Case(id: "relu", op: "Relu", input: [-1, 2, -0.0, .nan], expected: [0, 2, -0.0, nan]),
    ]

    func testFloat32Cases() throws {
        for c in cases {
            let y = try run1(c.op, [f32(c.input)], c.attributes)
            XCTAssertEqual(y.dtype, .float32, c.id)
            XCTAssertEqual(y.shape, [c.input.count], c.id)
            assertFloats(try y.doubleValues(), c.expected, tolerance: c.tolerance, c.id)
        }
    }

    /// The same cases in float64 agree with float32 within float32 precision.
    func testFloat64AgreesWithFloat32() throws {
        for c in cases {
            let y = try run1(c.op, [f64(c.input.map(Double.init))], c.attributes)
            XCTAssertEqual(y.dtype, .float64, c.id)
            assertFloats(try y.doubleValues(), c.expected, tolerance: max(c.tolerance, 1e-6), c.id)
        }
    }

    func testFloat64IsComputedInDouble() throws {
        let y = try run1("Exp", [f64([1, 1e-10])])
        XCTAssertEqual(try y.scalars(as: Double.self), [M_E, Foundation.exp(1e-10)])
        // e^89 overflows float32 but not float64.
        XCTAssertEqual(try run1("Exp", [f32([89])]).floatValues(), [.infinity])
        XCTAssertEqual(try run1("Exp", [f64([89])]).scalars(as: Double.self), [Foundation.exp(89)])
        let s = try run1("Sigmoid", [f64([-40])])
        XCTAssertEqual(try s.scalars(as: Double.self)[0], Foundation.exp(-40) / (1 + Foundation.exp(-40)))
    }

    func testHalfTypesAreComputedInFloat32AndRounded() throws {
        let h = try run1("Exp", [f16([1, 12, -.infinity])])
        XCTAssertEqual(h.dtype, .float16)
        XCTAssertEqual(try h.floatValues(), [2.71875, .infinity, 0])  // e^12 > 65504 overflows
        let b = try run1("Sqrt", [bf16([2, -1])])
        XCTAssertEqual(b.dtype, .bfloat16)
        let values = try b.floatValues()
        XCTAssertEqual(values[0], FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(Float(2).squareRoot())))
        XCTAssertTrue(values[1].isNaN)
        XCTAssertEqual(try run1("Round", [f16([2.5, -0.5])]).floatValues(), [2, -0.0])
    }

    func testEmptyAndScalarTensors() throws {
        let empty = try run1("Exp", [f32([], [0, 3])])
        XCTAssertEqual(empty.shape, [0, 3])
        XCTAssertEqual(empty.count, 0)
        let scalar = try run1("Neg", [f32([2], [])])
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(try scalar.floatValues(), [-2])
    }

    func testIntegerAbsNegSignWrap() throws {
        XCTAssertEqual(try run1("Abs", [ints(.int8, [Int8.min, -1, 5])]).scalars(as: Int8.self), [Int8.min, 1, 5])
        XCTAssertEqual(try run1("Abs", [ints(.uint16, [UInt16(7), .max])]).scalars(as: UInt16.self), [7, .max])
        XCTAssertEqual(try run1("Neg", [ints(.int32, [Int32.min, 3])]).scalars(as: Int32.self), [Int32.min, -3])
        XCTAssertEqual(try run1("Neg", [ints(.int64, [Int64.max])]).scalars(as: Int64.self), [-Int64.max])
        XCTAssertEqual(try run1("Sign", [ints(.int16, [Int16(-9), 0, 4])]).scalars(as: Int16.self), [-1, 0, 1])
        XCTAssertEqual(try run1("Sign", [ints(.uint8, [UInt8(0), 200])]).scalars(as: UInt8.self), [0, 1])
        XCTAssertEqual(try run1("Relu", [ints(.int8, [Int8(-3), 4])]).scalars(as: Int8.self), [0, 4])
        XCTAssertEqual(try run1("Shrink", [ints(.int32, [Int32(-5), 0, 5])], ["lambd": .float(1), "bias": .float(1.5)])
            .scalars(as: Int32.self), [-3, 0, 3])  // −5 + 1.5 = −3.5 and 5 − 1.5 = 3.5 truncate toward zero
    }

    func testAttributeErrorsAndWrongTypes() {
        let cases: [(String, () throws -> Tensor, String)] = [
            ("exp-int", { try run1("Exp", [ints(.int32, [Int32(1)])]) },
             "node 'n' (Exp): input 'input': expected float16, bfloat16, float32 or float64, found int32"),
            ("neg-unsigned", { try run1("Neg", [ints(.uint8, [UInt8(1)])]) },
             "node 'n' (Neg): input 'X': expected int8, int16, int32, int64, float16, bfloat16, float32 or float64, found uint8"),
            ("exp-arity", { try run1("Exp", [f32([1]), f32([1])]) }, "node 'n' (Exp): expected 1 input, found 2"),
            ("gelu-approximate", { try run1("Gelu", [f32([1])], ["approximate": attr("erf")]) },
             "node 'n' (Gelu): attribute 'approximate': expected \"none\" or \"tanh\", found \"erf\""),
            ("elu-alpha-kind", { try run1("Elu", [f32([1])], ["alpha": attr("x")]) },
             "node 'n' (Elu): attribute 'alpha' must be FLOAT, found STRING"),
            ("relu-string", { try run1("Relu", [strings(["a"])]) },
             "node 'n' (Relu): input 'X': expected int8, int16, int32, int64, float16, bfloat16, float32 or float64, found string"),
        ]
        for (id, body, message) in cases {
            XCTAssertThrowsError(try body(), id) { XCTAssertEqual($0.localizedDescription, message, id) }
        }
    }

    func testOpsAreRegisteredFromTheirFirstOpset() {
        let registry = ONNXOps.registry
        let expectations: [(String, Int, Bool)] = [
            ("Round", 10, false), ("Round", 11, true), ("Gelu", 19, false), ("Gelu", 20, true),
            ("HardSwish", 13, false), ("HardSwish", 14, true), ("Mish", 17, false), ("Mish", 18, true),
            ("Celu", 11, false), ("Celu", 12, true), ("Sin", 6, false), ("Sin", 7, true), ("Sinh", 8, false),
            ("Erf", 9, true), ("IsNaN", 8, false), ("IsInf", 9, false), ("IsInf", 10, true),
            ("BitShift", 10, false), ("BitwiseAnd", 17, false), ("BitwiseNot", 18, true),
            ("LessOrEqual", 11, false), ("GreaterOrEqual", 12, true), ("Equal", 6, false), ("Equal", 19, true),
            ("Mod", 9, false), ("Mod", 28, true), ("Where", 8, false), ("Where", 16, true), ("PRelu", 6, false),
            ("Pow", 6, false), ("Pow", 15, true), ("Clip", 6, true), ("Clip", 13, true), ("Max", 1, true),
            ("Not", 1, true), ("And", 7, true), ("Exp", 1, true), ("Shrink", 9, true),
        ]
        for (op, opset, registered) in expectations {
            XCTAssertEqual(registry.lookup(domain: "", name: op, opset: opset) != nil, registered, "\(op) at opset \(opset)")
        }
    }
}

// MARK: - Clip, PRelu, IsNaN, IsInf

final class MathClipAndActivationTests: XCTestCase {
    func testClipWithInputBounds() throws {
        let x = f32([-3, -1, 0, 2, 5, .nan])
        assertFloats(try run1("Clip", [x, f32([-1], []), f32([2], [])]).doubleValues(), [-1, -1, 0, 2, 2, nan], "both")
        assertFloats(try run1("Clip", [x, nil, f32([1], [])]).doubleValues(), [-3, -1, 0, 1, 1, nan], "max only")
        assertFloats(try run1("Clip", [x, f32([0], [])]).doubleValues(), [0, 0, 0, 2, 5, nan], "min only")
        assertFloats(try run1("Clip", [x]).doubleValues(), [-3, -1, 0, 2, 5, nan], "no bounds")
        assertFloats(try run1("Clip", [x, f32([3], []), f32([1], [])]).doubleValues(), [1, 1, 1, 1, 1, nan], "min > max")
        assertFloats(try run1("Clip", [f32([1]), f32([.nan], [])]).doubleValues(), [nan], "NaN bound")
    }

    func testClipIntegersAndHalves() throws {
        let x = ints(.int8, [Int8(-128), -5, 0, 100, 127])
        XCTAssertEqual(try run1("Clip", [x, ints(.int8, [Int8(-10)], []), ints(.int8, [Int8(50)], [])]).scalars(as: Int8.self),
                       [-10, -5, 0, 50, 50])
        XCTAssertEqual(try run1("Clip", [x, nil, ints(.int8, [Int8(0)], [])]).scalars(as: Int8.self), [-128, -5, 0, 0, 0])
        XCTAssertEqual(try run1("Clip", [ints(.uint64, [UInt64.max, 1]), ints(.uint64, [UInt64(2)], [])]).scalars(as: UInt64.self),
                       [.max, 2])
        XCTAssertEqual(try run1("Clip", [f16([-2, 0.5, 70000]), f16([-1], []), f16([1], [])]).floatValues(), [-1, 0.5, 1])
    }

    func testClipAttributesBeforeOpset11() throws {
        let x = f32([-3, 0, 3])
        XCTAssertEqual(try run1("Clip", [x], ["min": .float(-1), "max": .float(1)], opset: 6).floatValues(), [-1, 0, 1])
        XCTAssertEqual(try run1("Clip", [x], ["max": .float(2)], opset: 6).floatValues(), [-3, 0, 2])
        // An absent bound does not clip float64 values beyond float32's range.
        XCTAssertEqual(try run1("Clip", [f64([-1e300, 1e300])], opset: 6).scalars(as: Double.self), [-1e300, 1e300])
    }

    func testClipErrors() {
        XCTAssertThrowsError(try run1("Clip", [f32([1]), f32([0, 1])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Clip): input 'min' must be a scalar, found shape [2]")
        }
        XCTAssertThrowsError(try run1("Clip", [f32([1]), f64([0], [])])) {
            XCTAssertEqual($0.localizedDescription,
                           "node 'n' (Clip): inputs 'input' and 'min' must have one element type, found float32 and float64")
        }
        XCTAssertThrowsError(try run1("Clip", [ints(.int32, [Int32(1)])], opset: 6)) {
            XCTAssertEqual($0.localizedDescription,
                           "node 'n' (Clip): input 'input': expected float16, bfloat16, float32 or float64, found int32")
        }
        XCTAssertThrowsError(try run1("Clip", [f32([1]), nil, nil, f32([1])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Clip): expected 1 to 3 inputs, found 4")
        }
    }

    func testPReluBroadcastsTheSlopeToX() throws {
        let x = f32([-1, 2, -3, 4, -5, 6], [2, 3])
        XCTAssertEqual(try run1("PRelu", [x, f32([0.5, 1, 2])]).floatValues(), [-0.5, 2, -6, 4, -5, 6])
        XCTAssertEqual(try run1("PRelu", [x, f32([0.1], [])]).floatValues(), [-0.1, 2, -0.3, 4, -0.5, 6].map { Float($0) })
        XCTAssertEqual(try run1("PRelu", [ints(.int32, [Int32(-3), 3]), ints(.int32, [Int32(2)])]).scalars(as: Int32.self), [-6, 3])
        XCTAssertThrowsError(try run1("PRelu", [f32([1, 2]), f32([1, 2, 3, 4], [2, 2])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (PRelu): slope of shape [2, 2] does not broadcast to X of shape [2]")
        }
    }

    func testIsNaNAndIsInf() throws {
        let x = f32([1, .nan, .infinity, -.infinity, -0.0])
        XCTAssertEqual(try boolValues(run1("IsNaN", [x])), [false, true, false, false, false])
        XCTAssertEqual(try boolValues(run1("IsInf", [x])), [false, false, true, true, false])
        XCTAssertEqual(try boolValues(run1("IsInf", [x], ["detect_negative": .int(0)])), [false, false, true, false, false])
        XCTAssertEqual(try boolValues(run1("IsInf", [x], ["detect_positive": .int(0)])), [false, false, false, true, false])
        XCTAssertEqual(try boolValues(run1("IsNaN", [f16([.nan, 1])])), [true, false])
        XCTAssertEqual(try boolValues(run1("IsInf", [f64([-inf, nan])])), [true, false])
        // float8e4m3fn: 0x7f is NaN, 0x7e is 448 (no infinities); float8e5m2: 0x7c is +Inf.
        let e4 = try Tensor(dtype: .float8e4m3fn, shape: [2], values: [UInt8(0x7f), 0x7e])
        XCTAssertEqual(try boolValues(run1("IsNaN", [e4])), [true, false])
        XCTAssertEqual(try boolValues(run1("IsInf", [e4])), [false, false])
        let e5 = try Tensor(dtype: .float8e5m2, shape: [2], values: [UInt8(0x7c), 0xfc])
        XCTAssertEqual(try boolValues(run1("IsInf", [e5], ["detect_negative": .int(0)])), [true, false])
        XCTAssertThrowsError(try run1("IsNaN", [ints(.int32, [Int32(1)])]))
    }
}

// MARK: - Pow and Mod

final class MathPowModTests: XCTestCase {
    func testPowFloatAndMixedTypes() throws {
        assertFloats(try run1("Pow", [f32([2, 4, -8, 0, -0.0]), f32([3, 0.5, 1.0 / 3.0, -1, -1])]).doubleValues(),
                     [8, 2, nan, inf, -inf], "float32")
        XCTAssertEqual(try run1("Pow", [f32([1, 2, 3]), ints(.int64, [Int64(4), 5, 6])]).floatValues(), [1, 32, 729])
        XCTAssertEqual(try run1("Pow", [f32([2]), ints(.uint8, [UInt8(10)])]).floatValues(), [1024])
        XCTAssertEqual(try run1("Pow", [f32([2]), f64([0.5])]).floatValues(), [Float(2.0.squareRoot())])
        XCTAssertEqual(try run1("Pow", [f64([2]), f32([0.5])]).scalars(as: Double.self)[0], 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(try run1("Pow", [f16([3]), f16([2])]).floatValues(), [9])
        // Broadcast a scalar exponent over a matrix.
        XCTAssertEqual(try run1("Pow", [f32([1, 2, 3, 4], [2, 2]), f32([2], [])]).floatValues(), [1, 4, 9, 16])
    }

    func testPowIntegerBase() throws {
        XCTAssertEqual(try run1("Pow", [ints(.int32, [Int32(1), 2, 3]), f32([4, 5, 6])]).scalars(as: Int32.self), [1, 32, 729])
        XCTAssertEqual(try run1("Pow", [ints(.int64, [Int64(3), -2, 10]), ints(.int64, [Int64(39), 3, 0])]).scalars(as: Int64.self),
                       [4052555153018976267, -8, 1])  // 3^39 is exact (a float64 pow would round it)
        XCTAssertEqual(try run1("Pow", [ints(.int32, [Int32(2), 1, -1, -1, 5]), ints(.int32, [Int32(31), -2, -3, -2, -1])])
            .scalars(as: Int32.self), [Int32.min, 1, -1, 1, 0])  // 2^31 wraps; negative exponents truncate 1/x^n
    }

    func testModFollowsTheDivisorSignByDefault() throws {
        XCTAssertEqual(try run1("Mod", [ints(.int32, [Int32(-4), 7, -4, 4, 5]), ints(.int32, [Int32(3), -3, -3, 0, 5])])
            .scalars(as: Int32.self), [2, -2, -1, 0, 0])
        XCTAssertEqual(try run1("Mod", [ints(.int8, [Int8.min]), ints(.int8, [Int8(-1)])]).scalars(as: Int8.self), [0])
        XCTAssertEqual(try run1("Mod", [ints(.uint8, [UInt8(250)]), ints(.uint8, [UInt8(7)])]).scalars(as: UInt8.self), [5])
        XCTAssertEqual(try run1("Mod", [ints(.int64, [Int64(-7)]), ints(.int64, [Int64(3)])], ["fmod": .int(1)])
            .scalars(as: Int64.self), [-1])
    }

    func testFloatModSpecialCases() throws {
        // fmod = 0 (opset 28 semantics): result has the divisor's sign.
        let a = f32([-4, 4, 0, -0.0, .infinity, 3, 3, -3, 3, .nan]), b = f32([3, -3, -2, 2, 2, 0, .infinity, .infinity, -.infinity, 1])
        assertFloats(try run1("Mod", [a, b], opset: 28).doubleValues(), [2, -2, -0.0, 0, nan, nan, 3, inf, -inf, nan], "fmod=0")
        // fmod = 1: C fmod, result has the dividend's sign.
        assertFloats(try run1("Mod", [a, b], ["fmod": .int(1)]).doubleValues(), [-1, 1, 0, -0.0, nan, nan, 3, -3, 3, nan], "fmod=1")
        assertFloats(try run1("Mod", [f16([5.5]), f16([-2])]).doubleValues(), [-0.5], "float16")
        XCTAssertThrowsError(try run1("Mod", [f32([1]), f32([1])], ["fmod": .int(2)])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Mod): attribute 'fmod': expected 0 or 1, found 2")
        }
    }
}

// MARK: - Variadic ops

final class MathVariadicTests: XCTestCase {
    func testMaxMinBroadcastAndPropagateNaN() throws {
        let a = f32([1, 5, .nan, -0.0], [4]), b = f32([3], []), c = f32([0, 9, 1, 0, 2, 2, 2, 2], [2, 4])
        let max = try run1("Max", [a, b, c])
        XCTAssertEqual(max.shape, [2, 4])
        assertFloats(try max.doubleValues(), [3, 9, nan, 3, 3, 5, nan, 3], "max")
        assertFloats(try run1("Min", [a, b]).doubleValues(), [1, 3, nan, -0.0], "min")
        assertFloats(try run1("Max", [f32([.nan, 1]), f32([1, .nan])]).doubleValues(), [nan, nan], "nan either side")
        XCTAssertEqual(try run1("Max", [a]).shape, [4])
        XCTAssertEqual(try run1("Min", [ints(.uint32, [UInt32(1), 7]), ints(.uint32, [UInt32(4), 2])]).scalars(as: UInt32.self), [1, 2])
        XCTAssertEqual(try run1("Max", [ints(.int64, [Int64.min, 7]), ints(.int64, [Int64(-1)])]).scalars(as: Int64.self), [-1, 7])
        XCTAssertEqual(try run1("Max", [f16([1, 2]), f16([1.5], [])]).floatValues(), [1.5, 2])
    }

    func testSumAndMean() throws {
        let a = f32([1, 2, 3, 4], [2, 2]), b = f32([10, 20], [2]), c = f32([100], [1, 1])
        XCTAssertEqual(try run1("Sum", [a, b, c]).floatValues(), [111, 122, 113, 124])
        XCTAssertEqual(try run1("Mean", [a, b, c]).floatValues(), [37, 122.0 / 3.0, 113.0 / 3.0, 124.0 / 3.0].map { Float($0) })
        XCTAssertEqual(try run1("Mean", [a]).floatValues(), [1, 2, 3, 4])
        XCTAssertEqual(try run1("Sum", [f64([0.1]), f64([0.2])]).scalars(as: Double.self), [0.1 + 0.2])
        XCTAssertEqual(try run1("Mean", [f16([1, 2]), f16([2, 2])]).floatValues(), [1.5, 2])
        assertFloats(try run1("Sum", [f32([.infinity]), f32([-.infinity])]).doubleValues(), [nan], "inf - inf")
        XCTAssertEqual(try run1("Sum", [f32([], [0, 2]), f32([1, 2])]).shape, [0, 2])
    }

    func testVariadicErrors() {
        XCTAssertThrowsError(try run1("Sum", [ints(.int32, [Int32(1)])])) {
            XCTAssertEqual($0.localizedDescription,
                           "node 'n' (Sum): input 'data_0': expected float16, bfloat16, float32 or float64, found int32")
        }
        XCTAssertThrowsError(try run1("Max", [f32([1]), f64([1])])) {
            XCTAssertEqual($0.localizedDescription,
                           "node 'n' (Max): inputs must have one element type: 'data_0' is float32, 'data_1' is float64")
        }
        XCTAssertThrowsError(try run1("Min", [])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Min): expected at least 1 input, found 0")
        }
        XCTAssertThrowsError(try run1("Max", [f32([1, 2]), f32([1, 2, 3])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Max): shapes [2] and [3] cannot be broadcast")
        }
    }
}

// MARK: - Arithmetic

final class MathArithmeticTests: XCTestCase {
    func testIEEEDivisionAndSignedZero() throws {
        assertFloats(try run1("Div", [f32([1, -1, 0, 1]), f32([0, 0, 0, -.infinity])]).doubleValues(), [inf, -inf, nan, -0.0], "div")
        assertFloats(try run1("Sub", [f32([0]), f32([0])]).doubleValues(), [0], "0 - 0 = +0")
        assertFloats(try run1("Mul", [f32([-0.0, .infinity]), f32([5, 0])]).doubleValues(), [-0.0, nan], "mul")
    }

    func testIntegerArithmeticWraps() throws {
        XCTAssertEqual(try run1("Add", [ints(.uint8, [UInt8(250)]), ints(.uint8, [UInt8(10)])]).scalars(as: UInt8.self), [4])
        XCTAssertEqual(try run1("Sub", [ints(.uint16, [UInt16(1)]), ints(.uint16, [UInt16(2)])]).scalars(as: UInt16.self), [.max])
        XCTAssertEqual(try run1("Mul", [ints(.int16, [Int16.max]), ints(.int16, [Int16(2)])]).scalars(as: Int16.self), [-2])
        XCTAssertEqual(try run1("Div", [ints(.int64, [Int64.min, -7, 7]), ints(.int64, [Int64(-1), 2, 0])]).scalars(as: Int64.self),
                       [Int64.min, -3, 0])
    }

    func testBroadcastPatternsAgreeWithANaiveLoop() throws {
        // [2, 1, 3] + [4, 1] → [2, 4, 3], plus the scalar and row cases of the fast paths.
        let a = f32((0..<6).map(Float.init), [2, 1, 3]), b = f32([0, 10, 20, 30], [4, 1])
        let y = try run1("Add", [a, b])
        XCTAssertEqual(y.shape, [2, 4, 3])
        var expected: [Float] = []
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { expected.append(Float(i * 3 + k) + Float(j * 10)) } } }
        XCTAssertEqual(try y.floatValues(), expected)
        XCTAssertEqual(try run1("Sub", [f32([5], []), f32([1, 2])]).floatValues(), [4, 3])
        XCTAssertEqual(try run1("Mul", [f32([1, 2, 3, 4], [2, 2]), f32([10, 100], [2, 1])]).floatValues(), [10, 20, 300, 400])
        XCTAssertEqual(try run1("Add", [f32([1], [1, 1]), f32([2], [])]).shape, [1, 1])
    }

    func testHalfArithmeticRounds() throws {
        XCTAssertEqual(try run1("Add", [f16([1, 65504]), f16([0x1p-11, 65504])]).floatValues(), [1, .infinity])
        XCTAssertEqual(try run1("Mul", [bf16([3]), bf16([1.0 / 3.0])]).floatValues(),
                       [FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(3 * FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(1.0 / 3.0))))])
    }

    func testArithmeticErrors() {
        XCTAssertThrowsError(try run1("Add", [bools([true]), bools([true])])) {
            XCTAssertEqual($0.localizedDescription,
                           "node 'n' (Add): input 'A': expected int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32 or float64, found bool")
        }
        XCTAssertThrowsError(try run1("Mul", [f32([1]), ints(.int32, [Int32(1)])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Mul): inputs 'A' and 'B' must have one element type, found float32 and int32")
        }
        XCTAssertThrowsError(try run1("Add", [f32([1])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Add): expected 2 inputs, found 1")
        }
    }
}

// MARK: - Bitwise, comparison, logical, Where

final class MathLogicTests: XCTestCase {
    func testBitShiftEdgeCases() throws {
        let left = ["direction": attr("LEFT")], right = ["direction": attr("RIGHT")]
        XCTAssertEqual(try run1("BitShift", [ints(.uint8, [UInt8(1), 255, 3]), ints(.uint8, [UInt8(3), 1, 8])], left)
            .scalars(as: UInt8.self), [8, 254, 0])
        XCTAssertEqual(try run1("BitShift", [ints(.int8, [Int8(64), -1, 5, 5]), ints(.int8, [Int8(1), 7, -1, 8])], left)
            .scalars(as: Int8.self), [-128, -128, 0, 0])
        XCTAssertEqual(try run1("BitShift", [ints(.int32, [Int32(-16), 16, -1, -5, 5]), ints(.int32, [Int32(2), 2, 40, -1, 32])], right)
            .scalars(as: Int32.self), [-4, 4, -1, -1, 0])
        XCTAssertEqual(try run1("BitShift", [ints(.uint64, [UInt64.max]), ints(.uint64, [UInt64(63)])], right)
            .scalars(as: UInt64.self), [1])
        XCTAssertThrowsError(try run1("BitShift", [ints(.uint8, [UInt8(1)]), ints(.uint8, [UInt8(1)])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (BitShift): attribute 'direction' is required")
        }
        XCTAssertThrowsError(try run1("BitShift", [ints(.uint8, [UInt8(1)]), ints(.uint8, [UInt8(1)])], ["direction": attr("left")]))
    }

    func testBitwiseOps() throws {
        let a = ints(.int16, [Int16(0b1100), -1]), b = ints(.int16, [Int16(0b1010)], [1])
        XCTAssertEqual(try run1("BitwiseAnd", [a, b]).scalars(as: Int16.self), [0b1000, 0b1010])
        XCTAssertEqual(try run1("BitwiseOr", [a, b]).scalars(as: Int16.self), [0b1110, -1])
        XCTAssertEqual(try run1("BitwiseXor", [a, b]).scalars(as: Int16.self), [0b0110, ~0b1010])
        XCTAssertEqual(try run1("BitwiseNot", [ints(.uint8, [UInt8(0), 0xf0])]).scalars(as: UInt8.self), [0xff, 0x0f])
        XCTAssertThrowsError(try run1("BitwiseNot", [f32([1])]))
    }

    func testComparisonsFollowIEEE() throws {
        let a = f32([1, .nan, -0.0, 2, .infinity]), b = f32([1, .nan, 0, 3, .infinity])
        XCTAssertEqual(try boolValues(run1("Equal", [a, b])), [true, false, true, false, true])
        XCTAssertEqual(try boolValues(run1("Less", [a, b])), [false, false, false, true, false])
        XCTAssertEqual(try boolValues(run1("Greater", [a, b])), [false, false, false, false, false])
        XCTAssertEqual(try boolValues(run1("LessOrEqual", [a, b])), [true, false, true, true, true])
        XCTAssertEqual(try boolValues(run1("GreaterOrEqual", [a, b])), [true, false, true, false, true])
        XCTAssertEqual(try boolValues(run1("Less", [ints(.uint64, [UInt64.max, 0]), ints(.uint64, [UInt64(1)])])), [false, true])
        XCTAssertEqual(try boolValues(run1("Greater", [ints(.int8, [Int8(-1)]), ints(.int8, [Int8(-2), 0])])), [true, false])
        XCTAssertEqual(try boolValues(run1("Equal", [bools([true, false]), bools([true], [])])), [true, false])
        XCTAssertEqual(try boolValues(run1("Less", [f16([1, 2]), f16([1.5], [])])), [true, false])
        XCTAssertEqual(try boolValues(run1("GreaterOrEqual", [bf16([1, 2]), bf16([2], [])])), [false, true])
        let s = try run1("Equal", [strings(["a", "b", "c", "d"], [2, 2]), strings(["a", "d"], [2])])
        XCTAssertEqual(s.shape, [2, 2])
        XCTAssertEqual(try boolValues(s), [true, false, false, true])
        XCTAssertThrowsError(try run1("Less", [bools([true]), bools([false])])) {
            XCTAssertEqual($0.localizedDescription,
                           "node 'n' (Less): input 'A': expected int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, bfloat16, float32 or float64, found bool")
        }
    }

    func testLogicalOps() throws {
        let a = bools([true, true, false, false]), b = bools([true, false, true, false])
        XCTAssertEqual(try boolValues(run1("And", [a, b])), [true, false, false, false])
        XCTAssertEqual(try boolValues(run1("Or", [a, b])), [true, true, true, false])
        XCTAssertEqual(try boolValues(run1("Xor", [a, b])), [false, true, true, false])
        XCTAssertEqual(try boolValues(run1("Not", [a])), [false, false, true, true])
        XCTAssertEqual(try boolValues(run1("And", [bools([true, false], [2, 1]), bools([true, true, false])])),
                       [true, true, false, false, false, false])
        XCTAssertThrowsError(try run1("And", [ints(.uint8, [UInt8(1)]), bools([true])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (And): input 'A': expected bool, found uint8")
        }
    }

    func testWhereBroadcastsAllThreeInputs() throws {
        let c = bools([true, false], [2, 1]), x = f32([1, 2, 3]), y = f32([-0.0], [])
        let w = try run1("Where", [c, x, y])
        XCTAssertEqual(w.shape, [2, 3])
        assertFloats(try w.doubleValues(), [1, 2, 3, -0.0, -0.0, -0.0], "where")
        // Bits are copied: a NaN payload survives.
        let payload = Float(bitPattern: 0x7fc0_1234)
        XCTAssertEqual(try run1("Where", [bools([true]), f32([payload]), f32([0])]).scalars(as: UInt32.self), [0x7fc0_1234])
        XCTAssertEqual(try run1("Where", [bools([false, true]), ints(.int64, [Int64.max]), ints(.int64, [Int64(1), 2])])
            .scalars(as: Int64.self), [1, Int64.max])
        XCTAssertEqual(try run1("Where", [bools([true, false]), bools([true], []), bools([true, true])]).scalars(as: UInt8.self), [1, 1])
        let s = try run1("Where", [bools([true, false]), strings(["x"], []), strings(["a", "b"])])
        XCTAssertEqual(s.strings.map { String(decoding: $0, as: UTF8.self) }, ["x", "b"])
        XCTAssertEqual(try run1("Where", [bools([], [0]), f16([1]), f16([2])]).shape, [0])
        XCTAssertThrowsError(try run1("Where", [bools([true]), f32([1]), f64([1])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Where): inputs 'X' and 'Y' must have one element type, found float32 and float64")
        }
        XCTAssertThrowsError(try run1("Where", [f32([1]), f32([1]), f32([1])])) {
            XCTAssertEqual($0.localizedDescription, "node 'n' (Where): input 'condition': expected bool, found float32")
        }
    }
}

// MARK: - Kernels

final class BroadcastLoopTests: XCTestCase {
    func testDimensionsMergeWhereEveryInputIsContiguous() throws {
        let same = try BroadcastLoop([[2, 3, 4], [2, 3, 4]])
        XCTAssertEqual(same.dims, [24])
        XCTAssertEqual(same.rowSteps, [1, 1])
        let bias = try BroadcastLoop([[2, 3, 4, 5], [1, 3, 1, 1]])
        XCTAssertEqual(bias.dims, [2, 3, 20])
        XCTAssertEqual(bias.rowSteps, [1, 0])
        let scalar = try BroadcastLoop([[], [1, 1]])
        XCTAssertEqual(scalar.shape, [1, 1])
        XCTAssertEqual(scalar.dims, [1])
        XCTAssertEqual(try BroadcastLoop([[0, 3], [3]]).count, 0)
    }

    func testRowsVisitEveryElementOnce() throws {
        let shapes = [[2, 1, 3], [4, 1], [1, 4, 3]]
        let loop = try BroadcastLoop(shapes)
        var visited: [[Int]] = []
        loop.forEachRow { o, off in
            for n in 0..<loop.rowLength {
                visited.append([o + n] + (0..<3).map { off[$0] + n * loop.rowSteps[$0] })
            }
        }
        var expected: [[Int]] = []
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { expected.append([i * 12 + j * 3 + k, i * 3 + k, j, j * 3 + k]) } } }
        XCTAssertEqual(visited, expected)
    }

    func testKernelsReadUnalignedViews() throws {
        // float32 elements at an odd byte offset (as raw_data can sit in a mapped file).
        final class Holder { let bytes: UnsafeMutableRawBufferPointer
            init(_ n: Int) { bytes = .allocate(byteCount: n, alignment: 16) }
            deinit { bytes.deallocate() }
        }
        let holder = Holder(1 + 3 * 4)
        for (i, v) in [Float(1), -2, 3].enumerated() { holder.bytes.storeBytes(of: v, toByteOffset: 1 + 4 * i, as: Float.self) }
        let view = try Tensor(dtype: .float32, shape: [3],
                              storage: TensorStorage(viewing: UnsafeRawBufferPointer(rebasing: holder.bytes[1...]), owner: holder))
        XCTAssertEqual(try run1("Relu", [view]).floatValues(), [1, 0, 3])
        XCTAssertEqual(try run1("Add", [view, f32([10], [])]).floatValues(), [11, 8, 13])
        XCTAssertEqual(try run1("Where", [bools([true, false, true]), view, view]).floatValues(), [1, -2, 3])
    }

    func testRowCursorMatchesForEachRow() throws {
        let loop = try BroadcastLoop([[3, 1, 2], [1, 4, 1]])
        var fromClosure: [[Int]] = []
        loop.forEachRow { o, off in fromClosure.append([o] + Array(off)) }
        var fromCursor: [[Int]] = []
        var rows = loop.rows()
        while rows.next() { fromCursor.append([rows.output] + rows.offsets) }
        XCTAssertEqual(fromCursor, fromClosure)
        XCTAssertEqual(fromCursor.count, 12)
        var empty = try BroadcastLoop([[0, 2], [2]]).rows()
        XCTAssertFalse(empty.next())
    }
}
