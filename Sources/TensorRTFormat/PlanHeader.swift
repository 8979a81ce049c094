import Foundation
import LockstepCore

/// What Lockstep reads from a serialized TensorRT engine (`.plan` / `.engine` / `.trt`).
///
/// A plan is opaque without libnvinfer, so only the header is read, never anything past it:
///
/// - bytes 0–3: the magic `ftrt` (also `ptrt`);
/// - bytes 4–7: a little-endian `UInt32`; when it is 0, bytes 24–27 hold the TensorRT version as
///   four bytes `major, minor, patch, build` (e.g. `0a 10 01 0b` = 10.16.1.11). When it is not 0
///   the layout is unknown to Lockstep: the version is reported as unknown and the raw header
///   fields are kept.
///
/// Ultralytics writes engines with a prefix: a 4-byte little-endian signed length, that many
/// bytes of JSON metadata (ASCII, `json.dumps`), then the plan. The prefix is detected and its
/// metadata exposed.
public struct PlanHeader: Sendable, Hashable {
    /// Bytes a plan header needs: magic, the field at 4–7 and the version at 24–27.
    public static let headerSize = 28

    /// `ftrt` or `ptrt`.
    public var magic: String
    /// Offset of the plan inside the file: 0, or 4 + metadata length with an Ultralytics prefix.
    public var planOffset: Int
    /// Size of the plan (file size minus the prefix).
    public var planSize: Int
    /// The little-endian `UInt32` at plan bytes 4–7 (0 in the layout whose version Lockstep reads).
    public var headerField4: UInt32
    /// The first `headerSize` bytes of the plan, as found (for layouts Lockstep cannot decode).
    public var rawHeader: [UInt8]
    /// The TensorRT version that built the engine, when the header layout is known.
    public var version: Version?
    /// Ultralytics metadata (top-level keys in file order; string values as is, other values as
    /// compact JSON text), or `nil` when the file has no Ultralytics prefix.
    public var ultralyticsMetadata: [MetadataEntry]?
    /// The Ultralytics metadata JSON text as stored.
    public var ultralyticsMetadataJSON: String?

    /// A TensorRT version from a plan header (four bytes) or a log.
    public struct Version: Sendable, Hashable, CustomStringConvertible {
        public var major: Int
        public var minor: Int
        public var patch: Int
        /// The build number (`nil` when the source gives only three parts, e.g. a log line).
        public var build: Int?

        public init(major: Int, minor: Int, patch: Int, build: Int? = nil) {
            self.major = major
            self.minor = minor
            self.patch = patch
            self.build = build
        }

        /// `10.16.1.11`, or `10.16.1` without a build number.
        public var description: String {
            "\(major).\(minor).\(patch)" + (build.map { ".\($0)" } ?? "")
        }
    }

    /// `version.description`, or `"unknown"`.
    public var versionString: String { version?.description ?? "unknown" }

    /// Reads the header of the plan file at `path` (memory-mapped; only the header is touched).
    /// - Throws: `TensorRTError` `<path>: <reason>` for a wrong magic, a file cut short, or a
    ///   broken Ultralytics prefix.
    public static func read(path: String) throws -> PlanHeader {
        let file = try FileBytes.map(path)
        return try parse(file.bytes, path: path)
    }

    /// Parses a plan header held in memory; `path` names it in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> PlanHeader {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard bytes.count > 0 else { throw fail("empty file (0 bytes), not a TensorRT plan") }
        var offset = 0
        var metadata: [MetadataEntry]?
        var metadataJSON: String?
        if !hasMagic(bytes, at: 0) {
            guard let prefixLength = ultralyticsPrefixLength(bytes) else {
                let shown = bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
                if bytes.count < 4 {
                    throw fail("file cut short: \(bytes.count) bytes, a TensorRT plan header needs \(headerSize)")
                }
                throw fail("not a TensorRT plan: the file starts with \(shown), expected the magic 'ftrt' or 'ptrt'")
            }
            guard prefixLength > 0 else { throw fail("Ultralytics metadata length is \(prefixLength)") }
            guard 4 + prefixLength <= bytes.count else {
                throw fail("Ultralytics metadata length \(prefixLength) runs past the end of the file (\(bytes.count) bytes)")
            }
            let json = UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + prefixLength)])
            let value: JSONValue
            do { value = try JSONParser.parse(json) } catch let e as JSONSyntaxError {
                throw fail("Ultralytics metadata: \(e.describe(in: json))")
            }
            guard let members = value.objectMembers else {
                throw fail("Ultralytics metadata is \(value.kindDescription), expected a JSON object")
            }
            metadata = members.map { MetadataEntry(key: $0.key, value: $0.value.stringValue ?? $0.value.compactText) }
            metadataJSON = String(decoding: json, as: UTF8.self)
            offset = 4 + prefixLength
            guard bytes.count - offset >= 4 else {
                throw fail("file cut short after the Ultralytics metadata: \(bytes.count - offset) bytes left, a TensorRT plan header needs \(headerSize)")
            }
            guard hasMagic(bytes, at: offset) else {
                let shown = bytes[offset..<(offset + 4)].map { String(format: "%02x", $0) }.joined(separator: " ")
                throw fail("not a TensorRT plan after the Ultralytics metadata: found \(shown) at offset \(offset), expected the magic 'ftrt' or 'ptrt'")
            }
        }
        let size = bytes.count - offset
        guard size >= headerSize else {
            throw fail("file cut short: the plan has \(size) bytes, a TensorRT plan header needs \(headerSize)")
        }
        let header = Array(bytes[offset..<(offset + headerSize)])
        let magic = String(decoding: header[0..<4], as: UTF8.self)
        let field4 = UInt32(header[4]) | UInt32(header[5]) << 8 | UInt32(header[6]) << 16 | UInt32(header[7]) << 24
        let version = field4 == 0
            ? Version(major: Int(header[24]), minor: Int(header[25]), patch: Int(header[26]), build: Int(header[27]))
            : nil
        return PlanHeader(magic: magic, planOffset: offset, planSize: size, headerField4: field4, rawHeader: header,
                          version: version, ultralyticsMetadata: metadata, ultralyticsMetadataJSON: metadataJSON)
    }

    /// True when `bytes` look like a plan: the magic at 0, or an Ultralytics prefix followed by it.
    static func looksLikePlan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if hasMagic(bytes, at: 0) { return true }
        guard let prefixLength = ultralyticsPrefixLength(bytes), prefixLength > 0, 4 + prefixLength + 4 <= bytes.count else {
            return false
        }
        return hasMagic(bytes, at: 4 + prefixLength)
    }

    static func hasMagic(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, bytes.count >= offset + 4 else { return false }
        let m = (bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
        return (m.0 == UInt8(ascii: "f") || m.0 == UInt8(ascii: "p"))
            && m.1 == UInt8(ascii: "t") && m.2 == UInt8(ascii: "r") && m.3 == UInt8(ascii: "t")
    }

    /// The Ultralytics length when the file starts like one: 4 length bytes, then `{`.
    private static func ultralyticsPrefixLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 5, bytes[4] == UInt8(ascii: "{") else { return nil }
        let raw = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        return Int(Int32(bitPattern: raw))
    }
}

/// A TensorRT version as written in trtexec logs: `[TensorRT v101601]` (10.16.1) or `v8601` (8.6.1).
extension PlanHeader.Version {
    init?(trtexecTag n: Int) {
        guard n > 0 else { return nil }
        if n >= 100_000 {
            self.init(major: n / 10_000, minor: (n / 100) % 100, patch: n % 100)
        } else {
            self.init(major: n / 1000, minor: (n / 100) % 10, patch: n % 100)
        }
    }

    /// Parses `10.16.1` or `10.16.1.11`.
    init?(dotted: String) {
        let parts = dotted.split(separator: ".").map { Int($0) }
        guard parts.count >= 3, parts.count <= 4, parts.allSatisfy({ $0 != nil }) else { return nil }
        self.init(major: parts[0]!, minor: parts[1]!, patch: parts[2]!, build: parts.count == 4 ? parts[3] : nil)
    }
}

/// A memory-mapped input file with errors converted to `TensorRTError`.
enum FileBytes {
    static func map(_ path: String) throws -> MappedFile {
        do { return try MappedFile(path: path) } catch let error as CoreError {
            if case .cannotRead(_, let reason) = error { throw TensorRTError.cannotRead(path: path, reason: reason) }
            throw TensorRTError.cannotRead(path: path, reason: error.localizedDescription)
        }
    }
}
