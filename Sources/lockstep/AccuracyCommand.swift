import ArgumentParser
import Foundation
import LockstepKit

struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Per-class accuracy drift of candidate forms against a reference on a labelled set.",
        discussion: """
            Runs the reference and each candidate over the evaluation set (ONNX or TFLite in the
            reference interpreter, samples in parallel on all cores; or captured outputs: .npy/.npz
            with one row of scores or one class index per sample) and reports, per form, accuracy,
            precision, recall, F1, support, top-k and the confusion matrix; per candidate and class,
            the accuracy delta, flips, an exact McNemar test with Benjamini–Hochberg control across
            classes and a bootstrap confidence interval. A class fails (classRegression) when its
            drop exceeds --max-drop and is significant at --alpha; classes under --min-support
            samples are reported as too small to judge. Data sets: .npz (inputs or one array per
            input name, labels, meta_<column>), a folder with labels.csv and .npy samples, or one
            folder of PNG/JPEG images per class with preprocess.yaml (docs/accuracy.md).
            Exit codes: 0 no failing finding, 1 a failing finding, 2 usage or input error.
            """
    )

    @Option(help: "Evaluation set: .npz, a folder with labels.csv, or a folder of class folders.", completion: .file())
    var dataset: String

    @Option(help: "The reference form (.onnx, .tflite, or captured outputs .npy/.npz).", completion: .file())
    var reference: String

    @Option(help: "A candidate form (repeatable).", completion: .file())
    var candidate: [String] = []

    @Option(help: "Class names, one per line, in class-index order.", completion: .file())
    var classes: String?

    @Option(help: "Preprocessing of an image set (default: preprocess.yaml in its folder).", completion: .file())
    var preprocess: String?

    @Option(name: .customLong("min-support"), help: "Classes with fewer samples are not judged.")
    var minSupport = 30

    @Option(help: "False discovery rate across classes (Benjamini–Hochberg) and 1 − CI confidence.")
    var alpha = 0.05

    @Option(name: .customLong("max-drop"), help: "Accuracy drop that matters, as a fraction (0.02 = 2 points).")
    var maxDrop = 0.02

    @Option(name: .customLong("top-k"), help: "k of the top-k accuracy.")
    var topK = 5

    @Option(name: .customLong("slice-by"), help: "Also report drift per value of this metadata column.")
    var sliceBy: String?

    @Option(help: "Output holding the class scores (default: the model's first output).")
    var output: String?

    @Option(name: .customLong("batch-size"), help: "Samples per run when the model's batch dimension is free.")
    var batchSize = 32

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Bootstrap resamples per confidence interval.")
    var bootstrap = 2000

    @Option(help: "Seed of the bootstrap draws.")
    var seed: UInt64 = 0

    @Option(name: .customLong("report-dir"), help: "Write report.json here.", completion: .directory)
    var reportDirectory: String?

    @Flag(help: "Replace an existing report.json in --report-dir.")
    var force = false

    @Flag(help: "Print the report (with its findings) as JSON.")
    var json = false

    func run() throws {
        var options = AccuracyAudit.Options(dataset: dataset, reference: reference, candidates: candidate)
        options.classesFile = classes
        options.preprocessFile = preprocess
        options.sliceBy = sliceBy
        options.policy.minSupport = minSupport
        options.policy.alpha = alpha
        options.policy.maxDrop = maxDrop
        options.policy.bootstrapResamples = bootstrap
        options.policy.seed = seed
        options.evaluation.topK = topK
        options.evaluation.outputName = output
        options.evaluation.batchSize = batchSize
        options.evaluation.threads = threads
        options.arguments = Array(CommandLine.arguments.dropFirst())
        let outcome = try AccuracyAudit.run(options, progress: { form, total in
            guard let bar = ProgressBar.onTerminal(label: form, total: total) else { return nil }
            return { done, _ in bar.update(done) }
        })
        if let dir = reportDirectory { try AccuracyAudit.writeReport(outcome.report, to: dir, force: force) }
        if json {
            print(try AccuracyAudit.json(outcome.report), terminator: "")
        } else {
            print(AccuracyRendering.text(outcome.report, seconds: outcome.seconds), terminator: "")
        }
        if outcome.report.exitCode != 0 { throw ExitCode(outcome.report.exitCode) }
    }
}
