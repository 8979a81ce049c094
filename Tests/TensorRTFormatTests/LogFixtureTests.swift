import Foundation
import LockstepCore
import XCTest

@testable import TensorRTFormat

/// trtexec logs from NVIDIA/trt-samples-for-hackathon-cn (TensorRT 10.16.1).
final class LogFixtureTests: XCTestCase {
    let dir = "trt-samples-hackathon-cn/"

    func text(_ file: String) throws -> String {
        try String(contentsOfFile: TRTFixtures.path(dir + file), encoding: .utf8)
    }

    /// The one-line `--dumpLayerInfo` section of result-04.log describes the same engine as
    /// model-trained-exportLayerInfo.log.json: same layers in the same order, same tensors and
    /// metadata. (The committed files come from two runs of the same command: 2 of the 9 tactics
    /// differ, so tactics are compared with the log's own text instead.)
    func testOneLineLayerInfoMatchesJSONOfSameEngine() throws {
        try TRTFixtures.require()
        let log = try TensorRTBundleLoader.load(path: TRTFixtures.path(dir + "trtexec_result-04.log"))
        let json = try TensorRTBundleLoader.load(path: TRTFixtures.path(dir + "trtexec_model-trained-exportLayerInfo.log.json"))
        XCTAssertEqual(log.layerInfoForm, .oneLineLog)
        XCTAssertEqual(json.layerInfoForm, .detailed)

        // Independent reading of the log: the lines after "Layers:" up to the blank line.
        let lines = try text("trtexec_result-04.log").components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("] Layers:") })
        let layerLines = lines[(start + 1)...].prefix { !$0.isEmpty }
        let rawNames = layerLines.map { line -> String in
            let body = line.dropFirst("Name: ".count)
            return String(body[..<body.range(of: ", LayerType: ")!.lowerBound])
        }
        XCTAssertEqual(log.layers.count, layerLines.count)
        XCTAssertEqual(log.layers.map(\.name), rawNames)

        XCTAssertEqual(log.layers.map(\.name), json.layers.map(\.name))
        XCTAssertEqual(log.layers.map(\.type), json.layers.map(\.type))
        XCTAssertEqual(log.layers.map { $0.inputs.map(\.name) }, json.layers.map { $0.inputs.map(\.name) })
        XCTAssertEqual(log.layers.map { $0.outputs.map(\.name) }, json.layers.map { $0.outputs.map(\.name) })
        XCTAssertEqual(log.layers.map { $0.outputs.map(\.dimensions) }, json.layers.map { $0.outputs.map(\.dimensions) })
        XCTAssertEqual(log.layers.map { $0.outputs.map(\.precision) }, json.layers.map { $0.outputs.map(\.precision) })
        let rawTactics = layerLines.map { line -> String? in
            guard let r = line.range(of: ", TacticValue: ") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "," })
        }
        XCTAssertEqual(log.layers.map(\.tacticValue), rawTactics)
        XCTAssertEqual(zip(log.layers, json.layers).filter { $0.tacticName != $1.tacticName }.count, 2)
        XCTAssertEqual(log.layers.map(\.streamId), json.layers.map(\.streamId))
        XCTAssertEqual(log.layers.map(\.metadata), json.layers.map(\.metadata))
        XCTAssertEqual(log.layers.map(\.onnxNodes), json.layers.map(\.onnxNodes))
        XCTAssertEqual(log.layers.map(\.parameterType), json.layers.map(\.parameterType))
        XCTAssertEqual(log.bindings.map(\.name), ["x", "y", "z"])
        XCTAssertEqual(log.bindings.map(\.isInput), [true, false, false])
        XCTAssertEqual(log.tensorRTVersion, PlanHeader.Version(major: 10, minor: 16, patch: 1))
        XCTAssertEqual(log.model.producerVersion, "10.16.1")
        // Parameters keep the other keys as text.
        XCTAssertEqual(log.layers[0].parameters.first { $0.key == "Kernel" }?.value, "[5,5]")
        XCTAssertEqual(log.layers[0].parameters.first { $0.key == "Weights" }?.value, "{\"Type\": \"Float\", \"Count\": 800}")
    }

    /// The `Engine Layer Information:` block of the verbose FP16 build log (result-02.log).
    func testVerboseEngineLayerInformation() throws {
        try TRTFixtures.require()
        let bundle = try TensorRTBundleLoader.load(path: TRTFixtures.path(dir + "trtexec_result-02.log"))
        XCTAssertEqual(bundle.layerInfoForm, .verboseBuildLog)
        // Independent reading: the "Layer(" lines right after the block header.
        let lines = try text("trtexec_result-02.log").components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("Engine Layer Information:") })
        let block = lines[(start + 1)...].prefix { $0.hasPrefix("Layer(") }
        XCTAssertEqual(bundle.layers.count, block.count)
        XCTAssertEqual(bundle.layers.map(\.type), block.map { String($0.dropFirst(6).prefix { $0 != ")" }) })
        XCTAssertEqual(bundle.layers.map(\.type), ["Myelin", "CaskPooling", "Reformat", "Myelin", "CaskPooling", "Myelin"])
        XCTAssertEqual(bundle.layers[0].foreignNodes, ForeignNodeRange(first: "node_conv2d", last: "node_relu"))
        XCTAssertEqual(bundle.layers[5].foreignNodes, ForeignNodeRange(first: "gemm2.bias + ONNXTRT_Broadcast_4", last: "ONNXTRT_castHelper_9"))
        XCTAssertEqual(bundle.layers[5].fusedParts, ["gemm2.bias", "ONNXTRT_Broadcast_4", "ONNXTRT_castHelper_9"])
        XCTAssertEqual(bundle.layers[5].onnxNodes, ["gemm2.bias"])
        XCTAssertTrue(bundle.layers[0].isMyelin)
        XCTAssertTrue(bundle.layers[2].isReformat)
        XCTAssertEqual(bundle.layers[2].reformatTarget, "{ForeignNode[node_conv2d_1...node_relu_1]}")
        XCTAssertEqual(bundle.layers[1].tacticValue, "0xdd39499496c9cc38")
        XCTAssertEqual(bundle.layers[0].inputs, [LayerTensor(name: "x", dimensions: [-1, 1, 28, 28], format: "Float", precision: .float32)])
        XCTAssertEqual(bundle.layers[2].outputs.first?.name, "Reformatted Input Tensor 0 to {ForeignNode[node_conv2d_1...node_relu_1]}")
        XCTAssertEqual(bundle.layers[2].outputs.first?.dimensions, [-1, 32, 14, 14])
        XCTAssertEqual(bundle.layers[2].outputs.first?.precision, .float16)
        XCTAssertEqual(bundle.layers[5].outputs.map(\.name), ["y", "z"])
        XCTAssertEqual(bundle.layers[5].outputs.map(\.precision), [.float32, .int64])
        XCTAssertEqual(bundle.bindings.map(\.name), ["x", "y", "z"])
        XCTAssertEqual(bundle.model.graph.inputs.map(\.type.description), ["tensor(float32)[?, 1, 28, 28]"])
        XCTAssertEqual(bundle.tensorRTVersion?.description, "10.16.1")
    }

    /// The `--dumpProfile` table of result-05.log (Time(ms) Avg.(ms) Median(ms) Time(%) Layer).
    func testDumpProfileTable() throws {
        try TRTFixtures.require()
        let profile = try TensorRTFiles.readProfile(path: TRTFixtures.path(dir + "trtexec_result-05.log"))
        // Independent reading: rows between the header and "Total", split on whitespace.
        let lines = try text("trtexec_result-05.log").components(separatedBy: "\n").map { line -> String in
            guard let r = line.range(of: "] [I] ") else { return line }
            return String(line[r.upperBound...])
        }
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("=== Profile (") })
        let rows = lines[(start + 2)...].prefix { !$0.trimmingCharacters(in: .whitespaces).hasSuffix(" Total") }
        let words = rows.map { $0.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(profile.count, 18362)
        XCTAssertEqual(profile.layers.count, rows.count)
        XCTAssertEqual(profile.layers.map(\.name), words.map { $0[4].trimmingCharacters(in: .whitespaces) })
        XCTAssertEqual(profile.layers.map(\.timeMs), words.map { Double($0[0])! })
        XCTAssertEqual(profile.layers.map(\.averageMs), words.map { Double($0[1])! })
        XCTAssertEqual(profile.layers.map(\.medianMs), words.map { Double($0[2])! })
        XCTAssertEqual(profile.layers.map(\.percentage), words.map { Double($0[3])! })
        XCTAssertTrue(profile.layers.contains { $0.name == "Reformatting CopyNode for Input Tensor 0 to {ForeignNode[node_conv2d_1...node_relu_1]}" && $0.isReformat })
        let total = try XCTUnwrap(lines.first { $0.trimmingCharacters(in: .whitespaces).hasSuffix(" Total") })
        let totalTime = Double(total.split(separator: " ", omittingEmptySubsequences: true)[0])!
        XCTAssertEqual(profile.layers.map(\.timeMs).reduce(0, +), totalTime, accuracy: 0.05)
    }

    /// The `--dumpOutput` values of result-07.log, typed by the "Output binding … type …" lines.
    func testDumpOutputValues() throws {
        try TRTFixtures.require()
        let outputs = try TensorRTFiles.readOutputs(path: TRTFixtures.path(dir + "trtexec_result-07.log"))
        XCTAssertEqual(outputs.map(\.name), ["z", "y"])
        XCTAssertEqual(outputs[0].tensor.dtype, .int64)
        XCTAssertEqual(outputs[0].tensor.shape, [1])
        XCTAssertEqual(try outputs[0].tensor.scalars(as: Int64.self), [3])
        XCTAssertEqual(outputs[1].tensor.dtype, .float32)
        XCTAssertEqual(outputs[1].tensor.shape, [1, 10])
        // Independent reading of the values line after "y: (1x10)".
        let lines = try text("trtexec_result-07.log").components(separatedBy: "\n")
        let header = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("] y: (1x10)") })
        let valuesLine = lines[header + 1]
        let values = valuesLine[valuesLine.range(of: "] [I] ")!.upperBound...].split(separator: " ").map { Float($0)! }
        XCTAssertEqual(try outputs[1].tensor.floatValues(), values)
        XCTAssertEqual(values.firstIndex(of: values.max()!), 3)   // argmax, the "z" output
    }
}
