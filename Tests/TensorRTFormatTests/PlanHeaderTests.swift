import Foundation
import LockstepCore
import XCTest

@testable import TensorRTFormat

/// Plan headers built from the documented layout (there are no real plan files in the fixtures):
/// magic `ftrt`/`ptrt` at 0, a little-endian UInt32 at 4–7, and, when that is 0, the version
/// bytes major, minor, patch, build at 24–27; optionally an Ultralytics prefix.
final class PlanHeaderTests: XCTestCase {
    static func header(magic: String = "ftrt", field4: UInt32 = 0, version: [UInt8] = [10, 16, 1, 11], tail: Int = 64) -> [UInt8] {
        var bytes = Array(magic.utf8)
        bytes += [UInt8(field4 & 0xff), UInt8(field4 >> 8 & 0xff), UInt8(field4 >> 16 & 0xff), UInt8(field4 >> 24)]
        bytes += [UInt8](repeating: 0xAB, count: 16)
        bytes += version
        bytes += [UInt8](repeating: 0xCD, count: tail)   // opaque engine data, never read
        return bytes
    }

    static func ultralytics(_ json: String, plan: [UInt8], declaredLength: Int? = nil) -> [UInt8] {
        let meta = Array(json.utf8)
        let n = UInt32(bitPattern: Int32(declaredLength ?? meta.count))
        return [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)] + meta + plan
    }

    func testVersionFromHeader() throws {
        let dir = try TempDir()
        let path = try dir.write("model.plan", Self.header())
        let h = try PlanHeader.read(path: path)
        XCTAssertEqual(h.magic, "ftrt")
        XCTAssertEqual(h.version, PlanHeader.Version(major: 10, minor: 16, patch: 1, build: 11))
        XCTAssertEqual(h.versionString, "10.16.1.11")
        XCTAssertEqual(h.planOffset, 0)
        XCTAssertEqual(h.planSize, 28 + 64)
        XCTAssertNil(h.ultralyticsMetadata)

        let bundle = try TensorRTBundleLoader.load(path: path)
        XCTAssertEqual(bundle.plan, h)
        XCTAssertEqual(bundle.model.producerName, "TensorRT")
        XCTAssertEqual(bundle.model.producerVersion, "10.16.1.11")
        XCTAssertEqual(bundle.model.format, .tensorrt)
        XCTAssertEqual(bundle.layerInfoForm, .none)
        XCTAssertTrue(bundle.layers.isEmpty)
        XCTAssertEqual(bundle.files.map(\.kinds), [[.plan]])
    }

    func testPtrtAndTensorRT8() throws {
        let h = try Self.header(magic: "ptrt", version: [8, 6, 1, 6]).withUnsafeBytes { try PlanHeader.parse($0, path: "m.engine") }
        XCTAssertEqual(h.magic, "ptrt")
        XCTAssertEqual(h.versionString, "8.6.1.6")
    }

    func testUnknownLayoutKeepsRawFields() throws {
        let dir = try TempDir()
        let bytes = Self.header(field4: 0x0102_0304)
        let path = try dir.write("odd.engine", bytes)
        let h = try PlanHeader.read(path: path)
        XCTAssertNil(h.version)
        XCTAssertEqual(h.versionString, "unknown")
        XCTAssertEqual(h.headerField4, 0x0102_0304)
        XCTAssertEqual(h.rawHeader, Array(bytes.prefix(28)))
        let bundle = try TensorRTBundleLoader.load(path: path)
        XCTAssertEqual(bundle.model.producerVersion, "")
        XCTAssertTrue(bundle.warnings.contains { $0.contains("unknown plan header layout") }, "\(bundle.warnings)")
    }

    func testUltralyticsPrefix() throws {
        let dir = try TempDir()
        let json = #"{"description": "Ultralytics YOLO11n model", "stride": 32, "task": "detect", "imgsz": [640, 640], "names": {"0": "person"}}"#
        let path = try dir.write("yolo11n.engine", Self.ultralytics(json, plan: Self.header(version: [10, 3, 0, 26])))
        let h = try PlanHeader.read(path: path)
        XCTAssertEqual(h.planOffset, 4 + json.utf8.count)
        XCTAssertEqual(h.versionString, "10.3.0.26")
        XCTAssertEqual(h.ultralyticsMetadataJSON, json)
        XCTAssertEqual(h.ultralyticsMetadata, [
            MetadataEntry(key: "description", value: "Ultralytics YOLO11n model"), MetadataEntry(key: "stride", value: "32"),
            MetadataEntry(key: "task", value: "detect"), MetadataEntry(key: "imgsz", value: "[640,640]"),
            MetadataEntry(key: "names", value: "{\"0\":\"person\"}"),
        ])
        let bundle = try TensorRTBundleLoader.load(path: path)
        XCTAssertTrue(bundle.model.metadata.contains(MetadataEntry(key: "ultralytics.task", value: "detect")))
    }

    // MARK: Refused

    func assertRefused(_ bytes: [UInt8], name: String = "bad.plan", contains expected: String, file: StaticString = #filePath,
                       line: UInt = #line) throws {
        let dir = try TempDir()
        let path = try dir.write(name, bytes)
        for attempt in [{ _ = try PlanHeader.read(path: path) }, { _ = try TensorRTBundleLoader.load(files: TensorRTBundleFiles(plan: path), path: path) }] {
            XCTAssertThrowsError(try attempt(), file: file, line: line) { error in
                guard let e = error as? TensorRTError else { return XCTFail("not a TensorRTError: \(error)", file: file, line: line) }
                let message = e.localizedDescription
                XCTAssertTrue(message.hasPrefix(path + ": "), message, file: file, line: line)
                XCTAssertTrue(message.contains(expected), message, file: file, line: line)
                XCTAssertFalse(message.contains("\n"), file: file, line: line)
            }
        }
    }

    func testWrongMagic() throws {
        try assertRefused(Array("\u{7F}ELF".utf8) + [UInt8](repeating: 0, count: 60),
                          contains: "not a TensorRT plan: the file starts with 7f 45 4c 46, expected the magic 'ftrt' or 'ptrt'")
        try assertRefused(Array("ftrx".utf8) + [UInt8](repeating: 0, count: 60), contains: "expected the magic")
    }

    func testCutShort() throws {
        try assertRefused(Array(Self.header().prefix(20)), contains: "file cut short: the plan has 20 bytes, a TensorRT plan header needs 28")
        try assertRefused(Array("ftr".utf8), contains: "file cut short: 3 bytes")
        try assertRefused([], contains: "empty file")
        // Cut short after a valid Ultralytics prefix.
        try assertRefused(Self.ultralytics("{}", plan: Array(Self.header().prefix(10))), contains: "file cut short")
    }

    func testUltralyticsLengthPastEnd() throws {
        try assertRefused(Self.ultralytics(#"{"task": "detect"}"#, plan: [], declaredLength: 1000),
                          contains: "Ultralytics metadata length 1000 runs past the end of the file (22 bytes)")
        try assertRefused(Self.ultralytics(#"{"task": "detect"}"#, plan: [], declaredLength: -5), contains: "Ultralytics metadata length is -5")
    }

    func testUltralyticsBrokenMetadataOrPlan() throws {
        try assertRefused(Self.ultralytics(#"{"task": "det"#, plan: Self.header()), contains: "Ultralytics metadata: invalid JSON")
        try assertRefused(Self.ultralytics(#"{"task": "detect"}"#, plan: Array("GGUF".utf8) + [UInt8](repeating: 0, count: 40)),
                          contains: "not a TensorRT plan after the Ultralytics metadata")
    }
}
