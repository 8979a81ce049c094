import Foundation

/// A parsed JSON value. Objects keep their keys in file order (Polygraphy output order, the
/// first key of a profile entry), which `JSONSerialization` would lose.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// An integer literal (no fraction or exponent) that fits in 64 bits.
    case int(Int64)
    /// Any other number, including the non-standard `nan`/`inf` words trtexec can print.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    var objectMembers: [(key: String, value: JSONValue)]? {
        if case .object(let m) = self { return m }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    var intValue: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d): return d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil
        default: return nil
        }
    }

    var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(let i): return i != 0
        default: return nil
        }
    }

    var isObject: Bool { objectMembers != nil }
    var isArray: Bool { arrayValue != nil }

    /// A short name of the value's kind for error messages ("an object", "an array of 3", …).
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array(let a): return "an array of \(a.count)"
        case .object(let m): return m.isEmpty ? "an empty object" : "an object"
        }
    }

    /// Compact JSON text of the value (for attributes that keep nested values as text).
    var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? String(d) : (d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
        case .string(let s): return JSONValue.quoted(s)
        case .array(let a): return "[" + a.map(\.compactText).joined(separator: ",") + "]"
        case .object(let m): return "{" + m.map { JSONValue.quoted($0.key) + ":" + $0.value.compactText }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// A JSON syntax error at a byte offset.
struct JSONSyntaxError: Error {
    let offset: Int
    let message: String

    /// "invalid JSON at line L, column C: message".
    func describe(in bytes: UnsafeRawBufferPointer) -> String {
        var line = 1, column = 1
        for i in 0..<min(offset, bytes.count) {
            if bytes[i] == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return "invalid JSON at line \(line), column \(column): \(message)"
    }
}

/// A small strict JSON parser (RFC 8259) with two tolerances needed for TensorRT tool output:
/// raw control characters inside strings (trtexec writes layer names unescaped) and the words
/// `nan`, `-nan`, `inf`, `-inf`, `NaN`, `Infinity`, `-Infinity` as numbers (C++ streams print
/// non-finite floats that way). Nesting is bounded, so hostile input cannot exhaust the stack.
struct JSONParser {
    static let maxDepth = 256

    private let bytes: UnsafeRawBufferPointer
    private var pos = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses one JSON document; anything but whitespace after it is an error.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var parser = JSONParser(bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { parser.pos = 3 }
        parser.skipWhitespace()
        guard parser.pos < bytes.count else { throw JSONSyntaxError(offset: parser.pos, message: "empty document") }
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.pos == bytes.count else {
            throw JSONSyntaxError(offset: parser.pos, message: "unexpected data after the JSON value")
        }
        return value
    }

    static func parse(_ text: String) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBytes { try parse($0) }
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? pos, message: message)
    }

    private func describeByte(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? "'\(Character(UnicodeScalar(b)))'" : String(format: "byte 0x%02x", b)
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard pos < bytes.count else { throw fail("unexpected end of data") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            if matches("null") { pos += 4; return .null }
            if matches("nan") { pos += 3; return .double(.nan) }
            throw fail("unexpected \(describeByte(bytes[pos]))")
        case UInt8(ascii: "N"):
            if matches("NaN") { pos += 3; return .double(.nan) }
            throw fail("unexpected 'N'")
        case UInt8(ascii: "i"):
            if matches("inf") { pos += 3; return .double(.infinity) }
            throw fail("unexpected 'i'")
        case UInt8(ascii: "I"):
            if matches("Infinity") { pos += 8; return .double(.infinity) }
            throw fail("unexpected 'I'")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw fail("unexpected \(describeByte(bytes[pos]))")
        }
    }

    private func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard pos + count <= bytes.count else { return false }
        let start = word.utf8Start
        for i in 0..<count where bytes[pos + i] != start[i] { return false }
        return true
    }

    private mutating func literal(_ word: StaticString) throws {
        guard matches(word) else { throw fail("invalid literal (expected '\(word)')") }
        pos += word.utf8CodeUnitCount
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        pos += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unexpected end of data inside an object") }
            guard bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key, found \(describeByte(bytes[pos]))") }
            let key = try string()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
            pos += 1
            skipWhitespace()
            let v = try value(depth: depth + 1)
            members.append((key, v))
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unexpected end of data inside an object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw fail("expected ',' or '}' in an object, found \(describeByte(bytes[pos]))")
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unexpected end of data inside an array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw fail("expected ',' or ']' in an array, found \(describeByte(bytes[pos]))")
        }
    }

    private mutating func string() throws -> String {
        let open = pos
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            pos += 1
        }
        guard pos < bytes.count else { throw fail("unterminated string", at: open) }
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        let save = pos
                        pos += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            pos = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(scalar) ?? "\u{FFFD}")).utf8))
            default:
                throw fail("invalid escape '\\\(Character(UnicodeScalar(e)))' in a string", at: pos - 2)
            }
        }
        throw fail("unterminated string", at: open)
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in a \\u escape")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    private mutating func number() throws -> JSONValue {
        let start = pos
        var negative = false
        if bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
            if matches("nan") { pos += 3; return .double(-.nan) }
            if matches("inf") { pos += 3; return .double(-.infinity) }
            if matches("Infinity") { pos += 8; return .double(-.infinity) }
        }
        _ = negative
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("invalid number", at: start) }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        var isInteger = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("invalid number: no digits after '.'", at: start) }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("invalid number: no digits in the exponent", at: start) }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else { throw fail("invalid number", at: start) }
        return .double(d)
    }
}
