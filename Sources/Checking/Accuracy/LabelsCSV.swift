/// A small RFC 4180 reader for `labels.csv`: comma-separated, `"quoted, fields"` with `""` for a
/// quote, CRLF or LF line ends, a header row; empty lines are skipped.
enum LabelsCSV {
    struct Table {
        var header: [String]
        var rows: [[String]]
    }

    /// Parses `text`; throws a reason (without the path) for malformed input.
    static func parse(_ text: String) throws -> Table {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endRow() {
            row.append(field)
            if !(row.count == 1 && row[0].isEmpty && !wasQuoted) { rows.append(row) }
            row = []
            field = ""
            wasQuoted = false
        }
        var line = 1
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty else { throw Failure(reason: "line \(line): a quote inside an unquoted field") }
                quoted = true
                wasQuoted = true
            case ",":
                row.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                endRow()
                line += 1
            case "\n":
                endRow()
                line += 1
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw Failure(reason: "line \(line): unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty || wasQuoted { endRow() }
        guard let header = rows.first else { throw Failure(reason: "empty file (expected a header row)") }
        let body = Array(rows.dropFirst())
        for (i, r) in body.enumerated() where r.count != header.count {
            throw Failure(reason: "row \(i + 2) has \(r.count) fields; the header has \(header.count)")
        }
        return Table(header: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: body)
    }

    struct Failure: Error { var reason: String }
}

import Foundation
