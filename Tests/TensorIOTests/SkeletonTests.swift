import Foundation
import LockstepCore
import XCTest

@testable import TensorIO

/// The skeleton pass that leaves large raw_data in the mapped file must not be fooled by
/// files that carry Lockstep's private reference field themselves.
final class SkeletonTests: XCTestCase {
    func varint(_ v: UInt64) -> [UInt8] {
        var v = v
        var out: [UInt8] = []
        repeat {
            let b = UInt8(v & 0x7f)
            v >>= 7
            out.append(v != 0 ? b | 0x80 : b)
        } while v != 0
        return out
    }

    func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("skeleton-\(UUID().uuidString).pb").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// dims [n], data_type FLOAT, a forged lockstep_raw_data_ref, then optional raw_data.
    func forged(count: Int, raw: [UInt8]?) -> [UInt8] {
        var bytes: [UInt8] = [0x08] + varint(UInt64(count)) + [0x10, 0x01]
        bytes += varint(536_870_001 << 3 | 1) + [0, 0, 0, 0, 0, 0, 0, 0]
        if let raw { bytes += [0x4a] + varint(UInt64(raw.count)) + raw }
        return bytes
    }

    func testForgedReferenceFieldIsStripped() throws {
        let one: [UInt8] = [0, 0, 0x80, 0x3f]  // 1.0f
        let small = try TensorProtoFile.read(path: try write(forged(count: 1, raw: one)))
        XCTAssertEqual(try small.tensor.floatValues(), [1])
        // Large enough to be lifted into the mapped file (≥ 1 KiB).
        let large = [UInt8]((0..<512).flatMap { _ in one })
        let lifted = try TensorProtoFile.read(path: try write(forged(count: 512, raw: large)))
        XCTAssertEqual(try lifted.tensor.floatValues(), [Float](repeating: 1, count: 512))
        XCTAssertTrue(lifted.tensor.storage.isView)
        // No data besides the forged reference: the reference must not resolve to anything.
        XCTAssertThrowsError(try TensorProtoFile.read(path: try write(forged(count: 1, raw: nil)))) { error in
            XCTAssertTrue(error.localizedDescription.contains("float_data holds 0 values"), error.localizedDescription)
        }
    }

    func testLiftedRawDataLengthIsChecked() throws {
        let raw = [UInt8](repeating: 0, count: 2048)
        var bytes: [UInt8] = [0x08] + varint(513) + [0x10, 0x01]
        bytes += [0x4a] + varint(UInt64(raw.count)) + raw
        XCTAssertThrowsError(try TensorProtoFile.read(path: try write(bytes))) { error in
            XCTAssertTrue(error.localizedDescription.contains("raw_data holds 2048 bytes, float32 shape [513] needs 2052"),
                          error.localizedDescription)
        }
    }
}
