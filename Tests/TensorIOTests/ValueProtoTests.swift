import Foundation
import LockstepCore
import XCTest

@testable import TensorIO

/// `ValueProtoFile`: SequenceProto / OptionalProto test-data files, from bytes encoded here
/// (field numbers of onnx-data.proto) and, when `LOCKSTEP_CORPUS` is set, from the ONNX node cases.
final class ValueProtoTests: XCTestCase {
    // MARK: A minimal protobuf writer

    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        repeat {
            out.append(UInt8(v & 0x7f) | (v > 0x7f ? 0x80 : 0))
            v >>= 7
        } while v != 0
        return out
    }
    static func field(_ number: UInt64, varint v: UInt64) -> [UInt8] { varint(number << 3) + varint(v) }
    static func field(_ number: UInt64, bytes: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes }

    /// A float32 TensorProto (dims 1, data_type 2, float_data 4 packed, name 8).
    static func tensor(_ values: [Float], name: String = "") -> [UInt8] {
        var packed: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { packed += $0 } }
        return field(1, varint: UInt64(values.count)) + field(2, varint: 1) + field(4, bytes: packed) + (name.isEmpty ? [] : field(8, bytes: Array(name.utf8)))
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-valueproto-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func floats(_ v: ProtoValue) throws -> [Float] {
        guard case .tensor(let t) = v else { XCTFail("expected a tensor, found \(v)"); return [] }
        return try t.floatValues()
    }

    // MARK: Encoded here

    func testSequenceOfTensors() throws {
        let bytes = Self.field(1, bytes: Array("seq".utf8)) + Self.field(2, varint: 1)
            + Self.field(3, bytes: Self.tensor([1, 2, 3])) + Self.field(3, bytes: Self.tensor([-0.5]))
        let value = try ValueProtoFile.read(path: try write(bytes, "seq.pb"), as: .sequence)
        guard case .sequence(let items) = value else { return XCTFail("expected a sequence, found \(value)") }
        XCTAssertEqual(items.count, 2)
        XCTAssertEqual(try floats(items[0]), [1, 2, 3])
        XCTAssertEqual(try floats(items[1]), [-0.5])
        // An empty sequence (elem_type only).
        guard case .sequence(let none) = try ValueProtoFile.read(path: try write(Self.field(2, varint: 1), "empty_seq.pb"), as: .sequence) else {
            return XCTFail("expected a sequence")
        }
        XCTAssertTrue(none.isEmpty)
    }

    func testOptionalsEmptyTensorAndSequence() throws {
        let empty = try ValueProtoFile.read(path: try write(Self.field(1, bytes: Array("opt".utf8)), "empty_opt.pb"), as: .optional)
        guard case .optional(nil) = empty else { return XCTFail("expected an empty optional, found \(empty)") }

        let tensor = try ValueProtoFile.read(path: try write(Self.field(2, varint: 1) + Self.field(3, bytes: Self.tensor([4, 5])), "opt_t.pb"), as: .optional)
        guard case .optional(let inner?) = tensor else { return XCTFail("expected a tensor optional, found \(tensor)") }
        XCTAssertEqual(try floats(inner), [4, 5])

        let sequence = Self.field(2, varint: 1) + Self.field(3, bytes: Self.tensor([7]))
        let optSeq = try ValueProtoFile.read(path: try write(Self.field(2, varint: 3) + Self.field(5, bytes: sequence), "opt_s.pb"), as: .optional)
        guard case .optional(.sequence(let items)?) = optSeq else { return XCTFail("expected an optional sequence, found \(optSeq)") }
        XCTAssertEqual(try items.map(floats), [[7]])

        // A sequence of optionals (elem_type 5, optional_values 7): one holding a tensor, one empty.
        let seqOpt = Self.field(2, varint: 5) + Self.field(7, bytes: Self.field(2, varint: 1) + Self.field(3, bytes: Self.tensor([9])))
            + Self.field(7, bytes: [])
        guard case .sequence(let opts) = try ValueProtoFile.read(path: try write(seqOpt, "seq_opt.pb"), as: .sequence), opts.count == 2,
              case .optional(let first?) = opts[0], case .optional(nil) = opts[1] else {
            return XCTFail("expected [optional(tensor), optional(nil)]")
        }
        XCTAssertEqual(try floats(first), [9])
    }

    func testUnsupportedAndMalformedFilesAreRefused() throws {
        // elem_type 4 (map) is not representable.
        XCTAssertThrowsError(try ValueProtoFile.read(path: try write(Self.field(2, varint: 4), "map.pb"), as: .sequence)) { error in
            XCTAssertTrue(error.localizedDescription.contains("sequences of maps are not supported"), error.localizedDescription)
        }
        // A tensor_values field announcing more bytes than the file holds.
        let truncated = Self.field(2, varint: 1) + Self.varint(3 << 3 | 2) + Self.varint(50) + [1, 2, 3]
        XCTAssertThrowsError(try ValueProtoFile.read(path: try write(truncated, "trunc.pb"), as: .sequence)) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a valid ONNX SequenceProto (truncated)"), error.localizedDescription)
        }
        // A nested tensor with a bad element count is reported with its position.
        let badTensor = Self.field(1, varint: 3) + Self.field(2, varint: 1) + Self.field(4, bytes: [0, 0, 0, 0])
        XCTAssertThrowsError(try ValueProtoFile.read(path: try write(Self.field(2, varint: 1) + Self.field(3, bytes: badTensor), "bad.pb"), as: .sequence)) { error in
            XCTAssertTrue(error.localizedDescription.contains("sequence element 0: float_data holds 1 values, shape [3] needs 3"), error.localizedDescription)
        }
    }

    // MARK: ONNX node cases (corpus)

    func testNodeCaseFilesFromTheCorpus() throws {
        guard let corpus = ProcessInfo.processInfo.environment["LOCKSTEP_CORPUS"],
              FileManager.default.fileExists(atPath: corpus + "/node/test_sequence_insert_at_back") else {
            throw XCTSkip("ONNX node cases not available: set LOCKSTEP_CORPUS (scripts/fetch-corpus.sh)")
        }
        let node = corpus + "/node"
        let seq = try ValueProtoFile.read(path: node + "/test_sequence_insert_at_back/test_data_set_0/input_0.pb", as: .sequence)
        guard case .sequence(let items) = seq else { return XCTFail("expected a sequence") }
        let ints = try items.map { item -> [Int64] in
            guard case .tensor(let t) = item else { throw XCTSkip("not a tensor") }
            XCTAssertEqual(t.dtype, .int64)
            return try t.scalars(as: Int64.self)
        }
        XCTAssertEqual(ints, [[1, 2, 3, 4], [5, 6, 7], [8, 9]])
        let empty = try ValueProtoFile.read(path: node + "/test_optional_has_element_empty_optional_input/test_data_set_0/input_0.pb", as: .optional)
        guard case .optional(nil) = empty else { return XCTFail("expected an empty optional, found \(empty)") }
        let optSeq = try ValueProtoFile.read(path: node + "/test_loop16_seq_none/test_data_set_0/input_2.pb", as: .optional)
        guard case .optional(.sequence(let inner)?) = optSeq, inner.count == 1 else { return XCTFail("expected an optional sequence of one tensor") }
        XCTAssertEqual(try floats(inner[0]), [0])
    }
}
