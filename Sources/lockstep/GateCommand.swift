import ArgumentParser
import Foundation
import LockstepKit

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run a whole suite (lockstep.yaml) as a CI gate: fail only on what is new or worse.",
        discussion: """
            Runs every model the suite file lists: check (dropped ops, reference runs, goldens,
            divergence), compat per target and the TensorRT engine analysis, and accuracy audits;
            then writes report.json, junit.xml, summary.md and index.html into the report folder
            (--report-dir, else the suite's report_dir, else reports/). With a baseline (--baseline
            or the suite's baseline:), known findings are unchanged and only new or worse ones fail;
            fixed ones are listed. --update-baseline writes this run's report as the baseline and
            passes. --shard i/n runs every n-th model (round-robin from model i); join the shard
            reports with 'lockstep merge'. Suite format and CI set-ups: docs/gate.md, docs/ci.md.
            Exit codes: 0 pass, 1 the gate fails, 2 usage or input error (the report is still
            written when only some models could not be read).
            """
    )

    @Argument(help: "The suite file.", completion: .file())
    var config: String = "lockstep.yaml"

    @Option(help: "A previous report.json: only new or worse findings fail (overrides the suite's baseline:).", completion: .file())
    var baseline: String?

    @Flag(name: .customLong("update-baseline"), help: "Write this run's report to the baseline path, replacing it; exits 0 unless an input error.")
    var updateBaseline = false

    @Option(help: "Run shard INDEX/COUNT of the suite's models (1-based, round-robin), e.g. 2/4.")
    var shard: String?

    @Option(name: .customLong("report-dir"), help: "Folder for report.json, junit.xml, summary.md, index.html (default: the suite's report_dir, else reports).",
            completion: .directory)
    var reportDirectory: String?

    @Option(help: "Folder of target files (default: the suite's opsets:, $LOCKSTEP_OPSETS, ./opsets, or beside the executable).", completion: .directory)
    var opsets: String?

    @Option(help: "Worker threads for accuracy audits (default: all cores).")
    var threads: Int?

    @Flag(name: .customLong("github-annotations"), help: "Also print GitHub Actions ::error/::warning lines for blocking and new findings.")
    var githubAnnotations = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors (and --json).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print each check as it starts and every finding at the end.")
    var verbose = false

    @Flag(help: "Print report.json to standard output instead of the summary (progress stays on standard error).")
    var json = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
        if json && githubAnnotations { throw ValidationError("--json and --github-annotations both write standard output; choose one") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var options = Gate.Options()
        options.config = config
        options.baseline = baseline
        options.updateBaseline = updateBaseline
        options.shard = try shard.map(Shards.parse)
        options.reportDirectory = reportDirectory
        options.opsets = opsets
        options.threads = threads
        options.arguments = Array(CommandLine.arguments.dropFirst(2))
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            options.now = { Date(timeIntervalSince1970: seconds) }
        }
        let quiet = self.quiet, verbose = self.verbose
        let start = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let outcome = try Gate.run(options, progress: { event in
            guard !quiet else { return }
            switch event {
            case .started(let position, let total, let model):
                if verbose { Self.err("[\(position)/\(total)] \(model) …") }
            case .check(_, let name):
                if verbose { Self.err("    \(name)") }
            case .finished(let position, let total, let model, let status, let findings, let blocking, let seconds):
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds) / 1e9 - start
                Self.err(GateConsole.finishedLine(position: position, of: total, model: model, status: status, findings: findings,
                                                  blocking: blocking, seconds: seconds, elapsed: elapsed))
            }
        })
        let files = try GateOutputs.write(outcome.report, to: outcome.reportDirectory)
        if json {
            print(try Check.json(outcome.report), terminator: "")
        } else if !quiet {
            print(GateConsole.summary(outcome.report, files: files, verbose: verbose), terminator: "")
            if let b = outcome.updatedBaseline { print("baseline: wrote \(b)") }
        }
        if githubAnnotations { print(GateOutputs.annotations(outcome.report), terminator: "") }
        if let first = outcome.errors.first {
            let more = outcome.errors.count > 1 ? " (and \(outcome.errors.count - 1) more input errors; see the report)" : ""
            FileHandle.standardError.write(Data("lockstep: error: \(first)\(more)\n".utf8))
        }
        let code = outcome.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    static func err(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
