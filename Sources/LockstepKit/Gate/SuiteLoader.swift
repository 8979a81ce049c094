import Checking
import Foundation
import LockstepCore
import Reporting
import YAMLSupport
import Yams

/// Reads and validates a suite file. Every problem is one error naming the place:
/// `lockstep.yaml:14: models[1] (pairnet): unknown key 'tflte' (did you mean 'tflite'?)`.
public enum SuiteLoader {
    /// Suite files larger than this are refused (a suite lists files, it does not hold data).
    public static let maximumFileBytes = 4 << 20

    /// The keys each place allows (docs/gate.md lists them).
    public static let topKeys = ["version", "name", "baseline", "baseline_margin", "report_dir", "opsets", "fail_on", "tolerances", "accuracy", "models"]
    public static let modelKeys = ["name", "onnx", "tflite", "tensorrt", "targets", "precision", "dla", "inputs", "golden", "random_inputs", "dims",
                                   "tolerances", "accuracy"]
    public static let failOnKeys = ["severity", "kinds"]
    public static let toleranceKeys = ToleranceOverride.keys
    public static let accuracyThresholdKeys = ["max_drop", "alpha", "min_support", "bootstrap", "seed", "class_max_drop"]
    public static let modelAccuracyKeys = ["dataset", "classes", "preprocess", "output", "reference", "candidates", "top_k"] + accuracyThresholdKeys

    public static func load(path: String) throws -> Suite {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LockstepError.unsupportedFormat(path: path, reason: "no such file (a suite file: docs/gate.md)")
        }
        guard !isDirectory.boolValue else { throw LockstepError.unsupportedFormat(path: path, reason: "is a folder, not a suite file") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maximumFileBytes else {
            throw LockstepError.unsupportedFormat(path: path, reason: "file is \(size) bytes, more than the \(maximumFileBytes) a suite file may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw LockstepError.unsupportedFormat(path: path, reason: "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw LockstepError.unsupportedFormat(path: path, reason: "not UTF-8 text") }
        var hash = SHA256()
        data.withUnsafeBytes { hash.update($0) }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(yaml: text, path: path, directory: directory, sha256: hash.finalizeHex())
    }

    /// Parses suite YAML; relative paths are resolved against `directory` and must exist.
    public static func parse(yaml: String, path: String, directory: String, sha256: String = "") throws -> Suite {
        let reader = SuiteReader(path: path, directory: directory)
        do {
            guard let root = try reader.compose(yaml) else {
                throw YAMLProblem(line: nil, reason: "empty file: a suite lists at least one model (docs/gate.md)")
            }
            var suite = try reader.suite(root)
            suite.sha256 = sha256
            return suite
        } catch let problem as YAMLProblem {
            throw LockstepError.unsupportedFormat(path: problem.place(in: path), reason: problem.reason)
        }
    }
}

private struct SuiteReader: YAMLReading {
    let path: String
    let directory: String

    // MARK: Values (the generic ones are YAMLReading's)

    func fraction(_ node: Yams.Node, _ what: String, open: Bool) throws -> Double {
        let v = try number(node, what)
        guard v >= 0, v < 1, !open || v > 0 else { throw fail(node, "\(what) must be in \(open ? "(0, 1)" : "[0, 1)") (a fraction: 0.02 = 2 points), found \(v)") }
        return v
    }

    /// A path from the file, resolved against the suite's folder; it must exist.
    func existingPath(_ node: Yams.Node, _ what: String) throws -> String {
        let raw = try nonEmptyString(node, what)
        let resolved = resolve(raw)
        guard FileManager.default.fileExists(atPath: resolved) else { throw fail(node, "\(what): '\(raw)' does not exist (paths are relative to the suite file's folder)") }
        return resolved
    }

    func resolve(_ raw: String) -> String {
        if raw.hasPrefix("/") || directory.isEmpty || directory == "." { return raw }
        return (directory as NSString).appendingPathComponent(raw)
    }

    // MARK: The suite

    func suite(_ root: Yams.Node) throws -> Suite {
        let pairs = try mapping(root, "the suite", allowed: SuiteLoader.topKeys)
        guard let versionNode = pairs["version"] else { throw fail(root, "the suite: missing 'version: 1'") }
        let version = try int(versionNode, "version")
        guard version == 1 else { throw fail(versionNode, "version \(version) is not one this lockstep reads (1)") }
        let name = try pairs["name"].map { try nonEmptyString($0, "name") } ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension

        var policy = GatePolicyRecord(failOn: .error)
        if let node = pairs["fail_on"] { policy = try failOn(node) }
        var baseline: String?
        if let node = pairs["baseline"] { baseline = resolve(try nonEmptyString(node, "baseline")) }
        var margin = 0.0
        if let node = pairs["baseline_margin"] {
            margin = try number(node, "baseline_margin")
            guard margin >= 0 else { throw fail(node, "baseline_margin must be at least 0 (a relative change: 0.05 = 5%)") }
        }
        let reportDirectory = try pairs["report_dir"].map { resolve(try nonEmptyString($0, "report_dir")) }
        let opsets = try pairs["opsets"].map { try existingPath($0, "opsets") }
        var tolerances = TolerancePolicy()
        if let node = pairs["tolerances"] { try addTolerances(node, "tolerances", to: &tolerances) }
        var thresholds = Thresholds()
        if let node = pairs["accuracy"] {
            let pairs = try mapping(node, "accuracy", allowed: SuiteLoader.accuracyThresholdKeys)
            thresholds = try self.thresholds(pairs.entries, "accuracy", base: thresholds)
        }
        guard let modelsNode = pairs["models"] else { throw fail(root, "the suite: missing 'models' (a list of models: docs/gate.md)") }
        let items = try list(modelsNode, "models")
        guard !items.isEmpty else { throw fail(modelsNode, "models: the list is empty") }
        var models: [SuiteModel] = []
        var names: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            let m = try model(item, index: i, tolerances: tolerances, thresholds: thresholds)
            if let first = names[m.name] { throw fail(item, "models[\(i)]: name '\(m.name)' is already used by models[\(first)]") }
            names[m.name] = i
            models.append(m)
        }
        return Suite(path: path, sha256: "", name: name, baseline: baseline, baselineMargin: margin, reportDirectory: reportDirectory,
                     opsets: opsets, policy: policy, models: models)
    }

    func failOn(_ node: Yams.Node) throws -> GatePolicyRecord {
        func severity(_ n: Yams.Node) throws -> Severity {
            let text = try nonEmptyString(n, "fail_on severity")
            guard let s = Severity(rawValue: text) else { throw fail(n, "fail_on: severity '\(text)' is not info, warning or error") }
            return s
        }
        if node.scalar != nil { return GatePolicyRecord(failOn: try severity(node)) }
        let pairs = try mapping(node, "fail_on", allowed: SuiteLoader.failOnKeys)
        var failOn = Severity.error
        var kinds: [FindingKind]?
        for p in pairs {
            switch p.key {
            case "severity": failOn = try severity(p.value)
            default:
                var list: [FindingKind] = []
                for k in try self.list(p.value, "fail_on.kinds") {
                    let text = try nonEmptyString(k, "fail_on.kinds")
                    guard let kind = FindingKind(rawValue: text) else {
                        let all = FindingKind.allCases.map(\.rawValue)
                        let hint = Suggestions.closest(to: text, in: all, limit: 1).first.map { " (did you mean '\($0)'?)" } ?? ""
                        throw fail(k, "fail_on.kinds: '\(text)' is not a finding kind\(hint); kinds: \(all.joined(separator: ", "))")
                    }
                    list.append(kind)
                }
                guard !list.isEmpty else { throw fail(p.value, "fail_on.kinds: an empty list would never fail; leave the key out to fail on every kind") }
                kinds = list
            }
        }
        return GatePolicyRecord(failOn: failOn, kinds: kinds)
    }

    /// `NAME: {atol: …, rtol: …}` where NAME is an output, `dtype=TYPE` or `all`; parsed by the
    /// same rules as `check --tolerance`.
    func addTolerances(_ node: Yams.Node, _ what: String, to policy: inout TolerancePolicy) throws {
        for p in try freeMapping(node, what) {
            let settings = try mapping(p.value, "\(what).\(p.key)", allowed: SuiteLoader.toleranceKeys)
            var parts: [String] = []
            for s in settings {
                guard case .scalar(let scalar) = s.value, s.value.null == nil else {
                    throw fail(s.value, "\(what).\(p.key).\(s.key) must be a value, found \(describe(s.value))")
                }
                parts.append("\(s.key)=\(scalar.string)")
            }
            guard !parts.isEmpty else { throw fail(p.value, "\(what).\(p.key): give at least one of \(SuiteLoader.toleranceKeys.joined(separator: ", "))") }
            do { try policy.add("\(p.key):\(parts.joined(separator: ","))") } catch let error as CheckingError {
                throw fail(p.keyNode, "\(what).\(p.key): \(error.errorDescription ?? "\(error)")")
            }
        }
    }

    struct Thresholds {
        var policy = DriftPolicy()
        var classMaxDrop: [String: Double] = [:]
    }

    func thresholds(_ pairs: [YAMLEntry], _ what: String, base: Thresholds) throws -> Thresholds {
        var t = base
        for p in pairs {
            switch p.key {
            case "max_drop": t.policy.maxDrop = try fraction(p.value, "\(what).max_drop", open: false)
            case "alpha": t.policy.alpha = try fraction(p.value, "\(what).alpha", open: true)
            case "min_support": t.policy.minSupport = try int(p.value, "\(what).min_support", min: 1)
            case "bootstrap":
                let n = try int(p.value, "\(what).bootstrap", min: 100)
                guard n <= 1_000_000 else { throw fail(p.value, "\(what).bootstrap must be at most 1000000 resamples") }
                t.policy.bootstrapResamples = n
            case "seed": t.policy.seed = UInt64(try int(p.value, "\(what).seed", min: 0))
            case "class_max_drop":
                for c in try freeMapping(p.value, "\(what).class_max_drop") {
                    t.classMaxDrop[c.key] = try fraction(c.value, "\(what).class_max_drop.\(c.key)", open: false)
                }
            default: break
            }
        }
        return t
    }

    func model(_ node: Yams.Node, index i: Int, tolerances: TolerancePolicy, thresholds: Thresholds) throws -> SuiteModel {
        guard node.mapping != nil else { throw fail(node, "models[\(i)] must be a mapping (name, onnx, tflite, tensorrt, …), found \(describe(node))") }
        let nameNode = node.mapping?.first { $0.key.scalar?.string == "name" }?.value
        let label = "models[\(i)]" + ((nameNode?.scalar?.string).map { " (\($0))" } ?? "")
        let pairs = try mapping(node, label, allowed: SuiteLoader.modelKeys)
        guard let nameNode else { throw fail(node, "\(label): missing 'name'") }
        var m = SuiteModel(name: try nonEmptyString(nameNode, "\(label).name"), line: node.mark?.line ?? 0)
        m.tolerances = tolerances
        var accuracyNode: Yams.Node?
        var targetNodes: [Yams.Node] = []
        for p in pairs {
            let what = "\(label).\(p.key)"
            switch p.key {
            case "name": break
            case "onnx": m.onnx = try existingPath(p.value, what)
            case "tflite": m.tflite = try existingPath(p.value, what)
            case "tensorrt": m.tensorRT = try existingPath(p.value, what)
            case "targets":
                targetNodes = p.value.scalar != nil ? [p.value] : try list(p.value, what)
                m.targets = try targetNodes.map { try nonEmptyString($0, what) }
                m.targetLines = targetNodes.map { $0.mark?.line ?? m.line }
                if let dup = Dictionary(grouping: m.targets, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                    throw fail(p.value, "\(what): '\(dup)' is listed twice")
                }
            case "precision":
                let text = try nonEmptyString(p.value, what)
                do { _ = try Compat.precision(text) } catch { throw fail(p.value, "\(what): '\(text)' is not a precision (int8, fp16, bf16, fp8, fp32, int4, fp4)") }
                m.precision = text
            case "dla": m.dla = try bool(p.value, what)
            case "inputs": m.inputs = try existingPath(p.value, what)
            case "golden": m.golden = try existingPath(p.value, what)
            case "random_inputs": m.randomSeed = UInt64(try int(p.value, what, min: 0))
            case "dims":
                for d in try freeMapping(p.value, what) { m.dimensions[d.key] = try int(d.value, "\(what).\(d.key)", min: 0) }
            case "tolerances": try addTolerances(p.value, what, to: &m.tolerances)
            case "accuracy": accuracyNode = p.value
            default: break
            }
        }
        guard m.onnx != nil || m.tflite != nil || m.tensorRT != nil else { throw fail(node, "\(label): give at least one form (onnx, tflite or tensorrt)") }
        if (m.inputs != nil || m.golden != nil || m.randomSeed != nil) && m.onnx == nil {
            throw fail(node, "\(label): inputs, golden and random_inputs drive the ONNX form's reference run; add 'onnx'")
        }
        if (m.precision != nil || m.dla) && m.tensorRT == nil {
            throw fail(node, "\(label): precision and dla describe a TensorRT engine; add 'tensorrt'")
        }
        if let a = accuracyNode { m.accuracy = try accuracy(a, label: "\(label).accuracy", model: m, thresholds: thresholds) }
        return m
    }

    func accuracy(_ node: Yams.Node, label: String, model: SuiteModel, thresholds: Thresholds) throws -> SuiteAccuracy {
        let pairs = try mapping(node, label, allowed: SuiteLoader.modelAccuracyKeys)
        guard let datasetNode = pairs["dataset"] else { throw fail(node, "\(label): missing 'dataset'") }
        let t = try self.thresholds(pairs.filter { SuiteLoader.accuracyThresholdKeys.contains($0.key) }, label, base: thresholds)
        /// `onnx` / `tflite` name the model's forms; anything else is a path.
        func form(_ n: Yams.Node, _ what: String) throws -> String {
            let text = try nonEmptyString(n, what)
            switch text {
            case "onnx":
                guard let p = model.onnx else { throw fail(n, "\(what): 'onnx', but the model has no onnx form") }
                return p
            case "tflite":
                guard let p = model.tflite else { throw fail(n, "\(what): 'tflite', but the model has no tflite form") }
                return p
            default:
                return try existingPath(n, what)
            }
        }
        let reference: String
        if let r = pairs["reference"] {
            reference = try form(r, "\(label).reference")
        } else if let onnx = model.onnx {
            reference = onnx
        } else {
            throw fail(node, "\(label): missing 'reference' (the model has no onnx form to default to)")
        }
        guard let candidatesNode = pairs["candidates"] else { throw fail(node, "\(label): missing 'candidates' (forms or files to compare with the reference)") }
        let items = candidatesNode.scalar != nil ? [candidatesNode] : try list(candidatesNode, "\(label).candidates")
        guard !items.isEmpty else { throw fail(candidatesNode, "\(label).candidates: the list is empty") }
        let candidates = try items.map { try form($0, "\(label).candidates") }
        var topK: Int?
        if let k = pairs["top_k"] { topK = try int(k, "\(label).top_k", min: 1) }
        return SuiteAccuracy(dataset: try existingPath(datasetNode, "\(label).dataset"),
                             classes: try pairs["classes"].map { try existingPath($0, "\(label).classes") },
                             preprocess: try pairs["preprocess"].map { try existingPath($0, "\(label).preprocess") },
                             output: try pairs["output"].map { try nonEmptyString($0, "\(label).output") },
                             reference: reference, candidates: candidates, policy: t.policy, topK: topK, classMaxDrop: t.classMaxDrop)
    }
}
