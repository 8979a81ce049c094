import Checking
import Foundation
import Interpreter
import LockstepCore
import Reporting
import TensorIO
import TensorRTFormat

/// The `lockstep golden record` and `lockstep golden verify` jobs.
public enum GoldenJobs {
    public struct RecordOptions: Sendable {
        /// The case folder, `golden/<suite>/<case>`.
        public var caseDirectory: String
        /// The model form whose inputs and outputs the case holds (ONNX or TFLite).
        public var model: String
        public var inputDirectory: String?
        public var randomSeed: UInt64?
        public var dimensions: [String: Int] = [:]
        /// Outputs captured from a real runtime (TensorRT bundle, Polygraphy JSON, trtexec output,
        /// folder of .npy) instead of running the reference interpreter.
        public var captured: String?
        public var runtime: String?
        public var runtimeVersion: String?
        /// Per-output tolerances written into the manifest (`NAME:atol=…`).
        public var tolerances: [String: ToleranceOverride] = [:]
        public var force = false
        public var command: String = "lockstep golden record"
        public var now: @Sendable () -> Date = { Date() }
        public init(caseDirectory: String, model: String) {
            self.caseDirectory = caseDirectory
            self.model = model
        }
    }

    /// Writes the case; returns its manifest.
    public static func record(_ o: RecordOptions) throws -> GoldenManifest {
        let model = try ModelFile.load(path: o.model)
        guard model.format != .tensorrt else {
            throw LockstepError.invalidArgument("--model \(o.model): a golden case is recorded for an ONNX or TFLite model; pass TensorRT outputs with --captured")
        }
        let declared = model.graph.runtimeInputs
        var inputs: [String: Tensor] = [:]
        var inputProvenance: Provenance
        var outputs: [(String, Tensor)] = []
        var outputProvenance: Provenance
        if let captured = o.captured {
            guard let runtime = o.runtime, let version = o.runtimeVersion else {
                throw LockstepError.invalidArgument("--captured needs --runtime NAME and --runtime-version V (the provenance of the outputs)")
            }
            let bundle = try Check.loadBundle(captured, option: "--captured")
            guard !bundle.outputs.isEmpty else { throw LockstepError.unsupportedFormat(path: captured, reason: "holds no captured outputs") }
            for (i, d) in model.graph.outputs.enumerated() {
                guard let t = bundle.outputs.first(where: { $0.name == d.name })?.tensor ?? (i < bundle.outputs.count ? bundle.outputs[i].tensor : nil) else {
                    throw LockstepError.unsupportedFormat(path: captured, reason: "has no output '\(d.name)' (outputs: \(bundle.outputs.map(\.name).joined(separator: ", ")))")
                }
                outputs.append((d.name, t))
            }
            outputProvenance = Provenance(runtime: runtime, version: version, command: o.command)
            if !bundle.inputs.isEmpty && o.inputDirectory == nil {
                for (i, d) in declared.enumerated() {
                    if let t = bundle.inputs.first(where: { $0.name == d.name })?.tensor ?? (i < bundle.inputs.count ? bundle.inputs[i].tensor : nil) { inputs[d.name] = t }
                }
                inputProvenance = Provenance(runtime: runtime, version: version, command: "inputs captured with the outputs (\(captured))")
            } else {
                guard let dir = o.inputDirectory else {
                    throw LockstepError.invalidArgument("\(captured) records no inputs; pass --inputs DIR with the inputs the outputs were captured on")
                }
                var run = ModelRun.Options()
                run.inputDirectory = dir
                for (k, v) in try ModelRun.inputs(for: model, options: run).feeds { if case .tensor(let t) = v { inputs[k] = t } }
                inputProvenance = Provenance(runtime: "file", version: LockstepVersion.string, command: "--inputs \(dir)")
            }
        } else {
            var run = ModelRun.Options()
            run.inputDirectory = o.inputDirectory
            run.randomSeed = o.randomSeed ?? (o.inputDirectory == nil ? 0 : nil)
            run.dimensions = o.dimensions
            let (feeds, generated) = try ModelRun.inputs(for: model, options: run)
            for (k, v) in feeds { if case .tensor(let t) = v { inputs[k] = t } }
            inputProvenance = generated.isEmpty
                ? Provenance(runtime: "file", version: LockstepVersion.string, command: "--inputs \(o.inputDirectory ?? "")")
                : Provenance(runtime: "lockstep random inputs", version: LockstepVersion.string,
                             command: "--random-inputs \(run.randomSeed ?? 0) (floats uniform in [-1, 1), docs/run.md)")
            let session: Session
            do { session = try Session(model: model) } catch let e as InterpreterError {
                throw LockstepError.unsupportedFormat(path: o.model, reason: e.localizedDescription)
            }
            let result: RunResult
            do { result = try session.run(feeds) } catch let e as InterpreterError {
                throw LockstepError.unsupportedFormat(path: o.model, reason: e.localizedDescription)
            }
            for (name, value) in result.outputs {
                guard case .tensor(let t)? = value else {
                    throw LockstepError.unsupportedFormat(path: o.model, reason: "output '\(name)' was not computed: \(result.unproduced[name] ?? "not a tensor")")
                }
                outputs.append((name, t))
            }
            outputProvenance = Provenance(runtime: "lockstep reference interpreter", version: LockstepVersion.string, command: o.command,
                                          form: model.format.rawValue)
        }
        for name in o.tolerances.keys where !outputs.contains(where: { $0.0 == name }) {
            throw LockstepError.invalidArgument("--tolerance \(name):…: the model has no output '\(name)' (outputs: \(outputs.map(\.0).joined(separator: ", ")))")
        }
        let inputEntries = declared.compactMap { d in inputs[d.name].map { GoldenStore.Entry(name: d.name, tensor: $0, provenance: inputProvenance) } }
        let outputEntries = outputs.map { GoldenStore.Entry(name: $0.0, tensor: $0.1, provenance: outputProvenance, tolerance: o.tolerances[$0.0]) }
        return try GoldenStore.write(caseDirectory: o.caseDirectory, inputs: inputEntries, outputs: outputEntries,
                                     model: ModelReference(path: o.model, sha256: SHA256.hex(fileAt: o.model)), created: o.now(), force: o.force)
    }

    /// Verifies every case under `paths`; the report lists each case and a goldenIntegrity finding
    /// per changed case.
    public static func verify(paths: [String], arguments: [String], now: Date) throws -> Report {
        var records: [GoldenCaseRecord] = []
        var findings: [Finding] = []
        for path in paths {
            for dir in try GoldenStore.caseDirectories(under: path) {
                let v = try GoldenStore.verify(caseDirectory: dir)
                let record = GoldenCaseRecord(name: v.caseName, path: dir, files: Dictionary(v.files.map { ($0.file, $0.status.rawValue) }, uniquingKeysWith: { a, _ in a }))
                records.append(record)
                let bad = v.files.filter { $0.status != .ok }
                if !bad.isEmpty {
                    findings.append(Finding(kind: .goldenIntegrity, severity: .error, model: v.caseName,
                                            message: "\(dir): " + bad.map { "\($0.file) \($0.status.rawValue == "mismatch" ? "changed (sha256 differs)" : "missing")" }.joined(separator: ", ")))
                }
                if !v.unlisted.isEmpty {
                    findings.append(Finding(kind: .goldenIntegrity, severity: .warning, model: v.caseName,
                                            message: "\(dir): files the manifest does not list: \(v.unlisted.joined(separator: ", "))"))
                }
            }
        }
        var report = Report(tool: ToolInfo(version: LockstepVersion.string), generatedAt: now, command: CommandInfo(name: "golden verify", arguments: arguments))
        report.goldens = records
        report.setFindings(findings)
        return report
    }

    public static func verifyText(_ report: Report) -> String {
        var lines = (report.goldens ?? []).map { "\($0.intact ? "ok     " : "CHANGED") \($0.name)  \($0.path)  (\($0.files.count) files)" }
        for f in report.findings { lines.append("  \(f.severity.rawValue): \(f.message)") }
        lines.append("\(report.goldens?.count ?? 0) cases, \((report.goldens ?? []).filter { !$0.intact }.count) changed")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension GoldenJobs {
    /// `NAME:KEY=V,…` → the output name and its override.
    public static func parseTolerance(_ argument: String) throws -> (String, ToleranceOverride) {
        guard let colon = argument.lastIndex(of: ":"), colon != argument.startIndex else {
            throw CheckingError.invalidTolerance("'\(argument)': expected NAME:KEY=VALUE[,…]")
        }
        return (String(argument[..<colon]), try ToleranceOverride(parsing: String(argument[argument.index(after: colon)...])))
    }
}
