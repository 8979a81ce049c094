import Foundation
import LockstepCore
import LockstepTestSupport
import TFLiteFormat
import XCTest

@testable import Interpreter

/// The executor on TFLite models: the registry chosen by format, subgraphs called by index
/// (WHILE, IF, CALL_ONCE), resource variables and variable tensors kept in one state across
/// invocations, custom ops as "not executable by the reference", constant folding of
/// DEQUANTIZE / DENSIFY, op versions.
final class TFLiteExecutorTests: XCTestCase {
    static let fixtures = Repo.path("Tests/TFLiteFormatTests/Fixtures/models")

    func fixture(_ name: String) throws -> Model { try TFLiteLoader.load(path: "\(Self.fixtures)/\(name)") }

    func floats(_ v: Value?) throws -> [Float] { try XCTUnwrap(v?.tensor).floatValues() }

    func node(_ op: String, _ inputs: [String], _ outputs: [String], version: Int = 1, _ attributes: [String: AttributeValue] = [:],
              index: Int = 0) -> Node {
        Node(name: "", op: OpIdentifier(name: op, version: version), inputs: inputs, outputs: outputs,
             attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(name: $0.key, value: $0.value) },
             origin: Origin(format: .tflite, graphPath: ["main"], nodeIndex: index, name: ""))
    }

    func info(_ name: String, _ dtype: DType = .float32, _ shape: [Int] = [2], variable: Bool = false) -> ValueInfo {
        ValueInfo(name: name, type: .tensor(elementType: dtype, shape: Shape(shape.map { .fixed($0) })), isVariable: variable)
    }

    func model(_ graphs: [Graph]) -> Model {
        var m = Model(format: .tflite, path: "test.tflite", irVersion: 3, opsetImports: [:], graph: graphs[0])
        m.subgraphs = Array(graphs.dropFirst())
        return m
    }

    func testWhileAndIfRunTheirSubgraphsByIndex() throws {
        let session = try Session(model: try fixture("control_flow.tflite"))
        let x = Value.tensor(try Tensor(float32: [1, -0.5], shape: [2]))
        for (flag, expected) in [(true, [Float(64), -32]), (false, [1024, 256])] {
            let f = Value.tensor(try Tensor(dtype: .bool, shape: [], values: [UInt8(flag ? 1 : 0)]))
            let result = try session.run(["x": x, "flag": f])
            XCTAssertEqual(try floats(result.outputs[0].value), expected, "flag \(flag)")
            XCTAssertEqual(try XCTUnwrap(result.outputs[1].value?.tensor).scalars(as: Int32.self), [5])
        }
        // The oracle mode widens the subgraphs too.
        let wide = try Session(model: try fixture("control_flow.tflite"), precision: .float64)
        let f = Value.tensor(try Tensor(dtype: .bool, shape: [], values: [UInt8(1)]))
        let result = try wide.run(["x": x, "flag": f])
        XCTAssertEqual(try XCTUnwrap(result.outputs[0].value?.tensor).dtype, .float32)
        XCTAssertEqual(try floats(result.outputs[0].value), [64, -32])
    }

    func testCustomOpLeavesItsOutputsAbsentAndIsReported() throws {
        let session = try Session(model: try fixture("custom_op.tflite"))
        XCTAssertEqual(session.main.scheduledNodes, ["RELU_0", "MyCustomOp_1", "TANH_2"])
        let result = try session.run(["input": .tensor(try Tensor(float32: [1, -2, 3, -4], shape: [1, 4]))])
        XCTAssertNil(result.outputs[0].value)
        XCTAssertEqual(result.unproduced, ["output": "MyCustomOp_1"])
        XCTAssertEqual(result.notExecuted.count, 1)
        let n = try XCTUnwrap(result.notExecuted.first)
        XCTAssertEqual(n.op, "custom::MyCustomOp")
        XCTAssertEqual(n.nodeIndex, 1)
        XCTAssertEqual(n.outputs, ["custom/out"])
        XCTAssertTrue(n.reason.contains("not executable by the reference"), n.reason)
        // ONNX models keep failing on unknown ops: only TFLite's custom domain is not executable.
        var onnx = try fixture("custom_op.tflite")
        onnx.format = .onnx
        XCTAssertThrowsError(try Session(model: onnx, registry: TFLiteOps.registry)) { error in
            XCTAssertTrue((error as? InterpreterError)?.isUnsupported == true, "\(error)")
        }
    }

    /// main: CALL_ONCE(init); h = VAR_HANDLE(acc); v = READ_VARIABLE(h); s = ADD(v, x);
    /// ASSIGN_VARIABLE(h, s); output s. init: ASSIGN_VARIABLE(VAR_HANDLE(acc), zeros).
    func accumulator() throws -> Model {
        let handle: [String: AttributeValue] = ["container": .string([]), "shared_name": .string(Array("acc".utf8))]
        let main = Graph(name: "main", nodes: [
            node("CALL_ONCE", [], [], ["init_subgraph_index": .int(1)], index: 0),
            node("VAR_HANDLE", [], ["h"], handle, index: 1),
            node("READ_VARIABLE", ["h"], ["v"], index: 2),
            node("ADD", ["v", "x"], ["s"], ["fused_activation_function": .string(Array("NONE".utf8))], index: 3),
            node("ASSIGN_VARIABLE", ["h", "s"], [], index: 4),
        ], inputs: [info("x")], outputs: [info("s")], valueInfo: [info("x"), info("h", .int32, []), info("v"), info("s")])
        let zeros = Initializer(name: "zeros", tensor: try Tensor(float32: [0, 0], shape: [2]))
        let initGraph = Graph(name: "init", nodes: [
            node("VAR_HANDLE", [], ["h"], handle, index: 0),
            node("ASSIGN_VARIABLE", ["h", "zeros"], [], index: 1),
        ], valueInfo: [info("h", .int32, []), info("zeros")], initializers: [zeros])
        return model([main, initGraph])
    }

    func testResourceVariablesKeepTheirValueAcrossInvocationsOfOneState() throws {
        let session = try Session(model: try accumulator())
        let state = ExecutionState()
        var sums: [[Float]] = []
        for step in 1...3 {
            let x = Value.tensor(try Tensor(float32: [Float(step), 10], shape: [2]))
            sums.append(try floats(try session.run(["x": x], state: state).outputs[0].value))
        }
        XCTAssertEqual(sums, [[1, 10], [3, 20], [6, 30]])
        XCTAssertTrue(try state.claimCallOnce(1) == false, "CALL_ONCE ran its subgraph in the first invocation")
        // A fresh state starts again from the init subgraph.
        let fresh = try session.run(["x": .tensor(try Tensor(float32: [5, 5], shape: [2]))])
        XCTAssertEqual(try floats(fresh.outputs[0].value), [5, 5])
    }

    func testReadingAnUnassignedVariableIsAnError() throws {
        var m = try accumulator()
        m.graph.nodes.removeFirst()  // no CALL_ONCE: nothing assigns the variable first
        XCTAssertThrowsError(try Session(model: m).run(["x": .tensor(try Tensor(float32: [1, 1], shape: [2]))])) { error in
            XCTAssertTrue("\(error.localizedDescription)".contains("read before it is assigned"), error.localizedDescription)
        }
    }

    /// A stateful test op that adds its input into a variable tensor (as SVDF and the sequence
    /// LSTMs update their `is_variable` state inputs).
    struct Accumulate: Kernel {
        let stateName: String
        func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
            let sum = try FloatElementwise.binary(try Inputs.tensor(inputs, 0), try Inputs.tensor(inputs, 1), TFLiteTestAdd())
            context.assignVariableTensor(stateName, sum)
            return [.tensor(sum)]
        }
    }

    struct TFLiteTestAdd: FloatBinaryFunction {
        func callAsFunction<T: FloatMath>(_ a: T, _ b: T) -> T { a + b }
    }

    func testVariableTensorsStartAtZeroAndKeepWhatOpsAssign() throws {
        let graph = Graph(name: "main", nodes: [node("ACCUMULATE", ["state", "x"], ["y"])], inputs: [info("x")], outputs: [info("y")],
                          valueInfo: [info("x"), info("state", variable: true), info("y")])
        let registry = OpRegistry(TFLiteOps.registrations + [OpRegistration("ACCUMULATE") { context in
            Accumulate(stateName: context.node.inputs[0])
        }])
        let session = try Session(model: model([graph]), registry: registry)
        let state = ExecutionState()
        var outputs: [[Float]] = []
        for step in 1...3 {
            outputs.append(try floats(try session.run(["x": .tensor(try Tensor(float32: [Float(step), -1], shape: [2]))], state: state).outputs[0].value))
        }
        XCTAssertEqual(outputs, [[1, -1], [3, -2], [6, -3]])
    }

    func testSubgraphIndicesAreCheckedAndCallCyclesRefused() throws {
        let loop: [String: AttributeValue] = ["cond_subgraph_index": .int(1), "body_subgraph_index": .int(1)]
        let main = Graph(name: "main", nodes: [node("WHILE", ["x"], ["y"], loop)], inputs: [info("x")], outputs: [info("y")])
        // Subgraph 1 calls itself through a WHILE.
        let selfCalling = Graph(name: "cycle", nodes: [node("WHILE", ["a"], ["b"], loop)], inputs: [info("a")], outputs: [info("b")])
        XCTAssertThrowsError(try Session(model: model([main, selfCalling]))) { error in
            XCTAssertTrue(error.localizedDescription.contains("recursive subgraph calls"), error.localizedDescription)
        }
        XCTAssertThrowsError(try Session(model: model([main]))) { error in
            XCTAssertTrue(error.localizedDescription.contains("subgraph index 1 is out of range"), error.localizedDescription)
        }
    }

    func testOpVersionsOutsideTheReferenceResolverAreNotImplemented() throws {
        let graph = Graph(name: "main", nodes: [node("RELU", ["x"], ["y"], version: 4)], inputs: [info("x")], outputs: [info("y")])
        XCTAssertThrowsError(try Session(model: model([graph]))) { error in
            guard case .unsupportedOp(_, let op, let version, _, let reason)? = error as? InterpreterError else { return XCTFail("\(error)") }
            XCTAssertEqual(op, "RELU")
            XCTAssertEqual(version, 4)
            XCTAssertNil(reason)
        }
        XCTAssertEqual(TFLiteOps.registry.versions(domain: "", name: "CONV_2D"), [1...8])
        XCTAssertEqual(Session.registry(for: .tflite).opNames, TFLiteOps.registry.opNames)
    }

    /// A kernel that exists but refuses a node's form says why, when the session is built (an
    /// option) and when it runs (an element type); the error still counts as "unsupported".
    func testAKernelsReasonForRefusingANodeIsKept() throws {
        let basic = Graph(name: "main", nodes: [node("LSTM", ["x"], ["y"], ["kernel_type": .string(Array("BASIC".utf8))])],
                          inputs: [info("x")], outputs: [info("y")])
        XCTAssertThrowsError(try Session(model: model([basic]))) { error in
            XCTAssertEqual(error.localizedDescription, "node 'LSTM_0' (LSTM): op is not implemented by the reference interpreter at opset 1: "
                           + "the BASIC LSTM kernel is not implemented")
            XCTAssertTrue((error as? InterpreterError)?.isUnsupported ?? false)
        }
        let cumsum = Graph(name: "main", nodes: [node("CUMSUM", ["x", "axis"], ["y"])],
                           inputs: [info("x", .bool), info("axis", .int32, [])], outputs: [info("y", .bool)])
        let session = try Session(model: model([cumsum]))
        let x = try Tensor(dtype: .bool, shape: [2], values: [UInt8(1), 0])
        let axis = try Tensor(dtype: .int32, shape: [], values: [Int32(0)])
        XCTAssertThrowsError(try session.run(["x": .tensor(x), "axis": .tensor(axis)])) { error in
            guard case .unsupportedOp(_, let op, _, _, let reason)? = error as? InterpreterError else { return XCTFail("\(error)") }
            XCTAssertEqual(op, "CUMSUM")
            XCTAssertNotNil(reason, error.localizedDescription)
            XCTAssertTrue(error.localizedDescription.hasSuffix(": \(reason ?? "")"), error.localizedDescription)
        }
    }

    func testDensifyAndSparseWeightsMatchTheirCSRDescription() throws {
        let m = try fixture("sparse.tflite")
        let session = try Session(model: m)
        // DENSIFY of a constant is folded when compiling, as LiteRT does it in Prepare.
        XCTAssertEqual(session.main.scheduledNodes, ["FULLY_CONNECTED_1", "FULLY_CONNECTED_2"])
        // fc2: plain CSR [4, 8] (README of the fixtures), rebuilt here by hand.
        let values = try XCTUnwrap(m.graph.initializers.first { $0.name == "fc2/weights_sparse" }).tensor.floatValues()
        let segments = [0, 4, 6, 8, 11], columns = [0, 3, 5, 6, 0, 6, 2, 7, 0, 3, 5]
        var fc2 = [Float](repeating: 0, count: 32)
        for r in 0..<4 { for i in segments[r]..<segments[r + 1] { fc2[r * 8 + columns[i]] = values[i] } }
        // fc1: [8, 16] in 1×4 blocks, CSR over block columns.
        let blocks = try XCTUnwrap(m.graph.initializers.first { $0.name == "fc1/weights" }).tensor.floatValues()
        let blockSegments = [0, 0, 2, 5, 8, 10, 13, 14, 16], blockColumns = [0, 2, 0, 1, 3, 0, 1, 2, 1, 2, 0, 1, 2, 3, 1, 3]
        var fc1 = [Float](repeating: 0, count: 128)
        for r in 0..<8 {
            for b in blockSegments[r]..<blockSegments[r + 1] { for j in 0..<4 { fc1[r * 16 + blockColumns[b] * 4 + j] = blocks[b * 4 + j] } }
        }
        let bias = try XCTUnwrap(m.graph.initializers.first { $0.name == "fc1/bias" }).tensor.floatValues()
        let input = (0..<16).map { Float($0 % 5) / 8 - 0.25 }
        let hidden = (0..<8).map { o -> Float in
            var t: Float = 0
            for k in 0..<16 { t += input[k] * fc1[o * 16 + k] }
            return max(0, t + bias[o])
        }
        let expected = (0..<4).map { o -> Float in
            var t: Float = 0
            for k in 0..<8 { t += hidden[k] * fc2[o * 8 + k] }
            return t + 0
        }
        let result = try session.run(["input": .tensor(try Tensor(float32: input, shape: [1, 16]))], options: RunOptions(intermediates: .all))
        XCTAssertEqual(try floats(result.outputs[0].value), expected)
        XCTAssertEqual(try floats(result.intermediates["fc1/out"]), hidden)
    }

    func testFloat16WeightsAreDequantisedOnceWhenCompiling() throws {
        let session = try Session(model: try fixture("float16_weights.tflite"))
        XCTAssertEqual(session.main.scheduledNodes, ["CONV_2D_2"])
        let out = try session.run(["input": .tensor(try Tensor(float32: [Float](repeating: 0.5, count: 50), shape: [1, 5, 5, 2]))])
        XCTAssertEqual(try XCTUnwrap(out.outputs[0].value?.tensor).shape, [1, 3, 3, 3])
    }
}
