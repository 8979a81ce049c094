import LockstepCore

/// What every renderer derives from a report the same way: each finding's baseline status and
/// whether it blocks, the cases (models) with their sections and findings, and the test cases
/// (model × form × check). Works for gate reports (`suite` set) and for single-job reports
/// (`check`, `accuracy`), whose top-level sections become one case per model.
public struct ReportView: Sendable {
    public let report: Report
    /// Baseline status of `report.findings[i]` (nil without a baseline).
    public let statuses: [BaselineStatus?]
    /// Whether `report.findings[i]` fails the gate.
    public let blocking: [Bool]
    public let cases: [CaseView]
    public let policy: GatePolicyRecord

    public init(_ report: Report) {
        self.report = report
        let policy = report.suite?.policy ?? GatePolicyRecord(failOn: report.gate.failOn)
        self.policy = policy
        let entries = report.baseline?.entries
        let statuses: [BaselineStatus?] = report.findings.indices.map { i in
            guard let entries, i < entries.count else { return nil }
            return entries[i].status
        }
        self.statuses = statuses
        blocking = zip(report.findings, statuses).map { f, s in
            policy.blocks(f) && (s == nil || s == .new || s == .worse)
        }
        var byModel: [String: [Int]] = [:]
        for (i, f) in report.findings.enumerated() { byModel[f.model, default: []].append(i) }
        let formsByModel = Dictionary(report.models.map { ($0.name, $0.forms) }, uniquingKeysWith: { a, _ in a })
        if let suite = report.suite {
            cases = suite.cases.map { c in
                CaseView(case: c, forms: formsByModel[c.model] ?? [], findings: byModel[c.model] ?? [])
            }
        } else {
            let names = report.models.map(\.name)
            let all = names.isEmpty ? Array(Set(report.findings.map(\.model))).sorted() : names
            cases = all.enumerated().map { i, name in
                var c = SuiteCase(index: i, model: name)
                if all.count == 1 {
                    c.inputs = report.inputs
                    c.comparisons = report.comparisons
                    c.correspondence = report.correspondence
                    c.divergence = report.divergence
                    c.compatibility = report.compatibility
                    c.goldens = report.goldens
                    c.accuracy = report.accuracy
                }
                c.checks = CaseView.derivedChecks(c, findings: (byModel[name] ?? []).map { report.findings[$0] })
                c.status = (byModel[name] ?? []).contains { report.findings[$0].severity >= report.gate.failOn } ? "failed" : "passed"
                return CaseView(case: c, forms: formsByModel[name] ?? [], findings: byModel[name] ?? [])
            }
        }
    }

    /// Whether the gate passed.
    public var passed: Bool { report.gate.passed }

    /// Findings that fail the gate, as indices into `report.findings`.
    public var blockingIndices: [Int] { report.findings.indices.filter { blocking[$0] } }

    /// `3 blocking · 2 new · 1 worse · 4 unchanged · 1 fixed` parts (status parts only with a baseline).
    public var countParts: [(label: String, count: Int)] {
        var parts: [(String, Int)] = [("blocking", blockingIndices.count), ("findings", report.findings.count)]
        if let b = report.baseline {
            for s in BaselineStatus.allCases { parts.append((s.rawValue, b.counts[s.rawValue] ?? 0)) }
        }
        return parts
    }

    /// One JUnit test case: a check of one form of one model, and the findings it holds.
    public struct TestCase: Sendable {
        public var model: String
        public var check: CaseCheck
        /// Indices into `report.findings`.
        public var findings: [Int]
        /// The case could not run (an input error).
        public var error: String?
    }

    /// Test cases of a case: its checks, then any (form, check) a finding names that is not among
    /// them; in that order, findings in report order.
    public func testCases(_ c: CaseView) -> [TestCase] {
        var order = c.checks
        for i in c.findings {
            let k = CaseCheck.of(report.findings[i])
            if !order.contains(k) { order.append(k) }
        }
        return order.map { k in
            TestCase(model: c.model, check: k, findings: c.findings.filter { CaseCheck.of(report.findings[$0]) == k },
                     error: k.check == "load" ? c.error : nil)
        }
    }

    /// `node 'x' (Conv)`, `output 'y'`, `class 'cat'`, or empty.
    public static func whereText(_ f: Finding) -> String {
        guard let l = f.location else { return "" }
        var parts: [String] = []
        if let n = l.nodeName, !n.isEmpty {
            parts.append("node '\(n)'" + (l.op.map { " (\($0))" } ?? ""))
        } else if let i = l.nodeIndex {
            parts.append("node #\(i)" + (l.op.map { " (\($0))" } ?? ""))
        } else if let op = l.op {
            parts.append(op)
        }
        if let t = l.tensor { parts.append("tensor '\(t)'") }
        if let c = l.classLabel { parts.append("class '\(c)'") }
        if l.graphPath.count > 1 { parts.append("in \(l.graphPath.joined(separator: "/"))") }
        return parts.joined(separator: ", ")
    }

    /// A number as reports print it: up to 4 significant digits, `inf`, `nan`.
    public static func number(_ v: Double?) -> String {
        guard let v else { return "" }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded(), abs(v) < 1e9 { return String(Int64(v)) }
        let a = abs(v)
        if a >= 1e-3 && a < 1e5 {
            var s = String(format: "%.4g", v)
            if s.contains("e") { s = String(format: "%.4f", v) }
            return s
        }
        return String(format: "%.3e", v)
    }
}

/// One model of the report, with its sections and the indices of its findings.
public struct CaseView: Sendable {
    public var index: Int
    public var model: String
    public var forms: [FormEntry]
    public var status: String
    public var error: String?
    public var checks: [CaseCheck]
    public var sections: SuiteCase
    public var findings: [Int]

    init(case c: SuiteCase, forms: [FormEntry], findings: [Int]) {
        index = c.index
        model = c.model
        self.forms = forms
        status = c.status
        error = c.error
        checks = c.checks
        sections = c
        self.findings = findings
    }

    /// Checks a single-job report implies by its sections and findings.
    static func derivedChecks(_ c: SuiteCase, findings: [Finding]) -> [CaseCheck] {
        var checks: [CaseCheck] = []
        func add(_ k: CaseCheck) { if !checks.contains(k) { checks.append(k) } }
        for s in c.correspondence ?? [] { add(CaseCheck(form: s.target, check: "structure")) }
        for s in c.comparisons ?? [] { add(CaseCheck(form: s.candidate, check: s.reference.hasPrefix("golden") ? "goldens" : "numerics")) }
        for s in c.compatibility ?? [] { add(CaseCheck(form: s.form, check: "compat \(s.target)")) }
        if let a = c.accuracy {
            for f in a.forms where f.role == "candidate" {
                add(CaseCheck(form: f.path.hasSuffix(".tflite") ? "tflite" : f.path.hasSuffix(".onnx") ? "onnx" : f.id, check: "accuracy"))
            }
        }
        for f in findings { add(CaseCheck.of(f)) }
        return checks
    }
}
