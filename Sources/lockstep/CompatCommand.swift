import ArgumentParser
import Foundation
import LockstepKit

struct CompatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat",
        abstract: "Judge every node of a model against one target runtime: verdicts, partitions, fallbacks.",
        discussion: """
            Checks each node (ONNX, TFLite, or the layers of a TensorRT bundle) against the target's
            rules in opsets/ (op versions, element types, constraints) and says per node: supported,
            fallback (with the rule that failed), unsupported, custom or unknown; then forms the
            partitions the delegate or execution provider would form and summarises in the runtime's
            terms ("N of M nodes delegated, K partitions"). --json lists every node with its verdict
            and reason. A TensorRT bundle without --target is judged from its layer information:
            layers computing wider than --precision, and with --dla, layers left on the GPU.
            ONNX intermediate shapes the file does not declare are learnt from one reference run on
            random inputs (two when input dimensions are symbolic); --no-shape-run skips it. Target files are found with --opsets, $LOCKSTEP_OPSETS, ./opsets, or beside
            the executable; --list-targets lists them (docs/compatibility.md).
            Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it (default
            'unsupported': a node nobody in the fallback chain runs, or a custom op; 'fallback' also
            fails on nodes leaving the target), 2 usage or input error (an unknown target id lists the
            closest ids).
            """
    )

    @Argument(help: "Model file (.onnx, .tflite) or TensorRT bundle.", completion: .file())
    var model: String?

    @Option(help: "Target id (see --list-targets); optional for TensorRT bundles.")
    var target: String?

    @Option(help: "TensorRT bundles: the precision the engine was built for (int8, fp16, bf16, fp8, fp32).")
    var precision: String?

    @Flag(help: "TensorRT bundles: the layers were meant for the DLA (report DLA→GPU fallbacks).")
    var dla = false

    @Option(name: .customLong("fail-on"), help: "Fail (exit 1) on 'unsupported' (default) or also on 'fallback'.")
    var failOn: FailOnArgument = .unsupported

    @Flag(name: .customLong("no-shape-run"), help: "Do not run the reference interpreter to learn ONNX intermediate shapes.")
    var noShapeRun = false

    @Option(help: "Folder of target files (default: $LOCKSTEP_OPSETS, ./opsets, or beside the executable).", completion: .directory)
    var opsets: String?

    @Flag(name: .customLong("all"), help: "List every node, not only those leaving the target.")
    var allNodes = false

    @Flag(name: .customLong("list-targets"), help: "List the targets and exit.")
    var listTargets = false

    @Flag(help: "Print the report as JSON (every node with verdict and reason).")
    var json = false

    func run() throws {
        let catalog = try Compat.catalog(opsets: opsets)
        if listTargets {
            print(CompatRendering.targetList(catalog), terminator: "")
            return
        }
        guard let model else { throw ValidationError("Missing expected argument '<model>'") }
        let report = try Compat.run(modelPath: model, targetID: target, precision: precision, dla: dla, shapeRun: !noShapeRun, catalog: catalog)
        print(json ? try CompatRendering.json(report) : CompatRendering.text(report, allNodes: allNodes), terminator: "")
        if Compat.fails(report, failOn: failOn.value) { throw ExitCode(1) }
    }
}

enum FailOnArgument: String, ExpressibleByArgument, CaseIterable {
    case unsupported, fallback

    var value: Compat.FailOn { self == .unsupported ? .unsupported : .fallback }
}
