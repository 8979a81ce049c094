import Foundation
import LockstepCore
import YAMLSupport
import Yams

/// `golden/<suite>/<case>/manifest.yaml` (docs/check.md, "Golden store"): the case's inputs and
/// outputs as `.npy` files, each with its sha256, type, shape and provenance, and per-output
/// tolerances.
public struct GoldenManifest: Codable, Sendable, Equatable {
    /// The manifest schema this build reads and writes.
    public static let currentSchema = 1

    public var schema: Int
    public var suite: String
    public var name: String
    /// When the case was recorded (ISO 8601 UTC, from the injected clock).
    public var created: String
    /// The model form the outputs belong to, when known.
    public var model: ModelReference?
    public var inputs: [GoldenFile]
    public var outputs: [GoldenFile]

    enum CodingKeys: String, CodingKey {
        case schema, suite
        case name = "case"
        case created, model, inputs, outputs
    }

    public init(suite: String, name: String, created: String, model: ModelReference?, inputs: [GoldenFile], outputs: [GoldenFile]) {
        self.schema = GoldenManifest.currentSchema
        self.suite = suite
        self.name = name
        self.created = created
        self.model = model
        self.inputs = inputs
        self.outputs = outputs
    }

    static let keys = ["schema", "suite", "case", "created", "model", "inputs", "outputs"]
}

/// The model a golden case was recorded for.
public struct ModelReference: Codable, Sendable, Equatable {
    /// As given when recording (relative paths stay relative).
    public var path: String
    public var sha256: String?
    public init(path: String, sha256: String?) {
        self.path = path
        self.sha256 = sha256
    }
    static let keys = ["path", "sha256"]
}

/// One tensor of a golden case.
public struct GoldenFile: Codable, Sendable, Equatable {
    /// The tensor's name in the model (input or output name).
    public var name: String
    /// Path of the `.npy` file relative to the case folder (`inputs/x.npy`, `outputs/y.npy`).
    public var file: String
    public var dtype: DType
    public var shape: [Int]
    public var sha256: String
    /// Per-output tolerance override (outputs only).
    public var tolerance: ToleranceOverride?
    public var provenance: Provenance

    public init(name: String, file: String, dtype: DType, shape: [Int], sha256: String, tolerance: ToleranceOverride? = nil,
                provenance: Provenance) {
        self.name = name
        self.file = file
        self.dtype = dtype
        self.shape = shape
        self.sha256 = sha256
        self.tolerance = tolerance
        self.provenance = provenance
    }
    static let keys = ["name", "file", "dtype", "shape", "sha256", "tolerance", "provenance"]
}

/// Which runtime, version and command made a golden file.
public struct Provenance: Codable, Sendable, Equatable {
    /// `lockstep reference interpreter`, `onnxruntime`, `litert`, `tensorrt`, `file`, `random`.
    public var runtime: String
    public var version: String
    /// The command line that produced the file.
    public var command: String
    /// The form that ran (`onnx`, `tflite`, `tensorrt`), when a model ran.
    public var form: String?
    public init(runtime: String, version: String, command: String, form: String? = nil) {
        self.runtime = runtime
        self.version = version
        self.command = command
        self.form = form
    }
    static let keys = ["runtime", "version", "command", "form"]
}

extension GoldenManifest {
    /// Decodes and validates manifest text read from `path` (for messages): known keys only, each
    /// once, schema 1, relative `.npy` paths inside the case folder, 64-digit sha256s, unique
    /// names, valid tolerances.
    public static func decode(_ text: String, path: String) throws -> GoldenManifest {
        func fail(_ reason: String) -> CheckingError { .invalidInput(path: path, reason: reason) }
        let yaml = YAMLReader()
        do {
            guard let root = try yaml.compose(text), root.mapping != nil else { throw yaml.fail(nil, "expected a mapping at the top level") }
            let top = try yaml.mapping(root, "", allowed: keys)
            if let node = top["schema"], let v = node.int, v != currentSchema {
                throw yaml.fail(node, "schema \(v) is not one this lockstep reads (\(currentSchema))")
            }
            if let model = top["model"], model.mapping != nil { _ = try yaml.mapping(model, "model", allowed: ModelReference.keys) }
            for list in ["inputs", "outputs"] {
                guard let items = top[list]?.sequence else { continue }
                for (i, entry) in items.enumerated() {
                    let file = try yaml.mapping(entry, "\(list)[\(i)]", allowed: GoldenFile.keys)
                    if let p = file["provenance"], p.mapping != nil {
                        _ = try yaml.mapping(p, "\(list)[\(i)].provenance", allowed: Provenance.keys)
                    }
                    if let t = file["tolerance"], t.mapping != nil {
                        _ = try yaml.mapping(t, "\(list)[\(i)].tolerance", allowed: ToleranceOverride.keys)
                    }
                }
            }
        } catch let problem as YAMLProblem {
            throw CheckingError.invalidInput(path: problem.place(in: path), reason: problem.reason)
        }
        let manifest: GoldenManifest
        do { manifest = try YAMLDecoder().decode(GoldenManifest.self, from: text) } catch let DecodingError.keyNotFound(key, context) {
            throw fail("missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw fail("wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.dataCorrupted(context) {
            throw fail("invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
        } catch {
            throw fail("cannot be read (\(error))")
        }
        try manifest.validate(path: path)
        return manifest
    }

    func validate(path: String) throws {
        func fail(_ reason: String) -> CheckingError { .invalidInput(path: path, reason: reason) }
        for (list, files, folder) in [("inputs", inputs, "inputs/"), ("outputs", outputs, "outputs/")] {
            var names = Set<String>()
            for (i, f) in files.enumerated() {
                let at = "\(list)[\(i)] '\(f.name)'"
                guard names.insert(f.name).inserted else { throw fail("\(at): the name appears twice") }
                guard GoldenStore.isSafeRelativePath(f.file), f.file.hasPrefix(folder), f.file.hasSuffix(".npy") else {
                    throw fail("\(at): file '\(f.file)' must be a .npy path under \(folder) inside the case folder")
                }
                guard f.sha256.count == 64, f.sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                    throw fail("\(at): sha256 '\(f.sha256)' is not 64 lowercase hex digits")
                }
                guard f.shape.allSatisfy({ $0 >= 0 }), Shape.elementCount(f.shape) != nil else {
                    throw fail("\(at): invalid shape \(f.shape)")
                }
                if let t = f.tolerance {
                    guard list == "outputs" else { throw fail("\(at): only outputs carry a tolerance") }
                    do { _ = try t.validated() } catch let CheckingError.invalidTolerance(reason) { throw fail("\(at): tolerance: \(reason)") }
                }
            }
        }
        guard !outputs.isEmpty else { throw fail("the case has no outputs") }
    }

    /// The manifest as YAML text (keys in a fixed order; ends with a newline).
    public func yaml() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = false
        var text = try encoder.encode(self)
        if !text.hasSuffix("\n") { text += "\n" }
        return "# Written by lockstep golden record; do not edit by hand (docs/check.md).\n" + text
    }
}
