/// Escaping for HTML text and attribute values (double- or single-quoted), shared by every HTML
/// writer (the gate report; the compatibility matrix may use it too). `&`, `<`, `>`, `"` and `'`
/// become character references; NUL and other C0 controls but tab/newline/CR become U+FFFD,
/// which HTML parsers would otherwise report as parse errors.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

/// `escape` for interpolation: `"\(e(name))"`.
@inline(__always) func e(_ s: String) -> String { HTMLText.escape(s) }
