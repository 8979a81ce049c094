import LockstepCore

/// One compatibility target: a runtime, delegate, execution provider, parser, compiler or
/// accelerator, as one `opsets/` file describes it (schema 1, `opsets/README.md`).
public struct Target: Sendable {
    /// Unique id over `opsets/` (`tflite-xnnpack`, `ort-cpu`, …).
    public var id: String
    public var name: String
    /// The model format whose ops the target judges.
    public var format: ModelFormat
    public var kind: TargetKind
    public var runtime: RuntimeDescription
    /// The device supported nodes run on (`nil`: not stated; builtin CPU runtimes run on the CPU).
    public var accelerator: Device?
    public var sources: [Source]
    public var defaultSource: String?
    /// What happens to an op the file does not list (or whose rule fails without its own override).
    public var unsupported: UnsupportedAction
    /// The id of the target that runs nodes this one leaves to the fallback device
    /// (`tflite-builtin` for TFLite delegates, `ort-cpu` for ONNX Runtime EPs).
    public var fallbackTarget: String?
    /// Ops whose output counts as constant when all their inputs are constant (e.g. XNNPACK
    /// unpacks `DEQUANTIZE` of static float16 weights at delegate creation).
    public var constantThrough: [String]
    public var partitioning: Partitioning
    /// Limits on the model file as a whole (a model outside them does not load at all).
    public var modelLimits: ModelLimits
    public var notes: String?
    /// Rules by native op name (`Conv`, `com.microsoft::QLinearConv`, `CONV_2D`, `custom::X`).
    public var ops: [String: OpRule]
    /// The file the target was read from.
    public var path: String

    /// The source of that id.
    public func source(_ id: String?) -> Source? {
        guard let id = id ?? defaultSource else { return nil }
        return sources.first(where: { $0.id == id })
    }

    /// The device supported nodes run on: the declared accelerator, else the CPU.
    public var device: Device { accelerator ?? .cpu }
}

/// The kinds of target a file may declare.
public enum TargetKind: String, Sendable, Codable, CaseIterable {
    case builtin, delegate
    case executionProvider = "execution-provider"
    case parser, compiler, accelerator
}

/// Where a node runs.
public enum Device: String, Sendable, Codable, CaseIterable, Comparable {
    case cpu, gpu, npu, dsp, tpu, dla

    public static func < (a: Device, b: Device) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the data describes: runtime name and the versions as the source states them.
public struct RuntimeDescription: Sendable, Codable, Hashable {
    public var name: String
    public var versions: String
}

/// A citation every rule points at.
public struct Source: Sendable, Codable, Hashable {
    public var id: String
    public var title: String
    /// A URL, or `nil` when the source is a repository path.
    public var url: String?
    /// `owner/name` of a repository, with `path`.
    public var repository: String?
    public var path: String?
    /// Page date, tag or commit.
    public var version: String
    public var retrieved: String?

    /// `url`, else `repository/path`.
    public var location: String {
        if let url { return url }
        return [repository, path].compactMap { $0 }.joined(separator: "/")
    }
}

/// What happens to a node the target does not run.
public struct UnsupportedAction: Sendable, Hashable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        case fallback, error
    }
    public var action: Action
    /// The device a fallback runs on (`nil` with `error`).
    public var to: Device?
    public var reason: String?
    public var source: String?
}

/// How the runtime groups the nodes it accepts.
public struct Partitioning: Sendable, Hashable {
    /// Partitions with fewer nodes are handed back to the fallback.
    public var minNodesPerPartition: Int
    /// Only the largest this many partitions are kept (`nil`: no limit).
    public var maxPartitions: Int?
    /// One unsupported node and the whole graph falls back.
    public var wholeGraphOnly: Bool
    /// Only nodes before the first unsupported node (in execution order) run on the target
    /// (compilers that stop mapping at the first op they cannot map).
    public var stopAtFirstUnsupported: Bool

    public init(minNodesPerPartition: Int = 1, maxPartitions: Int? = nil, wholeGraphOnly: Bool = false, stopAtFirstUnsupported: Bool = false) {
        self.minNodesPerPartition = minNodesPerPartition
        self.maxPartitions = maxPartitions
        self.wholeGraphOnly = wholeGraphOnly
        self.stopAtFirstUnsupported = stopAtFirstUnsupported
    }
}

/// Limits a runtime puts on the model file (`model:` in a target file).
public struct ModelLimits: Sendable, Hashable {
    /// Highest ONNX IR version / TFLite schema version the runtime reads.
    public var maxIRVersion: Int?
    /// Highest opset per domain ("" = ai.onnx).
    public var maxOpset: [String: Int]
    public var reason: String?
    public var source: String?

    public init(maxIRVersion: Int? = nil, maxOpset: [String: Int] = [:], reason: String? = nil, source: String? = nil) {
        self.maxIRVersion = maxIRVersion
        self.maxOpset = maxOpset
        self.reason = reason
        self.source = source
    }
}

/// Which inputs an op rule's `dtypes` list applies to.
public enum DTypeSubject: Sendable, Hashable {
    /// Input 0 (output 0 for a node without inputs): the element type kernels dispatch on.
    case first
    /// Every present input.
    case all
    /// Every present input that is not constant.
    case nonConstant
    /// These inputs (0-based; negative from the end).
    case indices([Int])
}

/// The rule of one op in one target.
public struct OpRule: Sendable {
    /// The op name as keyed in the file.
    public var op: String
    /// `false` = listed as explicitly unsupported.
    public var supported: Bool
    public var source: String?
    /// Supported op versions (ONNX: schema since-versions or opsets; TFLite: op versions).
    public var versions: VersionSet?
    /// For builtin runtimes: op version → first runtime version that runs it.
    public var firstRuntimeVersion: [Int: String]
    public var dtypes: [DType]?
    public var dtypeSubject: DTypeSubject
    public var constraints: [Constraint]
    /// Overrides the target's `unsupported` for this op.
    public var unsupported: UnsupportedAction?
    public var reason: String?
    public var notes: String?
    /// 1-based line of the op's key in the file.
    public var line: Int
}

/// One constraint of an op rule: a subject and the checks it must pass.
public struct Constraint: Sendable {
    public enum Subject: Sendable, Hashable, CustomStringConvertible {
        case attribute(String)
        case input(Int)
        case output(Int)
        case inputCount
        case outputCount
        /// The model's opset import for the node's domain (ONNX): rules that hold only in models of
        /// some opsets within one schema version (ONNX Runtime inlines a function body written for
        /// one opset only while the body's ops keep their schema versions).
        case opsetImport

        public var description: String {
            switch self {
            case .attribute(let name): return "attribute '\(name)'"
            case .input(let i): return "input \(i)"
            case .output(let i): return "output \(i)"
            case .inputCount: return "input count"
            case .outputCount: return "output count"
            case .opsetImport: return "opset import"
            }
        }
    }

    public var subject: Subject
    public var checks: [Check]
    /// Used when the node lacks the attribute (and the op schema gives no default).
    public var defaultValue: ConstraintValue?
    /// The op versions the constraint applies to (`nil`: all).
    public var versions: VersionSet?
    public var reason: String?
    public var source: String?
    public var line: Int
}

/// One check of a constraint. Attribute checks on a list attribute apply to every element
/// (`in`, `not_in`, `range`, `min`, `max`) or to the whole list (`equals`, list items of `in`).
public enum Check: Sendable, Hashable {
    case oneOf([ConstraintValue])
    case noneOf([ConstraintValue])
    case equals(ConstraintValue)
    case range(Double, Double)
    case min(Double)
    case max(Double)
    case present(Bool)
    case dtype([DType])
    case rank(min: Int?, max: Int?)
    case constant(Bool)
    case staticShape(Bool)
    case quantized(Bool)
    case perChannel(Bool)
    case dim(axis: Int, min: Int?, max: Int?)
    case maxElements(Int)
}

/// A literal value in a target file.
public enum ConstraintValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case float(Double)
    case string(String)
    case bool(Bool)
    case list([ConstraintValue])

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .float(let f): return String(f)
        case .string(let s): return s
        case .bool(let b): return String(b)
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        }
    }

    var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .bool(let b): return b ? 1 : 0
        case .string, .list: return nil
        }
    }
}
