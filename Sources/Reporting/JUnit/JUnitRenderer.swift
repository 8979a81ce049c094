import LockstepCore

/// `junit.xml` for CI test tabs (GitLab `artifacts:reports:junit`, Jenkins, GitHub test-report
/// actions): one `<testsuite>` per model and one `<testcase>` per model × form × check.
///
/// The structure satisfies both published JUnit dialects CI systems read — the Jenkins xUnit
/// plugin's `junit-10.xsd` (github.com/jenkinsci/xunit-plugin, src/main/resources/org/jenkinsci/
/// plugins/xunit/types/model/xsd/junit-10.xsd) and Apache Ant's `XMLJUnitResultFormatter` output
/// (`testsuite` with `name tests failures errors skipped time timestamp hostname id package`,
/// then `properties`, the test cases, `system-out`, `system-err`); `schemas/junit.xsd` states the
/// intersection and the tests validate against it. A test case fails when it holds a finding
/// that blocks the gate; other findings (unchanged against the baseline, or below `failOn`) are
/// listed in its `system-out`. A model that could not be read is an `<error>`.
public enum JUnitRenderer {
    public static func render(_ report: Report) -> String { render(ReportView(report)) }

    public static func render(_ view: ReportView) -> String {
        let report = view.report
        let suiteName = "lockstep \(report.command.name)" + (report.suite.map { ": \($0.name)" } ?? "")
        // Ant's timestamp is an xs:dateTime without zone: `2026-01-02T03:04:05`.
        let timestamp = report.generatedAt.hasSuffix("Z") ? String(report.generatedAt.dropLast()) : report.generatedAt
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, errors: 0)
        for (n, c) in view.cases.enumerated() {
            let cases = view.testCases(c)
            var body = ""
            var failures = 0, errors = 0
            for t in cases {
                body += testCase(t, view: view, failures: &failures, errors: &errors)
            }
            totals.tests += cases.count
            totals.failures += failures
            totals.errors += errors
            var props = "    <properties>\n"
            props += property("status", c.status)
            for f in c.forms { props += property("form.\(f.id)", f.path) }
            props += "    </properties>\n"
            suites.append("  <testsuite name=\"\(attr(c.model))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" "
                + "skipped=\"0\" time=\"0\" timestamp=\"\(attr(timestamp))\" hostname=\"lockstep\" id=\"\(n)\" package=\"lockstep\">\n"
                + props + body + "    <system-out></system-out>\n    <system-err></system-err>\n  </testsuite>\n")
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(attr(suiteName))\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" errors=\"\(totals.errors)\" time=\"0\">\n"
        out += suites.joined()
        out += "</testsuites>\n"
        return out
    }

    static func testCase(_ t: ReportView.TestCase, view: ReportView, failures: inout Int, errors: inout Int) -> String {
        let report = view.report
        let classname = "lockstep.\(t.model).\(t.check.form)"
        var out = "    <testcase name=\"\(attr(t.check.check))\" classname=\"\(attr(classname))\" time=\"0\""
        let blocking = t.findings.filter { view.blocking[$0] }
        let others = t.findings.filter { !view.blocking[$0] }
        if blocking.isEmpty && others.isEmpty && t.error == nil { return out + "/>\n" }
        out += ">\n"
        if let e = t.error {
            errors += 1
            out += "      <error type=\"loadProblem\" message=\"\(attr(e))\">\(text(e))</error>\n"
        } else if !blocking.isEmpty {
            failures += 1
            let first = report.findings[blocking[0]]
            let message = blocking.count == 1 ? first.message : "\(blocking.count) findings fail the gate; first: \(first.message)"
            out += "      <failure type=\"\(attr(first.kind.rawValue))\" message=\"\(attr(message))\">"
            out += text(blocking.map { line(report.findings[$0], status: view.statuses[$0]) }.joined(separator: "\n"))
            out += "</failure>\n"
        }
        if !others.isEmpty {
            out += "      <system-out>" + text(others.map { line(report.findings[$0], status: view.statuses[$0]) }.joined(separator: "\n"))
            out += "</system-out>\n"
        }
        return out + "    </testcase>\n"
    }

    /// `[new] error droppedOp tflite node 'relu' (Relu): message (measured 3, threshold 0)`.
    static func line(_ f: Finding, status: BaselineStatus?) -> String {
        var s = status.map { "[\($0.rawValue)] " } ?? ""
        s += "\(f.severity.rawValue) \(f.kind.rawValue)"
        if let t = f.target { s += " on \(t)" }
        let w = ReportView.whereText(f)
        if !w.isEmpty { s += " at \(w)" }
        s += ": \(f.message)"
        var numbers: [String] = []
        if let m = f.measured { numbers.append("measured \(ReportView.number(m))") }
        if let t = f.threshold { numbers.append("threshold \(ReportView.number(t))") }
        if !numbers.isEmpty { s += " (" + numbers.joined(separator: ", ") + ")" }
        return s
    }

    static func property(_ name: String, _ value: String) -> String {
        "      <property name=\"\(attr(name))\" value=\"\(attr(value))\"/>\n"
    }

    /// Text content: `&`, `<`, `>` escaped, and characters XML 1.0 cannot hold replaced by U+FFFD.
    public static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(xmlAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// Attribute values: also quotes, and tab/newline/CR as character references (attribute
    /// normalisation would turn them into spaces).
    public static func attr(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(xmlAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    static func xmlAllowed(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
    }
}
