import Foundation
import XCTest

@testable import TensorRTFormat

/// Every file in ../shared/fixtures/tensorrt is either read by a test (with what it is recognised
/// as) or listed here as not used, with the reason. A new fixture file fails this test until it
/// is added to one of the tables.
final class FixtureCoverageTests: XCTestCase {
    /// Files the other tests load, and what the loader recognises each as.
    static let loaded: [String: BundleFileKind] = [
        "fuzzylabs-edge-vision/alexnet_fp16.graph.json": .layerInfoJSON,
        "fuzzylabs-edge-vision/alexnet_fp16.profile.json": .profileJSON,
        "fuzzylabs-edge-vision/alexnet_fp16.timing.json": .timesJSON,
        "fuzzylabs-edge-vision/alexnet_fp16.profile.metadata.json": .trexProfileMetadata,   // warm-up + trtexec's own latency summary
        "fuzzylabs-edge-vision/mobilenet_v2_fp16.graph.json": .layerInfoJSON,
        "fuzzylabs-edge-vision/mobilenet_v2_fp16.profile.json": .profileJSON,
        "fuzzylabs-edge-vision/resnet18_fp16.graph.json": .layerInfoJSON,
        "fuzzylabs-edge-vision/resnet18_fp16.profile.json": .profileJSON,
        "fuzzylabs-edge-vision/torch-tensorrt_alexnet_run_on_acc_0_engine_layer_information.json": .layerInfoJSON,
        "hax-conn/googlenet_dla_mark_at_53.profile.json": .profileJSON,
        "hax-conn/googlenet_dla_transition_at_10.profile.json": .profileJSON,
        "hax-conn/googlenet_gpu_transition_at_-1.profile.json": .profileJSON,
        "hax-conn/googlenet_gpu_transition_at_38.profile.json": .profileJSON,
        "nvidia-tensorrt-trex/trex-A100_fp16_resnet.onnx.engine.graph.json": .layerInfoJSON,
        "nvidia-tensorrt-trex/trex-A100_fp16_resnet.onnx.engine.profile.json": .profileJSON,
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.graph.json": .layerInfoJSON,
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.profile.json": .profileJSON,
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.timing.json": .timesJSON,
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.profile.metadata.json": .trexProfileMetadata,
        "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.graph.json": .layerInfoJSON,
        "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.profile.json": .profileJSON,
        "trt-samples-hackathon-cn/trtexec_model-trained-exportLayerInfo.log.json": .layerInfoJSON,
        "trt-samples-hackathon-cn/trtexec_result-04.log": .layerInfoLog,
        "trt-samples-hackathon-cn/trtexec_result-02.log": .verboseBuildLog,
        "trt-samples-hackathon-cn/trtexec_result-05.log": .profileLog,
        "trt-samples-hackathon-cn/trtexec_result-07.log": .dumpOutputLog,
        "trt-samples-hackathon-cn/polygraphy_output.json": .polygraphyOutputs,
        "trt-samples-hackathon-cn/polygraphy_input.json": .polygraphyInputs,
    ]

    /// Files recognised (or not) but intentionally not used, with the reason (also in docs/tensorrt.md).
    static let notUsed: [String: (kind: BundleFileKind, reason: String)] = [
        "fuzzylabs-edge-vision/alexnet_fp16.build.metadata.json":
            (.trexBuildMetadata, "TREx's summary of the trtexec build options; the engine facts come from the layer information"),
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.build.metadata.json":
            (.trexBuildMetadata, "TREx's summary of the trtexec build options"),
        "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.build.metadata.json":
            (.trexBuildMetadata, "TREx's summary of the trtexec build options"),
        "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.profile.metadata.json":
            (.trexProfileMetadata, "only its warm-up duration would be used, and the matching timing.json was not copied"),
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.metadata.json":
            (.trexDeviceMetadata, "GPU device properties (TREx); nothing Lockstep checks"),
        "trt-samples-hackathon-cn/polygraphy_model-02-tactics.json":
            (.polygraphyTactics, "a tactic replay file steers a rebuild; it does not describe the built engine's layers"),
        "trt-samples-hackathon-cn/polygraphy_result-02.log":
            (.unrecognised, "a verbose Polygraphy build log: no layer information, profile or output values in a stable form"),
    ]

    func testEveryFixtureFileIsAccountedFor() throws {
        try TRTFixtures.require()
        let files = TRTFixtures.allFiles()
        XCTAssertEqual(files.count, 35)
        XCTAssertEqual(Set(files), Set(Self.loaded.keys).union(Self.notUsed.keys), "fixture files and the tables differ")
        XCTAssertTrue(Set(Self.loaded.keys).isDisjoint(with: Self.notUsed.keys))
        for file in files {
            let kinds = try TensorRTFiles.classify(path: TRTFixtures.path(file))
            let expected = Self.loaded[file] ?? Self.notUsed[file]!.kind
            XCTAssertEqual(kinds, [expected], file)
        }
    }
}
