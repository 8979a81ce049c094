import ArgumentParser
import Foundation
import LockstepKit

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Execute a model in the reference interpreter and write its outputs.",
        discussion: """
            Inputs come from --input NAME=FILE.npy, from --inputs DIR (<input name>.npy, else
            input_<i>.npy by position), or are generated with --random-inputs SEED (ranges in
            docs/run.md). With --output-dir, outputs are written as output_<i>.npy with a
            manifest.json (name, file, dtype, shape, range per output); --intermediates also
            writes every intermediate value under intermediates/. Existing files are replaced only
            with --force. A summary (shapes, ranges, NaN/Inf counts) goes to stdout.
            --steps N invokes the model N times with one state (TFLite variables, CALL_ONCE),
            feeding step i the i-th slice along the leading axis of each input file, and stacks
            each output along a new leading axis (streaming models).
            Nodes the reference cannot execute (TFLite custom ops) are reported with the outputs
            that depend on them; every other output is still computed and written.
            Exit codes: 0 success; 1 some outputs could not be produced (custom ops); 2 usage,
            input or model error.
            """
    )

    @Argument(help: "Model file (.onnx or .tflite).", completion: .file())
    var model: String

    @Option(name: .customLong("input"), help: "An input as NAME=FILE.npy (repeatable).")
    var inputs: [String] = []

    @Option(name: .customLong("inputs"), help: "Folder of input .npy files.", completion: .directory)
    var inputDirectory: String?

    @Option(name: .customLong("random-inputs"), help: "Generate missing inputs from this seed.")
    var randomSeed: UInt64?

    @Option(name: .customLong("dim"), help: "Size of a symbolic dimension for random inputs, as NAME=N (repeatable).")
    var dimensions: [String] = []

    @Option(name: .customLong("output-dir"), help: "Write outputs and manifest.json here.", completion: .directory)
    var outputDirectory: String?

    @Option(help: "Invoke the model N times with one state, one slice of the inputs' leading axis per step.")
    var steps: Int?

    @Flag(help: "Keep and write every intermediate value.")
    var intermediates = false

    @Flag(help: "Replace existing files in the output folder.")
    var force = false

    @Option(help: "float32 values computed in 'native' float32 (as runtimes do) or in 'float64' (oracle mode, rounded once at the outputs).")
    var precision: PrecisionArgument = .native

    @Flag(name: .customLong("no-fusion"), help: "Run every node on its own (no fused elementwise chains; same results, slower).")
    var noFusion = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
        var options = ModelRun.Options()
        for item in inputs {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex, item.index(after: eq) != item.endIndex else {
                throw ValidationError("--input expects NAME=FILE.npy, got '\(item)'")
            }
            options.inputFiles[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        for item in dimensions {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else { throw ValidationError("--dim expects NAME=N, got '\(item)'") }
            options.dimensions[String(parts[0])] = n
        }
        options.inputDirectory = inputDirectory
        options.randomSeed = randomSeed
        options.outputDirectory = outputDirectory
        options.intermediates = intermediates
        options.force = force
        options.precision = precision.session
        options.fusion = !noFusion
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        options.steps = steps
        let result = try ModelRun.run(modelPath: model, options: options)
        if json {
            print(try ModelRun.jsonString(result))
        } else {
            print(ModelRun.text(result), terminator: "")
        }
        if !result.isComplete { throw ExitCode(1) }
    }
}

/// `--precision` values.
enum PrecisionArgument: String, ExpressibleByArgument, CaseIterable {
    case native, float32, float64

    var session: ComputePrecision { self == .float64 ? .float64 : .native }
}
