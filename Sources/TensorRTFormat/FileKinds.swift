import Foundation
import LockstepCore

/// What a file of a bundle was recognised as (by content, not by name).
public enum BundleFileKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A serialized engine (`ftrt`/`ptrt` magic, optionally after an Ultralytics prefix).
    case plan
    /// Engine-inspector layer information JSON (`trtexec --exportLayerInfo`).
    case layerInfoJSON
    /// A trtexec log with the one-line `Layers:` section (`--dumpLayerInfo`).
    case layerInfoLog
    /// A verbose build log with an `Engine Layer Information:` block.
    case verboseBuildLog
    /// `trtexec --exportProfile` JSON.
    case profileJSON
    /// A trtexec log with a `=== Profile (N iterations ) ===` table (`--dumpProfile`).
    case profileLog
    /// `trtexec --exportTimes` JSON.
    case timesJSON
    /// `trtexec --exportOutput` JSON.
    case exportOutputJSON
    /// A trtexec log with output values (`--dumpOutput`).
    case dumpOutputLog
    /// A trtexec log with a run's `Duration: … (+ N ms warm up)` line (used to drop warm-up times).
    case runLog
    /// `polygraphy run --save-outputs` RunResults JSON.
    case polygraphyOutputs
    /// `polygraphy run --save-inputs` JSON.
    case polygraphyInputs
    /// `polygraphy --save-tactics` tactic replay JSON (recognised, not used).
    case polygraphyTactics
    /// A numpy `.npy` file (an output named after the file).
    case npy
    /// TREx `*.build.metadata.json` (recognised, not used).
    case trexBuildMetadata
    /// TREx `*.profile.metadata.json` (its warm-up duration is used for the latency summary).
    case trexProfileMetadata
    /// TREx `*.metadata.json` device properties (recognised, not used).
    case trexDeviceMetadata
    /// A `bundle.json` manifest.
    case manifest
    /// Nothing Lockstep reads.
    case unrecognised

    public var description: String {
        switch self {
        case .plan: return "a TensorRT plan"
        case .layerInfoJSON: return "TensorRT layer information (trtexec --exportLayerInfo)"
        case .layerInfoLog: return "a trtexec log with --dumpLayerInfo layer information"
        case .verboseBuildLog: return "a verbose TensorRT build log (Engine Layer Information)"
        case .profileJSON: return "a trtexec --exportProfile file"
        case .profileLog: return "a trtexec log with a --dumpProfile table"
        case .timesJSON: return "a trtexec --exportTimes file"
        case .exportOutputJSON: return "a trtexec --exportOutput file"
        case .dumpOutputLog: return "a trtexec log with --dumpOutput values"
        case .runLog: return "a trtexec run log"
        case .polygraphyOutputs: return "Polygraphy RunResults (--save-outputs)"
        case .polygraphyInputs: return "Polygraphy inputs (--save-inputs)"
        case .polygraphyTactics: return "a Polygraphy tactic replay file (--save-tactics)"
        case .npy: return "a .npy array"
        case .trexBuildMetadata: return "TREx build metadata"
        case .trexProfileMetadata: return "TREx profiling metadata"
        case .trexDeviceMetadata: return "TREx device metadata"
        case .manifest: return "a bundle.json manifest"
        case .unrecognised: return "unrecognised"
        }
    }
}

/// Classification of parsed JSON by its shape.
enum JSONKind {
    static func classify(_ v: JSONValue) -> BundleFileKind {
        if let members = v.objectMembers {
            let keys = Set(members.map(\.key))
            if keys.contains("Layers") { return .layerInfoJSON }
            let cls = PolygraphyJSON.polygraphyClass(v)
            if keys.contains("lst") && (cls == nil || cls == "RunResults") { return .polygraphyOutputs }
            if keys.contains("replay") || cls == "TacticReplayData" { return .polygraphyTactics }
            if keys.contains("performance_summary") { return .trexProfileMetadata }
            if keys.contains("model_options") || keys.contains("build_options") { return .trexBuildMetadata }
            return .unrecognised
        }
        guard let items = v.arrayValue, let first = items.first else { return .unrecognised }
        if first["count"] != nil && first["name"] == nil && (items.count == 1 || items[1]["name"] != nil) { return .profileJSON }
        if first["name"]?.stringValue != nil && (first["averageMs"] != nil || first["timeMs"] != nil) { return .profileJSON }
        if first["latencyMs"] != nil || first["startEnqMs"] != nil || first["startInMs"] != nil { return .timesJSON }
        if first["name"] != nil && first["values"] != nil && first["dimensions"] != nil { return .exportOutputJSON }
        if first["ComputeCapability"] != nil { return .trexDeviceMetadata }
        if let members = first.objectMembers, !members.isEmpty, members.allSatisfy({ PolygraphyJSON.isEncodedArray($0.value) }) {
            return .polygraphyInputs
        }
        return .unrecognised
    }

    /// ": it looks like a trtexec --exportProfile file" (empty when the shape says nothing).
    static func hint(_ v: JSONValue) -> String {
        let kind = classify(v)
        return kind == .unrecognised ? "" : "; it looks like \(kind.description)"
    }
}

/// One file of a bundle with what it was recognised as.
public struct BundleFile: Sendable, Hashable {
    public var path: String
    /// Everything the file holds (a trtexec log can hold layer information, a profile and outputs).
    public var kinds: [BundleFileKind]
    /// False when the file was recognised but nothing of it went into the bundle.
    public var used: Bool

    public init(path: String, kinds: [BundleFileKind], used: Bool) {
        self.path = path
        self.kinds = kinds
        self.used = used
    }
}

/// A file read once and classified.
struct SniffedFile {
    let path: String
    let kinds: [BundleFileKind]
    /// Parsed JSON when the file is JSON.
    let json: JSONValue?
    /// Lines when the file is text.
    let lines: [Substring]?
    /// Why the file is unrecognised (empty file, binary, …).
    let note: String?

    /// Reads and classifies `path`. A file named `*.json` that is not valid JSON is an error; other
    /// files that fail to parse as JSON are read as text (trtexec logs start with `[`).
    static func sniff(_ path: String) throws -> SniffedFile {
        let file = try FileBytes.map(path)
        let bytes = file.bytes
        if bytes.isEmpty { return SniffedFile(path: path, kinds: [.unrecognised], json: nil, lines: nil, note: "empty file") }
        if PlanHeader.looksLikePlan(bytes) { return SniffedFile(path: path, kinds: [.plan], json: nil, lines: nil, note: nil) }
        if bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            return SniffedFile(path: path, kinds: [.npy], json: nil, lines: nil, note: nil)
        }
        let firstNonSpace = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
        let isJSONName = path.lowercased().hasSuffix(".json")
        var jsonNote: String?
        if firstNonSpace == UInt8(ascii: "{") || firstNonSpace == UInt8(ascii: "[") || isJSONName {
            do {
                let json = try JSONParser.parse(bytes)
                var kind = JSONKind.classify(json)
                if kind == .unrecognised, (path as NSString).lastPathComponent == "bundle.json" { kind = .manifest }
                return SniffedFile(path: path, kinds: [kind], json: json, lines: nil,
                                   note: kind == .unrecognised ? "JSON \(json.kindDescription) of no known shape" : nil)
            } catch let e as JSONSyntaxError {
                if isJSONName { throw TensorRTError.invalidFile(path: path, reason: e.describe(in: bytes)) }
                // A log starting with "[07/07/2026-…" fails at once; JSON that breaks later stays JSON.
                if firstNonSpace == UInt8(ascii: "{") || e.offset > 16 { jsonNote = e.describe(in: bytes) }
            }
        }
        if bytes.prefix(4096).contains(0) {
            return SniffedFile(path: path, kinds: [.unrecognised], json: nil, lines: nil, note: jsonNote ?? "binary file")
        }
        let lines = LogText.lines(String(decoding: bytes, as: UTF8.self))
        var kinds: [BundleFileKind] = []
        if OneLineLayerInfo.start(in: lines) != nil { kinds.append(.layerInfoLog) }
        if VerboseLayerInfo.start(in: lines) != nil { kinds.append(.verboseBuildLog) }
        if ProfileText.start(in: lines) != nil { kinds.append(.profileLog) }
        if !DumpOutputText.sections(in: lines).isEmpty { kinds.append(.dumpOutputLog) }
        if kinds.isEmpty && RunInfo.warmupMs(logLines: lines) != nil { kinds.append(.runLog) }
        if kinds.isEmpty {
            return SniffedFile(path: path, kinds: [.unrecognised], json: nil, lines: lines,
                               note: jsonNote ?? "text without TensorRT layer, profile or output sections")
        }
        return SniffedFile(path: path, kinds: kinds, json: nil, lines: lines, note: nil)
    }
}

/// Facts about a run (warm-up duration) from a trtexec log or TREx profiling metadata.
enum RunInfo {
    /// `Duration: 3s (+ 200ms warm up)` → 200.
    static func warmupMs(durationText: String) -> Double? {
        guard let plus = durationText.range(of: "(+ ") else { return nil }
        let rest = durationText[plus.upperBound...]
        let number = rest.prefix(while: { $0.isNumber || $0 == "." })
        guard let value = Double(number) else { return nil }
        let unit = rest.dropFirst(number.count)
        if unit.hasPrefix("ms") { return value }
        if unit.hasPrefix("s") { return value * 1000 }
        return nil
    }

    static func warmupMs(logLines: [Substring]) -> Double? {
        for line in logLines {
            let c = LogText.content(line)
            if c.hasPrefix("Duration: "), let w = warmupMs(durationText: String(c)) { return w }
        }
        return nil
    }

    static func warmupMs(trexProfileMetadata json: JSONValue) -> Double? {
        guard let duration = json["inference_options"]?["Duration"]?.stringValue else { return nil }
        return warmupMs(durationText: duration)
    }
}
