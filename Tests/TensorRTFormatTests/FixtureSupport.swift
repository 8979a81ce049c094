import Foundation
import LockstepTestSupport
import XCTest

/// The public TensorRT files in `../shared/fixtures/tensorrt/` (read-only, never copied into the
/// repository). `LOCKSTEP_TRT_FIXTURES` overrides the location. When the folder is missing the
/// fixture tests are skipped, unless `LOCKSTEP_REQUIRE_CORPUS=1` (set by scripts/test.sh) asks
/// for a failure instead.
enum TRTFixtures {
    static let root: String = {
        if let env = ProcessInfo.processInfo.environment["LOCKSTEP_TRT_FIXTURES"], !env.isEmpty { return env }
        return URL(fileURLWithPath: Repo.root + "/../shared/fixtures/tensorrt").standardizedFileURL.path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// Skips (or fails, when required) when the fixtures are not there.
    static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue { return }
        if ProcessInfo.processInfo.environment["LOCKSTEP_REQUIRE_CORPUS"] == "1" {
            XCTFail("TensorRT fixtures missing at \(root) (set LOCKSTEP_TRT_FIXTURES)", file: file, line: line)
        }
        throw XCTSkip("TensorRT fixtures missing at \(root) (set LOCKSTEP_TRT_FIXTURES)")
    }

    /// Every file under the fixtures folder, relative to it (README.txt excluded).
    static func allFiles() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let item = e.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(item), isDirectory: &isDirectory), !isDirectory.boolValue, item != "README.txt" {
                files.append(item)
            }
        }
        return files.sorted()
    }

    /// The file parsed by Foundation's JSONSerialization (the independent reading of the tests).
    static func foundationJSON(_ relative: String) throws -> Any {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}

/// A temporary folder removed at the end of a test.
final class TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "lockstep-trt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @discardableResult
    func link(_ name: String, to target: String) throws -> String {
        let p = path + "/" + name
        try FileManager.default.createSymbolicLink(atPath: p, withDestinationPath: target)
        return p
    }
}
