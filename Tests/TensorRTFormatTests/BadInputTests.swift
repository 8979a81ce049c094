import Foundation
import LockstepCore
import XCTest

@testable import TensorRTFormat

/// Hostile and mistaken inputs, generated here: each is refused with one `TensorRTError` line
/// `<file>: <reason>`, never a crash.
final class BadInputTests: XCTestCase {
    func assertRefused(_ name: String, _ content: String, contains expected: String, file: StaticString = #filePath, line: UInt = #line,
                       load: (String) throws -> Void = { _ = try TensorRTBundleLoader.load(path: $0) }) throws {
        let dir = try TempDir()
        let path = try dir.write(name, content)
        XCTAssertThrowsError(try load(path), file: file, line: line) { error in
            guard let e = error as? TensorRTError else { return XCTFail("not a TensorRTError: \(error)", file: file, line: line) }
            let message = e.localizedDescription
            XCTAssertTrue(message.hasPrefix(path + ": "), message, file: file, line: line)
            XCTAssertTrue(message.contains(expected), "'\(message)' does not contain '\(expected)'", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
        }
    }

    // MARK: Not layer information

    func testJSONThatIsNotLayerInformation() throws {
        try assertRefused("graph.json", "{}", contains: "not TensorRT layer information: the JSON object has no \"Layers\" array")
        try assertRefused("graph.json", "[1,2]", contains: "not TensorRT layer information: the JSON is an array of 2, expected an object with a \"Layers\" array")
        try assertRefused("graph.json", "\"Layers\"", contains: "the JSON is a string")
        try assertRefused("graph.json", #"{"Layers": 3}"#, contains: "\"Layers\" is a number, expected an array")
        try assertRefused("graph.json", #"{"Layers": [{"LayerType": "NoOp"}]}"#, contains: "layer 0 has no \"Name\" string")
        try assertRefused("graph.json", #"{"Layers": ["a", {"Name": "b"}]}"#, contains: "layer 0 is a string")
        try assertRefused("graph.json", #"{"Layers": [{"Name": "a", "Inputs": {"Name": "x"}}]}"#, contains: "layer 0 'a': \"Inputs\" is an object, expected an array")
        try assertRefused("graph.json", #"{"Layers": [{"Name": "a", "Outputs": [{"Name": "y", "Dimensions": [1, "x"]}]}]}"#,
                          contains: "\"Dimensions\" holds a string, expected integers")
        try assertRefused("graph.json", #"{"Layers": [{"Name": "a"}], "Bindings": "x"}"#, contains: "\"Bindings\" is a string")
    }

    func testProfilePassedAsLayerInformation() throws {
        let profile = #"[ { "count" : 10 }, { "name" : "conv", "timeMs" : 1.5, "averageMs" : 0.15, "medianMs" : 0.15, "percentage" : 100 } ]"#
        try assertRefused("model.profile.json", profile, contains: "it looks like a trtexec --exportProfile file")
        try assertRefused("model.profile.json", profile, contains: "not TensorRT layer information",
                          load: { _ = try TensorRTFiles.readLayerInformation(path: $0) })
        try TRTFixtures.require()
        let real = TRTFixtures.path("fuzzylabs-edge-vision/alexnet_fp16.profile.json")
        XCTAssertThrowsError(try TensorRTFiles.readLayerInformation(path: real)) { error in
            XCTAssertEqual((error as? TensorRTError)?.localizedDescription,
                           "\(real): not TensorRT layer information: the JSON is an array of 15; it looks like a trtexec --exportProfile file, expected an object with a \"Layers\" array")
        }
        XCTAssertThrowsError(try TensorRTBundleLoader.load(path: real)) { error in
            XCTAssertTrue((error as? TensorRTError)?.localizedDescription.contains("exportProfile") ?? false, "\(error)")
        }
    }

    func testInvalidJSON() throws {
        try assertRefused("graph.json", #"{"Layers": ["#, contains: "invalid JSON at line 1, column 13: unexpected end of data")
        try assertRefused("graph.json", "{\"Layers\": [],\n \"Bindings\": [\"x\",]}", contains: "invalid JSON at line 2, column 19: unexpected ']'")
        try assertRefused("graph.json", #"{"Layers": []} trailing"#, contains: "unexpected data after the JSON value")
        try assertRefused("graph.json", #"{'Layers': []}"#, contains: "expected a string key")
        try assertRefused("graph.json", "", contains: "empty file")
        try assertRefused("graph.json", "not json", contains: "invalid JSON")
        try assertRefused("graph.json", String(repeating: "[", count: 100_000), contains: "nesting deeper than 256 levels")
        try assertRefused("graph.json", #"{"Layers": ["\u12"]}"#, contains: "invalid hex digit")
    }

    // MARK: Times

    func testTimesWithWrongShape() throws {
        func times(_ path: String) throws { _ = try TensorRTFiles.readTimes(path: path) }
        try assertRefused("t.json", #"{"latencyMs": 1}"#, contains: "not a trtexec --exportTimes file: the JSON is an object", load: times)
        try assertRefused("t.json", "[1, 2, 3]", contains: "iteration 0 is a number, expected an object with \"latencyMs\"", load: times)
        try assertRefused("t.json", #"[{"startEnqMs": 1.0, "computeMs": 0.5}]"#, contains: "iteration 0 has no \"latencyMs\"", load: times)
        try assertRefused("t.json", #"[{"latencyMs": 1.0}, {"latencyMs": "fast"}]"#, contains: "iteration 1: \"latencyMs\" is a string, expected a number", load: times)
        try assertRefused("t.json", #"[{"latencyMs": 1.0}, [2.0]]"#, contains: "iteration 1 is an array of 1", load: times)
        // Times given where a profile is expected.
        try assertRefused("p.json", #"[{"latencyMs": 1.0}]"#, contains: "entry 0 has no \"name\" string",
                          load: { _ = try TensorRTFiles.readProfile(path: $0) })
    }

    func testProfileWithWrongShape() throws {
        func profile(_ path: String) throws { _ = try TensorRTFiles.readProfile(path: path) }
        try assertRefused("p.json", #"{"count": 3}"#, contains: "not a trtexec --exportProfile file", load: profile)
        try assertRefused("p.json", "[]", contains: "the array is empty", load: profile)
        try assertRefused("p.json", #"[{"count": -1}]"#, contains: "\"count\" is a number, expected a non-negative integer", load: profile)
        try assertRefused("p.json", #"[{"count": 2}, {"name": "a", "timeMs": 1}]"#, contains: "entry 1 'a' has no \"averageMs\"", load: profile)
    }

    // MARK: Polygraphy

    static func runResults(array: String) -> String {
        """
        {"lst": [["trt-runner-N0", [{"outputs": {"out": {"values": {"array": "\(array)", "polygraphy_class": "ndarray"},
        "polygraphy_class": "LazyArray"}}, "runtime": 0.1, "runner_name": "trt-runner-N0", "polygraphy_class": "IterationResult"}]]],
        "polygraphy_class": "RunResults"}
        """
    }

    func outputs(_ path: String) throws { _ = try TensorRTFiles.readOutputs(path: path) }

    func testPolygraphyCorruptArrays() throws {
        // Not base64 (and the latin-1 fallback is not a .npy image either).
        try assertRefused("out.json", Self.runResults(array: "@@@ not base64 @@@"),
                          contains: "output 'out' of runner 'trt-runner-N0': \"array\" does not hold a .npy image", load: outputs)
        // Valid base64 of bytes that are not .npy.
        try assertRefused("out.json", Self.runResults(array: Data("hello, world".utf8).base64EncodedString()),
                          contains: "does not hold a .npy image (decoded 12 bytes starting 68 65 6c 6c 6f 2c", load: outputs)
        // A .npy image whose data is cut short.
        var npy = Array("\u{93}NUMPY".unicodeScalars.map { UInt8($0.value) }) + [1, 0]
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 10), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        npy += [UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        npy += [UInt8](repeating: 0, count: 4 * 40 - 12)
        try assertRefused("out.json", Self.runResults(array: Data(npy).base64EncodedString()), contains: "output 'out' of runner 'trt-runner-N0': ", load: outputs)
        try assertRefused("out.json", Self.runResults(array: Data(npy).base64EncodedString()), contains: "data is truncated: shape (4, 10) of float32 needs 160 bytes, found 148", load: outputs)
        // Characters beyond latin-1 are neither encoding.
        try assertRefused("out.json", Self.runResults(array: "\\u4e2d\\u6587"), contains: "\"array\" is neither base64 nor latin-1 text", load: outputs)
        // Structure problems.
        try assertRefused("out.json", #"{"lst": 5, "polygraphy_class": "RunResults"}"#, contains: "\"lst\" is a number, expected an array", load: outputs)
        try assertRefused("out.json", #"{"lst": [["r"]], "polygraphy_class": "RunResults"}"#, contains: "\"lst\" entry 0 is not [runner name, [iteration results]]", load: outputs)
        try assertRefused("out.json", #"{"lst": [["r", [{"runtime": 1}]]], "polygraphy_class": "RunResults"}"#,
                          contains: "runner 'r' iteration 0 has no \"outputs\" object", load: outputs)
        try assertRefused("out.json", #"{"lst": [["r", [{"outputs": {"o": {"polygraphy_class": "ndarray"}}}]]]}"#,
                          contains: "output 'o' of runner 'r': has no \"array\" string", load: outputs)
    }

    /// The corrupt-array check also holds for a real file with its array cut short.
    func testPolygraphyRealFileTruncatedArray() throws {
        try TRTFixtures.require()
        let text = try String(contentsOfFile: TRTFixtures.path("trt-samples-hackathon-cn/polygraphy_output.json"), encoding: .utf8)
        let raw = try XCTUnwrap(TRTFixtures.foundationJSON("trt-samples-hackathon-cn/polygraphy_output.json") as? [String: Any])
        let iteration = try XCTUnwrap(((raw["lst"] as? [[Any]])?[0][1] as? [[String: Any]])?.first)
        let encoded = try XCTUnwrap((((iteration["outputs"] as? [String: Any])?["A-V-12-Add"] as? [String: Any])?["values"] as? [String: Any])?["array"] as? String)
        let data = try XCTUnwrap(Data(base64Encoded: encoded))
        let shortened = Data(data.dropLast(8)).base64EncodedString()
        try assertRefused("output.json", text.replacingOccurrences(of: encoded, with: shortened), contains: "output 'A-V-12-Add'", load: outputs)
    }

    func testLegacyPolygraphyEncodings() throws {
        // Legacy type markers and a LazyNumpyArray wrapper.
        let npy = try Npy.encodeForTest(values: [1.5, -2.0], shape: [2])
        let legacy = """
        {"lst": [["onnxrt-runner", [{"outputs": {"y": {"values": {"array": "\(Data(npy).base64EncodedString())", "__polygraphy_encoded_ndarray": "polygraphy_serialized_json_type"},
        "__polygraphy_encoded_LazyNumpyArray": "polygraphy_serialized_json_type"}}, "runtime": 0.1, "runner_name": "onnxrt-runner"}]]],
        "__polygraphy_encoded_RunResults": "polygraphy_serialized_json_type"}
        """
        let dir = try TempDir()
        let path = try dir.write("legacy.json", legacy)
        let outs = try TensorRTFiles.readOutputs(path: path)
        XCTAssertEqual(outs.map(\.name), ["y"])
        XCTAssertEqual(try outs[0].tensor.floatValues(), [1.5, -2.0])
        // The oldest form: the .npy bytes as latin-1 text, not base64.
        let latin1 = String(String.UnicodeScalarView(npy.map { UnicodeScalar($0) }))
        let oldest = "{\"lst\": [[\"r\", [{\"outputs\": {\"y\": {\"array\": " + JSONValue.quoted(latin1) + "}}}]]]}"
        let oldPath = try dir.write("oldest.json", oldest)
        XCTAssertEqual(try TensorRTFiles.readOutputs(path: oldPath)[0].tensor.floatValues(), [1.5, -2.0])
    }

    // MARK: Logs and outputs

    func testExportOutputWithWrongShape() throws {
        try assertRefused("o.json", #"[{"name": "y", "dimensions": "1x3", "values": [1, 2]}]"#,
                          contains: "output 'y': dimensions 1x3 need 3 values, found 2", load: outputs)
        try assertRefused("o.json", #"[{"name": "y", "dimensions": "1xa", "values": [1]}]"#, contains: "bad \"dimensions\" '1xa'", load: outputs)
        try assertRefused("o.json", #"[{"name": "y", "dimensions": "2", "values": [1, "x"]}]"#,
                          contains: "value 1 is a string, expected a number", load: outputs)
        // Accepted: nan/inf as trtexec prints them, an Int64 output typed by the layer information.
        let dir = try TempDir()
        let ok = try dir.write("o.json", "[ { \"name\" : \"y\"\n  , \"dimensions\" : \"3\"\n  , \"values\" : [ 1.5, nan, -inf ]\n  }\n]\n")
        let outs = try TensorRTFiles.readOutputs(path: ok)
        let v = try outs[0].tensor.floatValues()
        XCTAssertEqual(v[0], 1.5)
        XCTAssertTrue(v[1].isNaN)
        XCTAssertEqual(v[2], -.infinity)
    }

    func testLogWithoutSections() throws {
        try assertRefused("build.log", "[07/07/2026-02:11:38] [I] nothing here\n",
                          contains: "not a TensorRT plan, layer information or bundle: text without TensorRT layer, profile or output sections")
        try assertRefused("layers.log", "[07/07/2026-02:11:38] [I] Layers:\nName: a, Inputs: []\n", contains: "no \"LayerType\"")
    }

    // MARK: Mutations never crash

    func testMutatedFilesNeverCrash() throws {
        try TRTFixtures.require()
        let sources = ["trt-samples-hackathon-cn/trtexec_model-trained-exportLayerInfo.log.json", "trt-samples-hackathon-cn/polygraphy_output.json",
                       "trt-samples-hackathon-cn/trtexec_result-04.log", "hax-conn/googlenet_dla_mark_at_53.profile.json"]
        let dir = try TempDir()
        var generator = SplitMix(seed: 0x7472_7421)
        var refused = 0, loaded = 0
        for source in sources {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TRTFixtures.path(source))))
            let name = (source as NSString).lastPathComponent
            for i in 0..<60 {
                var bytes = original
                if i % 2 == 0 {
                    bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
                } else {
                    for _ in 0..<(1 + Int(generator.next() % 4)) {
                        bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                    }
                }
                let path = try dir.write(name, bytes)
                do {
                    _ = try TensorRTBundleLoader.load(path: path)
                    _ = try? TensorRTFiles.readOutputs(path: path)
                    loaded += 1
                } catch let e as TensorRTError {
                    XCTAssertTrue(e.localizedDescription.hasPrefix(path + ": "))
                    XCTAssertFalse(e.localizedDescription.contains("\n"))
                    refused += 1
                }
            }
        }
        XCTAssertEqual(loaded + refused, 240)
        XCTAssertGreaterThan(refused, 0)
    }
}

/// The mutation tests draw from LockstepCore's generator.
typealias SplitMix = SplitMix64

import TensorIO

extension Npy {
    static func encodeForTest(values: [Float], shape: [Int]) throws -> [UInt8] {
        try Npy.encode(Tensor(float32: values, shape: shape))
    }
}
