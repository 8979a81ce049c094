import ArgumentParser
import Foundation
import LockstepKit

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Op × target and model × target compatibility matrices for many models.",
        discussion: """
            Judges every model against every target of its format (all targets in opsets/, or those
            given with --targets a,b,c) and prints the model × target matrix as Markdown. With
            --out DIR it writes matrix.md, ops.csv, models.csv, matrix.json and matrix.html (one
            self-contained page: colour-coded cells, reasons on click, no network) into DIR,
            replacing those five files. ONNX intermediate shapes come from a reference run as in
            'lockstep compat' (--no-shape-run skips it). Exit codes: 0 success, 2 usage or input error.
            """
    )

    @Argument(help: "Model files (.onnx, .tflite) or TensorRT bundles.", completion: .file())
    var models: [String]

    @Option(help: "Comma-separated target ids (default: every target).")
    var targets: String?

    @Option(help: "Write matrix.md, ops.csv, models.csv, matrix.json and matrix.html into this folder.", completion: .directory)
    var out: String?

    @Flag(name: .customLong("no-shape-run"), help: "Do not run the reference interpreter to learn ONNX intermediate shapes.")
    var noShapeRun = false

    @Option(help: "Folder of target files (default: $LOCKSTEP_OPSETS, ./opsets, or beside the executable).", completion: .directory)
    var opsets: String?

    func run() throws {
        guard !models.isEmpty else { throw ValidationError("Give at least one model") }
        let catalog = try Compat.catalog(opsets: opsets)
        let ids = (targets ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let matrix = try Compat.matrix(modelPaths: models, targetIDs: ids, shapeRun: !noShapeRun, catalog: catalog)
        if let out {
            for path in try Compat.writeMatrix(matrix, to: out) { print("wrote \(path)") }
        } else {
            print(MatrixRendering.markdown(matrix), terminator: "")
        }
    }
}
