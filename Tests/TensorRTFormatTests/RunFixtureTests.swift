import Foundation
import LockstepCore
import XCTest

@testable import TensorRTFormat

/// Profiles, times and outputs from real runs, cross-checked against independent readings.
final class RunFixtureTests: XCTestCase {
    static let profileFiles = [
        "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine.profile.json",
        "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.profile.json",
        "nvidia-tensorrt-trex/trex-A100_fp16_resnet.onnx.engine.profile.json",
        "fuzzylabs-edge-vision/alexnet_fp16.profile.json",
        "fuzzylabs-edge-vision/resnet18_fp16.profile.json",
        "fuzzylabs-edge-vision/mobilenet_v2_fp16.profile.json",
        "hax-conn/googlenet_gpu_transition_at_-1.profile.json",
        "hax-conn/googlenet_gpu_transition_at_38.profile.json",
        "hax-conn/googlenet_dla_transition_at_10.profile.json",
        "hax-conn/googlenet_dla_mark_at_53.profile.json",
    ]

    /// Every profile: count, entry count, names, sum of averageMs; medianMs present from
    /// TensorRT 8.4 on and absent in the TensorRT 7.1 (HaX-CoNN) files.
    func testEveryProfileMatchesIndependentReading() throws {
        try TRTFixtures.require()
        for file in Self.profileFiles {
            let raw = try XCTUnwrap(TRTFixtures.foundationJSON(file) as? [[String: Any]], file)
            let profile = try TensorRTFiles.readProfile(path: TRTFixtures.path(file))
            XCTAssertEqual(profile.count, raw[0]["count"] as? Int, file)
            let entries = Array(raw.dropFirst())
            XCTAssertEqual(profile.layers.count, entries.count, file)
            XCTAssertEqual(profile.layers.map(\.name), entries.map { $0["name"] as? String ?? "" }, file)
            let rawSum = entries.map { ($0["averageMs"] as? NSNumber)?.doubleValue ?? .nan }.reduce(0, +)
            XCTAssertEqual(profile.layers.map(\.averageMs).reduce(0, +), rawSum, accuracy: 1e-9, file)
            let rawTimeSum = entries.map { ($0["timeMs"] as? NSNumber)?.doubleValue ?? .nan }.reduce(0, +)
            XCTAssertEqual(profile.layers.map(\.timeMs).reduce(0, +), rawTimeSum, accuracy: 1e-6, file)
            let hasMedian = entries.allSatisfy { $0["medianMs"] != nil }
            XCTAssertEqual(profile.layers.allSatisfy { $0.medianMs != nil }, hasMedian, file)
            if file.hasPrefix("hax-conn/") {
                XCTAssertTrue(profile.layers.allSatisfy { $0.medianMs == nil }, "TensorRT 7 profiles have no medianMs: \(file)")
            } else {
                XCTAssertTrue(profile.layers.allSatisfy { $0.medianMs != nil }, file)
            }
            XCTAssertTrue(profile.warnings.isEmpty, "\(file): \(profile.warnings)")
        }
    }

    /// HaX-CoNN GoogLeNet on Xavier: a DLA subgraph is the profile entry named `{a,b,…}`; its
    /// reformat and synchronisation entries start with the same braces.
    func testDLASubgraphs() throws {
        try TRTFixtures.require()
        for file in Self.profileFiles where file.hasPrefix("hax-conn/") {
            let raw = try XCTUnwrap(TRTFixtures.foundationJSON(file) as? [[String: Any]])
            let names = raw.dropFirst().compactMap { $0["name"] as? String }
            let profile = try TensorRTFiles.readProfile(path: TRTFixtures.path(file))
            let exact = try NSRegularExpression(pattern: "^\\{[^{}]*\\}$")
            let rawSubgraphs = names.filter { exact.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
            XCTAssertEqual(profile.layers.filter(\.isDLASubgraph).map(\.name), rawSubgraphs, file)
            XCTAssertEqual(profile.layers.filter { !$0.dlaLayers.isEmpty }.count, names.filter { $0.hasPrefix("{") }.count, file)
            for entry in profile.layers where entry.isDLASubgraph {
                XCTAssertEqual(entry.dlaLayers, entry.name.dropFirst().dropLast().components(separatedBy: ","), file)
            }
        }
        let gpuOnly = try TensorRTFiles.readProfile(path: TRTFixtures.path("hax-conn/googlenet_gpu_transition_at_-1.profile.json"))
        XCTAssertTrue(gpuOnly.layers.allSatisfy { !$0.isDLASubgraph })
        let merged = try XCTUnwrap(gpuOnly.layers.first { $0.name.contains(" || ") })
        XCTAssertEqual(Array(merged.fusedParts.prefix(4)), ["inception_3a/1x1", "inception_3a/relu_1x1", "inception_3a/3x3_reduce",
                                                            "inception_3a/relu_3x3_reduce"])
        XCTAssertTrue(gpuOnly.layers.contains { $0.name.hasSuffix(" input reformatter 0") && $0.isReformat })

        let transition = try TensorRTFiles.readProfile(path: TRTFixtures.path("hax-conn/googlenet_gpu_transition_at_38.profile.json"))
        XCTAssertEqual(transition.layers.filter(\.isDLASubgraph).count, 1)
        XCTAssertEqual(transition.layers.filter { !$0.dlaLayers.isEmpty }.count, 5)
        XCTAssertEqual(transition.layers.first(where: \.isDLASubgraph)?.dlaLayers.first, "pool3/3x3_s2")
        XCTAssertEqual(transition.layers.filter { !$0.dlaLayers.isEmpty && $0.isReformat }.count, 4)
        XCTAssertEqual(transition.layers.last?.name, "prob")
        XCTAssertFalse(transition.layers.last!.isDLASubgraph)

        let mark = try TensorRTFiles.readProfile(path: TRTFixtures.path("hax-conn/googlenet_dla_mark_at_53.profile.json"))
        XCTAssertEqual(mark.layers.filter(\.isDLASubgraph).count, 1)
        XCTAssertEqual(mark.layers.first(where: \.isDLASubgraph)?.dlaLayers.first, "conv1/7x7_s2")
        XCTAssertEqual(mark.layers.filter(\.isTransfer).map(\.name).filter { !$0.hasPrefix("{") },
                       ["data to nvm", "data copy finish", "(Unnamed Layer* 53) [Convolution]_output from nvm",
                        "(Unnamed Layer* 53) [Convolution]_output copy finish"])
        XCTAssertEqual(mark.layers.map(\.name).filter { !$0.hasPrefix("{") },
                       ["data to nvm", "data copy finish", "(Unnamed Layer* 53) [Convolution]_output from nvm",
                        "(Unnamed Layer* 53) [Convolution]_output copy finish", "prob"])
    }

    /// A profile and the layer information of the same engine match by name.
    func testProfileMatchesLayers() throws {
        try TRTFixtures.require()
        for engine in ["nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine", "nvidia-tensorrt-trex/trex-A100_fp16_resnet.onnx.engine",
                       "nvidia-tensorrt-trex/trex-tests_mobilenet.qat.onnx.engine", "fuzzylabs-edge-vision/alexnet_fp16",
                       "fuzzylabs-edge-vision/resnet18_fp16", "fuzzylabs-edge-vision/mobilenet_v2_fp16"] {
            let bundle = try TensorRTBundleLoader.load(
                files: TensorRTBundleFiles(layers: TRTFixtures.path(engine + ".graph.json"), profile: TRTFixtures.path(engine + ".profile.json")),
                path: engine)
            let profile = try XCTUnwrap(bundle.profile)
            // Each profile entry is a layer, and every layer is profiled (NoOp layers too).
            XCTAssertTrue(profile.allSatisfy { $0.layerIndex != nil }, "\(engine): \(bundle.warnings)")
            for entry in profile { XCTAssertEqual(bundle.layers[entry.layerIndex!].name, entry.name) }
            XCTAssertEqual(Set(profile.map(\.name)), Set(bundle.layers.map(\.name)), engine)
            XCTAssertTrue(bundle.warnings.isEmpty, "\(engine): \(bundle.warnings)")
        }
    }

    // MARK: Times

    /// trtexec's percentile, written out independently: sorted ascending, index
    /// `n - 1 - Int((1 - p/100) * n)` computed in Float as sampleReporting.cpp does.
    func trtexecPercentile(_ sorted: [Double], _ p: Float) -> Double {
        let n = sorted.count
        let exclude = Int(Float(n) * (Float(1) - p / Float(100)))
        return sorted[Swift.max(n - 1 - exclude, 0)]
    }

    func testTimesPercentiles() throws {
        try TRTFixtures.require()
        for file in ["fuzzylabs-edge-vision/alexnet_fp16.timing.json", "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine.timing.json"] {
            let raw = try XCTUnwrap(TRTFixtures.foundationJSON(file) as? [[String: Any]])
            let latencies = raw.map { ($0["latencyMs"] as! NSNumber).doubleValue }
            let sorted = latencies.sorted()
            let bundle = try TensorRTBundleLoader.load(files: TensorRTBundleFiles(times: TRTFixtures.path(file)), path: file)
            XCTAssertEqual(bundle.times?.count, raw.count)
            let summary = try XCTUnwrap(bundle.latency)
            XCTAssertNil(bundle.latencyWarmupMs)
            XCTAssertEqual(summary.count, raw.count)
            XCTAssertEqual(summary.min, sorted.first)
            XCTAssertEqual(summary.max, sorted.last)
            XCTAssertEqual(summary.mean, latencies.reduce(0, +) / Double(latencies.count), accuracy: 1e-12)
            let n = sorted.count
            XCTAssertEqual(summary.p50, n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2)
            XCTAssertEqual(summary.p90, trtexecPercentile(sorted, 90))
            XCTAssertEqual(summary.p95, trtexecPercentile(sorted, 95))
            XCTAssertEqual(summary.p99, trtexecPercentile(sorted, 99))
            XCTAssertEqual(bundle.times?.first?.computeMs, (raw[0]["computeMs"] as! NSNumber).doubleValue)
            XCTAssertEqual(bundle.times?.first?.startEnqMs, (raw[0]["startEnqMs"] as! NSNumber).doubleValue)
        }
    }

    /// trtexec's own summary of the run (copied by TREx into *.profile.metadata.json as
    /// [min, max, mean, median, (p90, p95,) p99]) equals what Lockstep computes from the times,
    /// once the warm-up iterations named by the metadata are left out.
    func testLatencyMatchesTrtexecSummary() throws {
        try TRTFixtures.require()
        // alexnet: TensorRT 10, 5000 ms warm-up already excluded from the export.
        let alexnet = try TensorRTBundleLoader.load(
            files: TensorRTBundleFiles(times: TRTFixtures.path("fuzzylabs-edge-vision/alexnet_fp16.timing.json"),
                                       runMetadata: TRTFixtures.path("fuzzylabs-edge-vision/alexnet_fp16.profile.metadata.json")),
            path: "alexnet")
        let a = try XCTUnwrap(alexnet.latency)
        let aRef = try XCTUnwrap((TRTFixtures.foundationJSON("fuzzylabs-edge-vision/alexnet_fp16.profile.metadata.json") as? [String: Any])?["performance_summary"] as? [String: Any])
        let aLatency = try XCTUnwrap(aRef["Latency"] as? [Double])
        XCTAssertEqual(alexnet.latencyWarmupMs, 5000)
        XCTAssertEqual(a.min, aLatency[0])
        XCTAssertEqual(a.max, aLatency[1])
        XCTAssertEqual(a.mean, aLatency[2], accuracy: 1e-5)   // trtexec sums in Float
        XCTAssertEqual(a.median, aLatency[3])
        XCTAssertEqual(a.p90, aLatency[4])
        XCTAssertEqual(a.p95, aLatency[5])
        XCTAssertEqual(a.p99, aLatency[6])
        XCTAssertEqual(alexnet.computeTime?.median, (aRef["GPU Compute Time"] as? [Double])?[3])

        // A100 QAT: the export includes the 200 ms warm-up; the metadata names it.
        let engine = "nvidia-tensorrt-trex/trex-A100_qat_resnet-qat.onnx.engine"
        let resnet = try TensorRTBundleLoader.load(
            files: TensorRTBundleFiles(times: TRTFixtures.path(engine + ".timing.json"), runMetadata: TRTFixtures.path(engine + ".profile.metadata.json")),
            path: engine)
        let r = try XCTUnwrap(resnet.latency)
        let rRef = try XCTUnwrap((TRTFixtures.foundationJSON(engine + ".profile.metadata.json") as? [String: Any])?["performance_summary"] as? [String: Any])
        let rLatency = try XCTUnwrap(rRef["Latency"] as? [Double])
        XCTAssertEqual(resnet.latencyWarmupMs, 200)
        XCTAssertLessThan(r.count, resnet.times!.count)
        XCTAssertEqual(r.min, rLatency[0])
        XCTAssertEqual(r.max, rLatency[1])
        XCTAssertEqual(r.mean, rLatency[2], accuracy: 1e-4)
        XCTAssertEqual(r.median, rLatency[3])
        XCTAssertEqual(r.p99, rLatency[4])
    }

    // MARK: Polygraphy

    /// Independent .npy header reading for the cross-check: descr and shape from the header text.
    func npyHeader(_ data: Data) throws -> (descr: String, shape: [Int], dataOffset: Int) {
        let bytes = [UInt8](data)
        XCTAssertEqual(Array(bytes[0..<6]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        let descr = try XCTUnwrap(header.range(of: "'descr': '").map { r in String(header[r.upperBound...].prefix { $0 != "'" }) })
        let shapeText = try XCTUnwrap(header.range(of: "'shape': (").map { r in String(header[r.upperBound...].prefix { $0 != ")" }) })
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return (descr, shape, 10 + headerLength)
    }

    func testPolygraphyOutputs() throws {
        try TRTFixtures.require()
        let file = "trt-samples-hackathon-cn/polygraphy_output.json"
        let outputs = try TensorRTFiles.readOutputs(path: TRTFixtures.path(file))
        let raw = try XCTUnwrap(TRTFixtures.foundationJSON(file) as? [String: Any])
        let lst = try XCTUnwrap(raw["lst"] as? [[Any]])
        let iteration = try XCTUnwrap((lst[0][1] as? [[String: Any]])?.first)
        let rawOutputs = try XCTUnwrap(iteration["outputs"] as? [String: Any])
        XCTAssertEqual(Set(outputs.map(\.name)), Set(rawOutputs.keys))
        XCTAssertEqual(outputs.map(\.name), ["A-V-12-Add", "A-V-14-ArgMax"])   // file order
        let dtypes: [String: DType] = ["<f4": .float32, "<i4": .int32, "<i8": .int64, "<f2": .float16]
        for (name, tensor) in outputs {
            let encoded = try XCTUnwrap(((rawOutputs[name] as? [String: Any])?["values"] as? [String: Any])?["array"] as? String)
            let data = try XCTUnwrap(Data(base64Encoded: encoded))
            let header = try npyHeader(data)
            XCTAssertEqual(tensor.dtype, dtypes[header.descr], name)
            XCTAssertEqual(tensor.shape, header.shape, name)
            XCTAssertEqual([UInt8](tensor.storage.bytes), [UInt8](data[header.dataOffset...]), name)
        }
        XCTAssertEqual(outputs[0].tensor.shape, [4, 10])
        XCTAssertEqual(outputs[1].tensor.dtype, .int32)
        // ArgMax agrees with the Add output it was computed from.
        let add = try outputs[0].tensor.floatValues()
        let argmax = try outputs[1].tensor.scalars(as: Int32.self)
        for row in 0..<4 {
            let slice = Array(add[(row * 10)..<(row * 10 + 10)])
            XCTAssertEqual(Int(argmax[row]), slice.firstIndex(of: slice.max()!))
        }
    }

    func testPolygraphyInputs() throws {
        try TRTFixtures.require()
        let inputs = try TensorRTFiles.readInputs(path: TRTFixtures.path("trt-samples-hackathon-cn/polygraphy_input.json"))
        XCTAssertEqual(inputs.map(\.name), ["tensorX"])
        XCTAssertEqual(inputs[0].tensor.dtype, .float32)
        XCTAssertEqual(inputs[0].tensor.shape, [4, 1, 28, 28])
    }
}
