import Foundation
import LockstepCore
import LockstepTestSupport
import XCTest
@testable import Reporting

/// `index.html` in a real browser: Debian's headless Chromium (installed by scripts/bootstrap.sh)
/// loads the page, and the test fails on any console message (errors, uncaught exceptions — the
/// page itself logs nothing), on markup that a hostile string injected, and on a layout wider
/// than a 390-pixel phone screen. Screenshots (desktop, narrow) and a print to PDF are saved as
/// test artefacts under `.build/test-artifacts/html/` (or `$LOCKSTEP_TEST_ARTIFACTS/html/`).
final class HTMLBrowserTests: XCTestCase {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var artifacts: URL {
        let base = ProcessInfo.processInfo.environment["LOCKSTEP_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: Repo.path(".build/test-artifacts"))
        return base.appendingPathComponent("html")
    }

    struct Run {
        var dom: String
        var console: [String]
        var status: Int32
    }

    func browser() throws -> String {
        guard let path = Self.chromium else {
            XCTFail("chromium not found: run scripts/bootstrap.sh (installs Debian's chromium)")
            throw XCTSkip("no chromium")
        }
        return path
    }

    /// Loads `url` headless and returns the DOM after scripts ran and every console line.
    func load(_ url: URL, extra: [String] = []) throws -> Run {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try browser())
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                       "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
                       "--allow-file-access-from-files"] + extra + [url.absoluteString]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let console = stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Run(dom: String(decoding: stdout, as: UTF8.self), console: console, status: p.terminationStatus)
    }

    func write(_ html: String, _ name: String) throws -> URL {
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let url = Self.artifacts.appendingPathComponent(name)
        try Data(html.utf8).write(to: url)
        return url
    }

    /// The document width at a 390-pixel viewport, measured by a wrapper page around the report.
    func narrowWidth(_ page: URL) throws -> (scroll: Int, client: Int) {
        let wrapper = try write("""
            <!DOCTYPE html><html><body><iframe id="f" src="\(page.absoluteString)" style="width:390px;height:900px;border:0"></iframe><pre id="result">pending</pre>
            <script>document.getElementById('f').addEventListener('load',function(){var d=document.getElementById('f').contentDocument.documentElement;document.getElementById('result').textContent='width '+d.scrollWidth+' '+d.clientWidth;});</script>
            </body></html>
            """, "narrow-\(page.deletingPathExtension().lastPathComponent).html")
        let run = try load(wrapper, extra: ["--dump-dom"])
        guard let range = run.dom.range(of: #"width (\d+) (\d+)"#, options: .regularExpression) else {
            XCTFail("no measurement in \(run.dom.prefix(500))")
            return (0, 0)
        }
        let numbers = run.dom[range].split(separator: " ").dropFirst().compactMap { Int($0) }
        return (numbers[0], numbers[1])
    }

    func testReportLoadsWithoutConsoleErrorsAndSavesScreenshots() throws {
        for (name, report) in [("gate", GateReportFixture.report()), ("gate-hostile", GateReportFixture.report(hostile: true))] {
            let page = try write(HTMLRenderer.render(report), "\(name).html")
            let run = try load(page, extra: ["--dump-dom"])
            XCTAssertEqual(run.console, [], "\(name): console messages")
            XCTAssertTrue(run.dom.contains("Gate failed"), "\(name): the page rendered")
            // The script ran: filter buttons are wired, and the DOM holds exactly the page's own script.
            XCTAssertEqual(run.dom.components(separatedBy: "<script").count - 1, 1, name)
            XCTAssertFalse(run.dom.contains("onload=\"x\""), name)
            if name == "gate-hostile" {
                XCTAssertTrue(run.dom.contains("&lt;script&gt;alert"), "hostile text is text")
            }
            for (suffix, size) in [("desktop", "1280,2400"), ("narrow", "390,2400")] {
                let shot = Self.artifacts.appendingPathComponent("\(name)-\(suffix).png")
                try? FileManager.default.removeItem(at: shot)
                let r = try load(page, extra: ["--window-size=\(size)", "--screenshot=\(shot.path)"])
                XCTAssertEqual(r.console, [], "\(name) \(suffix)")
                let bytes = (try? Data(contentsOf: shot)) ?? Data()
                XCTAssertGreaterThan(bytes.count, 10_000, "\(shot.path) written")
                XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
            }
            let pdf = Self.artifacts.appendingPathComponent("\(name)-print.pdf")
            try? FileManager.default.removeItem(at: pdf)
            _ = try load(page, extra: ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer"])
            XCTAssertEqual(Array(((try? Data(contentsOf: pdf)) ?? Data()).prefix(4)), Array("%PDF".utf8), "\(name): printed")
            let width = try narrowWidth(page)
            XCTAssertGreaterThan(width.client, 300)
            XCTAssertLessThanOrEqual(width.scroll, width.client, "\(name): wider than a phone screen")
        }
    }

    /// The checks above can fail: a page with a console error, and one wider than the screen.
    func testTheBrowserChecksDetectErrorsAndOverflow() throws {
        let bad = try write("<!DOCTYPE html><html><body><p>x</p><script>notDefined();</script></body></html>", "control-error.html")
        XCTAssertTrue(try load(bad, extra: ["--dump-dom"]).console.contains { $0.contains("Uncaught ReferenceError") })
        let wide = try write("<!DOCTYPE html><html><head><meta name=\"viewport\" content=\"width=device-width\"></head><body><div style=\"width:2000px\">x</div></body></html>",
                             "control-wide.html")
        let width = try narrowWidth(wide)
        XCTAssertGreaterThan(width.scroll, width.client)
    }
}
