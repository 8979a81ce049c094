import Foundation
import LockstepCore

/// The layer information of one engine, from whichever file held it.
public struct LayerInformation: Sendable {
    public var form: LayerInfoForm
    public var layers: [Layer]
    /// Graph inputs and outputs (`Bindings` / `I/O Tensors`; derived from the layers when the
    /// file lists none).
    public var bindings: [Binding]
    public var warnings: [String]
    /// The TensorRT version a log names (`[TensorRT v101601]`, `TensorRT version: 10.16.1`).
    public var tensorRTVersion: PlanHeader.Version?

    public init(form: LayerInfoForm, layers: [Layer], bindings: [Binding], warnings: [String] = [],
                tensorRTVersion: PlanHeader.Version? = nil) {
        self.form = form
        self.layers = layers
        self.bindings = bindings
        self.warnings = warnings
        self.tensorRTVersion = tensorRTVersion
    }
}

/// Builds `Layer` values, deriving the analysed fields from the raw ones.
enum LayerFactory {
    static func make(index: Int, name: String, type: String, parameterType: String? = nil, inputs: [LayerTensor] = [],
                     outputs: [LayerTensor] = [], tacticName: String? = nil, tacticValue: String? = nil, streamId: Int? = nil,
                     metadata: String? = nil, origin: String? = nil, parameters: [MetadataEntry] = []) -> Layer {
        let (base, profile) = LayerNames.profileSuffix(name)
        let foreign = LayerNames.foreignNodes(base)
        let reformatTarget = LayerNames.reformatTarget(base)
        let isReformat = type == "Reformat" || reformatTarget != nil
        let parts = LayerNames.fusedParts(base)
        var onnx = metadata.map(LayerNames.onnxNodes(fromMetadata:)) ?? []
        if onnx.isEmpty && reformatTarget == nil {
            var seen = Set<String>()
            onnx = parts.filter { !LayerNames.isGenerated($0) }.map(LayerNames.sourceName).filter { seen.insert($0).inserted }
        }
        return Layer(index: index, name: name, type: type, parameterType: parameterType, inputs: inputs, outputs: outputs,
                     tacticName: tacticName, tacticValue: tacticValue, streamId: streamId, metadata: metadata,
                     onnxNodes: onnx, fusedParts: parts, isReformat: isReformat, reformatOrigin: origin,
                     reformatTarget: reformatTarget, isNoOp: type == "NoOp",
                     isMyelin: LayerNames.isMyelin(name: base, type: type), foreignNodes: foreign,
                     profileIndex: profile, parameters: parameters)
    }

    /// Bindings from names: an input when no layer produces it, an output when one does.
    static func bindings(names: [String], layers: [Layer]) -> [Binding] {
        var produced: [String: LayerTensor] = [:]
        var consumed: [String: LayerTensor] = [:]
        for layer in layers {
            for t in layer.outputs where produced[t.name] == nil { produced[t.name] = t }
            for t in layer.inputs where consumed[t.name] == nil { consumed[t.name] = t }
        }
        return names.map { name in
            let profile = LayerNames.profileSuffix(name).profile
            if let t = produced[name] {
                return Binding(name: name, isInput: false, dtype: t.precision, dimensions: t.dimensions, location: t.location, profileIndex: profile)
            }
            if let t = consumed[name] {
                return Binding(name: name, isInput: true, dtype: t.precision, dimensions: t.dimensions, location: t.location, profileIndex: profile)
            }
            return Binding(name: name, isInput: nil, profileIndex: profile)
        }
    }

    /// Bindings derived from the layers alone: tensors no layer produces are inputs, tensors no
    /// layer consumes are outputs.
    static func derivedBindings(layers: [Layer]) -> [Binding] {
        var produced = Set<String>(), consumed = Set<String>()
        for layer in layers {
            layer.outputs.forEach { produced.insert($0.name) }
            layer.inputs.forEach { consumed.insert($0.name) }
        }
        var seen = Set<String>()
        var result: [Binding] = []
        for layer in layers {
            for t in layer.inputs where !produced.contains(t.name) && seen.insert(t.name).inserted {
                result.append(Binding(name: t.name, isInput: true, dtype: t.precision, dimensions: t.dimensions, location: t.location))
            }
        }
        for layer in layers {
            for t in layer.outputs where !consumed.contains(t.name) && seen.insert(t.name).inserted {
                result.append(Binding(name: t.name, isInput: false, dtype: t.precision, dimensions: t.dimensions, location: t.location))
            }
        }
        return result
    }
}

// MARK: - JSON (--exportLayerInfo, engine inspector, Torch-TensorRT dumps)

enum LayerInfoJSON {
    static let knownKeys: Set<String> = ["Name", "LayerType", "ParameterType", "Inputs", "Outputs", "TacticName", "TacticValue",
                                         "StreamId", "Metadata", "Origin"]

    static func parse(_ root: JSONValue, path: String) throws -> LayerInformation {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard root.isObject else {
            throw fail("not TensorRT layer information: the JSON is \(root.kindDescription)\(JSONKind.hint(root)), expected an object with a \"Layers\" array")
        }
        guard let layersValue = root["Layers"] else {
            throw fail("not TensorRT layer information: the JSON object has no \"Layers\" array\(JSONKind.hint(root))")
        }
        guard let items = layersValue.arrayValue else {
            throw fail("\"Layers\" is \(layersValue.kindDescription), expected an array")
        }
        var warnings: [String] = []
        var layers: [Layer] = []
        var form = LayerInfoForm.detailed
        if items.isEmpty {
            form = .none
            warnings.append("\(path): \"Layers\" is empty (engine built with --profilingVerbosity=none?)")
        } else if items.allSatisfy({ $0.stringValue != nil }) {
            form = .nameOnly
            warnings.append("\(path): layer names only; rebuild the engine with --profilingVerbosity=detailed for types, tensors and precisions")
            layers = items.enumerated().map { LayerFactory.make(index: $0.offset, name: $0.element.stringValue!, type: "") }
        } else {
            var missingType = 0
            for (i, item) in items.enumerated() {
                guard let members = item.objectMembers else {
                    throw fail("layer \(i) is \(item.kindDescription); \"Layers\" must hold either layer objects or layer names")
                }
                layers.append(try layer(item, members: members, index: i, path: path, missingType: &missingType))
            }
            if missingType > 0 { warnings.append("\(path): \(missingType) layer(s) without \"LayerType\"") }
        }

        var bindings: [Binding] = []
        if let io = root["I/O Tensors"] {
            guard let entries = io.arrayValue else { throw fail("\"I/O Tensors\" is \(io.kindDescription), expected an array") }
            for (i, entry) in entries.enumerated() {
                guard let name = entry["Name"]?.stringValue else { throw fail("\"I/O Tensors\" entry \(i) has no \"Name\" string") }
                let mode = entry["IOMode"]?.stringValue
                let dataType = entry["DataType"]?.stringValue
                bindings.append(Binding(
                    name: name, isInput: mode.map { $0.lowercased() == "input" },
                    dtype: dataType.flatMap(Precision.dtype(fromFormat:)),
                    dimensions: try entry["Dimensions"].map { try dims($0, what: "\"I/O Tensors\" entry '\(name)'", path: path) },
                    location: entry["Location"]?.stringValue, isShapeInferenceIO: entry["IsShapeInferenceIO"]?.boolValue,
                    profileIndex: LayerNames.profileSuffix(name).profile))
            }
        } else if let b = root["Bindings"] {
            guard let names = b.arrayValue, names.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\"Bindings\" is \(b.kindDescription), expected an array of tensor names")
            }
            bindings = LayerFactory.bindings(names: names.map { $0.stringValue! }, layers: layers)
        } else if form == .detailed {
            bindings = LayerFactory.derivedBindings(layers: layers)
        }
        return LayerInformation(form: form, layers: layers, bindings: bindings, warnings: warnings)
    }

    private static func layer(_ item: JSONValue, members: [(key: String, value: JSONValue)], index i: Int, path: String,
                              missingType: inout Int) throws -> Layer {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard let name = item["Name"]?.stringValue else { throw fail("layer \(i) has no \"Name\" string") }
        let type: String
        if let t = item["LayerType"] {
            guard let s = t.stringValue else { throw fail("layer \(i) '\(name)': \"LayerType\" is \(t.kindDescription), expected a string") }
            type = s
        } else {
            missingType += 1
            type = ""
        }
        let inputs = try tensors(item["Inputs"], what: "layer \(i) '\(name)': \"Inputs\"", path: path)
        let outputs = try tensors(item["Outputs"], what: "layer \(i) '\(name)': \"Outputs\"", path: path)
        var tacticValue: String?
        switch item["TacticValue"] {
        case .string(let s)?: tacticValue = s
        case .int(let v)?: tacticValue = String(format: "0x%016llx", UInt64(bitPattern: v))
        default: tacticValue = nil
        }
        let parameters = members.filter { !knownKeys.contains($0.key) }
            .map { MetadataEntry(key: $0.key, value: $0.value.stringValue ?? $0.value.compactText) }
        return LayerFactory.make(index: i, name: name, type: type, parameterType: item["ParameterType"]?.stringValue,
                                 inputs: inputs, outputs: outputs, tacticName: item["TacticName"]?.stringValue,
                                 tacticValue: tacticValue, streamId: item["StreamId"]?.intValue,
                                 metadata: item["Metadata"]?.stringValue, origin: item["Origin"]?.stringValue,
                                 parameters: parameters)
    }

    private static func tensors(_ value: JSONValue?, what: String, path: String) throws -> [LayerTensor] {
        guard let value else { return [] }
        guard let items = value.arrayValue else {
            throw TensorRTError.invalidFile(path: path, reason: "\(what) is \(value.kindDescription), expected an array")
        }
        return try items.enumerated().map { j, t in
            guard let name = t["Name"]?.stringValue else {
                throw TensorRTError.invalidFile(path: path, reason: "\(what) entry \(j) has no \"Name\" string")
            }
            let format = t["Format/Datatype"]?.stringValue ?? t["DataType"]?.stringValue ?? ""
            return LayerTensor(name: name, dimensions: try t["Dimensions"].map { try dims($0, what: "\(what) '\(name)'", path: path) } ?? [],
                               format: format, precision: Precision.dtype(fromFormat: format), location: t["Location"]?.stringValue)
        }
    }

    static func dims(_ value: JSONValue, what: String, path: String) throws -> [Int] {
        guard let items = value.arrayValue else {
            throw TensorRTError.invalidFile(path: path, reason: "\(what): \"Dimensions\" is \(value.kindDescription), expected an array of integers")
        }
        return try items.map {
            guard let d = $0.intValue else {
                throw TensorRTError.invalidFile(path: path, reason: "\(what): \"Dimensions\" holds \($0.kindDescription), expected integers")
            }
            return d
        }
    }
}

// MARK: - Logs

/// Reading trtexec / TensorRT log text.
enum LogText {
    /// Lines of a log with `\r` removed.
    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }

    /// Removes `[07/07/2026-02:11:38] [I] [TRT] ` style prefixes; `nil` when the line has none.
    static func strippedPrefix(_ line: Substring) -> Substring? {
        var s = line
        var stripped = false
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            let inside = s[s.index(after: s.startIndex)..<close]
            if inside.contains("/") || inside.contains(":") {
                s = s[s.index(after: close)...].drop(while: { $0 == " " })
                stripped = true
            }
        }
        for tag in ["[I] ", "[W] ", "[E] ", "[V] ", "[F] ", "[I]", "[W]", "[V]"] where s.hasPrefix(tag) {
            s = s.dropFirst(tag.count)
            stripped = true
            break
        }
        if s.hasPrefix("[TRT] ") { s = s.dropFirst(6) }
        return stripped ? s : nil
    }

    /// The content of a line with any log prefix removed.
    static func content(_ line: Substring) -> Substring { strippedPrefix(line) ?? line }

    /// The TensorRT version a trtexec log names.
    static func version(_ lines: [Substring]) -> PlanHeader.Version? {
        for line in lines {
            let c = content(line)
            if c.hasPrefix("TensorRT version: "), let v = PlanHeader.Version(dotted: String(c.dropFirst(18)).trimmingCharacters(in: .whitespaces)) {
                return v
            }
        }
        for line in lines.prefix(5) + lines.suffix(5) {
            guard let r = line.range(of: "[TensorRT v") else { continue }
            let digits = line[r.upperBound...].prefix(while: { $0.isNumber })
            if let n = Int(digits), let v = PlanHeader.Version(trtexecTag: n) { return v }
        }
        return nil
    }
}

/// `trtexec --dumpLayerInfo` one-line layer information (`Layers:` … blank line … `Bindings:`).
enum OneLineLayerInfo {
    /// Index of the `Layers:` line, if the log has one.
    static func start(in lines: [Substring]) -> Int? {
        lines.firstIndex { LogText.content($0).trimmingCharacters(in: .whitespaces) == "Layers:" }
    }

    static func parse(lines: [Substring], path: String) throws -> LayerInformation {
        guard let start = start(in: lines) else {
            throw TensorRTError.invalidFile(path: path, reason: "no \"Layers:\" section (trtexec --dumpLayerInfo) in the log")
        }
        var warnings: [String] = []
        if lines[(start + 1)...].contains(where: { LogText.content($0).trimmingCharacters(in: .whitespaces) == "Layers:" }) {
            warnings.append("\(path): the log has several \"Layers:\" sections; the first is used")
        }
        var i = start + 1
        var layerLines: [Substring] = []
        while i < lines.count {
            let line = lines[i]
            if line.trimmingCharacters(in: .whitespaces).isEmpty || LogText.strippedPrefix(line) != nil || line.hasPrefix("&&&&")
                || line == "Bindings:" { break }
            layerLines.append(line)
            i += 1
        }
        var bindingNames: [String] = []
        while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1 }
        if i < lines.count, LogText.content(lines[i]).trimmingCharacters(in: .whitespaces) == "Bindings:" {
            i += 1
            while i < lines.count {
                let line = lines[i]
                if line.trimmingCharacters(in: .whitespaces).isEmpty || LogText.strippedPrefix(line) != nil || line.hasPrefix("&&&&") { break }
                bindingNames.append(String(line))
                i += 1
            }
        }
        let detailed = layerLines.contains { $0.hasPrefix("Name: ") }
        var layers: [Layer] = []
        if detailed {
            for (n, line) in layerLines.enumerated() {
                guard line.hasPrefix("Name: ") else {
                    throw TensorRTError.invalidFile(path: path, reason: "layer line \(n + 1) of the \"Layers:\" section does not start with \"Name: \"")
                }
                layers.append(try layer(String(line), index: n, path: path))
            }
        } else {
            layers = layerLines.enumerated().map { LayerFactory.make(index: $0.offset, name: String($0.element), type: "") }
            if !layers.isEmpty {
                warnings.append("\(path): layer names only; rebuild the engine with --profilingVerbosity=detailed for types, tensors and precisions")
            }
        }
        if layers.isEmpty { warnings.append("\(path): the \"Layers:\" section is empty") }
        let bindings = bindingNames.isEmpty ? LayerFactory.derivedBindings(layers: layers)
                                            : LayerFactory.bindings(names: bindingNames, layers: layers)
        return LayerInformation(form: detailed ? .oneLineLog : (layers.isEmpty ? .none : .nameOnly), layers: layers,
                                bindings: bindings, warnings: warnings, tensorRTVersion: LogText.version(lines))
    }

    /// `Name: n, LayerType: t, Inputs: [ { … }], Outputs: [ { … }], Key: value, …, Metadata: m`
    static func layer(_ line: String, index: Int, path: String) throws -> Layer {
        func fail(_ reason: String) -> TensorRTError {
            .invalidFile(path: path, reason: "layer line \(index + 1) of the \"Layers:\" section: \(reason)")
        }
        var body = Substring(line.dropFirst("Name: ".count))
        // Metadata is last and runs to the end of the line (it may hold anything).
        var metadata: String?
        if let m = body.range(of: ", Metadata:") {
            metadata = String(body[m.upperBound...].drop(while: { $0 == " " }))
            body = body[..<m.lowerBound]
        }
        guard let typeKey = body.range(of: ", LayerType: ") else { throw fail("no \"LayerType\"") }
        let name = String(body[..<typeKey.lowerBound])
        var rest = body[typeKey.upperBound...]
        let type: String
        var inputs: [LayerTensor] = [], outputs: [LayerTensor] = []
        if let inKey = rest.range(of: ", Inputs: ") {
            type = String(rest[..<inKey.lowerBound])
            rest = rest[inKey.upperBound...]
            guard let outKey = rest.range(of: ", Outputs: ") else { throw fail("\"Inputs\" without \"Outputs\"") }
            inputs = try tensors(rest[..<outKey.lowerBound], fail: fail)
            rest = rest[outKey.upperBound...]
            let end: String.Index
            if rest.hasPrefix("[]") {
                end = rest.index(rest.startIndex, offsetBy: 2)
            } else if let close = rest.range(of: "}]") {
                end = close.upperBound
            } else {
                throw fail("unterminated \"Outputs\" list")
            }
            outputs = try tensors(rest[..<end], fail: fail)
            rest = rest[end...]
        } else if let comma = rest.range(of: ", ") {
            type = String(rest[..<comma.lowerBound])
            rest = rest[comma.lowerBound...]
        } else {
            type = String(rest)
            rest = rest[rest.endIndex...]
        }
        if rest.hasPrefix(", ") { rest = rest.dropFirst(2) }
        let pairs = keyValues(rest)
        func value(_ key: String) -> String? { pairs.first(where: { $0.key == key })?.value }
        let known: Set<String> = ["ParameterType", "TacticName", "TacticValue", "StreamId", "Origin"]
        return LayerFactory.make(index: index, name: name, type: type, parameterType: value("ParameterType"), inputs: inputs,
                                 outputs: outputs, tacticName: value("TacticName"), tacticValue: value("TacticValue"),
                                 streamId: value("StreamId").flatMap { Int($0) }, metadata: metadata, origin: value("Origin"),
                                 parameters: pairs.filter { !known.contains($0.key) })
    }

    /// `[ { Name: x, Location: Device, Dimensions: [1,1,28,28], Format/Datatype: Float }, { … }]`
    private static func tensors(_ text: Substring, fail: (String) -> TensorRTError) throws -> [LayerTensor] {
        var result: [LayerTensor] = []
        var rest = text
        while let open = rest.range(of: "{ Name: ") {
            rest = rest[open.upperBound...]
            let nameEnd = [rest.range(of: ", Location: "), rest.range(of: ", Dimensions: ")].compactMap { $0 }
                .min(by: { $0.lowerBound < $1.lowerBound })
            guard let nameEnd else { throw fail("a tensor without \"Dimensions\"") }
            let name = String(rest[..<nameEnd.lowerBound])
            rest = rest[nameEnd.lowerBound...]
            var location: String?
            if rest.hasPrefix(", Location: "), let d = rest.range(of: ", Dimensions: ") {
                location = String(rest[rest.index(rest.startIndex, offsetBy: 12)..<d.lowerBound])
                rest = rest[d.lowerBound...]
            }
            guard rest.hasPrefix(", Dimensions: ["), let close = rest.firstIndex(of: "]") else { throw fail("tensor '\(name)': bad \"Dimensions\"") }
            let dimsText = rest[rest.index(rest.startIndex, offsetBy: 15)..<close]
            let dims = try dimsText.split(separator: ",").map { part -> Int in
                guard let d = Int(part.trimmingCharacters(in: .whitespaces)) else { throw fail("tensor '\(name)': bad dimension '\(part)'") }
                return d
            }
            rest = rest[rest.index(after: close)...]
            var format = ""
            if rest.hasPrefix(", Format/Datatype: ") {
                rest = rest.dropFirst(19)
                let end = rest.range(of: " }")?.lowerBound ?? rest.endIndex
                format = String(rest[..<end])
                rest = rest[end...]
            }
            result.append(LayerTensor(name: name, dimensions: dims, format: format, precision: Precision.dtype(fromFormat: format),
                                      location: location))
        }
        return result
    }

    /// Splits `Key: value, Key2: value2` at `, ` followed by an identifier and `: `.
    static func keyValues(_ text: Substring) -> [MetadataEntry] {
        var entries: [MetadataEntry] = []
        var starts: [(key: Range<Substring.Index>, value: Substring.Index)] = []
        var i = text.startIndex
        func keyAt(_ j: Substring.Index) -> (Range<Substring.Index>, Substring.Index)? {
            var k = j
            guard k < text.endIndex, text[k].isLetter else { return nil }
            while k < text.endIndex, text[k].isLetter || text[k].isNumber || text[k] == "/" || text[k] == "_" { k = text.index(after: k) }
            guard text[k...].hasPrefix(": ") || text[k...] == ":" else { return nil }
            let valueStart = text[k...].hasPrefix(": ") ? text.index(k, offsetBy: 2) : text.endIndex
            return (j..<k, valueStart)
        }
        if let first = keyAt(i) { starts.append((first.0, first.1)) }
        while i < text.endIndex {
            if text[i...].hasPrefix(", "), let next = keyAt(text.index(i, offsetBy: 2)) { starts.append((next.0, next.1)) }
            i = text.index(after: i)
        }
        for (n, s) in starts.enumerated() {
            let end = n + 1 < starts.count ? text.index(starts[n + 1].key.lowerBound, offsetBy: -2) : text.endIndex
            let value = s.value <= end ? text[s.value..<end] : ""
            entries.append(MetadataEntry(key: String(text[s.key]), value: String(value)))
        }
        return entries
    }
}

/// The `Engine Layer Information:` block of a verbose build log:
/// `Layer(TYPE): name, Tactic: 0x…, in (Float[-1,1,28,28]) -> out (Half[-1,32:8,14,14])`
/// (TensorRT 8.0-era logs write tensors as `in[Float(-2,3,300,300)]`; both are read).
enum VerboseLayerInfo {
    static func start(in lines: [Substring]) -> Int? {
        lines.firstIndex { LogText.content($0).hasPrefix("Engine Layer Information:") }
    }

    static func parse(lines: [Substring], path: String) throws -> LayerInformation {
        guard let start = start(in: lines) else {
            throw TensorRTError.invalidFile(path: path, reason: "no \"Engine Layer Information:\" block in the log")
        }
        var layers: [Layer] = []
        var i = start + 1
        while i < lines.count, LogText.content(lines[i]).hasPrefix("Layer(") {
            layers.append(try layer(String(LogText.content(lines[i])), index: layers.count, path: path))
            i += 1
        }
        var warnings: [String] = []
        if layers.isEmpty { warnings.append("\(path): the \"Engine Layer Information:\" block is empty") }
        return LayerInformation(form: layers.isEmpty ? .none : .verboseBuildLog, layers: layers,
                                bindings: LayerFactory.derivedBindings(layers: layers), warnings: warnings,
                                tensorRTVersion: LogText.version(lines))
    }

    static func layer(_ line: String, index: Int, path: String) throws -> Layer {
        func fail(_ reason: String) -> TensorRTError {
            .invalidFile(path: path, reason: "\"Engine Layer Information\" line \(index + 1): \(reason)")
        }
        guard let close = line.range(of: "): ") else { throw fail("expected \"Layer(TYPE): \"") }
        let type = String(line[line.index(line.startIndex, offsetBy: 6)..<close.lowerBound])
        let rest = line[close.upperBound...]
        guard let tacticKey = rest.range(of: ", Tactic: ") else { throw fail("no \"Tactic\"") }
        let name = String(rest[..<tacticKey.lowerBound])
        var io = rest[tacticKey.upperBound...]
        let tacticEnd = io.range(of: ", ")?.lowerBound ?? io.endIndex
        let tactic = String(io[..<tacticEnd])
        io = tacticEnd < io.endIndex ? io[io.index(tacticEnd, offsetBy: 2)...] : ""
        var inputs: [LayerTensor] = [], outputs: [LayerTensor] = []
        if let arrow = io.range(of: " -> ") {
            inputs = tensors(io[..<arrow.lowerBound])
            outputs = tensors(io[arrow.upperBound...])
        }
        return LayerFactory.make(index: index, name: name, type: type, inputs: inputs, outputs: outputs, tacticValue: tactic)
    }

    /// `a (Float[-1,1,28,28]), b (Int64[-1])` or `a[Float(-2,3,300,300)], b[Half(…)]`.
    static func tensors(_ text: Substring) -> [LayerTensor] {
        var result: [LayerTensor] = []
        let chars = Array(text)
        var start = 0
        var i = 0
        while i < chars.count {
            // New form: " (" Word "[" dims "])"
            if chars[i] == " ", i + 1 < chars.count, chars[i + 1] == "(", let m = match(chars, at: i + 2, open: "[", close: "])") {
                result.append(tensor(name: String(chars[start..<i]), type: m.type, dims: m.dims))
                i = m.end
                while i < chars.count, chars[i] == "," || chars[i] == " " { i += 1 }
                start = i
                continue
            }
            // Old form: "[" Word "(" dims ")]"
            if chars[i] == "[", let m = match(chars, at: i + 1, open: "(", close: ")]"), m.end == chars.count || chars[m.end] == "," {
                result.append(tensor(name: String(chars[start..<i]), type: m.type, dims: m.dims))
                i = m.end
                while i < chars.count, chars[i] == "," || chars[i] == " " { i += 1 }
                start = i
                continue
            }
            i += 1
        }
        return result
    }

    private static func match(_ chars: [Character], at j: Int, open: Character, close: String) -> (type: String, dims: [Int], end: Int)? {
        var k = j
        while k < chars.count, chars[k].isLetter || chars[k].isNumber { k += 1 }
        guard k > j, k < chars.count, chars[k] == open else { return nil }
        let type = String(chars[j..<k])
        k += 1
        let dimsStart = k
        while k < chars.count, chars[k].isNumber || chars[k] == "," || chars[k] == "-" || chars[k] == ":" || chars[k] == " " { k += 1 }
        let closeChars = Array(close)
        guard k + closeChars.count <= chars.count, Array(chars[k..<(k + closeChars.count)]) == closeChars else { return nil }
        let dims = String(chars[dimsStart..<k]).split(separator: ",").compactMap { part -> Int? in
            Int(part.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")
        }
        return (type, dims, k + closeChars.count)
    }

    private static func tensor(name: String, type: String, dims: [Int]) -> LayerTensor {
        LayerTensor(name: name.trimmingCharacters(in: .whitespaces), dimensions: dims, format: type,
                    precision: Precision.dtype(fromFormat: type))
    }
}
