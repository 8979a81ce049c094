import Foundation

/// Reading and writing `report.json` deterministically: sorted keys, two-space indentation, no
/// escaped slashes, and non-finite numbers spelled `"nan"`, `"inf"`, `"-inf"` (JSON has none).
public enum ReportJSON {
    /// The report as JSON text ending in a newline.
    public static func encode(_ report: Report) throws -> Data {
        var data = try encoder().encode(report)
        data.append(0x0a)
        return data
    }

    public static func string(_ report: Report) throws -> String {
        String(decoding: try encode(report), as: UTF8.self)
    }

    /// Decodes a report, refusing schema versions this build does not know.
    public static func decode(_ data: Data, path: String) throws -> Report {
        struct Version: Decodable { var schemaVersion: Int? }
        let version: Version
        do { version = try JSONDecoder().decode(Version.self, from: data) } catch {
            throw ReportingError.invalidReport(path: path, reason: "not a JSON object (\(error.localizedDescription))")
        }
        guard let v = version.schemaVersion else { throw ReportingError.invalidReport(path: path, reason: "no schemaVersion") }
        guard v <= Report.currentSchemaVersion, v >= 1 else {
            throw ReportingError.invalidReport(path: path, reason: "schemaVersion \(v) is not one this lockstep reads (1…\(Report.currentSchemaVersion))")
        }
        do { return try decoder().decode(Report.self, from: data) } catch let DecodingError.keyNotFound(key, context) {
            let at = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw ReportingError.invalidReport(path: path, reason: "missing key '\(at)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ReportingError.invalidReport(path: path, reason: "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw ReportingError.invalidReport(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
    }

    /// Reads `path` as a report.
    public static func read(path: String) throws -> Report {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportingError.invalidReport(path: path, reason: "cannot be read")
        }
        return try decode(data, path: path)
    }

    /// Writes the report to `path`; refuses to replace an existing file unless `overwrite`.
    public static func write(_ report: Report, to path: String, overwrite: Bool) throws {
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw ReportingError.wouldOverwrite(path: path, flag: "--force")
        }
        let data = try encode(report)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ReportingError.invalidReport(path: path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
