import Foundation
import LockstepCore

/// Which form the layer information of a bundle came in.
public enum LayerInfoForm: String, Sendable, Hashable, CaseIterable {
    /// `trtexec --exportLayerInfo` (or `IEngineInspector::getEngineInformation(kJSON)`) of an
    /// engine built with `--profilingVerbosity=detailed`: one JSON object per layer.
    case detailed
    /// The same JSON (or the one-line log) of an engine built with the default
    /// `kLAYER_NAMES_ONLY` verbosity: layer names only. Accepted with a warning.
    case nameOnly
    /// The one-line text `trtexec --dumpLayerInfo` prints to its log (`Layers:` … `Bindings:`).
    case oneLineLog
    /// The `Engine Layer Information:` block of a `trtexec --verbose` build log.
    case verboseBuildLog
    /// The bundle holds no layer information.
    case none
}

/// One input or output tensor of a layer.
public struct LayerTensor: Sendable, Hashable {
    public var name: String
    /// Dimensions as TensorRT reports them (`-1` for a dynamic dimension). For vectorised
    /// formats written `32:8` in build logs, the logical size (32) is kept.
    public var dimensions: [Int]
    /// `Format/Datatype` as written: `Row major linear FP32`, `Channel major FP16 format where
    /// channel % 8 == 0`, `Half`, `Int64`, …
    public var format: String
    /// The element type the format names, or `nil` when it names none Lockstep knows.
    public var precision: DType?
    /// `Device` / `Host`, when given.
    public var location: String?

    public init(name: String, dimensions: [Int], format: String, precision: DType?, location: String? = nil) {
        self.name = name
        self.dimensions = dimensions
        self.format = format
        self.precision = precision
        self.location = location
    }
}

/// The first and last node names of a `{ForeignNode[first...last]}` (Myelin) region.
public struct ForeignNodeRange: Sendable, Hashable {
    public var first: String
    public var last: String

    public init(first: String, last: String) {
        self.first = first
        self.last = last
    }
}

/// One layer of a built engine, as the engine inspector (or a trtexec log) reports it.
public struct Layer: Sendable {
    /// Position in the layer list of the file.
    public var index: Int
    /// The layer name as written (fused names joined by ` + `, a ` [profile N]` suffix kept).
    public var name: String
    /// `LayerType` as TensorRT spells it: `CaskConvolution`, `Reformat`, `NoOp`, `kgen`, `gemm`,
    /// `shape_call`, `Myelin`, … (empty for name-only layer information).
    public var type: String
    /// `ParameterType` (`Convolution`, `Pooling`, `Reformat`, …) when given.
    public var parameterType: String?
    public var inputs: [LayerTensor]
    public var outputs: [LayerTensor]
    public var tacticName: String?
    /// `TacticValue` as written (`0x5b8bf1b8028629d9`).
    public var tacticValue: String?
    /// `StreamId` (TensorRT 10 auxiliary streams).
    public var streamId: Int?
    /// `Metadata` as written (TensorRT ≥ 8.6), separators included.
    public var metadata: String?
    /// ONNX node names from `Metadata` (`[ONNX Layer: name]` entries), else derived from the
    /// fused layer name with TensorRT-generated parts (reformat copies, `(Unnamed Layer* N)`,
    /// Myelin kernels, `squeeze_after_…`) left out.
    public var onnxNodes: [String]
    /// The parts of a fused name: split on ` + ` and ` || `, `PWN(a, b)` expanded; the name
    /// itself when nothing is fused.
    public var fusedParts: [String]
    /// A reformat: `LayerType` `Reformat`, or a layer named `Reformatting CopyNode for …`.
    public var isReformat: Bool
    /// `Origin` of a reformat layer (`QDQ`, `REFORMAT`, …).
    public var reformatOrigin: String?
    /// For `Reformatting CopyNode for Input|Output Tensor N to X`: `X`.
    public var reformatTarget: String?
    /// `LayerType` `NoOp` (an elided reformat, reshape or copy).
    public var isNoOp: Bool
    /// A Myelin layer or kernel: `{ForeignNode[…]}`, `LayerType` `Myelin`/`kgen`/`gemm`/
    /// `shape_call`, or a `__myl_*` / `*_mylN_M` name.
    public var isMyelin: Bool
    /// For `{ForeignNode[first...last]}` layers: the first and last node names.
    public var foreignNodes: ForeignNodeRange?
    /// The optimisation profile (`[profile N]` suffix); 0 without a suffix.
    public var profileIndex: Int
    /// Other keys of the layer object (kernel, stride, weights, …) in file order, values as
    /// compact JSON text (strings as is).
    public var parameters: [MetadataEntry]

    /// The precision of the layer's first output, else of its first input.
    public var precision: DType? { outputs.first?.precision ?? inputs.first?.precision }
}

/// A graph input or output (`Bindings` up to TensorRT 10, `I/O Tensors` in TensorRT 11).
public struct Binding: Sendable, Hashable {
    public var name: String
    /// `true` for an input, `false` for an output, `nil` when it cannot be told.
    public var isInput: Bool?
    /// `DataType` (TensorRT 11) or the precision of the tensor in the layer list.
    public var dtype: DType?
    public var dimensions: [Int]?
    public var location: String?
    /// `IsShapeInferenceIO` (TensorRT 11).
    public var isShapeInferenceIO: Bool?
    /// The `[profile N]` suffix; 0 without one.
    public var profileIndex: Int

    public init(name: String, isInput: Bool?, dtype: DType? = nil, dimensions: [Int]? = nil, location: String? = nil,
                isShapeInferenceIO: Bool? = nil, profileIndex: Int = 0) {
        self.name = name
        self.isInput = isInput
        self.dtype = dtype
        self.dimensions = dimensions
        self.location = location
        self.isShapeInferenceIO = isShapeInferenceIO
        self.profileIndex = profileIndex
    }
}

// MARK: - Name and metadata analysis

enum LayerNames {
    static let metadataSeparators: Set<UnicodeScalar> = ["\u{1E}", "\u{1F}"]

    /// Entries of a `Metadata` string: split on U+001E (entries) and U+001F (sub-fields).
    static func metadataEntries(_ metadata: String) -> [String] {
        var entries: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in metadata.unicodeScalars {
            if metadataSeparators.contains(scalar) {
                entries.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        entries.append(String(current))
        return entries.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// ONNX node names in `Metadata`: `[ONNX Layer: name]` entries, in order, without repeats.
    static func onnxNodes(fromMetadata metadata: String) -> [String] {
        var names: [String] = []
        for entry in metadataEntries(metadata) {
            let prefix = "[ONNX Layer: "
            guard entry.hasPrefix(prefix), entry.hasSuffix("]") else { continue }
            let name = String(entry.dropFirst(prefix.count).dropLast())
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Splits ` [profile N]` off a name.
    static func profileSuffix(_ name: String) -> (base: String, profile: Int) {
        guard let open = name.range(of: " [profile ", options: .backwards) else { return (name, 0) }
        let rest = name[open.upperBound...]
        guard let close = rest.firstIndex(of: "]"), let n = Int(rest[..<close].trimmingCharacters(in: .whitespaces)) else {
            return (name, 0)
        }
        let base = String(name[..<open.lowerBound]) + String(rest[rest.index(after: close)...])
        return (base, n)
    }

    /// `{ForeignNode[first...last]}` → (first, last).
    static func foreignNodes(_ name: String) -> ForeignNodeRange? {
        let prefix = "{ForeignNode[", suffix = "]}"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count >= prefix.count + suffix.count else { return nil }
        let inner = String(name.dropFirst(prefix.count).dropLast(suffix.count))
        if let dots = inner.range(of: "...") {
            return ForeignNodeRange(first: String(inner[..<dots.lowerBound]), last: String(inner[dots.upperBound...]))
        }
        return ForeignNodeRange(first: inner, last: inner)
    }

    /// `Reformatting CopyNode for Input Tensor 0 to X` → X.
    static func reformatTarget(_ name: String) -> String? {
        for prefix in ["Reformatting CopyNode for Input Tensor ", "Reformatting CopyNode for Output Tensor "] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let to = rest.range(of: " to ") else { return nil }
            return String(rest[to.upperBound...])
        }
        return nil
    }

    /// Splits a fused layer name into its parts (see `Layer.fusedParts`).
    static func fusedParts(_ name: String) -> [String] {
        if let foreign = foreignNodes(name) {
            return split(foreign.first, separators: [" + ", " || "]) + (foreign.last == foreign.first ? [] : split(foreign.last, separators: [" + ", " || "]))
        }
        var parts: [String] = []
        for part in split(name, separators: [" + ", " || "]) {
            parts.append(contentsOf: expandPWN(part))
        }
        return parts.isEmpty ? [name] : parts
    }

    /// `PWN(PWN(a, b), c)` → [a, b, c]; other parts unchanged.
    private static func expandPWN(_ part: String, depth: Int = 0) -> [String] {
        guard depth < 32, part.hasPrefix("PWN("), part.hasSuffix(")") else { return [part] }
        let inner = String(part.dropFirst(4).dropLast())
        return split(inner, separators: [", ", " + ", " || "]).flatMap { expandPWN($0, depth: depth + 1) }
    }

    /// Splits at separators outside brackets; falls back to a plain split when brackets do not balance.
    static func split(_ text: String, separators: [String]) -> [String] {
        let chars = Array(text.unicodeScalars)
        let seps = separators.map { Array($0.unicodeScalars) }
        var parts: [String] = []
        var depth = 0
        var start = 0
        var i = 0
        var balanced = true
        while i < chars.count {
            let c = chars[i]
            if c == "(" || c == "[" || c == "{" { depth += 1 }
            if c == ")" || c == "]" || c == "}" {
                depth -= 1
                if depth < 0 { balanced = false; depth = 0 }
            }
            if depth == 0, let sep = seps.first(where: { i + $0.count <= chars.count && Array(chars[i..<(i + $0.count)]) == $0 }) {
                parts.append(String(String.UnicodeScalarView(chars[start..<i])))
                i += sep.count
                start = i
                continue
            }
            i += 1
        }
        parts.append(String(String.UnicodeScalarView(chars[start..<chars.count])))
        if depth != 0 || !balanced {
            var plain = [text]
            for sep in separators { plain = plain.flatMap { $0.components(separatedBy: sep) } }
            parts = plain
        }
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Names TensorRT (or its ONNX parser, Myelin, Torch-TensorRT) makes up; never ONNX nodes.
    static func isGenerated(_ part: String) -> Bool {
        let prefixes = ["(Unnamed Layer*", "Reformatting CopyNode", "Reformatted ", "unsqueeze_node_after_", "squeeze_after_",
                        "copied_squeeze_after_", "reshape_before_", "reshape_after_", "__myl", "__mye", "dummy_shape_call",
                        "ONNXTRT_", "Forced Cast ITensor", "{ForeignNode["]
        if prefixes.contains(where: { part.hasPrefix($0) }) { return true }
        return isMyelinKernelName(part)
    }

    /// `…_myl4_2` (Myelin kernel names end with `_myl<graph>_<index>`).
    static func isMyelinKernelName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        var i = scalars.count - 1
        func digits() -> Bool {
            let end = i
            while i >= 0, ("0"..."9").contains(scalars[i]) { i -= 1 }
            return i < end
        }
        guard digits(), i >= 0, scalars[i] == "_" else { return false }
        i -= 1
        guard digits() else { return false }
        return i >= 3 && String(String.UnicodeScalarView(scalars[(i - 3)...i])) == "_myl"
    }

    /// Torch-TensorRT names parts `[TYPE]-[target]-[source/node]`: the source node is the last bracket.
    static func sourceName(_ part: String) -> String {
        guard part.hasPrefix("["), part.hasSuffix("]"), let lastOpen = part.range(of: "]-[", options: .backwards) else { return part }
        return String(part[lastOpen.upperBound...].dropLast())
    }

    static let myelinTypes: Set<String> = ["Myelin", "kgen", "gemm", "shape_call", "MyelinLayer"]

    static func isMyelin(name: String, type: String) -> Bool {
        myelinTypes.contains(type) || name.hasPrefix("__myl") || name.hasPrefix("__mye") || name.hasPrefix("{ForeignNode[")
            || isMyelinKernelName(name)
    }
}

// MARK: - Precision

enum Precision {
    /// Words of `Format/Datatype` strings (and `DataType` names) that name an element type.
    private static let table: [String: DType] = [
        "fp32": .float32, "float": .float32, "float32": .float32, "kfloat": .float32,
        "fp16": .float16, "half": .float16, "float16": .float16, "khalf": .float16,
        "bf16": .bfloat16, "bfloat16": .bfloat16, "kbf16": .bfloat16,
        "fp8": .float8e4m3fn, "kfp8": .float8e4m3fn, "e4m3": .float8e4m3fn,
        "fp4": .float4e2m1, "kfp4": .float4e2m1, "e2m1": .float4e2m1,
        "e8m0": .float8e8m0, "ke8m0": .float8e8m0,
        "double": .float64, "fp64": .float64,
        "int4": .int4, "kint4": .int4,
        "int8": .int8, "kint8": .int8, "int16": .int16,
        "int32": .int32, "kint32": .int32, "int64": .int64, "kint64": .int64,
        "uint8": .uint8, "kuint8": .uint8, "uint16": .uint16, "uint32": .uint32, "uint64": .uint64,
        "bool": .bool, "kbool": .bool,
        "floatcomplex": .complex64, "doublecomplex": .complex128,
    ]

    /// The element type a format string names (`Row major linear FP32` → float32,
    /// `Channel major FP16 format where channel % 8 == 0` → float16, `Half` → float16).
    static func dtype(fromFormat format: String) -> DType? {
        let words = format.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        for word in words {
            if let t = table[word.lowercased()] { return t }
        }
        return nil
    }

    /// trtexec type names in logs: `fp32`, `fp16`, `int32`, `int64`, `int8`, `bool`, `uint8`, `bf16`, `fp8`.
    static func dtype(fromTypeName name: String) -> DType? {
        table[name.lowercased()]
    }
}
