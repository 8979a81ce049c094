import Foundation
import LockstepCore
import Reporting

/// The report folder of a gate run: `report.json` (canonical), `junit.xml`, `summary.md`,
/// `index.html`. The four files are this command's output and are replaced on each run; nothing
/// else in the folder is touched.
public enum GateOutputs {
    public static let files = ["report.json", "junit.xml", "summary.md", "index.html"]

    /// The files' contents by name, rendered from the report alone.
    public static func render(_ report: Report) throws -> [(name: String, contents: Data)] {
        let view = ReportView(report)
        return [
            ("report.json", try ReportJSON.encode(report)),
            ("junit.xml", Data(JUnitRenderer.render(view).utf8)),
            ("summary.md", Data(MarkdownRenderer.render(view, reportLink: "index.html").utf8)),
            ("index.html", Data(HTMLRenderer.render(view).utf8)),
        ]
    }

    /// Writes the files into `directory` (created when missing); returns their paths.
    @discardableResult
    public static func write(_ report: Report, to directory: String) throws -> [String] {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw LockstepError.unsupportedFormat(path: directory, reason: "cannot create the report folder (\(error.localizedDescription))")
        }
        var written: [String] = []
        for file in try render(report) {
            let path = (directory as NSString).appendingPathComponent(file.name)
            do { try file.contents.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw LockstepError.unsupportedFormat(path: path, reason: "cannot be written (\(error.localizedDescription))")
            }
            written.append(path)
        }
        return written
    }

    /// GitHub Actions workflow commands for the blocking and new findings (`--github-annotations`).
    public static func annotations(_ report: Report) -> String { GitHubAnnotations.render(report) }

    /// Reads shard reports and merges them (`lockstep merge`).
    public static func merge(paths: [String], arguments: [String] = [], now: Date? = nil) throws -> Report {
        let reports = try paths.map { p -> (path: String, report: Report) in
            var isDirectory: ObjCBool = false
            let file = FileManager.default.fileExists(atPath: p, isDirectory: &isDirectory) && isDirectory.boolValue
                ? (p as NSString).appendingPathComponent("report.json") : p
            guard FileManager.default.fileExists(atPath: file) else { throw LockstepError.unsupportedFormat(path: file, reason: "no such file") }
            return (file, try ReportJSON.read(path: file))
        }
        return try Shards.merge(reports, now: now, arguments: arguments)
    }
}

/// Console text of a gate run: progress lines and the final summary.
public enum GateConsole {
    /// `[2/5] pairnet  passed  3 findings (0 blocking)  1.2 s  ETA 0:04`.
    public static func finishedLine(position: Int, of total: Int, model: String, status: String, findings: Int, blocking: Int,
                                    seconds: Double, elapsed: Double) -> String {
        var line = "[\(position)/\(total)] \(model)  \(status)  \(findings) finding\(findings == 1 ? "" : "s") (\(blocking) blocking)  "
        line += String(format: "%.1f s", seconds)
        if position < total, position > 0 {
            line += "  ETA " + ProgressBar.clockText(elapsed / Double(position) * Double(total - position))
        }
        return line
    }

    /// The closing lines: verdict, counts, and the blocking findings (all findings with `verbose`).
    public static func summary(_ report: Report, files: [String], verbose: Bool) -> String {
        let view = ReportView(report)
        var out = ""
        let shown = verbose ? Array(report.findings.indices) : view.blockingIndices
        for i in shown.prefix(verbose ? .max : 20) {
            let f = report.findings[i]
            var line = "  "
            if let s = view.statuses[i] { line += "[\(s.rawValue)] " }
            line += "\(f.severity.rawValue)  \(f.kind.rawValue)  \(f.model)"
            if let form = f.form { line += " \(form.rawValue)" }
            if let t = f.target { line += " [\(t)]" }
            let w = ReportView.whereText(f)
            if !w.isEmpty { line += " \(w)" }
            out += line + ": \(f.message)\n"
        }
        if !verbose && shown.count > 20 { out += "  … \(shown.count - 20) more blocking findings in the report\n" }
        let counts = view.countParts.map { "\($0.count) \($0.label)" }.joined(separator: ", ")
        out += "gate: \(view.passed ? "PASS" : "FAIL") (\(counts); fails on \(view.policy.failOn.rawValue)"
        if let kinds = view.policy.kinds { out += " of " + kinds.map(\.rawValue).joined(separator: ", ") }
        out += report.baseline != nil ? ", new or worse only)\n" : ")\n"
        if !files.isEmpty { out += "report: " + files.joined(separator: ", ") + "\n" }
        return out
    }
}
