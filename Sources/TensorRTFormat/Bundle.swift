import Foundation
import LockstepCore

/// Everything Lockstep knows about one TensorRT engine: the plan header and what the build/run
/// host exported beside it (layer information, profile, times, outputs), plus the IR built from
/// the layers.
public struct TensorRTBundle: Sendable {
    /// The folder, manifest or single file the bundle was loaded from.
    public var path: String
    /// The plan header, when the bundle has a plan.
    public var plan: PlanHeader?
    /// Layers in file order (all optimisation profiles).
    public var layers: [Layer]
    /// Which form the layer information came in (`.none` without any).
    public var layerInfoForm: LayerInfoForm
    /// Graph inputs and outputs.
    public var bindings: [Binding]
    /// The per-layer profile, when the bundle has one.
    public var profile: [LayerProfile]?
    /// Iterations the profile was averaged over.
    public var profileCount: Int?
    /// Per-iteration times, when the bundle has them.
    public var times: [IterationTime]?
    /// Statistics of `latencyMs` over `times` (iterations that started computing before the
    /// warm-up ended are left out when the warm-up duration is known).
    public var latency: LatencySummary?
    /// Statistics of `computeMs` over the same iterations (GPU compute time).
    public var computeTime: LatencySummary?
    /// The warm-up duration used to drop iterations from `latency`, when known.
    public var latencyWarmupMs: Double?
    /// Output tensors of a run, in file order.
    public var outputs: [(name: String, tensor: Tensor)]
    /// Input tensors of a run (Polygraphy `--save-inputs`), when the bundle has them.
    public var inputs: [(name: String, tensor: Tensor)]
    /// The TensorRT version: from the plan header, else from a trtexec log.
    public var tensorRTVersion: PlanHeader.Version?
    /// Every file looked at and what it was recognised as.
    public var files: [BundleFile]
    /// Problems that did not stop loading (name-only layer info, unrecognised files, …), each
    /// `<file>: <text>`.
    public var warnings: [String]
    /// The IR: one node per layer of optimisation profile 0 (see `TensorRTModelBuilder`).
    public var model: Model
}

/// The files of a bundle, by role. Paths are used as given.
public struct TensorRTBundleFiles: Sendable, Hashable {
    public var plan: String?
    /// Layer information: `--exportLayerInfo` JSON, or a log with `--dumpLayerInfo` or a
    /// verbose build's `Engine Layer Information`.
    public var layers: String?
    /// `--exportProfile` JSON or a log with a `--dumpProfile` table.
    public var profile: String?
    /// `--exportTimes` JSON.
    public var times: String?
    /// `--exportOutput` JSON, Polygraphy RunResults JSON, `.npy` files, logs with `--dumpOutput`.
    public var outputs: [String]
    /// Polygraphy `--save-inputs` JSON or `.npy` files.
    public var inputs: [String]
    /// TREx profiling metadata or a trtexec run log (for the warm-up duration).
    public var runMetadata: String?

    public init(plan: String? = nil, layers: String? = nil, profile: String? = nil, times: String? = nil, outputs: [String] = [],
                inputs: [String] = [], runMetadata: String? = nil) {
        self.plan = plan
        self.layers = layers
        self.profile = profile
        self.times = times
        self.outputs = outputs
        self.inputs = inputs
        self.runMetadata = runMetadata
    }
}

/// Loads TensorRT plan bundles.
///
/// `load(path:)` accepts:
/// - a folder: a `bundle.json` in it names the files; without one, every regular file in the
///   folder (not in sub-folders, not hidden) is recognised by its content;
/// - a `bundle.json` manifest: `{"plan": "m.plan", "layers": "m.graph.json", "profile": …,
///   "times": …, "outputs": "out.json" | ["a.npy", …], "inputs": …, "runMetadata": …}` with
///   paths relative to the manifest's folder (absolute paths and `..` are refused);
/// - a single plan file, layer-information JSON, or trtexec log with layer information.
public enum TensorRTBundleLoader {
    /// Manifest keys and what they name.
    static let manifestKeys: Set<String> = ["plan", "layers", "profile", "times", "outputs", "inputs", "runMetadata"]

    /// Loads the bundle at `path` (folder, `bundle.json`, plan, layer information JSON or log).
    /// - Throws: `TensorRTError` `<file>: <reason>`.
    public static func load(path: String) throws -> TensorRTBundle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TensorRTError.cannotRead(path: path, reason: "no such file")
        }
        if isDirectory.boolValue {
            let manifest = (path as NSString).appendingPathComponent("bundle.json")
            if FileManager.default.fileExists(atPath: manifest) { return try loadManifest(manifest, bundlePath: path) }
            return try discover(folder: path)
        }
        if (path as NSString).lastPathComponent == "bundle.json" { return try loadManifest(path, bundlePath: path) }
        let sniffed = try SniffedFile.sniff(path)
        if sniffed.kinds.contains(.plan) { return try load(files: TensorRTBundleFiles(plan: path), path: path) }
        if sniffed.kinds.contains(.layerInfoJSON) || sniffed.kinds.contains(.layerInfoLog) || sniffed.kinds.contains(.verboseBuildLog) {
            return try load(files: TensorRTBundleFiles(layers: path), path: path, sniffed: [path: sniffed])
        }
        if let json = sniffed.json, json.isObject, json["Layers"] == nil,
           Set(json.objectMembers!.map(\.key)).isSubset(of: manifestKeys), !(json.objectMembers!.isEmpty) {
            return try loadManifest(path, bundlePath: path)
        }
        if let json = sniffed.json {
            // Let the layer-information reader explain what the JSON is instead.
            _ = try LayerInfoJSON.parse(json, path: path)
        }
        let what = sniffed.kinds.first.map { $0 == .unrecognised ? (sniffed.note ?? "unrecognised") : "it looks like \($0.description)" } ?? ""
        throw TensorRTError.invalidFile(
            path: path,
            reason: "not a TensorRT plan, layer information or bundle: \(what); put it in a bundle folder or name it in bundle.json")
    }

    /// Loads a bundle from files named by role. `path` names the bundle.
    public static func load(files: TensorRTBundleFiles, path: String) throws -> TensorRTBundle {
        try load(files: files, path: path, sniffed: [:])
    }

    // MARK: Manifest

    static func loadManifest(_ manifestPath: String, bundlePath: String) throws -> TensorRTBundle {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: manifestPath, reason: reason) }
        let file = try FileBytes.map(manifestPath)
        let json: JSONValue
        do { json = try JSONParser.parse(file.bytes) } catch let e as JSONSyntaxError {
            throw fail(e.describe(in: file.bytes))
        }
        guard let members = json.objectMembers else { throw fail("a bundle manifest must be a JSON object, found \(json.kindDescription)") }
        let folder = (manifestPath as NSString).deletingLastPathComponent
        func resolve(_ value: JSONValue, key: String) throws -> [String] {
            let names: [String]
            if let s = value.stringValue {
                names = [s]
            } else if let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) {
                names = list.map { $0.stringValue! }
            } else {
                throw fail("\"\(key)\" is \(value.kindDescription), expected a file name\(key == "outputs" || key == "inputs" ? " or a list of file names" : "")")
            }
            return try names.map { name in
                guard !name.isEmpty, !name.contains("\0") else { throw fail("\"\(key)\": empty file name") }
                guard !name.hasPrefix("/"), !name.hasPrefix("\\"), !(name.count >= 2 && name.dropFirst().first == ":") else {
                    throw fail("\"\(key)\": '\(name)' is an absolute path; name files relative to the manifest's folder")
                }
                let parts = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
                guard !parts.contains("..") else { throw fail("\"\(key)\": '\(name)' leaves the manifest's folder ('..')") }
                let full = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: full) else { throw fail("\"\(key)\": '\(name)' does not exist") }
                return full
            }
        }
        var files = TensorRTBundleFiles()
        var warnings: [String] = []
        for (key, value) in members {
            switch key {
            case "plan", "layers", "profile", "times", "runMetadata":
                let resolved = try resolve(value, key: key)
                guard resolved.count == 1 else { throw fail("\"\(key)\" names \(resolved.count) files, expected one") }
                switch key {
                case "plan": files.plan = resolved[0]
                case "layers": files.layers = resolved[0]
                case "profile": files.profile = resolved[0]
                case "times": files.times = resolved[0]
                default: files.runMetadata = resolved[0]
                }
            case "outputs": files.outputs = try resolve(value, key: key)
            case "inputs": files.inputs = try resolve(value, key: key)
            default: warnings.append("\(manifestPath): unknown key \"\(key)\" ignored")
            }
        }
        var bundle = try load(files: files, path: bundlePath)
        bundle.warnings = warnings + bundle.warnings
        bundle.files.insert(BundleFile(path: manifestPath, kinds: [.manifest], used: true), at: 0)
        return bundle
    }

    // MARK: Folder discovery

    static func discover(folder: String) throws -> TensorRTBundle {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw TensorRTError.cannotRead(path: folder, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        var sniffed: [String: SniffedFile] = [:]
        var order: [String] = []
        for name in names where !name.hasPrefix(".") {
            let full = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            sniffed[full] = try SniffedFile.sniff(full)
            order.append(full)
        }
        func having(_ kind: BundleFileKind) -> [String] { order.filter { sniffed[$0]!.kinds.contains(kind) } }
        var files = TensorRTBundleFiles()
        var warnings: [String] = []
        var reported = Set<String>()   // files a warning already explains
        func single(_ kind: BundleFileKind, _ role: String) throws -> String? {
            let found = having(kind)
            guard found.count <= 1 else {
                throw TensorRTError.invalidFile(path: folder, reason: "several files hold \(kind.description) (\(found.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))); name the \(role) file in bundle.json")
            }
            return found.first
        }
        files.plan = try single(.plan, "plan")
        // Layer information: the richest form wins; lower forms are reported.
        let layerCandidates: [(BundleFileKind, [String])] = [(.layerInfoJSON, having(.layerInfoJSON)), (.layerInfoLog, having(.layerInfoLog)),
                                                             (.verboseBuildLog, having(.verboseBuildLog))]
        if let best = layerCandidates.first(where: { !$0.1.isEmpty }) {
            files.layers = try single(best.0, "layers")
            for (kind, paths) in layerCandidates where kind != best.0 {
                for p in paths {
                    warnings.append("\(p): also holds layer information (\(kind.description)); \((files.layers! as NSString).lastPathComponent) is used")
                    reported.insert(p)
                }
            }
        }
        if let p = try single(.profileJSON, "profile") {
            files.profile = p
            for q in having(.profileLog) {
                warnings.append("\(q): also holds a profile; \((p as NSString).lastPathComponent) is used")
                reported.insert(q)
            }
        } else {
            files.profile = try single(.profileLog, "profile")
        }
        files.times = try single(.timesJSON, "times")
        files.outputs = order.filter { p in
            let k = sniffed[p]!.kinds
            return k.contains(.exportOutputJSON) || k.contains(.polygraphyOutputs) || k.contains(.dumpOutputLog) || k.contains(.npy)
        }
        files.inputs = having(.polygraphyInputs)
        if files.plan == nil, files.layers == nil, files.profile == nil, files.times == nil, files.outputs.isEmpty, files.inputs.isEmpty {
            let seen = order.isEmpty ? "the folder is empty"
                : "found only " + order.prefix(5).map { ($0 as NSString).lastPathComponent }.joined(separator: ", ") + (order.count > 5 ? ", …" : "")
            throw TensorRTError.invalidFile(path: folder, reason: "not a TensorRT bundle: no plan, layer information, profile, times or outputs (\(seen))")
        }
        files.runMetadata = having(.trexProfileMetadata).first
            ?? order.first(where: { sniffed[$0]!.lines.map { RunInfo.warmupMs(logLines: $0) != nil } ?? false })
        var bundle = try load(files: files, path: folder, sniffed: sniffed)
        let usedPaths = Set(bundle.files.map(\.path))
        for p in order where !usedPaths.contains(p) {
            let s = sniffed[p]!
            bundle.files.append(BundleFile(path: p, kinds: s.kinds, used: false))
            if reported.contains(p) { continue }
            if s.kinds == [.unrecognised] {
                warnings.append("\(p): unrecognised (\(s.note ?? "unknown content")); ignored")
            } else {
                warnings.append("\(p): \(s.kinds.map(\.description).joined(separator: ", ")); not used by Lockstep")
            }
        }
        bundle.warnings = warnings + bundle.warnings
        return bundle
    }

    // MARK: Assembly

    static func load(files: TensorRTBundleFiles, path: String, sniffed preSniffed: [String: SniffedFile]) throws -> TensorRTBundle {
        var cache = preSniffed
        func sniff(_ p: String) throws -> SniffedFile {
            if let s = cache[p] { return s }
            let s = try SniffedFile.sniff(p)
            cache[p] = s
            return s
        }
        var warnings: [String] = []
        var fileRecords: [BundleFile] = []
        func record(_ p: String, _ s: SniffedFile) {
            if let i = fileRecords.firstIndex(where: { $0.path == p }) { fileRecords[i].used = true; return }
            fileRecords.append(BundleFile(path: p, kinds: s.kinds, used: true))
        }

        // Plan
        var plan: PlanHeader?
        if let p = files.plan {
            plan = try PlanHeader.read(path: p)
            fileRecords.append(BundleFile(path: p, kinds: [.plan], used: true))
            if plan?.version == nil {
                warnings.append("\(p): unknown plan header layout (bytes 4–7 = \(plan!.headerField4)); TensorRT version unknown")
            }
        }

        // Layers
        var info = LayerInformation(form: .none, layers: [], bindings: [])
        if let p = files.layers {
            let s = try sniff(p)
            if let json = s.json {
                info = try LayerInfoJSON.parse(json, path: p)
            } else if let lines = s.lines, s.kinds.contains(.layerInfoLog) {
                info = try OneLineLayerInfo.parse(lines: lines, path: p)
            } else if let lines = s.lines, s.kinds.contains(.verboseBuildLog) {
                info = try VerboseLayerInfo.parse(lines: lines, path: p)
            } else {
                throw TensorRTError.invalidFile(path: p, reason: "named as layer information but \(s.kinds.first == .unrecognised ? "unrecognised (\(s.note ?? "unknown content"))" : "it looks like \(s.kinds.map(\.description).joined(separator: ", "))")")
            }
            warnings += info.warnings
            record(p, s)
        }

        // Profile
        var profileData: ProfileData?
        if let p = files.profile {
            let s = try sniff(p)
            if let json = s.json {
                profileData = try ProfileJSON.parse(json, path: p)
            } else if let lines = s.lines, s.kinds.contains(.profileLog) {
                profileData = try ProfileText.parse(lines: lines, path: p)
            } else {
                throw TensorRTError.invalidFile(path: p, reason: "named as a profile but \(describe(s))")
            }
            warnings += profileData!.warnings
            record(p, s)
        }

        // Times
        var times: [IterationTime]?
        if let p = files.times {
            let s = try sniff(p)
            guard let json = s.json else { throw TensorRTError.invalidFile(path: p, reason: "named as times but \(describe(s))") }
            times = try TimesJSON.parse(json, path: p)
            if times!.isEmpty { warnings.append("\(p): no iterations") }
            record(p, s)
        }

        // Run metadata (warm-up)
        var warmup: Double?
        if let p = files.runMetadata {
            let s = try sniff(p)
            if let json = s.json { warmup = RunInfo.warmupMs(trexProfileMetadata: json) } else if let lines = s.lines { warmup = RunInfo.warmupMs(logLines: lines) }
            if warmup == nil { warnings.append("\(p): no warm-up duration found") }
            if times != nil { record(p, s) }
        }

        // Outputs and inputs
        let tensorTypes = Dictionary(info.layers.flatMap { $0.outputs + $0.inputs }.map { ($0.name, $0.precision) }, uniquingKeysWith: { a, _ in a })
        let bindingTypes = Dictionary(info.bindings.map { ($0.name, $0.dtype) }, uniquingKeysWith: { a, _ in a })
        func dtypeOf(_ name: String) -> DType? { (bindingTypes[name] ?? nil) ?? (tensorTypes[name] ?? nil) }
        func readTensors(_ paths: [String], role: String) throws -> [(name: String, tensor: Tensor)] {
            var result: [(name: String, tensor: Tensor)] = []
            for p in paths {
                let s = try sniff(p)
                var read = NamedTensors()
                if s.kinds.contains(.npy) {
                    read.tensors = [try NpyFile.read(path: p)]
                } else if let json = s.json {
                    switch s.kinds.first {
                    case .exportOutputJSON?: read = try ExportOutputJSON.parse(json, path: p, dtypeOf: dtypeOf)
                    case .polygraphyOutputs?: read = try PolygraphyJSON.runResults(json, path: p)
                    case .polygraphyInputs?: read = try PolygraphyJSON.inputs(json, path: p)
                    default:
                        throw TensorRTError.invalidFile(path: p, reason: "named as \(role) but \(describe(s))")
                    }
                } else if let lines = s.lines, s.kinds.contains(.dumpOutputLog) {
                    read = try DumpOutputText.parse(lines: lines, path: p, dtypeOf: dtypeOf)
                } else {
                    throw TensorRTError.invalidFile(path: p, reason: "named as \(role) but \(describe(s))")
                }
                warnings += read.warnings
                for t in read.tensors {
                    if result.contains(where: { $0.name == t.name }) {
                        warnings.append("\(p): \(role.dropLast()) '\(t.name)' appears again; the first is kept")
                    } else {
                        result.append(t)
                    }
                }
                record(p, s)
            }
            return result
        }
        let outputs = try readTensors(files.outputs, role: "outputs")
        let inputs = try readTensors(files.inputs, role: "inputs")

        // Cross-references
        var profile = profileData?.layers
        if var entries = profile, !info.layers.isEmpty {
            var indexByName: [String: Int] = [:]
            for layer in info.layers where indexByName[layer.name] == nil { indexByName[layer.name] = layer.index }
            var unmatched = 0
            for i in entries.indices {
                entries[i].layerIndex = indexByName[entries[i].name]
                if entries[i].layerIndex == nil { unmatched += 1 }
            }
            if unmatched > 0 {
                warnings.append("\(files.profile!): \(unmatched) of \(entries.count) profile entries name no layer of the layer information (profile of another build?)")
            }
            profile = entries
        }
        if info.layers.contains(where: { $0.profileIndex > 0 }) {
            let profiles = Set(info.layers.map(\.profileIndex)).count
            warnings.append("\(files.layers!): the engine has \(profiles) optimisation profiles; the graph shows profile 0")
        }

        // Latency
        var latency: LatencySummary?, compute: LatencySummary?
        var usedWarmup: Double?
        if let times, !times.isEmpty {
            var kept = times
            if let warmup, times.allSatisfy({ $0.startComputeMs != nil }) {
                let after = times.filter { $0.startComputeMs! >= warmup }
                if after.isEmpty {
                    warnings.append("\(files.times!): every iteration starts within the \(warmup) ms warm-up; all are used")
                } else {
                    kept = after
                    usedWarmup = warmup
                }
            }
            latency = LatencySummary.summarize(kept.map(\.latencyMs))
            let computeValues = kept.compactMap(\.computeMs)
            compute = computeValues.count == kept.count ? LatencySummary.summarize(computeValues) : nil
        }

        // The version: the plan's, else one a log of the bundle names.
        var version = plan?.version ?? info.tensorRTVersion
        if version == nil {
            for record in fileRecords where record.used {
                if let lines = cache[record.path]?.lines, let v = LogText.version(lines) { version = v; break }
            }
        }
        let model = TensorRTModelBuilder.model(path: path, plan: plan, version: version, form: info.form, layers: info.layers,
                                               bindings: info.bindings)
        return TensorRTBundle(path: path, plan: plan, layers: info.layers, layerInfoForm: info.form, bindings: info.bindings,
                              profile: profile, profileCount: profileData?.count, times: times, latency: latency,
                              computeTime: compute, latencyWarmupMs: usedWarmup, outputs: outputs, inputs: inputs,
                              tensorRTVersion: version, files: fileRecords, warnings: warnings, model: model)
    }

    static func describe(_ s: SniffedFile) -> String {
        if s.kinds == [.unrecognised] { return "it is unrecognised (\(s.note ?? "unknown content"))" }
        return "it looks like \(s.kinds.map(\.description).joined(separator: ", "))"
    }
}

/// Readers for single files of a bundle (what `TensorRTBundleLoader` uses for each role).
public enum TensorRTFiles {
    /// What the file at `path` holds, recognised by content.
    public static func classify(path: String) throws -> [BundleFileKind] {
        try SniffedFile.sniff(path).kinds
    }

    /// Layer information from `--exportLayerInfo` JSON or a log (one-line `--dumpLayerInfo`
    /// section, else a verbose build's `Engine Layer Information`).
    public static func readLayerInformation(path: String) throws -> LayerInformation {
        try TensorRTBundleLoader.load(files: TensorRTBundleFiles(layers: path), path: path).layerInformation
    }

    /// A `--exportProfile` JSON or a log with a `--dumpProfile` table.
    public static func readProfile(path: String) throws -> ProfileData {
        let b = try TensorRTBundleLoader.load(files: TensorRTBundleFiles(profile: path), path: path)
        return ProfileData(count: b.profileCount, layers: b.profile ?? [], warnings: b.warnings)
    }

    /// A `--exportTimes` JSON.
    public static func readTimes(path: String) throws -> [IterationTime] {
        try TensorRTBundleLoader.load(files: TensorRTBundleFiles(times: path), path: path).times ?? []
    }

    /// Output tensors from `--exportOutput` JSON, Polygraphy RunResults, a `.npy` file or a
    /// log with `--dumpOutput` values.
    public static func readOutputs(path: String) throws -> [(name: String, tensor: Tensor)] {
        try TensorRTBundleLoader.load(files: TensorRTBundleFiles(outputs: [path]), path: path).outputs
    }

    /// Input tensors from Polygraphy `--save-inputs` JSON or a `.npy` file.
    public static func readInputs(path: String) throws -> [(name: String, tensor: Tensor)] {
        try TensorRTBundleLoader.load(files: TensorRTBundleFiles(inputs: [path]), path: path).inputs
    }
}

extension TensorRTBundle {
    /// The layer information part of the bundle.
    public var layerInformation: LayerInformation {
        LayerInformation(form: layerInfoForm, layers: layers, bindings: bindings, warnings: warnings, tensorRTVersion: tensorRTVersion)
    }
}
