import ArgumentParser
import Foundation
import LockstepKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a model file holds: IO, ops, parameters, quantisation.",
        discussion: """
            Reads an ONNX model (external data is resolved inside the model's folder only) and prints
            its format, producer, IR and opset versions, inputs and outputs with symbolic dimensions,
            node counts per graph (subgraphs included), the op histogram, initializers and parameter
            bytes, element types, quantisation (QDQ pairs, per-tensor vs per-axis) and custom domains.
            --json prints the same as a stable JSON document (docs/inspect.md).
            Exit codes: 0 success, 2 unreadable or invalid file.
            """
    )

    @Argument(help: "Model file (.onnx).", completion: .file())
    var model: String

    @Flag(name: .long, help: "Print the report as JSON (schema in docs/inspect.md).")
    var json = false

    func run() throws {
        let report = try Inspect.run(path: model)
        print(json ? try report.jsonString() : report.text(), terminator: "")
    }
}
