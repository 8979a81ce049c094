import ArgumentParser
import Foundation
import LockstepKit

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the reports of a sharded gate run (lockstep gate --shard i/n) into one.",
        discussion: """
            Takes every shard's report.json (or its report folder), checks that they are the shards
            1…n of one suite file run against the same baseline and policy, and writes report.json,
            junit.xml, summary.md and index.html for the whole suite, as an unsharded run would.
            Exit codes: 0 pass, 1 the gate fails, 2 usage or input error (a missing, repeated or
            foreign shard).
            """
    )

    @Argument(help: "The shard reports (report.json files or report folders).", completion: .file())
    var reports: [String] = []

    @Option(name: .customLong("report-dir"), help: "Folder for the merged report files (default: reports).", completion: .directory)
    var reportDirectory: String = "reports"

    @Flag(name: .shortAndLong, help: "Print nothing but errors (and --json).")
    var quiet = false

    @Flag(help: "Print the merged report.json to standard output instead of the summary.")
    var json = false

    func validate() throws {
        if reports.isEmpty { throw ValidationError("give the shard reports to merge") }
    }

    func run() throws {
        var now: Date?
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            now = Date(timeIntervalSince1970: seconds)
        }
        let report = try GateOutputs.merge(paths: reports, arguments: Array(CommandLine.arguments.dropFirst(2)), now: now)
        let files = try GateOutputs.write(report, to: reportDirectory)
        if json {
            print(try Check.json(report), terminator: "")
        } else if !quiet {
            print(GateConsole.summary(report, files: files, verbose: false), terminator: "")
        }
        if !report.gate.passed { throw ExitCode(1) }
    }
}
