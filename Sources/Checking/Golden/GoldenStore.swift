import Foundation
import LockstepCore
import TensorIO

/// A golden case read from disk: its folder and validated manifest.
public struct GoldenCase: Sendable {
    /// The case folder (`golden/<suite>/<case>`).
    public var directory: String
    public var manifest: GoldenManifest
    public var manifestPath: String { (directory as NSString).appendingPathComponent("manifest.yaml") }
    /// `<suite>/<case>`.
    public var name: String { "\(manifest.suite)/\(manifest.name)" }

    /// The inputs, in manifest order, each checked against its recorded sha256, dtype and shape.
    public func inputs() throws -> [(name: String, tensor: Tensor)] { try manifest.inputs.map { ($0.name, try load($0)) } }

    /// The outputs, in manifest order, checked as `inputs()` is.
    public func outputs() throws -> [(name: String, tensor: Tensor, file: GoldenFile)] {
        try manifest.outputs.map { ($0.name, try load($0), $0) }
    }

    func load(_ file: GoldenFile) throws -> Tensor {
        let path = (directory as NSString).appendingPathComponent(file.file)
        guard !GoldenStore.isSymbolicLink(path) else {
            throw CheckingError.invalidInput(path: path, reason: "is a symbolic link; golden files must be regular files inside the case folder")
        }
        guard let digest = SHA256.hex(fileAt: path) else { throw CheckingError.invalidInput(path: path, reason: "missing (listed in \(manifestPath))") }
        guard digest == file.sha256 else {
            throw CheckingError.invalidInput(path: path, reason: "sha256 \(digest) does not match the manifest's \(file.sha256); the file changed since it was recorded (lockstep golden verify)")
        }
        let tensor = try Npy.read(path: path)
        guard tensor.dtype == file.dtype, tensor.shape == file.shape else {
            throw CheckingError.invalidInput(path: path, reason: "holds \(tensor.dtype) \(tensor.shape), the manifest says \(file.dtype) \(file.shape)")
        }
        return tensor
    }
}

/// Integrity of one golden case: every listed file against its sha256.
public struct GoldenVerification: Sendable, Equatable {
    public enum Status: String, Sendable { case ok, mismatch, missing }
    public var caseName: String
    public var directory: String
    /// Case-relative file → status, sorted by file.
    public var files: [(file: String, status: Status)]
    /// Files in `inputs/` or `outputs/` that the manifest does not list.
    public var unlisted: [String]
    public var intact: Bool { files.allSatisfy { $0.status == .ok } }

    public static func == (a: GoldenVerification, b: GoldenVerification) -> Bool {
        a.caseName == b.caseName && a.directory == b.directory && a.unlisted == b.unlisted
            && a.files.map(\.file) == b.files.map(\.file) && a.files.map(\.status) == b.files.map(\.status)
    }
}

/// The golden store: `golden/<suite>/<case>/manifest.yaml` + `inputs/*.npy` + `outputs/*.npy`.
/// Cases are written only here (`lockstep golden record`) or by the capture tools, and never
/// replaced without `force`.
public enum GoldenStore {
    /// One tensor to record, with its provenance (and, for outputs, an optional tolerance).
    public struct Entry: Sendable {
        public var name: String
        public var tensor: Tensor
        public var provenance: Provenance
        public var tolerance: ToleranceOverride?
        public init(name: String, tensor: Tensor, provenance: Provenance, tolerance: ToleranceOverride? = nil) {
            self.name = name
            self.tensor = tensor
            self.provenance = provenance
            self.tolerance = tolerance
        }
    }

    /// Reads and validates the case in `directory` (which holds `manifest.yaml`).
    public static func read(caseDirectory directory: String) throws -> GoldenCase {
        let path = (directory as NSString).appendingPathComponent("manifest.yaml")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CheckingError.invalidInput(path: directory, reason: "no such golden case folder")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckingError.invalidInput(path: path, reason: "missing: a golden case folder holds manifest.yaml")
        }
        guard data.count <= 16 << 20 else { throw CheckingError.invalidInput(path: path, reason: "\(data.count) bytes is too large for a manifest") }
        guard let text = String(data: data, encoding: .utf8) else { throw CheckingError.invalidInput(path: path, reason: "not UTF-8 text") }
        return GoldenCase(directory: directory, manifest: try GoldenManifest.decode(text, path: path))
    }

    /// Golden case folders under `root` (a case folder itself, a suite, or the whole store),
    /// sorted by path; symbolic links are not followed.
    public static func caseDirectories(under root: String) throws -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: (root as NSString).appendingPathComponent("manifest.yaml")) { return [root] }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CheckingError.invalidInput(path: root, reason: "no such folder")
        }
        var found: [String] = []
        func walk(_ dir: String, depth: Int) {
            guard depth <= 3, let names = try? fm.contentsOfDirectory(atPath: dir) else { return }
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = (dir as NSString).appendingPathComponent(name)
                guard let attributes = try? fm.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeDirectory else { continue }
                if fm.fileExists(atPath: (path as NSString).appendingPathComponent("manifest.yaml")) { found.append(path) } else { walk(path, depth: depth + 1) }
            }
        }
        walk(root, depth: 0)
        return found
    }

    /// Checks every file the manifest lists against its sha256 and lists stray `.npy` files.
    public static func verify(caseDirectory directory: String) throws -> GoldenVerification {
        let golden = try read(caseDirectory: directory)
        var files: [(String, GoldenVerification.Status)] = []
        for f in golden.manifest.inputs + golden.manifest.outputs {
            let path = (directory as NSString).appendingPathComponent(f.file)
            guard !isSymbolicLink(path), let digest = SHA256.hex(fileAt: path) else { files.append((f.file, .missing)); continue }
            files.append((f.file, digest == f.sha256 ? .ok : .mismatch))
        }
        let listed = Set(files.map(\.0))
        var unlisted: [String] = []
        for folder in ["inputs", "outputs"] {
            let dir = (directory as NSString).appendingPathComponent(folder)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where !listed.contains("\(folder)/\(name)") {
                unlisted.append("\(folder)/\(name)")
            }
        }
        return GoldenVerification(caseName: golden.name, directory: directory, files: files.sorted { $0.0 < $1.0 }, unlisted: unlisted)
    }

    /// Writes a case into `directory` (its last two path components are the suite and the case
    /// name). Refuses when a manifest is already there unless `force`; with `force` the old
    /// `inputs/` and `outputs/` files are replaced. Returns the manifest written.
    @discardableResult
    public static func write(caseDirectory directory: String, inputs: [Entry], outputs: [Entry], model: ModelReference?,
                             created: Date, force: Bool) throws -> GoldenManifest {
        let fm = FileManager.default
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.yaml")
        if fm.fileExists(atPath: manifestPath) && !force { throw CheckingError.wouldOverwrite(path: manifestPath, flag: "--force") }
        guard !outputs.isEmpty else { throw CheckingError.invalidInput(path: directory, reason: "a golden case needs at least one output") }
        let caseName = (directory as NSString).lastPathComponent
        let suite = ((directory as NSString).deletingLastPathComponent as NSString).lastPathComponent
        guard !caseName.isEmpty, caseName != ".", caseName != "..", !suite.isEmpty, suite != ".", suite != ".." else {
            throw CheckingError.invalidInput(path: directory, reason: "a golden case folder is <suite>/<case> (e.g. golden/mnist/digit-7)")
        }
        for folder in ["inputs", "outputs"] {
            let dir = (directory as NSString).appendingPathComponent(folder)
            if force { try? fm.removeItem(atPath: dir) }
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw CheckingError.invalidInput(path: dir, reason: "cannot create the folder (\(error.localizedDescription))")
            }
        }
        func record(_ entries: [Entry], folder: String) throws -> [GoldenFile] {
            var used = Set<String>()
            return try entries.map { e in
                var stem = fileStem(e.name)
                if used.contains(stem) {
                    var i = 1
                    while used.contains("\(stem)_\(i)") { i += 1 }
                    stem = "\(stem)_\(i)"
                }
                used.insert(stem)
                let relative = "\(folder)/\(stem).npy"
                let bytes = try Npy.encode(e.tensor)
                let path = (directory as NSString).appendingPathComponent(relative)
                guard fm.createFile(atPath: path, contents: Data(bytes)) else {
                    throw CheckingError.invalidInput(path: path, reason: "cannot be written")
                }
                return GoldenFile(name: e.name, file: relative, dtype: e.tensor.dtype, shape: e.tensor.shape, sha256: SHA256.hex(bytes),
                                  tolerance: e.tolerance, provenance: e.provenance)
            }
        }
        let manifest = GoldenManifest(suite: suite, name: caseName, created: timestamp(created), model: model,
                                      inputs: try record(inputs, folder: "inputs"), outputs: try record(outputs, folder: "outputs"))
        try manifest.validate(path: manifestPath)
        guard fm.createFile(atPath: manifestPath, contents: Data(try manifest.yaml().utf8)) else {
            throw CheckingError.invalidInput(path: manifestPath, reason: "cannot be written")
        }
        return manifest
    }

    /// A tensor name as a file stem: letters, digits, `.`, `-`, `_` kept, anything else `_`;
    /// never empty and never starting with `.`.
    public static func fileStem(_ name: String) -> String {
        let mapped = String(name.unicodeScalars.map { c -> Character in
            (c.isASCII && (CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == ".")) ? Character(c) : "_"
        })
        return mapped.isEmpty || mapped.hasPrefix(".") ? "_" + mapped : mapped
    }

    /// A relative path that stays inside its folder: not absolute, no `..` or empty components.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != ".." && $0 != "." && !$0.isEmpty }
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeSymbolicLink
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
