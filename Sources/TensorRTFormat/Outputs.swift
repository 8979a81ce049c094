import Foundation
import LockstepCore
import TensorIO

/// Named tensors read from run outputs (or inputs).
struct NamedTensors {
    var tensors: [(name: String, tensor: Tensor)] = []
    var warnings: [String] = []
}

/// Builds tensors from values printed as text (trtexec `--exportOutput` / `--dumpOutput`).
enum PrintedTensor {
    /// `1x10` → [1, 10]; an empty string is a scalar.
    static func dims(_ text: String) -> [Int]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return [] }
        var dims: [Int] = []
        for part in trimmed.split(separator: "x", omittingEmptySubsequences: false) {
            guard let d = Int(part), d >= 0 else { return nil }
            dims.append(d)
        }
        return dims
    }

    /// A tensor of `dtype` (integral types and bool kept, every floating type stored as float32,
    /// float64 as float64) from `values`.
    static func make(values: [Double], dims: [Int], dtype: DType?, what: String) throws -> Tensor {
        guard let count = Shape.elementCount(dims) else { throw PrintedTensorError("\(what): invalid dimensions \(dims)") }
        guard count == values.count else {
            throw PrintedTensorError("\(what): dimensions \(dims.map(String.init).joined(separator: "x")) need \(count) values, found \(values.count)")
        }
        func ints<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, _ type: DType) throws -> Tensor {
            var out: [T] = []
            out.reserveCapacity(values.count)
            for (i, v) in values.enumerated() {
                guard v.rounded() == v, let x = T(exactly: v) else {
                    throw PrintedTensorError("\(what): value \(i) (\(v)) is not a \(type) value")
                }
                out.append(x)
            }
            do { return try Tensor(dtype: type, shape: dims, values: out) } catch { throw PrintedTensorError("\(what): \(error.localizedDescription)") }
        }
        do {
            switch dtype {
            case .int8?: return try ints(Int8.self, .int8)
            case .uint8?: return try ints(UInt8.self, .uint8)
            case .int16?: return try ints(Int16.self, .int16)
            case .uint16?: return try ints(UInt16.self, .uint16)
            case .int32?: return try ints(Int32.self, .int32)
            case .uint32?: return try ints(UInt32.self, .uint32)
            case .int64?: return try ints(Int64.self, .int64)
            case .uint64?: return try ints(UInt64.self, .uint64)
            case .bool?:
                return try Tensor(dtype: .bool, shape: dims, values: values.map { UInt8($0 != 0 ? 1 : 0) })
            case .float64?:
                return try Tensor(dtype: .float64, shape: dims, values: values)
            case nil, .float32?, .float16?, .bfloat16?, .float8e4m3fn?, .float8e4m3fnuz?, .float8e5m2?, .float8e5m2fnuz?,
                 .float8e8m0?, .float4e2m1?, .float6e2m3?, .float6e3m2?, .int4?, .uint4?, .int2?, .uint2?:
                // Printed values of narrow types: kept as float32 (they are exact there).
                return try Tensor(float32: values.map { Float($0) }, shape: dims)
            case .string?, .complex64?, .complex128?:
                throw PrintedTensorError("\(what): printed values cannot form a \(dtype!) tensor")
            }
        } catch let e as PrintedTensorError {
            throw e
        } catch {
            throw PrintedTensorError("\(what): \(error.localizedDescription)")
        }
    }
}

struct PrintedTensorError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// `trtexec --exportOutput` JSON: `[{"name": "y", "dimensions": "1x10", "values": [ … ]}, …]`.
enum ExportOutputJSON {
    static func parse(_ root: JSONValue, path: String, dtypeOf: (String) -> DType?) throws -> NamedTensors {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard let items = root.arrayValue else {
            throw fail("not a trtexec --exportOutput file: the JSON is \(root.kindDescription)\(JSONKind.hint(root))")
        }
        var result = NamedTensors()
        for (i, item) in items.enumerated() {
            guard item.isObject else { throw fail("entry \(i) is \(item.kindDescription), expected an output object") }
            guard let name = item["name"]?.stringValue else { throw fail("entry \(i) has no \"name\" string") }
            guard let dimsValue = item["dimensions"] else { throw fail("output '\(name)' has no \"dimensions\"") }
            let dims: [Int]
            if let text = dimsValue.stringValue {
                guard let d = PrintedTensor.dims(text) else { throw fail("output '\(name)': bad \"dimensions\" '\(text)'") }
                dims = d
            } else {
                dims = try LayerInfoJSON.dims(dimsValue, what: "output '\(name)'", path: path)
            }
            guard let valuesValue = item["values"], let values = valuesValue.arrayValue else {
                throw fail("output '\(name)' has no \"values\" array")
            }
            var numbers: [Double] = []
            numbers.reserveCapacity(values.count)
            for (j, v) in values.enumerated() {
                guard let d = v.doubleValue else { throw fail("output '\(name)': value \(j) is \(v.kindDescription), expected a number") }
                numbers.append(d)
            }
            do {
                result.tensors.append((name, try PrintedTensor.make(values: numbers, dims: dims, dtype: dtypeOf(name), what: "output '\(name)'")))
            } catch let e as PrintedTensorError {
                throw fail(e.message)
            }
        }
        return result
    }
}

/// `trtexec --dumpOutput` text: `name: (1x10)` followed by one line of values.
enum DumpOutputText {
    /// Output headers and the values line after each.
    static func sections(in lines: [Substring]) -> [(name: String, dims: [Int], line: Int)] {
        var result: [(String, [Int], Int)] = []
        for i in 0..<max(lines.count - 1, 0) {
            let c = LogText.content(lines[i])
            guard c.hasSuffix(")"), let open = c.range(of: ": (", options: .backwards) else { continue }
            let name = String(c[..<open.lowerBound])
            guard !name.isEmpty, let dims = PrintedTensor.dims(String(c[open.upperBound...].dropLast())) else { continue }
            let next = LogText.content(lines[i + 1])
            let words = next.split(separator: " ", omittingEmptySubsequences: true)
            guard words.allSatisfy({ Double($0) != nil || isNonFinite($0) }), words.count == Shape.elementCount(dims) else { continue }
            result.append((name, dims, i + 1))
        }
        return result
    }

    static func isNonFinite(_ w: Substring) -> Bool {
        ["nan", "-nan", "inf", "-inf", "NaN", "-NaN", "Inf", "-Inf"].contains(String(w))
    }

    static func parse(lines: [Substring], path: String, dtypeOf: (String) -> DType?) throws -> NamedTensors {
        var declared: [String: DType] = [:]
        for line in lines {
            // "Output binding for z with dimensions 1 and type int64 is created."
            let c = LogText.content(line)
            guard let r = c.range(of: "binding for "), let w = c.range(of: " with dimensions "), w.lowerBound > r.upperBound,
                  let t = c.range(of: " and type "), t.lowerBound > w.upperBound else { continue }
            let name = String(c[r.upperBound..<w.lowerBound])
            let typeName = c[t.upperBound...].prefix(while: { !$0.isWhitespace })
            if let dtype = Precision.dtype(fromTypeName: String(typeName)) { declared[name] = dtype }
        }
        let found = sections(in: lines)
        guard !found.isEmpty else {
            throw TensorRTError.invalidFile(path: path, reason: "no output values (trtexec --dumpOutput) in the log")
        }
        var result = NamedTensors()
        for s in found {
            let values = LogText.content(lines[s.line]).split(separator: " ", omittingEmptySubsequences: true).map { w -> Double in
                if let d = Double(w) { return d }
                return w.contains("nan") || w.contains("NaN") ? .nan : (w.hasPrefix("-") ? -.infinity : .infinity)
            }
            do {
                result.tensors.append((s.name, try PrintedTensor.make(values: values, dims: s.dims, dtype: declared[s.name] ?? dtypeOf(s.name),
                                                                       what: "output '\(s.name)'")))
            } catch let e as PrintedTensorError {
                throw TensorRTError.invalidFile(path: path, reason: e.message)
            }
        }
        return result
    }
}

/// Polygraphy JSON (`polygraphy run --save-outputs` RunResults, `--save-inputs` feed lists).
///
/// Arrays are `{"array": <base64 of a .npy image>, "polygraphy_class": "ndarray"}` (older
/// Polygraphy marks them `"__polygraphy_encoded_ndarray": "polygraphy_serialized_json_type"`,
/// and the oldest stored the `.npy` bytes as latin-1 text instead of base64), possibly wrapped in
/// `{"values": …, "polygraphy_class": "LazyArray"}` (`LazyNumpyArray` before Polygraphy 0.49).
/// Source: NVIDIA/TensorRT `tools/Polygraphy/polygraphy/json/serde.py`, `comparator/struct.py`.
enum PolygraphyJSON {
    static let legacyMarker = "polygraphy_serialized_json_type"

    static func polygraphyClass(_ v: JSONValue) -> String? {
        if let c = v["polygraphy_class"]?.stringValue { return c }
        for (key, value) in v.objectMembers ?? [] where key.hasPrefix("__polygraphy_encoded_") && value.stringValue == legacyMarker {
            return String(key.dropFirst("__polygraphy_encoded_".count))
        }
        return nil
    }

    /// True when `v` looks like an encoded Polygraphy array.
    static func isEncodedArray(_ v: JSONValue) -> Bool {
        guard v.isObject else { return false }
        if let c = polygraphyClass(v) { return ["ndarray", "LazyArray", "LazyNumpyArray", "FormattedArray", "Tensor"].contains(c) }
        return v["array"]?.stringValue != nil
    }

    static func decodeArray(_ v: JSONValue, what: String, path: String, depth: Int = 0) throws -> Tensor {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: "\(what): \(reason)") }
        guard v.isObject else { throw fail("is \(v.kindDescription), expected a Polygraphy array object") }
        let cls = polygraphyClass(v)
        switch cls {
        case "LazyArray"?, "LazyNumpyArray"?:
            guard depth < 4, let inner = v["values"] else { throw fail("\(cls!) without \"values\"") }
            return try decodeArray(inner, what: what, path: path, depth: depth + 1)
        case "FormattedArray"?:
            throw TensorRTError.unsupported(path: path, reason: "\(what): a Polygraphy FormattedArray (raw vectorised bytes) is not read")
        case nil, "ndarray"?:
            break
        case let other?:
            throw TensorRTError.unsupported(path: path, reason: "\(what): Polygraphy class '\(other)' is not an array Lockstep reads")
        }
        if cls == nil, v["array"] == nil, let inner = v["values"], depth < 4 {
            return try decodeArray(inner, what: what, path: path, depth: depth + 1)
        }
        guard let text = v["array"]?.stringValue else { throw fail("has no \"array\" string") }
        let bytes: [UInt8]
        if let data = Data(base64Encoded: text) {
            bytes = [UInt8](data)
        } else if text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            bytes = text.unicodeScalars.map { UInt8($0.value) }   // the oldest Polygraphy: latin-1 text of the .npy bytes
        } else {
            throw fail("\"array\" is neither base64 nor latin-1 text")
        }
        let npyMagic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw TensorRTError.unsupported(path: path, reason: "\(what): an .npz-encoded array (very old Polygraphy) is not read; re-save the file with a current Polygraphy")
        }
        guard bytes.starts(with: npyMagic) else {
            throw fail("\"array\" does not hold a .npy image (decoded \(bytes.count) bytes starting \(bytes.prefix(6).map { String(format: "%02x", $0) }.joined(separator: " ")); bad base64?)")
        }
        do {
            return try bytes.withUnsafeBytes { try Npy.read(data: $0, name: what) }
        } catch let e as TensorIOError {
            throw TensorRTError.invalidFile(path: path, reason: e.localizedDescription)
        }
    }

    /// `{"lst": [[runner, [IterationResult, …]], …], "polygraphy_class": "RunResults"}`.
    static func runResults(_ root: JSONValue, path: String) throws -> NamedTensors {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard root.isObject, let lstValue = root["lst"] else {
            throw fail("not Polygraphy RunResults: expected an object with \"lst\"\(JSONKind.hint(root))")
        }
        guard let lst = lstValue.arrayValue else { throw fail("\"lst\" is \(lstValue.kindDescription), expected an array") }
        var runners: [(name: String, iterations: [JSONValue])] = []
        for (i, entry) in lst.enumerated() {
            guard let pair = entry.arrayValue, pair.count == 2, let name = pair[0].stringValue, let iterations = pair[1].arrayValue else {
                throw fail("\"lst\" entry \(i) is not [runner name, [iteration results]]")
            }
            runners.append((name, iterations))
        }
        var result = NamedTensors()
        guard let chosen = runners.first(where: { $0.name.hasPrefix("trt-runner") }) ?? runners.first else {
            result.warnings.append("\(path): the RunResults hold no runner")
            return result
        }
        if runners.count > 1 {
            result.warnings.append("\(path): \(runners.count) runners (\(runners.map(\.name).joined(separator: ", "))); the outputs of '\(chosen.name)' are used")
        }
        guard let iteration = chosen.iterations.first else {
            result.warnings.append("\(path): runner '\(chosen.name)' has no iteration results")
            return result
        }
        if chosen.iterations.count > 1 {
            result.warnings.append("\(path): runner '\(chosen.name)' has \(chosen.iterations.count) iterations; iteration 0 is used")
        }
        guard let outputs = iteration["outputs"], let members = outputs.objectMembers else {
            throw fail("runner '\(chosen.name)' iteration 0 has no \"outputs\" object")
        }
        for (name, value) in members {
            result.tensors.append((name, try decodeArray(value, what: "output '\(name)' of runner '\(chosen.name)'", path: path)))
        }
        return result
    }

    /// `--save-inputs`: a list of feed dicts `[{name: array, …}, …]`; the first is used.
    static func inputs(_ root: JSONValue, path: String) throws -> NamedTensors {
        func fail(_ reason: String) -> TensorRTError { .invalidFile(path: path, reason: reason) }
        guard let feeds = root.arrayValue, let first = feeds.first, let members = first.objectMembers else {
            throw fail("not Polygraphy inputs: expected a list of {name: array} objects\(JSONKind.hint(root))")
        }
        var result = NamedTensors()
        if feeds.count > 1 { result.warnings.append("\(path): \(feeds.count) input sets; the first is used") }
        for (name, value) in members {
            result.tensors.append((name, try decodeArray(value, what: "input '\(name)'", path: path)))
        }
        return result
    }
}

/// A plain `.npy` file: one tensor named after the file.
enum NpyFile {
    static func read(path: String) throws -> (name: String, tensor: Tensor) {
        let tensor: Tensor
        do { tensor = try Npy.read(path: path) } catch let e as TensorIOError {
            switch e {
            case .cannotRead(_, let reason): throw TensorRTError.cannotRead(path: path, reason: reason)
            case .unsupported(_, let reason): throw TensorRTError.unsupported(path: path, reason: reason)
            default: throw TensorRTError.invalidFile(path: path, reason: stripPrefix(e.localizedDescription, path))
            }
        }
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".npy") { name = String(name.dropLast(4)) }
        return (name, tensor)
    }

    static func stripPrefix(_ message: String, _ path: String) -> String {
        message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }
}
