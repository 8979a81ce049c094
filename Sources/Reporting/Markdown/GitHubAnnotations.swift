import LockstepCore

/// GitHub Actions workflow commands (`::error file=…,title=…::message`) for the findings that
/// fail the gate (`error`) and the new ones that do not (`warning`), so they show on the run and
/// on the pull request's files. Format and escaping as documented for workflow commands
/// (docs.github.com/en/actions/reference/workflow-commands-for-github-actions: `%`, CR and LF in
/// the message; also `:` and `,` in property values).
public enum GitHubAnnotations {
    /// At most this many lines: GitHub shows 10 error and 10 warning annotations per step anyway.
    public static let limit = 50

    public static func render(_ report: Report) -> String {
        let view = ReportView(report)
        var paths: [String: String] = [:]
        for m in report.models {
            for f in m.forms { paths["\(m.name)\u{0}\(f.id)"] = f.path }
        }
        var lines: [String] = []
        for (i, f) in report.findings.enumerated() {
            let command: String
            if view.blocking[i] {
                command = "error"
            } else if view.statuses[i] == .new || (view.statuses[i] == nil && f.severity >= .warning) {
                command = "warning"
            } else {
                continue
            }
            var props: [String] = []
            if let form = f.form, let path = paths["\(f.model)\u{0}\(form.rawValue)"] { props.append("file=\(property(path))") }
            var title = "lockstep \(f.kind.rawValue): \(f.model)"
            if let form = f.form { title += " \(form.rawValue)" }
            if let t = f.target { title += " on \(t)" }
            props.append("title=\(property(title))")
            let w = ReportView.whereText(f)
            lines.append("::\(command) \(props.joined(separator: ","))::\(data((w.isEmpty ? "" : w + ": ") + f.message))")
            if lines.count == limit { break }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
