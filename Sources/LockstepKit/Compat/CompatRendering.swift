import Compatibility
import Foundation
import LockstepCore

/// Text and JSON of a `compat` report.
public enum CompatRendering {
    /// The report as stable JSON (sorted keys): every node with `verdict` and `reason`.
    public static func json(_ report: CompatibilityReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// The terminal form: target, summary, partitions, and the nodes not on the target
    /// (every node with `allNodes`).
    public static func text(_ report: CompatibilityReport, allNodes: Bool = false) -> String {
        var lines: [String] = []
        let t = report.target
        lines.append("\(report.model) (\(report.format.rawValue)) on \(t.id): \(t.name) — \(t.runtime) \(t.versions) [\(t.kind), \(t.device.rawValue)]")
        lines.append("  \(report.summary)")
        if report.graphs.count > 1 {
            for g in report.graphs where g.nodes > 0 {
                lines.append("  graph \(g.graph): \(g.onTarget) of \(g.nodes) on target, \(g.partitions) partition\(g.partitions == 1 ? "" : "s")")
            }
        }
        if !report.partitions.isEmpty, t.kind != "builtin" {
            lines.append("partitions:")
            for p in report.partitions {
                let ops = p.ops.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(6)
                    .map { "\($0.key)×\($0.value)" }.joined(separator: ", ")
                let first = p.nodes.first.flatMap { i in report.nodes.first(where: { $0.graph == p.graph && $0.index == i })?.name } ?? ""
                lines.append("  \(p.index): \(p.size) node\(p.size == 1 ? "" : "s") from \(first) (\(ops)\(p.ops.count > 6 ? ", …" : ""))")
            }
        }
        let shown = allNodes ? report.nodes : report.nodes.filter { $0.verdict != .supported }
        if !shown.isEmpty {
            lines.append(allNodes ? "nodes:" : "nodes not on the target:")
            for n in shown {
                let device = n.device.map { " → \($0.rawValue)" } ?? ""
                let graph = report.graphs.count > 1 ? "\(n.graph) " : ""
                // Unnamed nodes (TFLite) are named "#index" already: print the index once.
                let title = n.name == "#\(n.index)" ? n.name : "#\(n.index) \(n.name)"
                var line = "  \(graph)\(title) (\(n.op)): \(n.verdict.rawValue)\(device) — \(n.reason)"
                if n.verdict != .supported, let rule = n.rule {
                    line += " [\(n.decidedBy) \(rule)\(n.line.map { ", line \($0)" } ?? "")]"
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The target list of `compat --list-targets`.
    public static func targetList(_ catalog: TargetCatalog) -> String {
        var lines = ["\(catalog.targets.count) target\(catalog.targets.count == 1 ? "" : "s") in \(catalog.directory):"]
        let width = catalog.targets.map(\.id.count).max() ?? 0
        for t in catalog.targets {
            lines.append("  \(t.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(t.format.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(t.kind.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) \(t.ops.count) ops  \(t.name) (\(t.runtime.versions))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
