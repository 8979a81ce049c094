import Foundation
import LockstepCore

/// Every target of an `opsets/` folder, by id.
public struct TargetCatalog: Sendable {
    /// Targets sorted by id.
    public let targets: [Target]
    /// The folder the targets were read from.
    public let directory: String

    public init(targets: [Target], directory: String = "") throws {
        var byID: [String: Target] = [:]
        for t in targets {
            if let other = byID[t.id] {
                throw CompatibilityError.invalidTargetFile(path: t.path, line: nil, reason: "target id '\(t.id)' is also used by \(other.path)")
            }
            byID[t.id] = t
        }
        for t in targets {
            guard let f = t.fallbackTarget else { continue }
            guard let fallback = byID[f] else {
                throw CompatibilityError.invalidTargetFile(
                    path: t.path, line: nil,
                    reason: "fallback_target '\(f)' is not a target in \(directory.isEmpty ? "the catalog" : directory)\(Self.hint(f, Array(byID.keys)))")
            }
            guard fallback.format == t.format else {
                throw CompatibilityError.invalidTargetFile(path: t.path, line: nil,
                                                           reason: "fallback_target '\(f)' judges \(fallback.format.rawValue) models, this target \(t.format.rawValue)")
            }
        }
        // Fallback chains must end.
        for t in targets {
            var seen: Set<String> = [t.id]
            var next = t.fallbackTarget
            while let id = next {
                guard seen.insert(id).inserted else {
                    throw CompatibilityError.invalidTargetFile(path: t.path, line: nil, reason: "fallback_target chain loops back to '\(id)'")
                }
                next = byID[id]?.fallbackTarget
            }
        }
        self.targets = targets.sorted { $0.id < $1.id }
        self.directory = directory
    }

    /// Loads every `*.yaml` / `*.yml` file below `directory` (recursively, hidden entries skipped).
    public static func load(directory: String) throws -> TargetCatalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CompatibilityError.invalidTargetFile(path: directory, line: nil, reason: "no such folder of target files")
        }
        var targets: [Target] = []
        for relative in files(in: directory) {
            let full = (directory as NSString).appendingPathComponent(relative)
            let shown = (directory as NSString).appendingPathComponent(relative)
            targets.append(try TargetLoader.load(path: full, displayPath: shown))
        }
        return try TargetCatalog(targets: targets, directory: directory)
    }

    /// Relative paths of the YAML files below `directory`, sorted.
    static func files(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let item = enumerator.nextObject() as? String {
            let name = (item as NSString).lastPathComponent
            // correspondence/ holds the dropped-op table (CorrespondenceTable), not target files.
            if name.hasPrefix(".") || item == "correspondence" {
                enumerator.skipDescendants()
                continue
            }
            let ext = (name as NSString).pathExtension.lowercased()
            if ext == "yaml" || ext == "yml" { out.append(item) }
        }
        return out.sorted()
    }

    /// The target with that id; an unknown id lists the closest ids.
    public func target(_ id: String) throws -> Target {
        if let t = targets.first(where: { $0.id == id }) { return t }
        throw CompatibilityError.unknownTarget(id: id, suggestions: Suggestions.closest(to: id, in: targets.map(\.id)))
    }

    /// The targets judging `format`.
    public func targets(for format: ModelFormat) -> [Target] { targets.filter { $0.format == format } }

    static func hint(_ id: String, _ ids: [String]) -> String {
        let s = Suggestions.closest(to: id, in: ids)
        return s.isEmpty ? "" : " (did you mean \(s.map { "'\($0)'" }.joined(separator: ", "))?)"
    }
}
