import ArgumentParser
import Foundation
import LockstepKit

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Record or verify golden cases (golden/<suite>/<case>).",
        discussion: """
            A golden case is manifest.yaml + inputs/*.npy + outputs/*.npy, with the sha256, type,
            shape and provenance (runtime, version, command) of every file and optional per-output
            tolerances (docs/check.md). Cases are written only by 'golden record' or the capture tools
            in tools/, and never replaced without --force.
            """,
        subcommands: [GoldenRecordCommand.self, GoldenVerifyCommand.self]
    )
}

struct GoldenRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Write a golden case from a model's reference run or from outputs captured by a real runtime.",
        discussion: """
            CASE is the case folder, golden/<suite>/<case>. Without --captured the model (ONNX or
            TFLite) runs in the reference interpreter on --inputs DIR or seeded random inputs
            (--random-inputs, default seed 0). With --captured the outputs are read from a TensorRT
            bundle, Polygraphy --save-outputs JSON, trtexec --exportOutput JSON or a folder of .npy
            (matched to the model's outputs by name, else position), with --runtime and
            --runtime-version as their provenance; the inputs are the captured ones, else --inputs.
            Refuses to replace an existing case without --force.
            Exit codes: 0 written, 2 usage or input error (also: the case exists).
            """
    )

    @Argument(help: "Case folder (golden/<suite>/<case>).", completion: .directory)
    var caseDirectory: String

    @Option(help: "The model the case is for (.onnx or .tflite).", completion: .file())
    var model: String

    @Option(name: .customLong("inputs"), help: "Folder of input .npy files.", completion: .directory)
    var inputDirectory: String?

    @Option(name: .customLong("random-inputs"), help: "Seed for generated inputs (default 0 when no inputs are given).")
    var randomSeed: UInt64?

    @Option(name: .customLong("dim"), help: "Size of a symbolic dimension for random inputs, as NAME=N (repeatable).")
    var dimensions: [String] = []

    @Option(help: "Outputs captured by a real runtime (TensorRT bundle, Polygraphy JSON, folder of .npy).", completion: .file())
    var captured: String?

    @Option(help: "The runtime that captured the outputs (with --captured), e.g. tensorrt.")
    var runtime: String?

    @Option(name: .customLong("runtime-version"), help: "Its version (with --captured), e.g. 10.4.0.")
    var runtimeVersion: String?

    @Option(name: .customLong("tolerance"), help: "Per-output tolerance stored in the manifest, NAME:KEY=V[,…] (repeatable).")
    var tolerances: [String] = []

    @Flag(help: "Replace an existing case.")
    var force = false

    func run() throws {
        var options = GoldenJobs.RecordOptions(caseDirectory: caseDirectory, model: model)
        options.inputDirectory = inputDirectory
        options.randomSeed = randomSeed
        options.captured = captured
        options.runtime = runtime
        options.runtimeVersion = runtimeVersion
        options.force = force
        options.command = "lockstep " + CommandLine.arguments.dropFirst().joined(separator: " ")
        options.now = clock
        for item in dimensions {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else { throw ValidationError("--dim expects NAME=N, got '\(item)'") }
            options.dimensions[String(parts[0])] = n
        }
        for t in tolerances {
            let (name, settings) = try GoldenJobs.parseTolerance(t)
            options.tolerances[name] = settings
        }
        let manifest = try GoldenJobs.record(options)
        print("recorded \(manifest.suite)/\(manifest.name): \(manifest.inputs.count) inputs, \(manifest.outputs.count) outputs → \(caseDirectory)/manifest.yaml")
    }
}

struct GoldenVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every file of golden cases against the sha256 their manifests record.",
        discussion: """
            PATH is a case, a suite or the whole store (every folder below it with a manifest.yaml).
            Lists each case as ok or CHANGED, with missing and changed files, and files the manifest
            does not list. Exit codes: 0 all intact, 1 a file changed or is missing, 2 usage or input
            error (an unreadable manifest).
            """
    )

    @Argument(help: "Golden case, suite or store folders.", completion: .directory)
    var paths: [String] = ["golden"]

    @Flag(help: "Print the result as a report (docs/report-schema.md).")
    var json = false

    func run() throws {
        let report = try GoldenJobs.verify(paths: paths, arguments: Array(CommandLine.arguments.dropFirst(3)), now: clock())
        print(json ? try Check.json(report) : GoldenJobs.verifyText(report), terminator: "")
        if !report.gate.passed { throw ExitCode(1) }
    }
}
