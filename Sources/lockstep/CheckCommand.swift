import ArgumentParser
import Foundation
import LockstepKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Differential test of a model's forms: dropped ops, numeric divergence (localised), goldens.",
        discussion: """
            Accounts for every node of the ONNX source in each converted form (a node with no
            counterpart that opsets/correspondence/eliminations.yaml does not explain is a droppedOp),
            runs the ONNX and TFLite forms in the reference interpreter on the same inputs (adapted per
            form: names, NCHW↔NHWC, quantisation), reads a TensorRT bundle's captured outputs, compares
            every output against the ONNX form and against golden cases, and localises the first
            diverging op (saying so when the values are the same in another layout). Inputs come from
            --golden cases, --inputs DIR, the TensorRT bundle's captured inputs, or seeded random values
            (--random-inputs, default seed 0). --target runs the compatibility check of each target on
            the form of its format. Tolerances default by element type (docs/check.md); override with
            --tolerance NAME:atol=…,rtol=… (also dtype=TYPE:… and all:…).
            Prints a summary and writes report.json (docs/report-schema.md) into --report-dir.
            Exit codes: 0 nothing at or above --fail-on (default error), 1 findings at or above it,
            2 usage or input error.
            """
    )

    @Option(help: "The source model (.onnx).", completion: .file())
    var onnx: String

    @Option(help: "A TFLite conversion of it.", completion: .file())
    var tflite: String?

    @Option(help: "A TensorRT plan bundle (folder, plan, or trtexec/Polygraphy exports) built from it.", completion: .file())
    var trt: String?

    @Option(name: .customLong("inputs"), help: "Folder of input .npy files (ONNX input names, or input_<i>.npy).", completion: .directory)
    var inputDirectory: String?

    @Option(help: "A golden case, suite or store (golden/<suite>/<case>/manifest.yaml).", completion: .directory)
    var golden: String?

    @Option(name: .customLong("random-inputs"), help: "Seed for generated inputs (used when no inputs are given; default 0).")
    var randomSeed: UInt64?

    @Option(name: .customLong("dim"), help: "Size of a symbolic dimension for random inputs, as NAME=N (repeatable).")
    var dimensions: [String] = []

    @Option(name: .customLong("target"), help: "Compatibility target id (repeatable; see lockstep compat --list-targets).")
    var targets: [String] = []

    @Option(help: "Folder of target files (default: $LOCKSTEP_OPSETS, ./opsets, or beside the executable).", completion: .directory)
    var opsets: String?

    @Option(name: .customLong("tolerance"), help: "Tolerance override NAME:KEY=V[,…] (keys rule, atol, rtol, max_ulp, steps, equal_nan; NAME may be dtype=TYPE or all). Repeatable.")
    var tolerances: [String] = []

    @Option(name: .customLong("fail-on"), help: "Least severity that fails: info, warning or error (default).")
    var failOn: SeverityArgument = .error

    @Option(name: .customLong("report-dir"), help: "Folder for report.json (default: the current folder).", completion: .directory)
    var reportDirectory: String = "."

    @Flag(help: "Print the report (report.json) instead of the summary.")
    var json = false

    func run() throws {
        var options = Check.Options(onnx: onnx)
        options.tflite = tflite
        options.tensorRT = trt
        options.inputDirectory = inputDirectory
        options.golden = golden
        options.randomSeed = randomSeed
        options.targets = targets
        options.opsets = opsets
        options.failOn = failOn.severity
        options.arguments = Array(CommandLine.arguments.dropFirst(2))
        options.now = clock
        for item in dimensions {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else { throw ValidationError("--dim expects NAME=N, got '\(item)'") }
            options.dimensions[String(parts[0])] = n
        }
        for t in tolerances { try options.tolerances.add(t) }
        let report = try Check.run(options)
        let path = try Check.writeReport(report, directory: reportDirectory)
        print(json ? try Check.json(report) : CheckRendering.text(report, reportPath: path), terminator: "")
        if !report.gate.passed { throw ExitCode(1) }
    }
}

/// `--fail-on` severities.
enum SeverityArgument: String, ExpressibleByArgument, CaseIterable {
    case info, warning, error
    var severity: FindingSeverity {
        switch self {
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        }
    }
}

/// The clock reports and golden manifests record: `SOURCE_DATE_EPOCH` (seconds since 1970) when
/// set, for reproducible files; else now.
let clock: @Sendable () -> Date = {
    if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(text) {
        return Date(timeIntervalSince1970: seconds)
    }
    return Date()
}
