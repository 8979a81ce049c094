import Checking
import Foundation
import LockstepCore
import Reporting

/// A suite file (`lockstep.yaml`, docs/gate.md): the models and their forms, targets, goldens,
/// evaluation sets, tolerances and thresholds, which findings fail the gate, the baseline.
/// Paths in the file are relative to its folder; here they are resolved (relative to the
/// current folder when the file's folder is).
public struct Suite: Sendable {
    /// The file as given, and its sha256 (shards of one suite must agree on it).
    public var path: String
    public var sha256: String
    public var name: String
    /// `baseline:` resolved, and how much a measured value may move before it counts as worse
    /// (relative, `baseline_margin:`).
    public var baseline: String?
    public var baselineMargin: Double
    /// `report_dir:` resolved (default `reports`).
    public var reportDirectory: String?
    /// `opsets:` resolved.
    public var opsets: String?
    public var policy: GatePolicyRecord
    public var models: [SuiteModel]

    /// The line of the file where model `index` starts (for messages).
    public func line(ofModel index: Int) -> Int { models[index].line }
}

/// One model of a suite: its forms and what to check.
public struct SuiteModel: Sendable {
    /// `Finding.model` of everything found about it; unique in the suite.
    public var name: String
    /// Where the entry starts in the suite file.
    public var line: Int
    public var onnx: String?
    public var tflite: String?
    /// A TensorRT plan bundle (folder, plan, or exported JSON).
    public var tensorRT: String?
    /// Compatibility targets, each judged on the form of its format.
    public var targets: [String]
    /// Line of each target in the suite file.
    public var targetLines: [Int]
    /// Precision the TensorRT engine was built for (`int8`, `fp16`, …) and whether DLA was asked.
    public var precision: String?
    public var dla: Bool
    /// Inputs: a folder of `.npy`, golden cases, or seeded random values.
    public var inputs: String?
    public var golden: String?
    public var randomSeed: UInt64?
    public var dimensions: [String: Int]
    /// Global tolerances with the model's on top (per output name, per dtype, `all`).
    public var tolerances: TolerancePolicy
    public var accuracy: SuiteAccuracy?

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
        targets = []
        targetLines = []
        dla = false
        dimensions = [:]
        tolerances = TolerancePolicy()
    }

    /// Whether `lockstep check` has work: a conversion to account for, or goldens to compare.
    public var runsCheck: Bool { onnx != nil && (tflite != nil || tensorRT != nil || golden != nil) }
}

/// The accuracy audit of one model (`lockstep accuracy` over the suite's settings).
public struct SuiteAccuracy: Sendable {
    public var dataset: String
    public var classes: String?
    public var preprocess: String?
    public var output: String?
    /// Form paths: the reference and the candidates.
    public var reference: String
    public var candidates: [String]
    public var policy: DriftPolicy
    public var topK: Int?
    /// Per class (by name or index): the drop that matters for that class instead of `max_drop`.
    public var classMaxDrop: [String: Double]
}
