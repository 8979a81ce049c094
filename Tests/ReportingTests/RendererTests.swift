import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Reporting

/// JUnit, Markdown, annotations and HTML from the report model: snapshots of the example gate
/// report, schema validity of the JUnit XML, and escaping of hostile user strings.
final class RendererTests: XCTestCase {
    // MARK: Snapshots

    func testGateReportJSONSnapshot() throws {
        let report = GateReportFixture.report()
        let json = try ReportJSON.string(report)
        assertSnapshot(json, named: "gate-report.json")
        XCTAssertEqual(try ReportJSON.decode(Data(json.utf8), path: "r.json"), report)
    }

    func testJUnitSnapshot() {
        assertSnapshot(JUnitRenderer.render(GateReportFixture.report()), named: "gate-junit.xml")
    }

    func testMarkdownSnapshot() {
        assertSnapshot(MarkdownRenderer.render(GateReportFixture.report(), reportLink: "index.html"), named: "gate-summary.md")
    }

    func testAnnotationsSnapshot() {
        assertSnapshot(GitHubAnnotations.render(GateReportFixture.report()), named: "gate-annotations.txt")
    }

    func testHTMLSnapshot() {
        assertSnapshot(HTMLRenderer.render(GateReportFixture.report()), named: "gate-index.html")
    }

    // MARK: Views

    func testBlockingFollowsPolicyAndBaseline() {
        let view = ReportView(GateReportFixture.report())
        let blocking = view.blockingIndices.map { view.report.findings[$0].kind }
        // worse and new errors block; the unchanged dropped op and the warning/info do not.
        XCTAssertEqual(Set(blocking), [.numericDivergence, .classRegression])
        let noBaseline = ReportView(GateReportFixture.report(baseline: false))
        XCTAssertEqual(Set(noBaseline.blockingIndices.map { noBaseline.report.findings[$0].kind }), [.numericDivergence, .classRegression, .droppedOp])
        var kinds = GateReportFixture.report(baseline: false)
        kinds.suite?.policy = GatePolicyRecord(failOn: .info, kinds: [.precisionFallback])
        let onlyPrecision = ReportView(kinds)
        XCTAssertEqual(onlyPrecision.blockingIndices.map { onlyPrecision.report.findings[$0].kind }, [.precisionFallback])
    }

    func testTestCasesAreModelFormCheck() {
        let view = ReportView(GateReportFixture.report())
        let names = view.cases.map { view.testCases($0).map { "\($0.check.form) \($0.check.check) \($0.findings.count)" } }
        XCTAssertEqual(names[0], ["tflite structure 1", "tflite numerics 1", "tflite compat tflite-gpu 1", "tensorrt compat tensorrt-engine 1"])
        XCTAssertEqual(names[1], ["onnx accuracy 1"])
    }

    func testSingleJobReportBecomesOneCase() {
        var report = Report(generatedAt: GateReportFixture.clock, command: CommandInfo(name: "check"),
                            models: [ModelEntry(name: "net", forms: [FormEntry(id: "onnx", format: .onnx, path: "net.onnx")])],
                            findings: [Finding(kind: .droppedOp, severity: .error, model: "net", form: .tflite, message: "x")])
        report.compatibility = [CompatibilitySummary(target: "tflite-xnnpack", form: "tflite", nodes: 3, supported: 3, fallback: 0, unsupported: 0, unknown: 0)]
        let view = ReportView(report)
        XCTAssertEqual(view.cases.count, 1)
        XCTAssertEqual(view.cases[0].status, "failed")
        XCTAssertEqual(view.testCases(view.cases[0]).map(\.check.check), ["compat tflite-xnnpack", "structure"])
        XCTAssertTrue(JUnitRenderer.render(report).contains("<failure type=\"droppedOp\""))
    }

    // MARK: JUnit validity

    func testJUnitIsValidAgainstTheSchemaAndKeepsHostileStrings() throws {
        for hostile in [false, true] {
            let xml = JUnitRenderer.render(GateReportFixture.report(hostile: hostile))
            let path = try scratch("junit-\(hostile).xml", xml)
            let result = try xmllint(["--noout", "--schema", Repo.path("schemas/junit.xsd"), path])
            XCTAssertEqual(result.status, 0, "xmllint: \(result.stderr)")
            if hostile {
                // The suite name survives escaping byte for byte (control characters become U+FFFD).
                let name = String(try xmllint(["--xpath", "string(/testsuites/testsuite[1]/@name)", path]).stdout.dropLast())
                XCTAssertEqual(name, "pairnet" + GateReportFixture.evil.replacingOccurrences(of: "\u{01}", with: "\u{FFFD}"))
            }
        }
        let counts = try xmllint(["--xpath", "string(/testsuites/@failures)", try scratch("junit-plain.xml", JUnitRenderer.render(GateReportFixture.report()))])
        XCTAssertEqual(counts.stdout, "2\n")
    }

    func testSchemaRejectsWhatCIWouldReject() throws {
        // The schema is not a rubber stamp: a testsuite without its counts fails.
        let bad = "<?xml version=\"1.0\"?><testsuites name=\"x\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0\"><testsuite name=\"m\"/></testsuites>"
        let result = try xmllint(["--noout", "--schema", Repo.path("schemas/junit.xsd"), try scratch("bad.xml", bad)])
        XCTAssertNotEqual(result.status, 0)
    }

    // MARK: Escaping

    func testHTMLEscapesEveryUserString() {
        let html = HTMLRenderer.render(GateReportFixture.report(hostile: true))
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 1, "only the page's own script")
        XCTAssertFalse(html.contains("onload=\"x"))
        XCTAssertFalse(html.contains("alert(\"x\")"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;"))
        XCTAssertFalse(html.contains("\u{01}"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="), "nothing fetched")
    }

    func testMarkdownEscapesCellsAndMentions() {
        let rendered = MarkdownRenderer.render(GateReportFixture.report(hostile: true))
        // Code spans show their text literally (no HTML, links or mentions inside); check the rest.
        let md = rendered.replacingOccurrences(of: "`[^`\n]*`", with: "CODE", options: .regularExpression)
        XCTAssertFalse(md.contains("<script>"))
        XCTAssertFalse(md.contains("@team"), "no @-mentions")
        XCTAssertNil(md.range(of: "[^\\\\]\\]\\(javascript", options: .regularExpression), "no link: the bracket is escaped")
        // Every table row keeps its column count: pipes inside cells are escaped.
        for line in md.split(separator: "\n") where line.hasPrefix("| ") {
            let unescaped = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            let header = line.contains("| status |") || line.hasPrefix("| new") || line.hasPrefix("| worse") || line.hasPrefix("| unchanged")
            XCTAssertTrue([7, 11, 8].contains(unescaped) || header, "\(unescaped) columns: \(line)")
        }
    }

    func testAnnotationsEscapeNewlinesAndProperties() {
        let text = GitHubAnnotations.render(GateReportFixture.report(hostile: true))
        for line in text.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix("::error ") || line.hasPrefix("::warning "), String(line))
        }
        XCTAssertTrue(text.contains("%0A"))
        XCTAssertTrue(text.contains("file=examples/pairnet"))
    }

    func testNumbersPrintShortAndNonFinite() {
        XCTAssertEqual(ReportView.number(0.25), "0.25")
        XCTAssertEqual(ReportView.number(3), "3")
        XCTAssertEqual(ReportView.number(1e-7), "1.000e-07")
        XCTAssertEqual(ReportView.number(.infinity), "inf")
        XCTAssertEqual(ReportView.number(.nan), "nan")
        XCTAssertEqual(ReportView.number(nil), "")
    }

    // MARK: Helpers

    func scratch(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-renderers-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs xmllint (Debian libxml2-utils, installed by scripts/bootstrap.sh); fails when missing.
    func xmllint(_ arguments: [String]) throws -> Output {
        let candidates = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            XCTFail("xmllint not found: run scripts/bootstrap.sh (installs libxml2-utils)")
            throw XCTSkip("no xmllint")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
