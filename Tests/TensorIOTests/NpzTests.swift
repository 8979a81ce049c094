import Foundation
import LockstepCore
import XCTest

@testable import TensorIO

final class NpzTests: XCTestCase {
    /// Compares an archive read by Lockstep with the sidecar numpy wrote for it.
    private func assertMatchesSidecar(_ arrays: [(name: String, tensor: Tensor)], _ sidecar: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let entries = try XCTUnwrap(try NpyFixtures.sidecar(sidecar)["entries"] as? [[String: Any]])
        XCTAssertEqual(arrays.map(\.name), entries.map { $0["name"] as! String }, "entry names and order", file: file, line: line)
        for (array, expected) in zip(arrays, entries) {
            for problem in NpyFixtures.differences(array.tensor, expected, label: "\(sidecar):\(array.name)") {
                XCTFail(problem, file: file, line: line)
            }
        }
    }

    func testReadsNumpySavez() throws {
        let arrays = try Npz.read(path: NpyFixtures.path("stored.npz"))
        XCTAssertEqual(arrays.map(\.name), ["weights", "ids", "labels", "scale", "mask", "empty", "fortran", "big_endian"])
        try assertMatchesSidecar(arrays, "stored")
        XCTAssertEqual(try arrays[6].tensor.scalars(as: UInt16.self), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try arrays[7].tensor.floatValues(), [1.5, -2.0])
    }

    func testReadsNumpySavezCompressed() throws {
        let arrays = try Npz.read(path: NpyFixtures.path("deflated.npz"))
        try assertMatchesSidecar(arrays, "deflated")
        XCTAssertEqual(arrays[2].tensor.strings.map { String(decoding: $0, as: UTF8.self) }, ["cat", "dög"])
        XCTAssertEqual(arrays[3].tensor.shape, [])
        XCTAssertEqual(arrays[5].tensor.shape, [0, 2])
    }

    func testWriteThenReadRoundTrip() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        let source = try Npz.read(path: NpyFixtures.path("stored.npz"))
        let extra: [(name: String, tensor: Tensor)] = [
            ("nested/name", try Tensor(dtype: .int8, shape: [2, 2], values: [Int8(-128), 127, 0, 1])),
            ("raw", try Tensor(strings: [[0xFF], [0x00, 0x41]], shape: [2])),
            ("big", try Tensor(float32: (0..<10_000).map { Float($0).squareRoot() }, shape: [100, 100])),
        ]
        for compressed in [false, true] {
            let path = dir.appendingPathComponent(compressed ? "deflated.npz" : "stored.npz").path
            try Npz.write(source + extra, to: path, compressed: compressed)
            let back = try Npz.read(path: path)
            try assertMatchesSidecar(Array(back.prefix(source.count)), "stored")
            XCTAssertEqual(back.map(\.name), (source + extra).map(\.name))
            for (a, b) in zip(back.suffix(extra.count), extra) {
                XCTAssertEqual(a.tensor.dtype, b.tensor.dtype, a.name)
                XCTAssertEqual(a.tensor.shape, b.tensor.shape, a.name)
                XCTAssertEqual(Array(a.tensor.storage.bytes), Array(b.tensor.storage.bytes), a.name)
                XCTAssertEqual(a.tensor.strings, b.tensor.strings, a.name)
            }
            // First local file header: signature, then the compression method at offset 8.
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(Array(bytes[0..<4]), [0x50, 0x4B, 0x03, 0x04])
            XCTAssertEqual(UInt16(bytes[8]) | UInt16(bytes[9]) << 8, compressed ? 8 : 0)
            // Each entry is exactly the .npy file Npy.encode produces.
            let entryName = Array("weights.npy".utf8)
            XCTAssertEqual(Array(bytes[30..<(30 + entryName.count)]), entryName)
            if !compressed {
                let npy = try Npy.encode(source[0].tensor)
                let start = 30 + entryName.count + Int(UInt16(bytes[28]) | UInt16(bytes[29]) << 8)
                XCTAssertEqual(Array(bytes[start..<(start + npy.count)]), npy)
            }
        }
        let stored = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("stored.npz").path)[.size] as! Int
        let deflated = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("deflated.npz").path)[.size] as! Int
        XCTAssertLessThan(deflated, stored)
    }

    func testWriteRefusesToOverwriteUnlessAsked() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        let path = dir.appendingPathComponent("golden.npz").path
        let one: [(name: String, tensor: Tensor)] = [("a", try Tensor(float32: [1], shape: [1]))]
        let two: [(name: String, tensor: Tensor)] = [("b", try Tensor(float32: [2], shape: [1]))]
        try Npz.write(one, to: path, compressed: false)
        let error = assertTensorIOError(path, ["already exists", "overwrite"]) { try Npz.write(two, to: path, compressed: true) }
        XCTAssertEqual(error, .fileExists(path: path))
        XCTAssertEqual(try Npz.read(path: path).map(\.name), ["a"])
        try Npz.write(two, to: path, compressed: true, overwrite: true)
        XCTAssertEqual(try Npz.read(path: path).map(\.name), ["b"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["golden.npz"])
    }

    func testWriteRejectsBadNamesAndTypesWithoutCreatingAFile() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        let path = dir.appendingPathComponent("bad.npz").path
        let t = try Tensor(float32: [1], shape: [1])
        let bf16 = try Tensor(dtype: .bfloat16, shape: [1], values: [UInt16(0x3F80)])
        let cases: [([(name: String, tensor: Tensor)], [String])] = [
            ([("../escape", t)], ["array name '../escape'"]),
            ([("/abs", t)], ["array name '/abs'"]),
            ([("", t)], ["array name ''"]),
            ([("a", t), ("a", t)], ["duplicate array name 'a'"]),
            ([("ok", t), ("half", bf16)], ["array 'half'", "bfloat16 tensors cannot be written"]),
        ]
        for (arrays, reasons) in cases {
            assertTensorIOError(path, reasons) { try Npz.write(arrays, to: path, compressed: true) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(reasons)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testHostileArchivesFailWithTheFileAndTheReason() {
        let cases: [(String, [String])] = [
            ("hostile_traversal.npz", ["entry '../evil.npy'", "unsafe entry name"]),
            ("hostile_absolute.npz", ["entry '/etc/evil.npy'", "unsafe entry name"]),
            ("hostile_bomb.npz", ["entry 'bomb.npy'", "declares 8388736 uncompressed bytes",
                                  "header describes 144", "refusing to extract"]),
            ("hostile_entry_truncated.npz", ["entry 'big.npy'",
                                             "data is truncated: shape (1000000000,) of float32 needs 4000000000 bytes, found 16"]),
            ("hostile_not_zip.npz", ["not a valid .npz (ZIP) archive"]),
        ]
        for (file, reasons) in cases {
            let path = NpyFixtures.path(file)
            assertTensorIOError(path, reasons) { _ = try Npz.read(path: path) }
        }
        assertTensorIOError("/nonexistent/a.npz", ["no such file"]) { _ = try Npz.read(path: "/nonexistent/a.npz") }
        // A .npy file is not an archive.
        let npy = NpyFixtures.path("f4.npy")
        assertTensorIOError(npy, ["not a valid .npz"]) { _ = try Npz.read(path: npy) }
    }

    func testCorruptEntryFailsTheChecksum() throws {
        let dir = try NpyFixtures.temporaryDirectory(self)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: NpyFixtures.path("stored.npz"))))
        // First local header: name length at 26, extra length at 28, data after both.
        let dataStart = 30 + Int(UInt16(bytes[26]) | UInt16(bytes[27]) << 8) + Int(UInt16(bytes[28]) | UInt16(bytes[29]) << 8)
        XCTAssertEqual(Array(bytes[dataStart..<(dataStart + 6)]), NpyHeader.magic)
        bytes[dataStart + 130] ^= 0x55  // a byte of the float data, past the .npy header
        let path = dir.appendingPathComponent("corrupt.npz").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        assertTensorIOError(path, ["entry 'weights.npy'", "CRC32 checksum mismatch"]) { _ = try Npz.read(path: path) }
    }

    func testEntryNameSafety() {
        for name in ["a.npy", "dir/a.npy", "a..b.npy", "..a.npy"] { XCTAssertTrue(Npz.isSafeEntryName(name), name) }
        for name in ["../a.npy", "/a.npy", "dir/../../a.npy", "..", "\\a.npy", "dir\\..\\a.npy"] {
            XCTAssertFalse(Npz.isSafeEntryName(name), name)
        }
    }
}
