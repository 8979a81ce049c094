import Compatibility
import Foundation
import LockstepCore

/// The `lockstep compat` and `lockstep matrix` jobs.
public enum Compat {
    /// When `compat` exits 1.
    public enum FailOn: String, Sendable, CaseIterable {
        /// Nodes nobody in the fallback chain runs, and custom ops without an implementation (default).
        case unsupported
        /// Also any node leaving the target (fallbacks, and undecided nodes counted as leaving).
        case fallback

        /// The least severity that fails.
        public var severity: Severity { self == .unsupported ? .error : .warning }
    }

    /// Finds the `opsets/` folder: `explicit` (`--opsets`), else `$LOCKSTEP_OPSETS`, else
    /// `./opsets`, else an `opsets/` beside or above the executable (a checkout's
    /// `.build/debug/lockstep`), else `<prefix>/share/lockstep/opsets`.
    public static func opsetsDirectory(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                                       executable: String = CommandLine.arguments.first ?? "") throws -> String {
        if let explicit { return explicit }
        if let env = environment["LOCKSTEP_OPSETS"], !env.isEmpty { return env }
        func isOpsets(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("README.md"))
        }
        let cwd = FileManager.default.currentDirectoryPath
        let local = (cwd as NSString).appendingPathComponent("opsets")
        if isOpsets(local) { return "opsets" }
        var dir = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        for _ in 0..<5 where !dir.isEmpty && dir != "/" {
            let candidate = (dir as NSString).appendingPathComponent("opsets")
            if isOpsets(candidate) { return candidate }
            let share = (dir as NSString).appendingPathComponent("share/lockstep/opsets")
            if isOpsets(share) { return share }
            dir = (dir as NSString).deletingLastPathComponent
        }
        throw LockstepError.invalidArgument(
            "opsets: no folder of target files found; pass --opsets DIR or set LOCKSTEP_OPSETS (a Lockstep checkout has one at opsets/)")
    }

    /// Loads the catalog of targets.
    public static func catalog(opsets: String?) throws -> TargetCatalog {
        try TargetCatalog.load(directory: try opsetsDirectory(explicit: opsets))
    }

    /// The id that names the built-in engine analysis of TensorRT bundles.
    public static let engineTarget = "tensorrt-engine"

    /// Judges the model (ONNX, TFLite, or TensorRT bundle layers) at `path` against target `targetID`.
    /// A TensorRT bundle without a target (or with `tensorrt-engine`) gets the engine analysis:
    /// precision and DLA→GPU fallbacks against `engine`.
    /// With `shapeRun`, ONNX intermediate shapes the file does not declare come from a reference
    /// run on random inputs (`ShapeProbe`).
    public static func run(modelPath: String, targetID: String?, engine: EngineRequest = EngineRequest(),
                           shapeRun: Bool = true, catalog: TargetCatalog) throws -> CompatibilityReport {
        let model = try ModelFile.load(path: modelPath)
        if model.format == .tensorrt, targetID == nil || targetID == engineTarget {
            return try EngineAnalyzer.analyze(model, request: engine)
        }
        guard let targetID else {
            throw LockstepError.invalidArgument("compat: give --target (targets for \(model.format.rawValue): \(catalog.targets(for: model.format).map(\.id).joined(separator: ", ")))")
        }
        if engine != EngineRequest() {
            throw LockstepError.invalidArgument("compat: --precision and --dla judge TensorRT bundles (target \(engineTarget)), not \(model.format.rawValue) models")
        }
        let target = try catalog.target(targetID)
        let observed = shapeRun && target.format == model.format ? ShapeProbe.observe(model) : [:]
        return try CompatibilityAnalyzer(catalog: catalog).analyze(model, target: target, observed: observed)
    }

    /// `run` with the engine request as the command line gives it (`--precision`, `--dla`).
    public static func run(modelPath: String, targetID: String?, precision: String?, dla: Bool, shapeRun: Bool = true,
                           catalog: TargetCatalog) throws -> CompatibilityReport {
        try run(modelPath: modelPath, targetID: targetID, engine: EngineRequest(precision: try precision.map(Self.precision), dla: dla),
                shapeRun: shapeRun, catalog: catalog)
    }

    /// `int8`, `fp16`, `bf16`, `fp8`, `fp32` (trtexec's flags) or a DType name.
    public static func precision(_ text: String) throws -> DType {
        let aliases: [String: DType] = ["int8": .int8, "fp16": .float16, "half": .float16, "bf16": .bfloat16, "fp8": .float8e4m3fn,
                                        "fp32": .float32, "float": .float32, "int4": .int4, "fp4": .float4e2m1]
        if let t = aliases[text.lowercased()] ?? DType(rawValue: text.lowercased()) { return t }
        throw LockstepError.invalidArgument("--precision: '\(text)' is not a precision (int8, fp16, bf16, fp8, fp32, int4, fp4)")
    }

    /// Whether a report fails with `failOn`.
    public static func fails(_ report: CompatibilityReport, failOn: FailOn) -> Bool {
        report.findings.contains { $0.severity >= failOn.severity }
    }

    /// Builds the matrices of `modelPaths` against `targetIDs` (all targets when empty): each model
    /// against every listed target of its format.
    public static func matrix(modelPaths: [String], targetIDs: [String], shapeRun: Bool = true, catalog: TargetCatalog) throws -> CompatibilityMatrix {
        let targets = try targetIDs.isEmpty ? catalog.targets : targetIDs.map { try catalog.target($0) }
        let analyzer = CompatibilityAnalyzer(catalog: catalog)
        var reports: [CompatibilityReport] = []
        var models: [(path: String, format: ModelFormat, nodes: Int)] = []
        for path in modelPaths {
            let model = try ModelFile.load(path: path)
            var nodes = 0
            for g in model.allGraphs { g.forEachGraph { sub, _ in nodes += sub.nodes.count } }
            models.append((path, model.format, nodes))
            let applicable = targets.filter { $0.format == model.format }
            let observed = shapeRun && !applicable.isEmpty ? ShapeProbe.observe(model) : [:]
            for target in applicable {
                reports.append(try analyzer.analyze(model, target: target, observed: observed))
            }
        }
        return CompatibilityMatrix(reports: reports, targets: targets, models: models)
    }

    /// The files `matrix --out DIR` writes, by name.
    public static func matrixFiles(_ matrix: CompatibilityMatrix) throws -> [(name: String, contents: String)] {
        [
            ("matrix.md", MatrixRendering.markdown(matrix)),
            ("ops.csv", MatrixRendering.opsCSV(matrix)),
            ("models.csv", MatrixRendering.modelsCSV(matrix)),
            ("matrix.json", try MatrixRendering.json(matrix)),
            ("matrix.html", MatrixRendering.html(matrix)),
        ]
    }

    /// Writes the matrix files into `directory` (created when missing). Existing matrix files are
    /// replaced; nothing else in the folder is touched.
    public static func writeMatrix(_ matrix: CompatibilityMatrix, to directory: String) throws -> [String] {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw LockstepError.unsupportedFormat(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        var written: [String] = []
        for file in try matrixFiles(matrix) {
            let path = (directory as NSString).appendingPathComponent(file.name)
            do { try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path)) } catch {
                throw LockstepError.unsupportedFormat(path: path, reason: "cannot write: \(error.localizedDescription)")
            }
            written.append(path)
        }
        return written
    }
}
