import ArgumentParser
import Foundation
import LockstepKit

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the reference interpreter on a model: P50/P95/P99 latency and peak RSS.",
        discussion: """
            Runs the model --warmup times untimed, then --iterations times timed, with inputs from
            --inputs DIR or seeded random values (--random-inputs, default seed 0; --dim NAME=N for
            symbolic dimensions). --threads sets the GEMM threads (default 1, single-threaded).
            Percentiles use the nearest-rank rule; CPU time is the process's user + system time per
            run. --profile adds the time per op type and the slowest nodes (averaged over the timed
            runs; node timing adds a little overhead; a fused elementwise chain counts as one node,
            op lockstep::FusedElementwise). --no-fusion runs every node on its own, for comparison.
            Exit codes: 0 success, 2 usage or model error.
            """
    )

    @Argument(help: "Model file (.onnx or .tflite).", completion: .file())
    var model: String

    @Option(help: "Timed runs.")
    var iterations = 20

    @Option(help: "Untimed runs first.")
    var warmup = 2

    @Option(help: "GEMM threads.")
    var threads = 1

    @Option(name: .customLong("inputs"), help: "Folder of input .npy files.", completion: .directory)
    var inputDirectory: String?

    @Option(name: .customLong("random-inputs"), help: "Seed for generated inputs (default 0).")
    var randomSeed: UInt64?

    @Option(name: .customLong("dim"), help: "Size of a symbolic dimension, as NAME=N (repeatable).")
    var dimensions: [String] = []

    @Option(help: "float32 values computed in 'native' float32 (as runtimes do) or in 'float64' (oracle mode, rounded once at the outputs).")
    var precision: PrecisionArgument = .native

    @Flag(help: "Also time every node: time per op type and the slowest nodes.")
    var profile = false

    @Flag(name: .customLong("no-fusion"), help: "Run every node on its own (no fused elementwise chains; same results, slower).")
    var noFusion = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        var options = ModelBench.Options()
        options.iterations = iterations
        options.warmup = max(0, warmup)
        options.threads = threads
        options.profile = profile
        options.inputs.inputDirectory = inputDirectory
        options.inputs.randomSeed = randomSeed
        for item in dimensions {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else { throw ValidationError("--dim expects NAME=N, got '\(item)'") }
            options.inputs.dimensions[String(parts[0])] = n
        }
        options.inputs.precision = precision.session
        options.inputs.fusion = !noFusion
        let result = try ModelBench.run(modelPath: model, options: options)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(ModelBench.text(result), terminator: "")
        }
    }
}
