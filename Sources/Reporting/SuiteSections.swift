import LockstepCore

/// What a `lockstep gate` run executed: the suite, its policy, the shard, and one entry per case
/// (a model of the suite with the sections its checks produced). docs/report-schema.md, "suite".
///
/// A gate report keeps every finding at the top level (`Report.findings`, each naming its
/// `model`); the per-model sections that `check`, `compat` and `accuracy` put at the top of their
/// own reports live here, in the case of their model.
public struct SuiteSection: Codable, Sendable, Equatable {
    /// The suite file as given (`lockstep.yaml`).
    public var config: String
    /// sha256 of the suite file: `merge` joins only shards of the same suite.
    public var configSHA256: String
    /// The suite's `name`.
    public var name: String
    /// The policy the gate applied.
    public var policy: GatePolicyRecord
    /// This run's shard (`--shard i/n`), when sharded.
    public var shard: ShardRecord?
    /// The shards `lockstep merge` joined into this report, in index order.
    public var mergedShards: [ShardRecord]?
    /// Models of the suite, in the suite's order, that this report covers.
    public var cases: [SuiteCase]

    public init(config: String, configSHA256: String, name: String, policy: GatePolicyRecord, shard: ShardRecord? = nil,
                mergedShards: [ShardRecord]? = nil, cases: [SuiteCase]) {
        self.config = config
        self.configSHA256 = configSHA256
        self.name = name
        self.policy = policy
        self.shard = shard
        self.mergedShards = mergedShards
        self.cases = cases
    }
}

/// `--shard index/count`: 1 ≤ index ≤ count.
public struct ShardRecord: Codable, Sendable, Equatable, Hashable {
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `2/4`.
    public var text: String { "\(index)/\(count)" }
}

/// Which findings fail the gate: severity at or above `failOn`, of a kind in `kinds` (every kind
/// when absent), and — with a baseline — only when `new` or `worse`.
public struct GatePolicyRecord: Codable, Sendable, Equatable {
    public var failOn: Severity
    /// Kinds that can fail the gate, sorted; nil means all.
    public var kinds: [FindingKind]?
    public init(failOn: Severity, kinds: [FindingKind]? = nil) {
        self.failOn = failOn
        self.kinds = kinds.map { $0.sorted { $0.rawValue < $1.rawValue } }
    }

    /// Whether `finding` is of a severity and kind that fails the gate (before the baseline).
    public func blocks(_ finding: Finding) -> Bool {
        finding.severity >= failOn && (kinds.map { $0.contains(finding.kind) } ?? true)
    }
}

/// One model of a suite and what its checks produced.
public struct SuiteCase: Codable, Sendable, Equatable {
    /// Position of the model in the suite file (0-based): shards and `merge` keep suite order by it.
    public var index: Int
    /// `Finding.model` of its findings: the suite's model `name`.
    public var model: String
    /// The checks that ran, per form, in order.
    public var checks: [CaseCheck]
    /// `passed` (no blocking finding), `failed`, or `error` (an input could not be read; the
    /// reason is in `error` and a `loadProblem` finding).
    public var status: String
    public var error: String?
    public var inputs: [InputRecord]?
    public var comparisons: [OutputComparison]?
    public var correspondence: [CorrespondenceSection]?
    public var divergence: [DivergenceSection]?
    public var compatibility: [CompatibilitySummary]?
    public var goldens: [GoldenCaseRecord]?
    public var accuracy: AccuracySection?
    /// Per form and target: every node in execution order with its verdict.
    public var opStrips: [OpStrip]?
    /// TensorRT engines: layers with precision and time.
    public var engines: [EngineSection]?

    public init(index: Int, model: String, checks: [CaseCheck] = [], status: String = "passed", error: String? = nil) {
        self.index = index
        self.model = model
        self.checks = checks
        self.status = status
        self.error = error
    }
}

/// One check of one form: a JUnit test case (`model` × `form` × `check`).
public struct CaseCheck: Codable, Sendable, Equatable, Hashable {
    /// Form id: `onnx`, `tflite`, `tensorrt`.
    public var form: String
    /// `structure` (dropped ops), `numerics` (outputs against the reference form), `goldens`,
    /// `compat <target>` (`compat tensorrt-engine`: TensorRT precision and DLA fallbacks),
    /// `accuracy`, `load`.
    public var check: String
    public init(form: String, check: String) {
        self.form = form
        self.check = check
    }

    /// The check a finding belongs to (docs/gate.md, "Test cases").
    public static func check(for f: Finding) -> String {
        switch f.kind {
        case .accuracyDrift, .classRegression: return "accuracy"
        case .goldenIntegrity: return "goldens"
        case .loadProblem: return "load"
        case .numericDivergence, .layoutMismatch: return "numerics"
        case .droppedOp: return "structure"
        case .precisionFallback: return "compat \(f.target ?? "tensorrt-engine")"
        case .unsupportedOp, .fallback, .customOp: return f.target.map { "compat \($0)" } ?? "structure"
        }
    }

    /// The check a finding belongs to, with its form (`model` when it names none).
    public static func of(_ f: Finding) -> CaseCheck { CaseCheck(form: f.form?.rawValue ?? "model", check: check(for: f)) }
}

/// The nodes of one form's graph in execution order, each coloured by what happens to it.
public struct OpStrip: Codable, Sendable, Equatable {
    /// Form id (`onnx`, `tflite`, `tensorrt`) and the target judged (nil for a structure strip).
    public var form: String
    /// For a structure strip: the source form whose nodes are shown as `form` accounts for them
    /// (`matched`, `fused`, `eliminated`, `folded`, `dropped`, `custom`, `divergent`).
    public var source: String?
    public var target: String?
    /// Graph path of the nodes (`main`).
    public var graph: String
    public var nodes: [OpStripNode]
    /// Target partitions the supported nodes form.
    public var partitions: Int

    public init(form: String, source: String? = nil, target: String?, graph: String, nodes: [OpStripNode], partitions: Int) {
        self.form = form
        self.source = source
        self.target = target
        self.graph = graph
        self.nodes = nodes
        self.partitions = partitions
    }
}

/// One node of an op strip.
public struct OpStripNode: Codable, Sendable, Equatable {
    public var index: Int
    public var name: String
    public var op: String
    /// `supported`, `fallback`, `unknown`, `custom`, `unsupported` (compatibility), `dropped`
    /// (no counterpart in the converted form), `divergent` (first diverging op or later in its chain).
    public var verdict: String
    /// Index of the target partition that holds the node.
    public var partition: Int?
    /// Why, in one line (the rule's reason, the divergence).
    public var note: String?

    public init(index: Int, name: String, op: String, verdict: String, partition: Int? = nil, note: String? = nil) {
        self.index = index
        self.name = name
        self.op = op
        self.verdict = verdict
        self.partition = partition
        self.note = note
    }
}

/// A TensorRT engine from its plan bundle: layers with their precision and profiled time.
public struct EngineSection: Codable, Sendable, Equatable {
    public var form: String
    public var path: String
    public var tensorRTVersion: String?
    public var layers: [EngineLayer]
    /// Sum of the layers' average times (ms), when the bundle has a profile.
    public var totalMs: Double?
    /// Time (ms) per precision (`float16`, `int8`, `float32`, `mixed`), when profiled; layers per
    /// precision otherwise counted in `layersByPrecision`.
    public var msByPrecision: [String: Double]?
    public var layersByPrecision: [String: Int]
    /// Time (ms) per layer type, when profiled.
    public var msByType: [String: Double]?

    public init(form: String, path: String, tensorRTVersion: String?, layers: [EngineLayer]) {
        self.form = form
        self.path = path
        self.tensorRTVersion = tensorRTVersion
        self.layers = layers
        var counts: [String: Int] = [:]
        for l in layers { counts[l.precision ?? "unknown", default: 0] += 1 }
        layersByPrecision = counts
        let timed = layers.compactMap(\.timeMs)
        if timed.isEmpty {
            totalMs = nil
            msByPrecision = nil
            msByType = nil
        } else {
            totalMs = timed.reduce(0, +)
            var p: [String: Double] = [:], t: [String: Double] = [:]
            for l in layers {
                guard let ms = l.timeMs else { continue }
                p[l.precision ?? "unknown", default: 0] += ms
                t[l.type, default: 0] += ms
            }
            msByPrecision = p
            msByType = t
        }
    }
}

/// One engine layer.
public struct EngineLayer: Codable, Sendable, Equatable {
    public var index: Int
    public var name: String
    /// The engine inspector's `LayerType` (`CaskConvolution`, `Reformat`, `Myelin`, …).
    public var type: String
    /// Output precision as a DType name (`float16`, `int8`).
    public var precision: String?
    /// Average time per run (ms) from the profile.
    public var timeMs: Double?
    /// ONNX nodes the layer computes (from its name or metadata).
    public var onnxNodes: [String]
    public var isReformat: Bool

    public init(index: Int, name: String, type: String, precision: String?, timeMs: Double?, onnxNodes: [String], isReformat: Bool) {
        self.index = index
        self.name = name
        self.type = type
        self.precision = precision
        self.timeMs = timeMs
        self.onnxNodes = onnxNodes
        self.isReformat = isReformat
    }
}

/// How a finding compares with the baseline report.
public enum BaselineStatus: String, Codable, Sendable, CaseIterable, Hashable {
    /// Not in the baseline.
    case new
    /// In the baseline, no worse.
    case unchanged
    /// In the baseline, but its measured value moved past the baseline's in the failing direction,
    /// or its severity rose.
    case worse
    /// In the baseline, gone now.
    case fixed
}

/// The findings of this run against a previous `report.json` (`--baseline`).
public struct BaselineSection: Codable, Sendable, Equatable {
    /// The baseline file as given, and when it was generated.
    public var path: String
    public var generatedAt: String
    /// Findings per status (all four keys).
    public var counts: [String: Int]
    /// `entries[i]` is the status of `Report.findings[i]`.
    public var entries: [BaselineEntry]
    /// Baseline findings that no longer occur, sorted.
    public var fixed: [Finding]

    public init(path: String, generatedAt: String, entries: [BaselineEntry], fixed: [Finding]) {
        self.path = path
        self.generatedAt = generatedAt
        self.entries = entries
        self.fixed = fixed
        var counts: [String: Int] = [:]
        for s in BaselineStatus.allCases { counts[s.rawValue] = 0 }
        for e in entries { counts[e.status.rawValue, default: 0] += 1 }
        counts[BaselineStatus.fixed.rawValue] = fixed.count
        self.counts = counts
    }
}

/// The baseline status of one finding, with the baseline's values when it was known.
public struct BaselineEntry: Codable, Sendable, Equatable {
    public var status: BaselineStatus
    public var previousSeverity: Severity?
    public var previousMeasured: Double?
    public init(status: BaselineStatus, previousSeverity: Severity? = nil, previousMeasured: Double? = nil) {
        self.status = status
        self.previousSeverity = previousSeverity
        self.previousMeasured = previousMeasured
    }
}
