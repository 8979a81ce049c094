import LockstepCore
import XCTest

@testable import Interpreter

/// The recurrent, complex and 3-D builtins on small hand-computed cases: complex64 (RFFT2D, REAL, IMAG,
/// COMPLEX_ABS), the 3-D convolutions and the recurrent ops' state handling. The converter-made
/// LiteRT cases (`rec_*` in Tests/Fixtures/tflite-op-tests, TFLiteConformanceTests) check them
/// against LiteRT itself.
final class TFLiteRecurrentAudio3DOpsTests: XCTestCase {
    func f(_ v: [Float], _ shape: [Int]) throws -> Tensor { try Tensor(float32: v, shape: shape) }
    func i32(_ v: [Int32]) throws -> Tensor { try Tensor(dtype: .int32, shape: [v.count], values: v) }
    func s(_ text: String) -> AttributeValue { .string(Array(text.utf8)) }
    func c64(_ t: Tensor) throws -> [Complex64] { try t.scalars(as: Complex64.self) }

    // MARK: complex

    func testRfft2dOfAnImpulseAndAConstant() throws {
        // An impulse at (0, 0) has a flat spectrum; a constant has only the DC bin (= sum).
        var impulse = [Float](repeating: 0, count: 16)
        impulse[0] = 2
        let y = try runTFLiteNode("RFFT2D", [try f(impulse, [4, 4]), try i32([4, 4])])[0]
        XCTAssertEqual(y.dtype, .complex64)
        XCTAssertEqual(y.shape, [4, 3])
        XCTAssertEqual(try c64(y).map(\.real), [Float](repeating: 2, count: 12))
        XCTAssertEqual(try c64(y).map { $0.imaginary.magnitude }, [Float](repeating: 0, count: 12))
        let constant = try runTFLiteNode("RFFT2D", [try f([Float](repeating: 0.5, count: 8), [1, 2, 4]), try i32([2, 4])])[0]
        XCTAssertEqual(constant.shape, [1, 2, 3])
        XCTAssertEqual(try c64(constant).map(\.real), [4, 0, 0, 0, 0, 0])
        // The self-conjugate bins read −0 in their imaginary part, as LiteRT's reorder leaves them.
        XCTAssertEqual(try c64(constant)[0].imaginary.sign, .minus)
    }

    func testRfft2dCropsAndZeroPadsToTheFFTLength() throws {
        // Width 3 padded to 4, height 2 cropped to 1: row [1, 2, 3, 0] → bins 6, −2−2i, 2.
        let y = try runTFLiteNode("RFFT2D", [try f([1, 2, 3, 9, 9, 9], [2, 3]), try i32([1, 4])])[0]
        XCTAssertEqual(y.shape, [1, 3])
        let v = try c64(y)
        XCTAssertEqual(v.map(\.real), [6, -2, 2])
        XCTAssertEqual(v.map(\.imaginary), [-0.0, -2, -0.0])
    }

    func testRfft2dRefusesWhatLiteRTRefuses() throws {
        for (id, inputs) in [
            ("length not a power of two", [try f([1, 2, 3, 4, 5, 6], [2, 3]), try i32([2, 3])]),
            ("rank 1 input", [try f([1, 2], [2]), try i32([1, 2])]),
            ("length of one element", [try f([1, 2], [1, 2]), try i32([2])]),
            ("int32 input", [try Tensor(dtype: .int32, shape: [2, 2], values: [Int32](repeating: 1, count: 4)), try i32([2, 2])]),
        ] as [(String, [Tensor])] {
            XCTAssertThrowsError(try runTFLiteNode("RFFT2D", inputs), id)
        }
    }

    func testRealImagAbsOfComplex64AndComplex128() throws {
        let z = try Tensor(dtype: .complex64, shape: [3], values: [Complex64(real: 3, imaginary: 4), Complex64(real: -1, imaginary: 0),
                                                                     Complex64(real: 3e38, imaginary: 3e38)])
        XCTAssertEqual(try runTFLiteNode("REAL", [z])[0].scalars(as: Float.self), [3, -1, 3e38])
        XCTAssertEqual(try runTFLiteNode("IMAG", [z])[0].scalars(as: Float.self), [4, 0, 3e38])
        let abs = try runTFLiteNode("COMPLEX_ABS", [z])[0]
        XCTAssertEqual(abs.dtype, .float32)
        XCTAssertEqual(try abs.scalars(as: Float.self)[0...1], [5, 1])
        XCTAssertEqual(try abs.scalars(as: Float.self)[2], Float(3e38) * Float(2).squareRoot(), accuracy: 1e32)  // no overflow
        let w = try Tensor(dtype: .complex128, shape: [1], values: [Complex128(real: 5, imaginary: 12)])
        let wide = try runTFLiteNode("COMPLEX_ABS", [w])[0]
        XCTAssertEqual(wide.dtype, .float64)
        XCTAssertEqual(try wide.scalars(as: Double.self), [13])
        XCTAssertEqual(try runTFLiteNode("IMAG", [w])[0].scalars(as: Double.self), [12])
        XCTAssertThrowsError(try runTFLiteNode("REAL", [try f([1], [1])]))
    }

    // MARK: 3-D convolutions

    func testConv3DWindowsPaddingAndActivation() throws {
        // [1, 2, 2, 2, 1] input 1…8; a 2×2×2 all-ones filter over SAME padding sums the octant
        // ahead of each voxel (zero padding at the end), then + bias and RELU6.
        let x = try f((1...8).map(Float.init), [1, 2, 2, 2, 1])
        let w = try f([Float](repeating: 1, count: 8), [2, 2, 2, 1, 1])
        let same = try runTFLiteNode("CONV_3D", [x, w, try f([-30], [1])],
                                     ["padding": s("SAME"), "stride_d": .int(1), "stride_h": .int(1), "stride_w": .int(1),
                                      "fused_activation_function": s("RELU6")])[0]
        XCTAssertEqual(same.shape, [1, 2, 2, 2, 1])
        // Sums 36, 20, 24, 14, 26, 14, 16, 8 − 30 → clamp [0, 6].
        XCTAssertEqual(try same.scalars(as: Float.self), [6, 0, 0, 0, 0, 0, 0, 0])
        let valid = try runTFLiteNode("CONV_3D", [x, w], ["padding": s("VALID"), "stride_d": .int(1), "stride_h": .int(1), "stride_w": .int(1)])[0]
        XCTAssertEqual(valid.shape, [1, 1, 1, 1, 1])
        XCTAssertEqual(try valid.scalars(as: Float.self), [36])
        // Two output channels, stride 2 in depth only.
        let w2 = try f([1, -1], [1, 1, 1, 1, 2])
        let strided = try runTFLiteNode("CONV_3D", [x, w2], ["padding": s("VALID"), "stride_d": .int(2), "stride_h": .int(1), "stride_w": .int(1)])[0]
        XCTAssertEqual(strided.shape, [1, 1, 2, 2, 2])
        XCTAssertEqual(try strided.scalars(as: Float.self), [1, -1, 2, -2, 3, -3, 4, -4])
    }

    func testConv3DTransposeScattersBackToTheOutputShape() throws {
        // One input voxel of value 2, a 2×2×2 filter 1…8, stride 2: the output is 2·filter.
        let filter = try f((1...8).map(Float.init), [2, 2, 2, 1, 1])
        let y = try runTFLiteNode("CONV_3D_TRANSPOSE", [try i32([1, 2, 2, 2, 1]), filter, try f([2], [1, 1, 1, 1, 1]), try f([1], [1])],
                                  ["padding": s("VALID"), "stride_d": .int(2), "stride_h": .int(2), "stride_w": .int(2)])[0]
        XCTAssertEqual(y.shape, [1, 2, 2, 2, 1])
        XCTAssertEqual(try y.scalars(as: Float.self), (1...8).map { Float($0 * 2 + 1) })
        // An output shape a convolution would not map back onto the input is refused.
        XCTAssertThrowsError(try runTFLiteNode("CONV_3D_TRANSPOSE", [try i32([1, 5, 2, 2, 1]), filter, try f([2], [1, 1, 1, 1, 1])],
                                                ["padding": s("VALID"), "stride_d": .int(2), "stride_h": .int(2), "stride_w": .int(2)]))
        XCTAssertThrowsError(try runTFLiteNode("CONV_3D_TRANSPOSE", [try i32([1, 2, 2]), filter, try f([2], [1, 1, 1, 1, 1])]))
    }

    func testConv3DRefusesMismatchedShapes() throws {
        let x = try f([Float](repeating: 1, count: 8), [1, 2, 2, 2, 1])
        XCTAssertThrowsError(try runTFLiteNode("CONV_3D", [x, try f([1, 1], [1, 1, 1, 2, 1])]))  // channels
        XCTAssertThrowsError(try runTFLiteNode("CONV_3D", [x, try f([1], [1, 1, 1, 1, 1]), try f([1, 2], [2])]))  // bias
        XCTAssertThrowsError(try runTFLiteNode("CONV_3D", [try f([1], [1, 1, 1, 1]), try f([1], [1, 1, 1, 1, 1])]))  // rank
        // A VALID window one larger than the input leaves no output (as LiteRT sizes it); two larger is refused.
        let empty = try runTFLiteNode("CONV_3D", [x, try f([Float](repeating: 1, count: 27), [3, 3, 3, 1, 1])], ["padding": s("VALID")])[0]
        XCTAssertEqual(empty.shape, [1, 0, 0, 0, 1])
        XCTAssertThrowsError(try runTFLiteNode("CONV_3D", [x, try f([Float](repeating: 1, count: 64), [4, 4, 4, 1, 1])], ["padding": s("VALID")]))
    }

    // MARK: recurrent building blocks

    /// Eigen's float tanh as LiteRT 2.3.0 computes it (values measured through an RNN with identity
    /// weights, BUILTIN_REF): not the C library's tanhf where the two differ.
    func testEigenTanhMatchesLiteRTBits() {
        let table: [(x: UInt32, litert: UInt32)] = [
            (0x0000_0000, 0x0000_0000), (0x399d_4952, 0x399d_4952), (0x40fc_cccd, 0x3f7f_fffd), (0x4100_0000, 0x3f80_0000),
            (0x4100_51ec, 0x3f80_0000), (0x41a0_0000, 0x3f80_0000), (0xc1a0_0000, 0xbf80_0000), (0xc101_97c2, 0xbf80_0000),
            (0xc000_395f, 0xbf76_daab), (0x4090_3753, 0x3f7f_f00c), (0x4025_7d85, 0x3f7d_1c47), (0x4017_8a19, 0x3f7b_8b94),
        ]
        for (x, expected) in table {
            XCTAssertEqual(EigenFloat.tanh(Float(bitPattern: x)).bitPattern, expected, "tanh(\(Float(bitPattern: x)))")
        }
        XCTAssertTrue(EigenFloat.tanh(.nan).isNaN)
        // The logistic's two forms agree closely and saturate like Eigen's.
        for x: Float in [-30, -5, -0.5, 0, 0.25, 3, 17, 40] {
            XCTAssertEqual(EigenFloat.logisticPacket(x), EigenFloat.logisticScalar(x), accuracy: 2e-7, "\(x)")
        }
        XCTAssertEqual(EigenFloat.logisticPacket(-200), 0)
        XCTAssertEqual(EigenFloat.logisticPacket(0), 0.5)
    }

    /// LiteRT's x86 quantisers: the first multiple of eight values round by adding ±0.5 in float
    /// and truncating, the rest half away from zero; the asymmetric offset is added after rounding.
    func testX86HybridQuantisersRoundLikeNeonOnSSE() {
        // 8 values: 127 / 127 = 1 exactly, so q = rounding of the value itself; 0.49999997 + 0.5
        // rounds to 1 in float (vector part), while TfLiteRound gives 0 (the ninth value, tail).
        let v: [Float] = [127, 0.49999997, -0.49999997, 2.5, -2.5, 1.5, 0, 3, 0.49999997]
        let q = v.withUnsafeBufferPointer { TFLiteHybrid.symmetricX86($0) }
        XCTAssertEqual(q.scale, 1)
        XCTAssertEqual(q.values, [127, 1, -1, 3, -3, 2, 0, 3, 0])
        let portable = v.withUnsafeBufferPointer { TFLiteHybrid.symmetric($0) }
        XCTAssertEqual(portable.values[1], 0, "the portable quantiser rounds 0.49999997 to 0")
        let zeros = [Float](repeating: 0, count: 5).withUnsafeBufferPointer { TFLiteHybrid.asymmetricX86($0) }
        XCTAssertEqual(zeros.values, [0, 0, 0, 0, 0])
        XCTAssertEqual(zeros.scale, 1)
        let a = [Float](arrayLiteral: 0, 1, 2, 3, 4, 5, 6, 255).withUnsafeBufferPointer { TFLiteHybrid.asymmetricX86($0) }
        XCTAssertEqual(a.offset, -128)
        XCTAssertEqual(a.values.first, -128)
        XCTAssertEqual(a.values.last, 127)
    }

    /// The recurrent ops keep state in variable tensors, as LiteRT requires; a plain input is refused.
    func testRecurrentStateMustBeAVariable() throws {
        let x = try f([1, 2], [1, 2]), w = try f([1, 0, 0, 1], [2, 2]), b = try f([0, 0], [2]), h = try f([0, 0], [1, 2])
        XCTAssertThrowsError(try runTFLiteNode("RNN", [x, w, w, b, h], ["fused_activation_function": s("TANH")])) { error in
            XCTAssertTrue("\(error)".contains("variable"), "\(error)")
        }
    }
}
