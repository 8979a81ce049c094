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
            and reason. Target files are found with --opsets, $LOCKSTEP_OPSETS, ./opsets, or beside
            the executable; --list-targets lists them (docs/compatibility.md).
            Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it (default
            'unsupported': a node nobody in the fallback chain runs, or a custom op; 'fallback' also
            fails on nodes leaving the target), 2 usage or input error (an unknown target id lists the
            closest ids).
            """
    )

    @Argument(help: "Model file (.onnx, .tflite) or TensorRT bundle.", completion: .file())
    var model: String?

    @Option(help: "Target id (see --list-targets).")
    var target: String?

    @Option(name: .customLong("fail-on"), help: "Fail (exit 1) on 'unsupported' (default) or also on 'fallback'.")
    var failOn: FailOnArgument = .unsupported

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
        guard let target else {
            throw ValidationError("Missing expected option '--target <target>' (targets: \(catalog.targets.map(\.id).joined(separator: ", ")))")
        }
        let report = try Compat.run(modelPath: model, targetID: target, catalog: catalog)
        print(json ? try CompatRendering.json(report) : CompatRendering.text(report, allNodes: allNodes), terminator: "")
        if Compat.fails(report, failOn: failOn.value) { throw ExitCode(1) }
    }
}

enum FailOnArgument: String, ExpressibleByArgument, CaseIterable {
    case unsupported, fallback

    var value: Compat.FailOn { self == .unsupported ? .unsupported : .fallback }
}

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Op × target and model × target compatibility matrices for many models.",
        discussion: """
            Judges every model against every target of its format (all targets in opsets/, or those
            given with --targets a,b,c) and prints the model × target matrix as Markdown. With
            --out DIR it writes matrix.md, ops.csv, models.csv, matrix.json and matrix.html (one
            self-contained page: colour-coded cells, reasons on click, no network) into DIR,
            replacing those five files. Exit codes: 0 success, 2 usage or input error.
            """
    )

    @Argument(help: "Model files (.onnx, .tflite) or TensorRT bundles.", completion: .file())
    var models: [String]

    @Option(help: "Comma-separated target ids (default: every target).")
    var targets: String?

    @Option(help: "Write matrix.md, ops.csv, models.csv, matrix.json and matrix.html into this folder.", completion: .directory)
    var out: String?

    @Option(help: "Folder of target files (default: $LOCKSTEP_OPSETS, ./opsets, or beside the executable).", completion: .directory)
    var opsets: String?

    func run() throws {
        guard !models.isEmpty else { throw ValidationError("Give at least one model") }
        let catalog = try Compat.catalog(opsets: opsets)
        let ids = (targets ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let matrix = try Compat.matrix(modelPaths: models, targetIDs: ids, catalog: catalog)
        if let out {
            for path in try Compat.writeMatrix(matrix, to: out) { print("wrote \(path)") }
        } else {
            print(MatrixRendering.markdown(matrix), terminator: "")
        }
    }
}
