import LockstepCore

/// The op vocabulary Lockstep knows, from `Generated/OpSchemaData.swift`
/// (scripts/generate-op-schemas.py): every ONNX schema of the domains onnx and onnxruntime ship,
/// and the TFLite builtin operators of the project's schema.
public struct OpVocabulary: Sendable {
    /// One formal input or output of an ONNX schema.
    public struct Formal: Sendable, Hashable {
        public enum Option: Sendable, Hashable { case single, optional, variadic }
        public var name: String
        /// A DType name, `$T` for a type parameter, or a composite type text (`seq(float32)`).
        public var type: String
        public var option: Option
    }

    /// One ONNX schema version.
    public struct Schema: Sendable {
        public var domain: String
        public var name: String
        public var sinceVersion: Int
        public var deprecated: Bool
        public var inputs: [Formal]
        public var outputs: [Formal]
        /// Type parameter → allowed element types (composite types left out).
        public var typeConstraints: [String: [DType]]
        /// Attribute name → kind (`INT`, `FLOATS`, …).
        public var attributeKinds: [String: String]
        /// Attribute defaults the schema states (`TENSOR` defaults: only the element type, as a string).
        public var attributeDefaults: [String: AttributeValue]
    }

    /// Domain (normalised: "" for ai.onnx) → op name → schema versions, ascending.
    public let onnx: [String: [String: [Schema]]]
    /// TFLite builtin operator names.
    public let tfliteBuiltins: Set<String>
    public let onnxPackageVersion: String
    public let onnxruntimePackageVersion: String

    /// The vocabulary parsed once from the generated data.
    public static let shared = OpVocabulary()

    init() {
        var onnx: [String: [String: [Schema]]] = [:]
        var current: Schema?
        func flush() {
            if let s = current { onnx[s.domain, default: [:]][s.name, default: []].append(s) }
            current = nil
        }
        for line in OpSchemaData.onnx.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let tag = f.first else { continue }
            switch tag {
            case "@":
                flush()
                current = Schema(domain: OpVocabulary.normalisedDomain(f[1]), name: f[2], sinceVersion: Int(f[3]) ?? 1,
                                 deprecated: f[4] == "1", inputs: [], outputs: [], typeConstraints: [:], attributeKinds: [:],
                                 attributeDefaults: [:])
            case "i", "o":
                let option: Formal.Option = f[3] == "o" ? .optional : f[3] == "v" ? .variadic : .single
                let formal = Formal(name: f[1], type: f[2], option: option)
                if tag == "i" { current?.inputs.append(formal) } else { current?.outputs.append(formal) }
            case "t":
                current?.typeConstraints["$" + f[1]] = f[2].split(separator: ",").compactMap { DType(rawValue: String($0)) }
            case "a":
                current?.attributeKinds[f[1]] = f[2]
                if f.count > 3, let value = OpVocabulary.defaultValue(kind: f[2], text: f[3]) {
                    current?.attributeDefaults[f[1]] = value
                }
            default:
                continue
            }
        }
        flush()
        for (domain, ops) in onnx {
            for (name, list) in ops { onnx[domain]![name] = list.sorted { $0.sinceVersion < $1.sinceVersion } }
        }
        self.onnx = onnx
        var builtins = Set<String>()
        for line in OpSchemaData.tfliteBuiltins.split(separator: "\n") {
            if let name = line.split(separator: "\t").first { builtins.insert(String(name)) }
        }
        self.tfliteBuiltins = builtins
        self.onnxPackageVersion = OpSchemaData.onnxPackageVersion
        self.onnxruntimePackageVersion = OpSchemaData.onnxruntimePackageVersion
    }

    /// "" for `ai.onnx`, else the domain as written.
    public static func normalisedDomain(_ domain: String) -> String { domain == "ai.onnx" ? "" : domain }

    /// Domains whose op names are known (a name not in them is an error in a target file).
    public var knownONNXDomains: Set<String> { Set(onnx.keys) }

    /// The schema a node of `domain::name` resolves to at `opset`: the highest since-version ≤ opset.
    public func schema(domain: String, name: String, opset: Int?) -> Schema? {
        guard let list = onnx[OpVocabulary.normalisedDomain(domain)]?[name], !list.isEmpty else { return nil }
        guard let opset else { return list.last }
        return list.last(where: { $0.sinceVersion <= opset })
    }

    /// Whether `qualified` (`Conv`, `com.microsoft::QLinearConv`) names a known ONNX op, or lies
    /// in a domain Lockstep has no schemas for.
    public func isKnownOrForeignONNX(_ qualified: String) -> Bool {
        let (domain, name) = OpVocabulary.split(qualified)
        guard let ops = onnx[domain] else { return true }
        return ops[name] != nil
    }

    /// `com.microsoft::QLinearConv` → ("com.microsoft", "QLinearConv"); `Conv` → ("", "Conv").
    public static func split(_ qualified: String) -> (domain: String, name: String) {
        guard let r = qualified.range(of: "::", options: .backwards) else { return ("", qualified) }
        return (normalisedDomain(String(qualified[..<r.lowerBound])), String(qualified[r.upperBound...]))
    }

    /// Known names closest to `name` (for "did you mean").
    public func suggestions(for name: String, format: ModelFormat) -> [String] {
        let candidates: [String]
        switch format {
        case .onnx:
            let (domain, _) = OpVocabulary.split(name)
            candidates = (onnx[domain]?.keys).map { keys in keys.map { domain.isEmpty ? $0 : "\(domain)::\($0)" } } ?? []
        case .tflite:
            candidates = Array(tfliteBuiltins)
        case .tensorrt:
            candidates = []
        }
        return Suggestions.closest(to: name, in: candidates)
    }

    static func defaultValue(kind: String, text: String) -> AttributeValue? {
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\\\", with: "\\")
        }
        switch kind {
        case "INT": return Int64(text).map { .int($0) }
        case "FLOAT": return Float(text).map { .float($0) }
        case "STRING": return .string(Array(unescape(text).utf8))
        case "INTS": return .ints(text.split(separator: ",").compactMap { Int64($0) })
        case "FLOATS": return .floats(text.split(separator: ",").compactMap { Float($0) })
        case "STRINGS": return .strings(text.split(separator: ",").map { Array(unescape(String($0)).utf8) })
        case "TENSOR": return .string(Array(text.utf8))
        default: return nil
        }
    }
}
