import Interpreter
import LockstepCore
import XCTest
@testable import Checking

final class LayoutTests: XCTestCase {
    func testPermutationsPutChannelsLastToFirstBeforeOthers() {
        XCTAssertEqual(Layout.permutations(from: [1, 4, 5, 3], to: [1, 3, 4, 5]), [[0, 3, 1, 2]])
        XCTAssertEqual(Layout.permutations(from: [1, 3, 4, 5], to: [1, 4, 5, 3]), [[0, 2, 3, 1]])
        XCTAssertEqual(Layout.permutations(from: [2, 3], to: [2, 3]), [[0, 1]])
        // Square spatial dims: the identity first, the layout swaps next, then the rest.
        let square = Layout.permutations(from: [1, 4, 4, 4], to: [1, 4, 4, 4])
        XCTAssertEqual(Array(square.prefix(3)), [[0, 1, 2, 3], [0, 3, 1, 2], [0, 2, 3, 1]])
        XCTAssertEqual(square.count, 6)
        XCTAssertEqual(Layout.permutations(from: [2, 3], to: [6]), [])
        XCTAssertEqual(Layout.permutations(from: [2, 3], to: [2, 4]), [])
    }

    func testTransposeAgreesWithTheInterpreterKernel() throws {
        let shape = [2, 3, 4, 5]
        let values = (0..<120).map(Double.init)
        let tensor = try Tensor(float32: values.map { Float($0) }, shape: shape)
        for perm in [[0, 3, 1, 2], [0, 2, 3, 1], [3, 2, 1, 0], [0, 1, 2, 3]] {
            let expected = try DataMovement.transpose(tensor, perm: perm).doubleValues()
            XCTAssertEqual(Layout.transpose(values, shape: shape, perm: perm), expected, "\(perm)")
        }
    }

    func testDescriptions() {
        XCTAssertEqual(Layout.describe([0, 3, 1, 2]), "transposed NHWC→NCHW (perm [0, 3, 1, 2])")
        XCTAssertEqual(Layout.describe([0, 2, 3, 1]), "transposed NCHW→NHWC (perm [0, 2, 3, 1])")
        XCTAssertEqual(Layout.describe([0, 2, 1]), "transposed NWC→NCW (perm [0, 2, 1])")
        XCTAssertEqual(Layout.describe([1, 0]), "transposed (perm [1, 0])")
    }

    func testQuantiseAndDequantisePerTensorAndPerAxis() throws {
        let q = QuantizationParameters(scales: [0.5], zeroPoints: [-3])
        let t = try Quantizer.quantize([0, 1, -1, 100, -100, 0.25], shape: [6], dtype: .int8, q)
        XCTAssertEqual(try t.scalars(as: Int8.self), [-3, -1, -5, 127, -128, -3])  // 0.25/0.5 = 0.5 rounds to even 0
        XCTAssertEqual(try Quantizer.dequantize(t), [0, 1, -1, 65, -62.5, 0])
        let axis = QuantizationParameters(scales: [1, 10], zeroPoints: [0, 0], axis: 1)
        var codes = try Tensor(dtype: .int8, shape: [2, 2], values: [Int8(1), 2, 3, 4])
        codes.quantization = axis
        XCTAssertEqual(try Quantizer.dequantize(codes), [1, 20, 3, 40])
        XCTAssertThrowsError(try Quantizer.quantize([1], shape: [1], dtype: .float32, q))
    }
}
