import Foundation
import LockstepCore

/// The canonical artefact of a Lockstep run: `report.json` (schema in docs/report-schema.md).
///
/// Every renderer (text summary, HTML, JUnit, Markdown, CSV) reads this and nothing else. The
/// sections after `findings` are optional: a command fills the ones it produced and leaves the
/// others out of the JSON. Encoding is deterministic (`ReportJSON`: sorted keys, fixed float
/// spelling), and the time comes from an injected clock, so two runs on the same inputs give
/// byte-identical reports.
public struct Report: Codable, Sendable, Equatable {
    /// The schema version this build writes and reads. Bump on any change that is not a new
    /// optional field; docs/report-schema.md lists the history.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var tool: ToolInfo
    /// When the run happened, ISO 8601 in UTC (`2026-01-02T03:04:05Z`), from the injected clock.
    public var generatedAt: String
    public var command: CommandInfo
    /// The models and their forms the run looked at.
    public var models: [ModelEntry]
    /// The gate's verdict over `findings`.
    public var gate: GateSummary
    /// Every finding, in `Report.sortFindings` order.
    public var findings: [Finding]

    /// Where each model input came from and how it was adapted for each form.
    public var inputs: [InputRecord]?
    /// Per output: one form (or golden) against another.
    public var comparisons: [OutputComparison]?
    /// Source-graph nodes accounted for in each converted form (dropped-op analysis).
    public var correspondence: [CorrespondenceSection]?
    /// Where two forms start to disagree, per pair of executed forms.
    public var divergence: [DivergenceSection]?
    /// Per target: how much of a form the target runs, falls back or rejects.
    public var compatibility: [CompatibilitySummary]?
    /// Golden cases used or verified (integrity of each file).
    public var goldens: [GoldenCaseRecord]?
    /// Per-class accuracy of the forms on an evaluation set and its drift (`lockstep accuracy`).
    public var accuracy: AccuracySection?
    /// The suite a `lockstep gate` run executed, with the per-model sections of each case.
    public var suite: SuiteSection?
    /// Each finding against a previous report (`lockstep gate --baseline`), and the fixed ones.
    public var baseline: BaselineSection?

    public init(tool: ToolInfo = ToolInfo(), generatedAt: Date, command: CommandInfo, models: [ModelEntry] = [],
                findings: [Finding] = [], failOn: Severity = .error) {
        self.schemaVersion = Report.currentSchemaVersion
        self.tool = tool
        self.generatedAt = Report.timestamp(generatedAt)
        self.command = command
        self.models = models
        self.findings = Report.sortFindings(findings)
        self.gate = GateSummary(findings: self.findings, failOn: failOn)
    }

    /// Replaces the findings (sorted) and recomputes the gate with its `failOn` severity.
    public mutating func setFindings(_ findings: [Finding]) {
        self.findings = Report.sortFindings(findings)
        gate = GateSummary(findings: self.findings, failOn: gate.failOn)
    }

    /// The exit code the gate asks for: 0 pass, 1 findings at or above `failOn`.
    public var exitCode: Int32 { gate.passed ? 0 : 1 }

    /// `2026-01-02T03:04:05Z`: whole seconds, UTC, independent of the host's locale and zone.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Deterministic finding order: severity (error first), kind, model, form, target, location
    /// (graph path, node index, node name, tensor, class), then message.
    public static func sortFindings(_ findings: [Finding]) -> [Finding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            let ka: [String] = key(a), kb: [String] = key(b)
            if ka != kb { return ka.lexicographicallyPrecedes(kb) }
            let ia = a.location?.nodeIndex ?? -1, ib = b.location?.nodeIndex ?? -1
            if ia != ib { return ia < ib }
            return a.message < b.message
        }
    }

    private static func key(_ f: Finding) -> [String] {
        [f.kind.rawValue, f.model, f.form?.rawValue ?? "", f.target ?? "",
         (f.location?.graphPath ?? []).joined(separator: "/")]
            + [String(format: "%012d", f.location?.nodeIndex ?? -1), f.location?.nodeName ?? "", f.location?.tensor ?? "",
               f.location?.classLabel ?? ""]
    }
}

/// The program that wrote a report.
public struct ToolInfo: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public init(name: String = "lockstep", version: String = "") {
        self.name = name
        self.version = version
    }
}

/// The command that made a report: its verb and its arguments as given (paths as typed).
public struct CommandInfo: Codable, Sendable, Equatable {
    /// `check`, `golden verify`, `accuracy`, …
    public var name: String
    public var arguments: [String]
    public init(name: String, arguments: [String] = []) {
        self.name = name
        self.arguments = arguments
    }
}

/// One model and the forms of it a run looked at.
public struct ModelEntry: Codable, Sendable, Equatable {
    /// The model's name in findings (`Finding.model`): the source form's file name without extension.
    public var name: String
    public var forms: [FormEntry]
    public init(name: String, forms: [FormEntry]) {
        self.name = name
        self.forms = forms
    }
}

/// One form of a model: a file (ONNX, TFLite), a TensorRT plan bundle, or a golden case.
public struct FormEntry: Codable, Sendable, Equatable {
    /// How the rest of the report names this form: `onnx`, `tflite`, `tensorrt`, `golden`.
    public var id: String
    /// The file format, when the form is a model (nil for golden cases).
    public var format: ModelFormat?
    public var path: String
    /// sha256 of the file (hex), when it is one file.
    public var sha256: String?
    /// Producer and version as the file states them (`tf2onnx 1.16`, `TFLite converter`, `TensorRT 10.4`).
    public var producer: String?
    /// How the form's outputs were obtained: `reference interpreter`, `captured (bundle outputs)`, `golden`.
    public var execution: String?
    public init(id: String, format: ModelFormat?, path: String, sha256: String? = nil, producer: String? = nil,
                execution: String? = nil) {
        self.id = id
        self.format = format
        self.path = path
        self.sha256 = sha256
        self.producer = producer
        self.execution = execution
    }
}

/// The gate's verdict: pass when no finding is at or above `failOn`.
public struct GateSummary: Codable, Sendable, Equatable {
    public var failOn: Severity
    public var passed: Bool
    /// Findings per severity (`info`, `warning`, `error`; zero counts included).
    public var bySeverity: [String: Int]
    /// Findings per kind (only kinds that occur).
    public var byKind: [String: Int]

    public init(findings: [Finding], failOn: Severity) {
        self.failOn = failOn
        passed = !findings.contains { $0.severity >= failOn }
        var severities: [String: Int] = [:]
        for s in Severity.allCases { severities[s.rawValue] = 0 }
        var kinds: [String: Int] = [:]
        for f in findings {
            severities[f.severity.rawValue, default: 0] += 1
            kinds[f.kind.rawValue, default: 0] += 1
        }
        bySeverity = severities
        byKind = kinds
    }
}

/// A model input: where its value came from and what each form was fed.
public struct InputRecord: Codable, Sendable, Equatable {
    /// The input's name in the source form.
    public var name: String
    /// `file <path>`, `golden <suite>/<case>`, `random (seed 7, uniform [-1, 1))`.
    public var source: String
    public var dtype: DType
    public var shape: [Int]
    /// How each other form received it (name, layout, quantisation).
    public var adaptations: [InputAdaptation]
    public init(name: String, source: String, dtype: DType, shape: [Int], adaptations: [InputAdaptation] = []) {
        self.name = name
        self.source = source
        self.dtype = dtype
        self.shape = shape
        self.adaptations = adaptations
    }
}

/// What one form was fed for a source input, and the steps that made it.
public struct InputAdaptation: Codable, Sendable, Equatable {
    public var form: String
    /// The input's name in that form.
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    /// In order, e.g. `matched by position (names differ)`, `transposed NCHW→NHWC (perm [0, 2, 3, 1])`,
    /// `quantised to int8 (scale 0.0078125, zero point -1)`. Empty when fed as is.
    public var steps: [String]
    public init(form: String, name: String, dtype: DType, shape: [Int], steps: [String]) {
        self.form = form
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.steps = steps
    }
}
