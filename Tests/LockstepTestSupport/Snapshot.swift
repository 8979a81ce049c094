import Foundation
import XCTest

/// Shared helpers for Lockstep's test targets.

/// Compares text with a committed snapshot under `Snapshots/` beside this file.
/// Set LOCKSTEP_RECORD_SNAPSHOTS=1 to (re-)record on purpose; a recorded snapshot fails the
/// run once so that recording never passes silently.
public func assertSnapshot(_ actual: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = dir.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["LOCKSTEP_RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        XCTFail("recorded snapshot \(name); re-run without LOCKSTEP_RECORD_SNAPSHOTS", file: file, line: line)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("missing snapshot \(name): run with LOCKSTEP_RECORD_SNAPSHOTS=1 to record it", file: file, line: line)
        return
    }
    if expected != actual {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDiff = Array(zip(a, b)).firstIndex(where: { $0.0 != $0.1 }) ?? min(a.count, b.count)
        XCTFail("snapshot \(name) differs at line \(firstDiff + 1):\n  expected: \(firstDiff < a.count ? String(a[firstDiff]) : "<end>")\n  actual:   \(firstDiff < b.count ? String(b[firstDiff]) : "<end>")",
                file: file, line: line)
    }
}

/// The repository root, for tests that read committed files.
public enum Repo {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
}

extension Repo {
    public static func path(_ relative: String) -> String { root + "/" + relative }
}
