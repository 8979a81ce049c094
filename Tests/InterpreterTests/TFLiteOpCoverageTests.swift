import Foundation
import LockstepTestSupport
import XCTest

@testable import Interpreter

/// Every builtin `TFLiteOps.registry` implements has a converter-made LiteRT case in
/// Tests/Fixtures/tflite-op-tests (scripts/make-tflite-op-tests.py and the other
/// make-tflite-op-tests-*.py generators), which `TFLiteConformanceTests` runs — or is listed
/// here with the reason it is covered elsewhere. A case covers the builtins LiteRT executed for
/// it (the `ops` of its case.json), not only the one it is named after.
final class TFLiteOpCoverageTests: XCTestCase {
    static let opTests = Repo.path("Tests/Fixtures/tflite-op-tests")
    static let models = Repo.path("Tests/Fixtures/tflite-models")

    /// Implemented builtins without a single-op case, each with its reason. Each must be covered
    /// by a case of Tests/Fixtures/tflite-models instead (checked below).
    static let coveredElsewhere: [String: String] = [
        "VAR_HANDLE": "resource variables live across invocations: Tests/Fixtures/tflite-models/variable_streaming runs them with --steps 3",
        "READ_VARIABLE": "resource variables live across invocations: Tests/Fixtures/tflite-models/variable_streaming runs them with --steps 3",
        "ASSIGN_VARIABLE": "resource variables live across invocations: Tests/Fixtures/tflite-models/variable_streaming runs them with --steps 3",
        "CALL_ONCE": "runs only in the first invocation of a state: Tests/Fixtures/tflite-models/variable_streaming checks it over --steps 3",
    ]

    /// The union of the `ops` lists of the case.json files under `directory`.
    static func coveredOps(in directory: String) throws -> [String: [String]] {
        var covered: [String: [String]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)/case.json") else { continue }
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name)/case.json")
            for op in json["ops"] as? [String] ?? [] { covered[op, default: []].append(name) }
        }
        return covered
    }

    func testEveryImplementedBuiltinHasAnOpTestCase() throws {
        let covered = try Self.coveredOps(in: Self.opTests)
        XCTAssertGreaterThan(covered.count, 90, "the op-test cases are missing (scripts/make-tflite-op-tests.py)")
        let registered = Set(TFLiteOps.registry.opNames)
        let missing = registered.subtracting(covered.keys).subtracting(Self.coveredElsewhere.keys).sorted()
        XCTAssertEqual(missing, [], "implemented builtins without a case in Tests/Fixtures/tflite-op-tests (add one to a make-tflite-op-tests*.py generator, or list it in coveredElsewhere with its reason)")
    }

    func testTheExceptionsAreImplementedCoveredElsewhereAndNotStale() throws {
        let opTests = try Self.coveredOps(in: Self.opTests), models = try Self.coveredOps(in: Self.models)
        let registered = Set(TFLiteOps.registry.opNames)
        for (op, reason) in Self.coveredElsewhere.sorted(by: { $0.key < $1.key }) {
            XCTAssertTrue(registered.contains(op), "\(op) is listed but not implemented")
            XCTAssertNil(opTests[op], "\(op) now has op-test cases (\(opTests[op] ?? [])); remove it from coveredElsewhere")
            XCTAssertNotNil(models[op], "\(op) is not run by any case of Tests/Fixtures/tflite-models either")
            XCTAssertFalse(reason.isEmpty)
        }
    }

    /// The option combinations the issue names have cases: the case names carry them.
    func testTheOptionCombinationsHaveCases() throws {
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: Self.opTests))
        let required = [
            // STRIDED_SLICE masks
            "op_strided_slice_masks_float32", "op_strided_slice_shrink_int8", "op_strided_slice_ellipsis_int8", "op_strided_slice_new_axis_float32",
            "op_strided_slice_negative_stride_int8",
            // RESIZE align_corners / half_pixel_centers
            "op_resize_bilinear_float32", "op_resize_bilinear_align_corners_float32", "op_resize_bilinear_legacy_float32",
            "op_resize_nearest_neighbor_int8", "op_resize_nearest_neighbor_align_corners_int8", "op_resize_nearest_neighbor_legacy_float32",
            // TRANSPOSE_CONV padding, strides, bias, fused activation, schemes
            "op_transpose_conv_same_s2_bias_int8", "op_transpose_conv_valid_s1_bias_int16x8", "op_transpose_conv_same_s2_nobias_int8pt",
            "op_transpose_conv_same_s2_relu_float32", "op_transpose_conv_float16_weights_float16", "op_transpose_conv_hybrid_dynamic",
            // GATHER batch_dims, SPLIT axes, PAD modes
            "op_gather_batch_dims1_float32", "op_gather_axis1_int16x8", "op_split_axis1_int8", "op_split_axis_last_float32",
            "op_pad_int8", "op_padv2_int8", "op_mirror_pad_reflect_int16x8", "op_mirror_pad_symmetric_float32",
            // hybrid kernels
            "op_fully_connected_hybrid_dynamic", "op_fully_connected_hybrid_dynamicpt", "op_conv_2d_hybrid_dynamic",
            "op_depthwise_conv_2d_hybrid_m4_dynamic", "op_batch_matmul_hybrid_dynamic",
        ]
        XCTAssertEqual(required.filter { !names.contains($0) }, [])
    }
}
