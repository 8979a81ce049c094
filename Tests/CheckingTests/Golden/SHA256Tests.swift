import Foundation
import XCTest
@testable import Checking

final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        // FIPS 180-4 examples and the empty message.
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testChunkedUpdatesAgreeWithOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hex(bytes)
        for chunk in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var h = SHA256()
            var i = 0
            while i < bytes.count {
                h.update(Array(bytes[i..<min(i + chunk, bytes.count)]))
                i += chunk
            }
            XCTAssertEqual(h.finalizeHex(), expected, "chunk \(chunk)")
        }
        // Lengths around the padding boundary.
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 55)), "02779466cdec163811d078815c633f21901413081449002f24aa3e80f0b88ef7")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 56)), "d4817aa5497628e7c77e6b606107042bbba3130888c5f47a375e6179be789fbb")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0, count: 64)), "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b")
    }

    func testFilesAreHashedInChunks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        let bytes = (0..<(1 << 20) + 17).map { UInt8(truncatingIfNeeded: $0) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(SHA256.hex(fileAt: path), SHA256.hex(bytes))
        XCTAssertNil(SHA256.hex(fileAt: path + ".missing"))
    }
}
