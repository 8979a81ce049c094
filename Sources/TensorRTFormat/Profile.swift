import Foundation
import LockstepCore

/// One entry of a per-layer profile (`trtexec --exportProfile` JSON or `--dumpProfile` text).
public struct LayerProfile: Sendable, Hashable {
    /// The layer name as the profiler reports it.
    public var name: String
    /// Total time over all profiled iterations.
    public var timeMs: Double
    /// Average time per iteration.
    public var averageMs: Double
    /// Median time per iteration (TensorRT ≥ 8.4; `nil` in older files).
    public var medianMs: Double?
    /// Share of the total time, in percent.
    public var percentage: Double?
    /// Index into the bundle's layers of the layer with this name, when the bundle has one.
    public var layerIndex: Int?
    /// The DLA subgraph itself: TensorRT 7/8 name it `{layer,layer,…}` (not `{ForeignNode[…]}`).
    public var isDLASubgraph: Bool
    /// The layers of the DLA subgraph an entry belongs to: the braced list at the start of the
    /// name, split on commas (also for its `… input reformatter 0` / `… reformatted input 0
    /// finish` entries); empty for other entries.
    public var dlaLayers: [String]
    /// A reformat (`Reformatting CopyNode …`, `… input reformatter N`, `… output reformatter N`,
    /// `… reformatted input N finish`, `… output to be reformatted N finish`).
    public var isReformat: Bool
    /// A data movement or synchronisation entry of DLA execution (`data to nvm`, `… from nvm`,
    /// `… copy finish`, `… finish`).
    public var isTransfer: Bool
    /// The `[profile N]` suffix; 0 without one.
    public var profileIndex: Int
    /// The parts of a fused name (split on ` + ` and ` || `, `PWN(…)` expanded), as for layers.
    public var fusedParts: [String]

    public init(name: String, timeMs: Double, averageMs: Double, medianMs: Double?, percentage: Double?) {
        self.name = name
        self.timeMs = timeMs
        self.averageMs = averageMs
        self.medianMs = medianMs
        self.percentage = percentage
        self.layerIndex = nil
        let base = LayerNames.profileSuffix(name)
        self.profileIndex = base.profile
        let n = base.base
        var braced: Substring?
        if n.hasPrefix("{"), !n.hasPrefix("{ForeignNode["), let close = n.firstIndex(of: "}") {
            braced = n[n.index(after: n.startIndex)..<close]
        }
        self.dlaLayers = braced.map { $0.split(separator: ",").map { String($0) } } ?? []
        self.isDLASubgraph = braced != nil && n.hasSuffix("}") && n.firstIndex(of: "}") == n.index(before: n.endIndex)
        self.fusedParts = braced != nil ? [] : LayerNames.fusedParts(n)
        self.isReformat = n.hasPrefix("Reformatting CopyNode")
            || n.range(of: #" (input|output) reformatter \d+$"#, options: .regularExpression) != nil
            || n.range(of: #" (reformatted input|output to be reformatted) \d+ finish$"#, options: .regularExpression) != nil
        self.isTransfer = n.hasSuffix(" to nvm") || n.hasSuffix(" from nvm") || n.hasSuffix(" finish")
    }
}

/// A parsed per-layer profile.
public struct ProfileData: Sendable {
    /// The number of profiled iterations (`{"count": N}` / `=== Profile (N iterations ) ===`).
    public var count: Int?
    public var layers: [LayerProfile]
    public var warnings: [String]
}

enum ProfileJSON {
    static func parse(_ root: JSONValue, path: String) throws -> ProfileData {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard let items = root.arrayValue else {
            throw fail("not a trtexec --exportProfile file: the JSON is \(root.kindDescription)\(JSONKind.hint(root)), expected an array starting with {\"count\": N}")
        }
        guard let first = items.first else { throw fail("not a trtexec --exportProfile file: the array is empty") }
        var warnings: [String] = []
        var count: Int?
        var entries = items[...]
        if first["count"] != nil, first["name"] == nil {
            guard let c = first["count"]?.intValue, c >= 0 else {
                throw fail("\"count\" is \(first["count"]!.kindDescription), expected a non-negative integer")
            }
            count = c
            entries = items.dropFirst()
        } else {
            warnings.append("\(path): the profile does not start with {\"count\": N}")
        }
        var layers: [LayerProfile] = []
        for (i, entry) in entries.enumerated() {
            let n = i + (count == nil ? 0 : 1)
            guard entry.isObject else { throw fail("entry \(n) is \(entry.kindDescription), expected a layer object") }
            guard let name = entry["name"]?.stringValue else { throw fail("entry \(n) has no \"name\" string") }
            func number(_ key: String, required: Bool) throws -> Double? {
                guard let v = entry[key] else {
                    if required { throw fail("entry \(n) '\(name)' has no \"\(key)\"") }
                    return nil
                }
                guard let d = v.doubleValue else { throw fail("entry \(n) '\(name)': \"\(key)\" is \(v.kindDescription), expected a number") }
                return d
            }
            let time = try number("timeMs", required: true)!
            let average = try number("averageMs", required: true)!
            layers.append(LayerProfile(name: name, timeMs: time, averageMs: average, medianMs: try number("medianMs", required: false),
                                       percentage: try number("percentage", required: false)))
        }
        return ProfileData(count: count, layers: layers, warnings: warnings)
    }
}

/// The `=== Profile (N iterations ) ===` table trtexec prints with `--dumpProfile`.
/// TensorRT ≥ 8.4 writes `Time(ms) Avg.(ms) Median(ms) Time(%) Layer`; older versions write
/// `Layer Time (ms) Avg. Time (ms) Time %` with the (right-aligned) name first.
enum ProfileText {
    static func start(in lines: [Substring]) -> Int? {
        lines.firstIndex { LogText.content($0).hasPrefix("=== Profile (") }
    }

    static func parse(lines: [Substring], path: String) throws -> ProfileData {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard let start = start(in: lines) else { throw fail("no \"=== Profile\" table (trtexec --dumpProfile) in the log") }
        let title = LogText.content(lines[start])
        let count = Int(title.dropFirst("=== Profile (".count).prefix(while: { $0.isNumber }))
        guard start + 1 < lines.count else { throw fail("the profile table has no header") }
        let header = LogText.content(lines[start + 1]).trimmingCharacters(in: .whitespaces)
        let headerWords = header.split(separator: " ", omittingEmptySubsequences: true)
        let timeFirst = header.hasPrefix("Time")
        let hasMedian = header.contains("Median")
        let numberColumns = hasMedian ? 4 : 3
        guard timeFirst || header.hasPrefix("Layer"), !headerWords.isEmpty else {
            throw fail("unexpected profile table header '\(header)'")
        }
        var layers: [LayerProfile] = []
        var i = start + 2
        while i < lines.count {
            let row = LogText.content(lines[i]).trimmingCharacters(in: .whitespaces)
            if row.isEmpty { break }
            var numbers: [Double] = []
            var name = ""
            var words = row[...]
            if timeFirst {
                for _ in 0..<numberColumns {
                    let word = words.prefix(while: { $0 != " " })
                    guard let d = Double(word) else { throw fail("profile row \(layers.count + 1): '\(word)' is not a number") }
                    numbers.append(d)
                    words = words.dropFirst(word.count).drop(while: { $0 == " " })
                }
                name = String(words)
            } else {
                let tokens = row.split(separator: " ", omittingEmptySubsequences: true)
                guard tokens.count > numberColumns else { throw fail("profile row \(layers.count + 1) has too few columns") }
                for word in tokens.suffix(numberColumns) {
                    guard let d = Double(word) else { throw fail("profile row \(layers.count + 1): '\(word)' is not a number") }
                    numbers.append(d)
                }
                let firstNumber = tokens[tokens.count - numberColumns].startIndex
                name = row[..<firstNumber].trimmingCharacters(in: .whitespaces)
            }
            if name == "Total" { break }
            layers.append(LayerProfile(name: name, timeMs: numbers[0], averageMs: numbers[1], medianMs: hasMedian ? numbers[2] : nil,
                                       percentage: numbers[numberColumns - 1]))
            i += 1
        }
        return ProfileData(count: count, layers: layers, warnings: [])
    }
}

// MARK: - Times

/// One inference of `trtexec --exportTimes` (milliseconds). TensorRT ≥ 8 writes the `*Enq*`,
/// `*H2d*`, `*Compute*`, `*D2h*` keys; TensorRT 7 wrote `startInMs`/`inMs`/`startOutMs`/`outMs`,
/// which are read into the H2D/D2H fields.
public struct IterationTime: Sendable, Hashable {
    public var startEnqMs: Double?
    public var endEnqMs: Double?
    public var startH2dMs: Double?
    public var endH2dMs: Double?
    public var startComputeMs: Double?
    public var endComputeMs: Double?
    public var startD2hMs: Double?
    public var endD2hMs: Double?
    public var h2dMs: Double?
    public var computeMs: Double?
    public var d2hMs: Double?
    /// H2D + compute + D2H latency of the inference.
    public var latencyMs: Double
    public var endToEndMs: Double?

    public init(latencyMs: Double) { self.latencyMs = latencyMs }
}

/// Latency statistics, computed the way trtexec's `sampleReporting.cpp` does: values sorted
/// ascending; the median is the middle value (mean of the two middle values for an even count);
/// percentile p is `sorted[max(n - 1 - Int((1 - p/100) * n), 0)]` in single precision.
public struct LatencySummary: Sendable, Hashable {
    public var count: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    /// The median (P50).
    public var median: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double

    /// The median.
    public var p50: Double { median }

    /// Statistics of `values`; `nil` when there are none.
    public static func summarize(_ values: [Double]) -> LatencySummary? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        return LatencySummary(count: n, min: sorted[0], max: sorted[n - 1], mean: values.reduce(0, +) / Double(n), median: median,
                              p90: percentile(sorted, 90), p95: percentile(sorted, 95), p99: percentile(sorted, 99))
    }

    /// trtexec's `findPercentile` on an ascending array.
    public static func percentile(_ sorted: [Double], _ p: Float) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let all = sorted.count
        let exclude = Int((1 - p / 100) * Float(all))
        return sorted[Swift.max(all - 1 - exclude, 0)]
    }
}

enum TimesJSON {
    static func parse(_ root: JSONValue, path: String) throws -> [IterationTime] {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard let items = root.arrayValue else {
            throw fail("not a trtexec --exportTimes file: the JSON is \(root.kindDescription)\(JSONKind.hint(root)), expected an array of iteration objects")
        }
        var result: [IterationTime] = []
        result.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let members = item.objectMembers else {
                throw fail("iteration \(i) is \(item.kindDescription), expected an object with \"latencyMs\"")
            }
            var values: [String: Double] = [:]
            for (key, value) in members {
                guard let d = value.doubleValue else {
                    throw fail("iteration \(i): \"\(key)\" is \(value.kindDescription), expected a number")
                }
                values[key] = d
            }
            guard let latency = values["latencyMs"] else { throw fail("iteration \(i) has no \"latencyMs\"") }
            var t = IterationTime(latencyMs: latency)
            t.startEnqMs = values["startEnqMs"]
            t.endEnqMs = values["endEnqMs"]
            t.startH2dMs = values["startH2dMs"] ?? values["startInMs"]
            t.endH2dMs = values["endH2dMs"] ?? values["endInMs"]
            t.startComputeMs = values["startComputeMs"]
            t.endComputeMs = values["endComputeMs"]
            t.startD2hMs = values["startD2hMs"] ?? values["startOutMs"]
            t.endD2hMs = values["endD2hMs"] ?? values["endOutMs"]
            t.h2dMs = values["h2dMs"] ?? values["inMs"]
            t.computeMs = values["computeMs"]
            t.d2hMs = values["d2hMs"] ?? values["outMs"]
            t.endToEndMs = values["endToEndMs"]
            result.append(t)
        }
        return result
    }
}
