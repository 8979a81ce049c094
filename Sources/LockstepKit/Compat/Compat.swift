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

    /// Judges the model (ONNX, TFLite, or TensorRT bundle layers) at `path` against target `targetID`.
    public static func run(modelPath: String, targetID: String, catalog: TargetCatalog) throws -> CompatibilityReport {
        let model = try ModelFile.load(path: modelPath)
        return try CompatibilityAnalyzer(catalog: catalog).analyze(model, target: targetID)
    }

    /// Whether a report fails with `failOn`.
    public static func fails(_ report: CompatibilityReport, failOn: FailOn) -> Bool {
        report.findings.contains { $0.severity >= failOn.severity }
    }

    /// Builds the matrices of `modelPaths` against `targetIDs` (all targets when empty): each model
    /// against every listed target of its format.
    public static func matrix(modelPaths: [String], targetIDs: [String], catalog: TargetCatalog) throws -> CompatibilityMatrix {
        let targets = try targetIDs.isEmpty ? catalog.targets : targetIDs.map { try catalog.target($0) }
        let analyzer = CompatibilityAnalyzer(catalog: catalog)
        var reports: [CompatibilityReport] = []
        var models: [(path: String, format: ModelFormat, nodes: Int)] = []
        for path in modelPaths {
            let model = try ModelFile.load(path: path)
            var nodes = 0
            for g in model.allGraphs { g.forEachGraph { sub, _ in nodes += sub.nodes.count } }
            models.append((path, model.format, nodes))
            for target in targets where target.format == model.format {
                reports.append(try analyzer.analyze(model, target: target))
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
