import ArgumentParser
import Foundation
import LockstepKit

/// The `lockstep` command line. Parses arguments and calls LockstepKit; nothing else.
struct LockstepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockstep",
        abstract: "Prove a converted ML model is still the model that was trained.",
        discussion: """
            Exit codes: 0 pass, 1 findings fail the gate, 2 usage or input error.
            Errors read 'lockstep: error: <file>: <reason>'.
            """,
        version: LockstepVersion.string,
        subcommands: [InspectCommand.self, RunCommand.self, BenchCommand.self, ConformanceCommand.self, CompatCommand.self, MatrixCommand.self, CheckCommand.self,
                      GoldenCommand.self, AccuracyCommand.self, GateCommand.self, MergeCommand.self]
    )

    /// Runs the command, mapping every error to one stderr line and exit code 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode {
                exit(withError: error)
            }
            if let described = (error as? LocalizedError)?.errorDescription {
                FileHandle.standardError.write(Data("lockstep: error: \(described)\n".utf8))
                Foundation.exit(2)
            }
            // Usage errors from ArgumentParser: its message, then exit 2 (DESIGN: usage error = 2).
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
