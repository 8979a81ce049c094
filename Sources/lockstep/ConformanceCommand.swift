import ArgumentParser
import Foundation
import LockstepKit

struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run the reference interpreter against the ONNX node tests or the TFLite op tests.",
        discussion: """
            Give exactly one suite. --onnx-node-tests DIR: one folder per case (model.onnx,
            test_data_set_*/input_*.pb and output_*.pb, optional data.json with rtol/atol), as
            scripts/fetch-corpus.sh materialises them. --tflite-op-tests DIR: one folder per case
            (model.tflite, test_data_set_*/input_*.npy and output_*.npy, case.json with the op and
            tolerance; integer outputs must match LiteRT bit for bit), as
            scripts/make-tflite-op-tests.py writes them (Tests/Fixtures/tflite-op-tests). Each
            case passes, fails or is unsupported; cases listed in --expected-failures (lines
            'case_name: reason', a trailing * matches a prefix) count as skipped. Prints a per-op
            table and ends with 'N passed, N failed, N skipped'.
            Exit codes: 0 no failures, 1 failures, 2 usage or input error.
            """
    )

    @Option(name: .customLong("onnx-node-tests"), help: "Folder of ONNX backend node cases.", completion: .directory)
    var onnxNodeTests: String?

    @Option(name: .customLong("tflite-op-tests"), help: "Folder of TFLite op-test cases.", completion: .directory)
    var tfliteOpTests: String?

    @Option(name: .customLong("expected-failures"), help: "File of expected failures with reasons.", completion: .file())
    var expectedFailures: String?

    @Option(help: "Only run cases whose name contains this text.")
    var filter: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(name: .customLong("failures"), help: "List every failed and unsupported case with its reason.")
    var listFailures = false

    func validate() throws {
        if (onnxNodeTests == nil) == (tfliteOpTests == nil) {
            throw ValidationError("give exactly one of --onnx-node-tests DIR and --tflite-op-tests DIR")
        }
    }

    func run() throws {
        let expected = try expectedFailures.map { try Conformance.loadExpectedFailures(path: $0) } ?? []
        let report: Conformance.Report
        if let tfliteOpTests {
            report = try Conformance.runTFLiteOpTests(directory: tfliteOpTests, expected: expected, filter: filter)
        } else {
            report = try Conformance.runNodeTests(directory: onnxNodeTests ?? "", expected: expected, filter: filter)
        }
        if json {
            print(try report.jsonString(), terminator: "")
        } else {
            print(report.table(listFailures: listFailures), terminator: "")
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
