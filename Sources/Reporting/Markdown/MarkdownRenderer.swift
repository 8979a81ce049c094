import LockstepCore

/// `summary.md`: the verdict and what to look at, for a merge-request comment or a CI job summary
/// (`$GITHUB_STEP_SUMMARY`). GitHub-flavoured Markdown; every user string is escaped so that a
/// model or node name cannot break the table or inject markup.
public enum MarkdownRenderer {
    /// Blocking findings shown in full; the rest go into a collapsed list up to this many.
    public static let listLimit = 50

    public static func render(_ report: Report, reportLink: String? = nil) -> String { render(ReportView(report), reportLink: reportLink) }

    public static func render(_ view: ReportView, reportLink: String? = nil) -> String {
        let r = view.report
        var out = ""
        let title = r.suite.map { "suite `\(code($0.name))`" } ?? "`lockstep \(code(r.command.name))`"
        out += view.passed ? "## ✅ Lockstep gate passed — \(title)\n\n" : "## ❌ Lockstep gate failed — \(title)\n\n"
        var line = view.countParts.map { "**\($0.count)** \($0.label)" }.joined(separator: " · ")
        line += " · fail on: \(view.policy.failOn.rawValue)"
        if let kinds = view.policy.kinds { line += " (" + kinds.map(\.rawValue).joined(separator: ", ") + ")" }
        out += line + "\n\n"
        if let b = r.baseline {
            out += "Against baseline `\(code(b.path))` (\(code(b.generatedAt))): only new or worse findings fail.\n\n"
        }
        if let s = r.suite {
            var facts = ["\(s.cases.count) models", "generated \(r.generatedAt)", "lockstep \(r.tool.version)"]
            if let shard = s.shard { facts.insert("shard \(shard.text)", at: 0) }
            if let m = s.mergedShards { facts.insert("merged shards " + m.map(\.text).joined(separator: ", "), at: 0) }
            out += facts.map(cell).joined(separator: " · ") + "\n\n"
        }

        out += "| model | forms | checks | findings | blocking | verdict |\n| --- | --- | ---: | ---: | ---: | --- |\n"
        for c in view.cases {
            let blocking = c.findings.filter { view.blocking[$0] }.count
            let verdict: String
            switch c.status {
            case "error": verdict = "⚠️ error"
            default: verdict = blocking > 0 ? "❌ failed" : "✅ passed"
            }
            var ids: [String] = []
            for f in c.forms where !ids.contains(f.id) { ids.append(f.id) }
            let forms = ids.map { "`\(code($0))`" }.joined(separator: " ")
            out += "| \(cell(c.model)) | \(forms) | \(view.testCases(c).count) | \(c.findings.count) | \(blocking) | \(verdict) |\n"
        }
        out += "\n"
        for c in view.cases where c.error != nil {
            out += "> ⚠️ **\(cell(c.model))**: \(cell(c.error ?? ""))\n\n"
        }

        let blocking = view.blockingIndices
        if !blocking.isEmpty {
            out += "### Findings that fail the gate\n\n"
            out += table(blocking, view: view)
        }
        let rest = r.findings.indices.filter { !view.blocking[$0] }
        if !rest.isEmpty {
            let shown = Array(rest.prefix(listLimit))
            out += "<details><summary>\(rest.count) other findings (not failing: below \(view.policy.failOn.rawValue), another kind, or unchanged)</summary>\n\n"
            out += table(shown, view: view)
            if rest.count > shown.count { out += "… and \(rest.count - shown.count) more in report.json.\n\n" }
            out += "</details>\n\n"
        }
        if let b = r.baseline, !b.fixed.isEmpty {
            out += "<details><summary>\(b.fixed.count) fixed since the baseline</summary>\n\n"
            out += "| severity | kind | model | form | target | where | message |\n| --- | --- | --- | --- | --- | --- | --- |\n"
            for f in b.fixed.prefix(listLimit) {
                out += "| \(f.severity.rawValue) | \(f.kind.rawValue) | \(cell(f.model)) | \(f.form?.rawValue ?? "") | \(cell(f.target ?? "")) | \(cell(ReportView.whereText(f))) | \(cell(f.message)) |\n"
            }
            out += "\n</details>\n\n"
        }
        if let link = reportLink { out += "Full report: [\(cell(link))](\(url(link)))\n" }
        return out
    }

    static func table(_ indices: [Int], view: ReportView) -> String {
        let hasStatus = view.report.baseline != nil
        var out = (hasStatus ? "| status " : "") + "| severity | kind | model | form | target | where | measured | threshold | message |\n"
        out += (hasStatus ? "| --- " : "") + "| --- | --- | --- | --- | --- | --- | ---: | ---: | --- |\n"
        for i in indices {
            let f = view.report.findings[i]
            if hasStatus {
                var status = view.statuses[i]?.rawValue ?? ""
                if view.statuses[i] == .worse, let e = view.report.baseline?.entries[i] {
                    var was: [String] = []
                    if let s = e.previousSeverity, s != f.severity { was.append(s.rawValue) }
                    if let m = e.previousMeasured { was.append(ReportView.number(m)) }
                    if !was.isEmpty { status += " (was \(was.joined(separator: ", ")))" }
                }
                out += "| \(status) "
            }
            out += "| \(f.severity.rawValue) | \(f.kind.rawValue) | \(cell(f.model)) | \(f.form?.rawValue ?? "") | \(cell(f.target ?? "")) "
            out += "| \(cell(ReportView.whereText(f))) | \(ReportView.number(f.measured)) | \(ReportView.number(f.threshold)) | \(cell(f.message)) |\n"
        }
        return out + "\n"
    }

    /// A table cell: Markdown and HTML metacharacters escaped, one line.
    public static func cell(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!", "$": out += "\\\(ch)"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "@": out += "@\u{200B}"  // no @-mentions from model names
            case "\n", "\r", "\r\n", "\t": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// Inside a code span: backticks cannot be escaped there, so they become `ˋ`; one line.
    static func code(_ s: String) -> String {
        s.replacingOccurrences(of: "`", with: "ˋ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
    }

    static func url(_ s: String) -> String {
        var out = ""
        for u in s.utf8 {
            let c = Character(Unicode.Scalar(u))
            if u < 0x80, c.isLetter || c.isNumber || "-._~/:".contains(c) { out.append(c) } else { out += String(format: "%%%02X", u) }
        }
        return out
    }
}
