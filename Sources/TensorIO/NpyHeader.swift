import LockstepCore

// The .npy format (numpy/lib/_format_impl.py, numpy 2.4; NEP 1):
//   "\x93NUMPY" major minor  header-length (uint16 LE for 1.0, uint32 LE for 2.0/3.0)
//   header: a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), }
//           latin1 for 1.0/2.0, UTF-8 for 3.0, padded with spaces and a final '\n' so the
//           data starts at a multiple of 64 bytes
//   data:   count × itemsize bytes in the byte order of `descr`, C or Fortran order.

/// A problem found while decoding; the public entry points attach the file name.
struct NpyFailure: Error {
    enum Kind { case invalid, unsupported }
    let kind: Kind
    let reason: String

    static func invalid(_ reason: String) -> NpyFailure { NpyFailure(kind: .invalid, reason: reason) }
    static func unsupported(_ reason: String) -> NpyFailure { NpyFailure(kind: .unsupported, reason: reason) }

    /// The module error for `path`, with `context` (e.g. "entry 'a.npy'") before the reason.
    func error(path: String, context: String? = nil) -> TensorIOError {
        let text = context.map { "\($0): \(reason)" } ?? reason
        switch kind {
        case .invalid: return .invalidFile(path: path, reason: text)
        case .unsupported: return .unsupported(path: path, reason: text)
        }
    }
}

/// What one element of a .npy array is.
enum NpyElement: Equatable {
    /// A byte-addressable numeric Lockstep type (floats, ints, bool, complex, bfloat16).
    case numeric(DType)
    /// numpy `U<n>`: `n` UTF-32 code units, NUL padded.
    case unicode(characters: Int)
    /// numpy `S<n>`: `n` bytes, NUL padded.
    case bytes(count: Int)
}

/// A parsed `descr` type string such as `<f4`, `>i8`, `|b1`, `<U5`.
struct NpyDescr: Equatable {
    let element: NpyElement
    /// True when multi-byte units are stored big-endian.
    let bigEndian: Bool
    /// Bytes per element.
    let itemSize: Int
    /// The descr as written in the file.
    let text: String

    /// Size of the units whose bytes a big-endian file reverses (0 or 1 when nothing to swap).
    var swapUnit: Int {
        switch element {
        case .numeric(let dtype): return dtype.isComplex ? itemSize / 2 : itemSize
        case .unicode: return 4
        case .bytes: return 1
        }
    }

    /// How messages name the element type: `float32`, or `'<U5' strings`.
    var displayName: String {
        switch element {
        case .numeric(let dtype): return dtype.rawValue
        case .unicode, .bytes: return "'\(text)' strings"
        }
    }

    /// Parses a numpy type string. Throws for object, structured-like, void, datetime and
    /// unknown type strings.
    static func parse(_ text: String) throws(NpyFailure) -> NpyDescr {
        // Not a numpy type string, but what some bfloat16-aware writers put in the header.
        if text == "bfloat16" || text == "<bfloat16" {
            return NpyDescr(element: .numeric(.bfloat16), bigEndian: false, itemSize: 2, text: text)
        }
        var scalars = Substring(text).unicodeScalars[...]
        var bigEndian = false
        if let first = scalars.first, "<>|=".unicodeScalars.contains(first) {
            // '|' (not applicable) and '=' (native) both mean the host order, little-endian
            // on every platform Lockstep supports.
            bigEndian = first == ">"
            scalars = scalars.dropFirst()
        }
        guard let kind = scalars.first else { throw .invalid("unknown descr '\(text)'") }
        if "OVMm".unicodeScalars.contains(kind) { return try special(kind, text: text) }
        let digits = scalars.dropFirst()
        var size: Int? = nil
        if !digits.isEmpty {
            guard digits.count <= 18, digits.allSatisfy({ ("0"..."9").contains($0) }),
                  let n = Int(String(String.UnicodeScalarView(digits)))
            else { throw .invalid("unknown descr '\(text)'") }
            size = n
        }

        func numeric(_ dtype: DType) -> NpyDescr {
            NpyDescr(element: .numeric(dtype), bigEndian: bigEndian, itemSize: dtype.byteWidth!, text: text)
        }
        switch (kind, size) {
        case ("f", 2): return numeric(.float16)
        case ("f", 4): return numeric(.float32)
        case ("f", 8): return numeric(.float64)
        case ("f", 12), ("f", 16):
            throw .unsupported("descr '\(text)' (long double) has no Lockstep dtype")
        case ("i", 1): return numeric(.int8)
        case ("i", 2): return numeric(.int16)
        case ("i", 4): return numeric(.int32)
        case ("i", 8): return numeric(.int64)
        case ("u", 1): return numeric(.uint8)
        case ("u", 2): return numeric(.uint16)
        case ("u", 4): return numeric(.uint32)
        case ("u", 8): return numeric(.uint64)
        case ("b", 1), ("?", 1), ("?", nil): return numeric(.bool)
        case ("c", 8): return numeric(.complex64)
        case ("c", 16): return numeric(.complex128)
        case ("c", 24), ("c", 32):
            throw .unsupported("descr '\(text)' (complex long double) has no Lockstep dtype")
        case ("U", let n?):
            let (bytes, overflow) = n.multipliedReportingOverflow(by: 4)
            if overflow { throw .invalid("descr '\(text)': string width is too large") }
            return NpyDescr(element: .unicode(characters: n), bigEndian: bigEndian, itemSize: bytes, text: text)
        case ("S", let n?), ("a", let n?):
            return NpyDescr(element: .bytes(count: n), bigEndian: bigEndian, itemSize: n, text: text)
        default:
            throw .invalid("unknown descr '\(text)'")
        }
    }

    private static func special(_ kind: Unicode.Scalar, text: String) throws(NpyFailure) -> NpyDescr {
        switch kind {
        case "O": throw .unsupported("object arrays (pickled) are not supported (descr '\(text)')")
        case "V":
            throw .unsupported("raw void descr '\(text)' is not supported: the element type is not recorded "
                + "(ml_dtypes saves bfloat16 and float8 arrays this way; save them as float32 instead)")
        case "M", "m": throw .unsupported("datetime/timedelta descr '\(text)' is not supported")
        default: throw .invalid("unknown descr '\(text)'")
        }
    }
}

/// A parsed .npy preamble: version, dtype, order, shape and where the data starts.
struct NpyHeader {
    var major: UInt8
    var minor: UInt8
    var descr: NpyDescr
    var fortranOrder: Bool
    var shape: [Int]
    /// Offset of the first data byte from the start of the file.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Bytes needed to know the header length: magic + version + length field.
    static func prefixLength(major: UInt8) -> Int { major == 1 ? 10 : 12 }

    /// Number of elements (1 for a 0-d array).
    var count: Int { Shape.elementCount(shape) ?? 0 }

    /// Size of the data in bytes; throws when it overflows `Int`.
    func dataByteCount() throws(NpyFailure) -> Int {
        guard let count = Shape.elementCount(shape) else {
            throw .invalid("shape \(NpyHeader.pythonShape(shape)) of \(descr.displayName) is too large: its element count overflows")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: descr.itemSize)
        if overflow {
            throw .invalid("shape \(NpyHeader.pythonShape(shape)) of \(descr.displayName) is too large: its size in bytes overflows")
        }
        return bytes
    }

    /// Total bytes the header declares the header plus data should occupy; throws on overflow.
    func totalByteCount() throws(NpyFailure) -> Int {
        let (total, overflow) = dataOffset.addingReportingOverflow(try dataByteCount())
        if overflow { throw .invalid("shape \(NpyHeader.pythonShape(shape)) of \(descr.displayName) is too large") }
        return total
    }

    /// `(2, 3)`, `(3,)` or `()` — the way numpy prints shapes.
    static func pythonShape(_ shape: [Int]) -> String {
        switch shape.count {
        case 0: return "()"
        case 1: return "(\(shape[0]),)"
        default: return "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
    }

    /// Parses the magic, version, header length and header dictionary at the start of `bytes`.
    /// Does not look at the data.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(NpyFailure) -> NpyHeader {
        let available = bytes.count
        let magicCount = min(available, magic.count)
        for i in 0..<magicCount where bytes[i] != magic[i] {
            throw .invalid("not a .npy file (bad magic: expected \\x93NUMPY)")
        }
        guard available >= 8 else {
            throw .invalid("not a .npy file: only \(available) bytes, too short for the .npy preamble")
        }
        let major = bytes[6], minor = bytes[7]
        guard (major == 1 || major == 2 || major == 3) && minor == 0 else {
            throw .unsupported(".npy format version \(major).\(minor) is not supported (only 1.0, 2.0 and 3.0)")
        }
        let prefix = prefixLength(major: major)
        guard available >= prefix else {
            throw .invalid("header is truncated: file has \(available) bytes, the version \(major).0 preamble needs \(prefix)")
        }
        var headerLength = 0
        for i in stride(from: prefix - 1, through: 8, by: -1) { headerLength = headerLength << 8 | Int(bytes[i]) }
        guard headerLength <= available - prefix else {
            throw .invalid("header is truncated: header length \(headerLength) runs past the end of the file "
                + "(\(available - prefix) bytes after the preamble)")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[prefix..<(prefix + headerLength)])
        let text: String.UnicodeScalarView
        if major == 3 {
            guard let decoded = String(validating: headerBytes, as: UTF8.self) else {
                throw .invalid("header of a version 3.0 file is not valid UTF-8")
            }
            text = decoded.unicodeScalars
        } else {
            var latin1 = String.UnicodeScalarView()
            for b in headerBytes { latin1.append(Unicode.Scalar(b)) }
            text = latin1
        }
        var parser = PythonLiteralParser(Array(text))
        let dict = try parser.parseHeaderDict()

        var descrValue: PythonLiteral?, fortranValue: PythonLiteral?, shapeValue: PythonLiteral?
        for (key, value) in dict {
            switch key {
            case "descr": descrValue = value
            case "fortran_order": fortranValue = value
            case "shape": shapeValue = value
            default: throw .invalid("header has an unexpected key '\(key)' (expected 'descr', 'fortran_order', 'shape')")
            }
        }
        guard let descrValue else { throw .invalid("header has no 'descr' key") }
        guard let fortranValue else { throw .invalid("header has no 'fortran_order' key") }
        guard let shapeValue else { throw .invalid("header has no 'shape' key") }

        let descr: NpyDescr
        switch descrValue {
        case .string(let s): descr = try NpyDescr.parse(s)
        case .list: throw .unsupported("structured dtypes are not supported (descr is a list of fields)")
        default: throw .invalid("header 'descr' must be a string, found \(descrValue.kindName)")
        }
        guard case .bool(let fortranOrder) = fortranValue else {
            throw .invalid("header 'fortran_order' must be True or False, found \(fortranValue.kindName)")
        }
        guard case .tuple(let dims) = shapeValue else {
            throw .invalid("header 'shape' must be a tuple, found \(shapeValue.kindName)")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        for dim in dims {
            guard case .int(let value, let literal) = dim else {
                throw .invalid("header 'shape' must hold integers, found \(dim.kindName)")
            }
            guard let value else { throw .invalid("shape dimension \(literal) is too large") }
            guard value >= 0 else { throw .invalid("shape has a negative dimension \(value)") }
            shape.append(value)
        }
        return NpyHeader(major: major, minor: minor, descr: descr, fortranOrder: fortranOrder, shape: shape,
                         dataOffset: prefix + headerLength)
    }

    // MARK: - Writing

    /// numpy's GROWTH_AXIS_MAX_DIGITS: spare room numpy leaves so a header can grow in place.
    private static let growthAxisMaxDigits = 21

    /// The preamble and header numpy writes for a C-order array of `descr` and `shape`:
    /// version 1.0 unless the header needs 2.0 (longer than 65535 bytes) or 3.0 (not latin1),
    /// padded with spaces and a final `\n` so the data starts at a multiple of 64 bytes.
    static func encode(descr: String, shape: [Int]) throws(NpyFailure) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(pythonShape(shape)), }"
        if let first = shape.first { dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(first).count)) }
        let latin1 = dict.unicodeScalars.allSatisfy { $0.value <= 0xFF }
        let body: [UInt8] = latin1 ? dict.unicodeScalars.map { UInt8($0.value) } : Array(dict.utf8)
        let hlen = body.count + 1
        func wrapped(major: UInt8) -> [UInt8]? {
            let prefix = prefixLength(major: major)
            let pad = 64 - (prefix + hlen) % 64
            let total = hlen + pad
            guard total <= (major == 1 ? Int(UInt16.max) : Int(UInt32.max)) else { return nil }
            var out = magic + [major, 0]
            out.reserveCapacity(prefix + total)
            for i in 0..<(prefix - 8) { out.append(UInt8(truncatingIfNeeded: total >> (8 * i))) }
            out += body
            out += [UInt8](repeating: 0x20, count: pad)
            out.append(0x0A)
            return out
        }
        if latin1, let v1 = wrapped(major: 1) { return v1 }
        if let out = wrapped(major: latin1 ? 2 : 3) { return out }
        throw .unsupported("the .npy header would be longer than 4 GiB")
    }
}

// MARK: - A strict parser for the Python literals numpy writes in headers

/// The subset of Python literals a .npy header may contain. No names, calls or operators.
enum PythonLiteral: Equatable {
    case string(String)
    /// An integer; `nil` value when it does not fit `Int` (the literal text is kept for messages).
    case int(Int?, literal: String)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])

    var kindName: String {
        switch self {
        case .string(let s): return "string '\(s)'"
        case .int(_, let literal): return "integer \(literal)"
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        }
    }
}

/// Hand-written recursive-descent parser over Unicode scalars. Accepts exactly one dict
/// literal `{str: literal, ...}` (optional trailing comma, surrounding whitespace); nothing is
/// ever evaluated.
struct PythonLiteralParser {
    private let text: [Unicode.Scalar]
    private var pos = 0
    private var depth = 0
    private static let maxDepth = 32

    init(_ text: [Unicode.Scalar]) { self.text = text }

    private func fail(_ what: String) -> NpyFailure {
        var snippet = ""
        var i = pos
        while i < text.count && snippet.unicodeScalars.count < 16 { snippet.unicodeScalars.append(text[i]); i += 1 }
        let found = pos >= text.count ? "end of header" : "'\(snippet)'"
        return .invalid("header is not a valid dict literal: \(what) at offset \(pos), found \(found)")
    }

    private var peek: Unicode.Scalar? { pos < text.count ? text[pos] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" { pos += 1 }
    }

    private mutating func expect(_ c: Unicode.Scalar) throws(NpyFailure) {
        skipSpace()
        guard peek == c else { throw fail("expected '\(c)'") }
        pos += 1
    }

    /// The header dict as ordered (key, value) pairs; duplicate keys are rejected.
    mutating func parseHeaderDict() throws(NpyFailure) -> [(String, PythonLiteral)] {
        try expect("{")
        var pairs: [(String, PythonLiteral)] = []
        skipSpace()
        while peek != "}" {
            skipSpace()
            guard peek == "'" || peek == "\"" else { throw fail("expected a quoted key or '}'") }
            let key = try parseString()
            if pairs.contains(where: { $0.0 == key }) { throw fail("duplicate key '\(key)'") }
            try expect(":")
            let value = try parseValue()
            pairs.append((key, value))
            skipSpace()
            if peek == "," { pos += 1; skipSpace(); continue }
            guard peek == "}" else { throw fail("expected ',' or '}'") }
        }
        pos += 1
        skipSpace()
        guard pos == text.count else { throw fail("unexpected text after the dict") }
        return pairs
    }

    private mutating func parseValue() throws(NpyFailure) -> PythonLiteral {
        skipSpace()
        guard let c = peek else { throw fail("expected a value") }
        switch c {
        case "'", "\"": return .string(try parseString())
        case "(": return try parseSequence(open: "(", close: ")")
        case "[": return try parseSequence(open: "[", close: "]")
        case "0"..."9", "-", "+": return try parseInt()
        default:
            for (word, value) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
            where matchesWord(word) {
                pos += word.unicodeScalars.count
                return value
            }
            throw fail("expected a string, number, tuple, list, True, False or None")
        }
    }

    private func matchesWord(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard pos + scalars.count <= text.count, Array(text[pos..<(pos + scalars.count)]) == scalars else { return false }
        if pos + scalars.count < text.count {
            let next = text[pos + scalars.count]
            if next.properties.isAlphabetic || next == "_" || ("0"..."9").contains(next) { return false }
        }
        return true
    }

    /// `(a, b)`, `(a,)`, `()`, `[a, b]`; `(a)` is just `a`, as in Python.
    private mutating func parseSequence(open: Unicode.Scalar, close: Unicode.Scalar) throws(NpyFailure) -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("nesting is too deep") }
        pos += 1
        var items: [PythonLiteral] = []
        var sawComma = false
        skipSpace()
        while peek != close {
            items.append(try parseValue())
            skipSpace()
            if peek == "," { pos += 1; sawComma = true; skipSpace(); continue }
            guard peek == close else { throw fail("expected ',' or '\(close)'") }
        }
        pos += 1
        if open == "(" {
            if items.count == 1 && !sawComma { return items[0] }
            return .tuple(items)
        }
        return .list(items)
    }

    private mutating func parseInt() throws(NpyFailure) -> PythonLiteral {
        let start = pos
        var negative = false
        if peek == "-" || peek == "+" { negative = peek == "-"; pos += 1; skipSpace() }
        var digits = ""
        while let c = peek, ("0"..."9").contains(c) { digits.unicodeScalars.append(c); pos += 1 }
        guard !digits.isEmpty else { throw fail("expected digits") }
        if peek == "L" || peek == "l" { pos += 1 }  // Python 2 long suffix, as old numpy wrote it
        if let c = peek, c.properties.isAlphabetic || c == "_" || c == "." { throw fail("malformed integer") }
        if digits.count > 1 && digits.first == "0" && digits.contains(where: { $0 != "0" }) {
            throw fail("integer with a leading zero")
        }
        let literal = String(String.UnicodeScalarView(text[start..<pos]))
        return .int(Int(negative ? "-" + digits : digits), literal: literal)
    }

    private mutating func parseString() throws(NpyFailure) -> String {
        guard let quote = peek else { throw fail("expected a string") }
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek, c != "\n" else { throw fail("unterminated string") }
            pos += 1
            if c == quote { return String(out) }
            if c != "\\" { out.append(c); continue }
            guard let e = peek else { throw fail("unterminated string") }
            pos += 1
            switch e {
            case "\\", "'", "\"": out.append(e)
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "x": out.append(try hexScalar(digits: 2))
            case "u": out.append(try hexScalar(digits: 4))
            case "U": out.append(try hexScalar(digits: 8))
            default: pos -= 2; throw fail("unsupported escape in string")
            }
        }
    }

    private mutating func hexScalar(digits: Int) throws(NpyFailure) -> Unicode.Scalar {
        guard pos + digits <= text.count else { throw fail("truncated escape") }
        var value: UInt32 = 0
        for c in text[pos..<(pos + digits)] {
            guard let d = UInt32(String(c), radix: 16) else { throw fail("bad hex escape") }
            value = value << 4 | d
        }
        guard let scalar = Unicode.Scalar(value) else { throw fail("escape is not a Unicode scalar") }
        pos += digits
        return scalar
    }
}
