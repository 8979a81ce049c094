import Foundation

extension Conformance.Report {
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Per-op Markdown table, optional failure list, and the closing summary line.
    public func table(listFailures: Bool = false) -> String {
        var lines = ["| op | cases | passed | failed | unsupported | skipped |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for s in perOp {
            lines.append("| \(s.op) | \(s.cases) | \(s.passed) | \(s.failed) | \(s.unsupported) | \(s.skipped) |")
        }
        if listFailures {
            lines.append("")
            for c in cases where c.status == .failed || c.status == .unsupported {
                lines.append("\(c.status.rawValue): \(c.name): \(c.reason ?? "")")
            }
        }
        let total = cases.count
        let rate = total == 0 ? 0 : Double(passed) / Double(total) * 100
        lines.append("")
        lines.append(String(format: "%d cases, %.1f%% passed", total, rate))
        lines.append(summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }
}
