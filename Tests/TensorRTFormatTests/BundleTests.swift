import Foundation
import LockstepCore
import TensorIO
import XCTest

@testable import TensorRTFormat

/// Bundles: folders recognised by content, `bundle.json` manifests, single files.
final class BundleTests: XCTestCase {
    /// The hackathon folder holds one engine's files from several trtexec/Polygraphy runs.
    func testFolderDiscoveryByContent() throws {
        try TRTFixtures.require()
        let folder = TRTFixtures.path("trt-samples-hackathon-cn")
        let bundle = try TensorRTBundleLoader.load(path: folder)
        func kinds(_ name: String) -> [BundleFileKind]? { bundle.files.first { $0.path.hasSuffix("/" + name) }?.kinds }
        XCTAssertEqual(bundle.files.count, 9)
        XCTAssertEqual(kinds("trtexec_model-trained-exportLayerInfo.log.json"), [.layerInfoJSON])
        XCTAssertEqual(kinds("trtexec_result-04.log"), [.layerInfoLog])
        XCTAssertEqual(kinds("trtexec_result-02.log"), [.verboseBuildLog])
        XCTAssertEqual(kinds("trtexec_result-05.log"), [.profileLog])
        XCTAssertEqual(kinds("trtexec_result-07.log"), [.dumpOutputLog])
        XCTAssertEqual(kinds("polygraphy_output.json"), [.polygraphyOutputs])
        XCTAssertEqual(kinds("polygraphy_input.json"), [.polygraphyInputs])
        XCTAssertEqual(kinds("polygraphy_model-02-tactics.json"), [.polygraphyTactics])
        XCTAssertEqual(kinds("polygraphy_result-02.log"), [.unrecognised])

        // The richest layer information wins; the logs with lower forms are reported.
        XCTAssertEqual(bundle.layerInfoForm, .detailed)
        XCTAssertEqual(bundle.layers.count, 9)
        XCTAssertTrue(bundle.warnings.contains { $0.hasSuffix("trtexec_result-04.log: also holds layer information (a trtexec log with --dumpLayerInfo layer information); trtexec_model-trained-exportLayerInfo.log.json is used") }, "\(bundle.warnings)")
        XCTAssertTrue(bundle.warnings.contains { $0.contains("trtexec_result-02.log: also holds layer information") })
        XCTAssertEqual(bundle.warnings.count, 5, "\(bundle.warnings)")
        XCTAssertTrue(bundle.warnings.contains { $0.hasSuffix("polygraphy_result-02.log: unrecognised (text without TensorRT layer, profile or output sections); ignored") })
        XCTAssertTrue(bundle.warnings.contains { $0.hasSuffix("polygraphy_model-02-tactics.json: a Polygraphy tactic replay file (--save-tactics); not used by Lockstep") })
        // result-05's profile was taken from another (FP16) build of the model: its names differ.
        XCTAssertEqual(bundle.profileCount, 18362)
        XCTAssertEqual(bundle.profile?.count, 15)
        XCTAssertTrue(bundle.warnings.contains { $0.contains("profile entries name no layer of the layer information") })
        // Outputs from both runs, in file order; inputs from Polygraphy.
        XCTAssertEqual(bundle.outputs.map(\.name), ["A-V-12-Add", "A-V-14-ArgMax", "z", "y"])
        XCTAssertEqual(bundle.inputs.map(\.name), ["tensorX"])
        XCTAssertEqual(bundle.tensorRTVersion?.description, "10.16.1")
        XCTAssertNil(bundle.plan)
        XCTAssertEqual(bundle.files.filter(\.used).count, 5)
    }

    func testFolderWithSeveralEnginesIsRefused() throws {
        try TRTFixtures.require()
        for (folder, what) in [("fuzzylabs-edge-vision", "TensorRT layer information"), ("nvidia-tensorrt-trex", "TensorRT layer information"),
                               ("hax-conn", "a trtexec --exportProfile file")] {
            let path = TRTFixtures.path(folder)
            XCTAssertThrowsError(try TensorRTBundleLoader.load(path: path)) { error in
                let message = (error as? TensorRTError)?.localizedDescription ?? "\(error)"
                XCTAssertTrue(message.hasPrefix(path + ": several files hold \(what) ("), message)
                XCTAssertTrue(message.hasSuffix("file in bundle.json"), message)
            }
        }
    }

    /// A manifest naming a plan, TREx files of one engine, an .npy and an --exportOutput file.
    func testManifest() throws {
        try TRTFixtures.require()
        let dir = try TempDir()
        let engine = "fuzzylabs-edge-vision/alexnet_fp16"
        try dir.link("alexnet.graph.json", to: TRTFixtures.path(engine + ".graph.json"))
        try dir.link("alexnet.profile.json", to: TRTFixtures.path(engine + ".profile.json"))
        try dir.link("alexnet.timing.json", to: TRTFixtures.path(engine + ".timing.json"))
        try dir.link("alexnet.profile.metadata.json", to: TRTFixtures.path(engine + ".profile.metadata.json"))
        try dir.write("alexnet.plan", PlanHeaderTests.header(version: [10, 4, 0, 26]))
        try FileManager.default.createDirectory(atPath: dir.path + "/outputs", withIntermediateDirectories: true)
        try Npy.write(Tensor(float32: [0.25, 0.75], shape: [1, 2]), to: dir.path + "/outputs/output.npy")
        try dir.write("trtexec-output.json", "[ { \"name\" : \"logits\"\n  , \"dimensions\" : \"1x2\"\n  , \"values\" : [ 1, 2 ]\n  }\n]\n")
        try dir.write("bundle.json", """
            {"plan": "alexnet.plan", "layers": "alexnet.graph.json", "profile": "alexnet.profile.json", "times": "alexnet.timing.json",
             "outputs": ["outputs/output.npy", "trtexec-output.json"], "runMetadata": "alexnet.profile.metadata.json", "comment": "x"}
            """)
        for path in [dir.path, dir.path + "/bundle.json"] {
            let bundle = try TensorRTBundleLoader.load(path: path)
            XCTAssertEqual(bundle.path, path)
            XCTAssertEqual(bundle.plan?.versionString, "10.4.0.26")
            XCTAssertEqual(bundle.model.producerVersion, "10.4.0.26")
            XCTAssertEqual(bundle.layers.count, 14)
            XCTAssertEqual(bundle.profile?.count, 14)
            XCTAssertEqual(bundle.profileCount, 14590)
            XCTAssertTrue(bundle.profile!.allSatisfy { $0.layerIndex != nil })
            XCTAssertEqual(bundle.times?.count, 6039)
            XCTAssertEqual(bundle.latencyWarmupMs, 5000)
            XCTAssertEqual(bundle.latency?.p99, 0.5)
            XCTAssertEqual(bundle.outputs.map(\.name), ["output", "logits"])
            XCTAssertEqual(try bundle.outputs[0].tensor.floatValues(), [0.25, 0.75])
            XCTAssertEqual(bundle.outputs[1].tensor.shape, [1, 2])
            XCTAssertEqual(bundle.warnings, ["\(dir.path)/bundle.json: unknown key \"comment\" ignored"])
            XCTAssertEqual(bundle.files.map(\.kinds), [[.manifest], [.plan], [.layerInfoJSON], [.profileJSON], [.timesJSON],
                                                       [.trexProfileMetadata], [.npy], [.exportOutputJSON]])
            XCTAssertEqual(bundle.model.graph.nodes.count, 14)
            XCTAssertEqual(bundle.model.graph.inputs.map(\.name), ["input"])
            XCTAssertEqual(bundle.model.graph.outputs.map(\.name), ["output"])
        }
        let profile = try TensorRTFiles.readProfile(path: TRTFixtures.path(engine + ".profile.json"))
        XCTAssertEqual(profile.count, 14590)
    }

    func testManifestRefusals() throws {
        let dir = try TempDir()
        try dir.write("p.json", #"[{"count": 1}, {"name": "a", "timeMs": 1, "averageMs": 1}]"#)
        let manifest = dir.path + "/bundle.json"
        func refused(_ json: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            try dir.write("bundle.json", json)
            XCTAssertThrowsError(try TensorRTBundleLoader.load(path: dir.path), file: file, line: line) { error in
                let message = (error as? TensorRTError)?.localizedDescription ?? "\(error)"
                XCTAssertTrue(message.contains(expected), message, file: file, line: line)
            }
        }
        try refused(#"{"layers": "/etc/passwd"}"#, "\(manifest): \"layers\": '/etc/passwd' is an absolute path")
        try refused(#"{"layers": "../x/graph.json"}"#, "\(manifest): \"layers\": '../x/graph.json' leaves the manifest's folder ('..')")
        try refused(#"{"layers": "missing.json"}"#, "\(manifest): \"layers\": 'missing.json' does not exist")
        try refused(#"{"layers": ["p.json", "p.json"]}"#, "\"layers\" names 2 files, expected one")
        try refused(#"{"layers": 3}"#, "\"layers\" is a number, expected a file name")
        try refused(#"["p.json"]"#, "a bundle manifest must be a JSON object, found an array of 1")
        try refused(#"{"layers": "p.json"}"#, "\(dir.path)/p.json: not TensorRT layer information: the JSON is an array of 2; it looks like a trtexec --exportProfile file")
        try refused(#"{"times": "p.json"}"#, "\(dir.path)/p.json: iteration 0 has no \"latencyMs\"")
        try refused(#"{"outputs": "p.json"}"#, "\(dir.path)/p.json: named as outputs but it looks like a trtexec --exportProfile file")
        try refused(#"{"plan": "p.json"}"#, "\(dir.path)/p.json: not a TensorRT plan: the file starts with 5b 7b 22 63")
        try refused(#"{"layers": "p.json""#, "\(manifest): invalid JSON")
    }

    func testFolderWarnsAboutUnrecognisedFiles() throws {
        let dir = try TempDir()
        try dir.write("model.plan", PlanHeaderTests.header())
        try dir.write("notes.txt", "built on Tuesday\n")
        try dir.write("weights.bin", [0, 1, 2, 3])
        try dir.write("empty.json", "")
        try dir.write(".hidden", "x")
        let bundle = try TensorRTBundleLoader.load(path: dir.path)
        XCTAssertEqual(bundle.plan?.versionString, "10.16.1.11")
        XCTAssertEqual(bundle.warnings.sorted(), [
            "\(dir.path)/empty.json: unrecognised (empty file); ignored",
            "\(dir.path)/notes.txt: unrecognised (text without TensorRT layer, profile or output sections); ignored",
            "\(dir.path)/weights.bin: unrecognised (binary file); ignored",
        ])
        XCTAssertEqual(bundle.files.count, 4)
        XCTAssertEqual(bundle.files.filter(\.used).map(\.kinds), [[.plan]])
    }

    /// Name-only layer information (default `kLAYER_NAMES_ONLY` verbosity) is accepted with a warning.
    func testNameOnlyLayerInformation() throws {
        let dir = try TempDir()
        let path = try dir.write("graph.json", #"{"Layers": ["conv1 + relu1", "Reformatting CopyNode for Input Tensor 0 to fc", "fc [profile 1]"], "Bindings": ["x", "y"]}"#)
        let bundle = try TensorRTBundleLoader.load(path: path)
        XCTAssertEqual(bundle.layerInfoForm, .nameOnly)
        XCTAssertEqual(bundle.layers.map(\.fusedParts), [["conv1", "relu1"], ["Reformatting CopyNode for Input Tensor 0 to fc"], ["fc"]])
        XCTAssertEqual(bundle.layers.map(\.profileIndex), [0, 0, 1])
        XCTAssertEqual(bundle.layers.map(\.isReformat), [false, true, false])
        XCTAssertEqual(bundle.bindings.map(\.isInput), [nil, nil])
        XCTAssertEqual(bundle.model.graph.nodes.map(\.op.name), ["Unknown", "Unknown"])   // profile 0 only
        XCTAssertTrue(bundle.warnings.contains { $0.contains("layer names only") })
        XCTAssertTrue(bundle.warnings.contains { $0.contains("2 optimisation profiles; the graph shows profile 0") })
    }

    /// Logs: a name-only `--dumpLayerInfo` section, and a TensorRT 8.0-era verbose block whose
    /// lines carry the log prefix and write tensors as `name[Type(dims)]`.
    func testOtherLogForms() throws {
        let dir = try TempDir()
        let nameOnly = try dir.write("names.log", """
            &&&& RUNNING TensorRT.trtexec [TensorRT v8601] # trtexec --loadEngine=m.plan --dumpLayerInfo
            [06/01/2023-10:00:00] [I] Layers:
            conv1 + relu1
            Reformatting CopyNode for Input Tensor 0 to fc
            fc

            Bindings:
            data
            prob
            [06/01/2023-10:00:00] [I] Skipped inference phase since --skipInference is added.

            """)
        let a = try TensorRTBundleLoader.load(path: nameOnly)
        XCTAssertEqual(a.layerInfoForm, .nameOnly)
        XCTAssertEqual(a.layers.map(\.name), ["conv1 + relu1", "Reformatting CopyNode for Input Tensor 0 to fc", "fc"])
        XCTAssertEqual(a.bindings.map(\.name), ["data", "prob"])
        XCTAssertEqual(a.tensorRTVersion?.description, "8.6.1")
        XCTAssertTrue(a.warnings.contains { $0.contains("layer names only") })

        let verbose = try dir.write("build.log", """
            [V] [TRT] Engine Layer Information:
            [V] [TRT] Layer(Scale): data_bn + data_scale, Tactic: 0, data[Float(-2,3,300,300)] -> data_bn[Float(-2,3,300,300)]
            [V] [TRT] Layer(CaskConvolution): conv1_h + conv1_relu, Tactic: 1062367460111450758, data_bn[Float(-2,3,300,300)] -> conv1_h[Half(-2,32,150,150)]
            [V] [TRT] Layer(Reformat): Reformatting CopyNode for Output Tensor 0 to conv1_pool, Tactic: 0, a[Float(-2,32,75,75)] -> conv1_pool[Half(-2,32,75,75)]
            [I] [TRT] done

            """)
        let b = try TensorRTBundleLoader.load(path: verbose)
        XCTAssertEqual(b.layerInfoForm, .verboseBuildLog)
        XCTAssertEqual(b.layers.map(\.type), ["Scale", "CaskConvolution", "Reformat"])
        XCTAssertEqual(b.layers[1].fusedParts, ["conv1_h", "conv1_relu"])
        XCTAssertEqual(b.layers[1].tacticValue, "1062367460111450758")
        XCTAssertEqual(b.layers[1].outputs, [LayerTensor(name: "conv1_h", dimensions: [-2, 32, 150, 150], format: "Half", precision: .float16)])
        XCTAssertEqual(b.layers[2].reformatTarget, "conv1_pool")
        XCTAssertEqual(b.bindings.map(\.name), ["data", "a", "conv1_h", "conv1_pool"])
    }

    /// TensorRT 11 replaces "Bindings" by "I/O Tensors" objects (docs: "Migrating IEngineInspector
    /// Usage from TensorRT 10.x to 11.x").
    func testTensorRT11IOTensors() throws {
        let dir = try TempDir()
        let json = """
        {"Layers": [{"Name": "conv", "LayerType": "CaskConvolution", "Inputs": [{"Name": "input_0", "Dimensions": [1,3,224,224], "Format/Datatype": "Float"}],
                     "Outputs": [{"Name": "output_0", "Dimensions": [1,1000], "Format/Datatype": "Float"}], "StreamId": 0, "Metadata": "[ONNX Layer: /conv/Conv]"}],
         "I/O Tensors": [
           {"Name": "input_0", "IOMode": "Input", "DataType": "Float", "Dimensions": [-1, 3, 224, 224], "Location": "Device", "IsShapeInferenceIO": false,
            "ProfileInfo": [{"MinShape": [1,3,224,224], "OptShape": [1,3,224,224], "MaxShape": [8,3,224,224], "Format": "Row major linear FP32 format (kLINEAR)"}]},
           {"Name": "output_0", "IOMode": "Output", "DataType": "Half", "Dimensions": [-1, 1000], "Location": "Device", "IsShapeInferenceIO": false}]}
        """
        let bundle = try TensorRTBundleLoader.load(path: try dir.write("graph.json", json))
        XCTAssertEqual(bundle.bindings, [
            Binding(name: "input_0", isInput: true, dtype: .float32, dimensions: [-1, 3, 224, 224], location: "Device", isShapeInferenceIO: false),
            Binding(name: "output_0", isInput: false, dtype: .float16, dimensions: [-1, 1000], location: "Device", isShapeInferenceIO: false),
        ])
        XCTAssertEqual(bundle.model.graph.inputs.map(\.type.description), ["tensor(float32)[?, 3, 224, 224]"])
        XCTAssertEqual(bundle.model.graph.outputs.map(\.type.description), ["tensor(float16)[?, 1000]"])
        XCTAssertEqual(bundle.layers[0].onnxNodes, ["/conv/Conv"])
    }
}
