import Foundation
import Interpreter
import LockstepCore
import ONNXFormat
import TensorIO

/// Runs the ONNX backend node cases (`<dir>/<case>/model.onnx` + `test_data_set_*/input_*.pb`,
/// `output_*.pb`, optional `data.json` with rtol/atol) through the reference interpreter.
public enum Conformance {
    public enum Status: String, Codable, Sendable {
        case passed, failed, unsupported
        /// Listed in the expected-failures file (with its reason); counted as skipped.
        case expectedFailure
    }

    public struct CaseResult: Codable, Sendable, Equatable {
        public var name: String
        /// The op the case exercises (see docs/conformance.md).
        public var op: String
        public var status: Status
        public var reason: String?
        /// TFLite op tests only (nil elsewhere): whether a passing case matched every output byte
        /// for byte, not just within its tolerance.
        public var bitExact: Bool? = nil
    }

    public struct OpSummary: Codable, Sendable, Equatable {
        public var op: String
        public var cases: Int
        public var passed: Int
        public var failed: Int
        public var unsupported: Int
        public var skipped: Int
    }

    public struct Report: Codable, Sendable, Equatable {
        public var directory: String
        public var cases: [CaseResult]
        public var passed: Int
        public var failed: Int
        public var skipped: Int
        public var perOp: [OpSummary]

        /// `N passed, N failed, N skipped` (unsupported cases not listed as expected count as failed).
        public var summaryLine: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
    }

    /// An expected failure: a case (or a case-name prefix ending in `*`) and why it fails.
    public struct ExpectedFailure: Sendable, Equatable {
        public var pattern: String
        public var reason: String

        func matches(_ name: String) -> Bool {
            pattern.hasSuffix("*") ? name.hasPrefix(String(pattern.dropLast())) : name == pattern
        }
    }

    /// Reads an expected-failures file: one `case_name: reason` per line (`#` comments; a
    /// trailing `*` in the name matches a prefix). Every entry needs a reason.
    public static func loadExpectedFailures(path: String) throws -> [ExpectedFailure] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LockstepError.unsupportedFormat(path: path, reason: "cannot read the expected-failures file")
        }
        var out: [ExpectedFailure] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw LockstepError.unsupportedFormat(path: "\(path):\(number + 1)", reason: "expected 'case_name: reason'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let reason = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !reason.isEmpty else {
                throw LockstepError.unsupportedFormat(path: "\(path):\(number + 1)", reason: "every expected failure needs a case name and a reason")
            }
            out.append(ExpectedFailure(pattern: name, reason: reason))
        }
        return out
    }

    /// Runs every case folder under `directory` (sorted by name). `filter` keeps case names
    /// containing it. `progress` is called after each case.
    public static func runNodeTests(directory: String, expected: [ExpectedFailure] = [], filter: String? = nil,
                                    progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        try runSuite(directory: directory, suite: "ONNX node test cases", modelFile: "model.onnx", expected: expected,
                     filter: filter, progress: progress) { runCase(directory: $0, name: $1) }
    }

    /// The loop both suites share: every `<case>/<modelFile>` folder under `directory`, sorted by
    /// name, kept when its name contains `filter`; listed failures become expected failures with
    /// their reason; `progress` is called after each case.
    static func runSuite(directory: String, suite: String, modelFile: String, expected: [ExpectedFailure], filter: String?,
                         progress: ((Int, Int) -> Void)?, run: (_ caseDirectory: String, _ name: String) -> CaseResult) throws -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LockstepError.unsupportedFormat(path: directory, reason: "not a folder of \(suite)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted().filter { name in
            FileManager.default.fileExists(atPath: "\(directory)/\(name)/\(modelFile)") && (filter.map { name.contains($0) } ?? true)
        }
        guard !names.isEmpty else {
            throw LockstepError.unsupportedFormat(path: directory, reason: "no test cases found (expected <case>/\(modelFile))")
        }
        var results: [CaseResult] = []
        for (i, name) in names.enumerated() {
            var result = run("\(directory)/\(name)", name)
            if result.status != .passed, let e = expected.first(where: { $0.matches(name) }) {
                result.status = .expectedFailure
                result.reason = e.reason
            }
            results.append(result)
            progress?(i + 1, names.count)
        }
        return summarize(directory: directory, results)
    }

    static func summarize(directory: String, _ results: [CaseResult]) -> Report {
        var perOp: [String: OpSummary] = [:]
        for r in results {
            var s = perOp[r.op] ?? OpSummary(op: r.op, cases: 0, passed: 0, failed: 0, unsupported: 0, skipped: 0)
            s.cases += 1
            switch r.status {
            case .passed: s.passed += 1
            case .failed: s.failed += 1
            case .unsupported: s.unsupported += 1
            case .expectedFailure: s.skipped += 1
            }
            perOp[r.op] = s
        }
        let passed = results.filter { $0.status == .passed }.count
        let skipped = results.filter { $0.status == .expectedFailure }.count
        return Report(directory: directory, cases: results, passed: passed, failed: results.count - passed - skipped,
                      skipped: skipped, perOp: perOp.values.sorted { $0.op < $1.op })
    }

    /// Runs one case: every data set must match within the case's tolerances.
    static func runCase(directory: String, name: String) -> CaseResult {
        let model: Model
        do { model = try ONNXLoader.load(path: directory + "/model.onnx") } catch {
            return CaseResult(name: name, op: "?", status: .failed, reason: "cannot load model: \(error.localizedDescription)")
        }
        let op = caseOp(name: name, model: model)
        var rtol = 1e-3, atol = 1e-7
        if let data = FileManager.default.contents(atPath: directory + "/data.json"),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            rtol = (object["rtol"] as? Double) ?? rtol
            atol = (object["atol"] as? Double) ?? atol
        }
        let session: Session
        do { session = try Session(model: model) } catch let error as InterpreterError {
            return CaseResult(name: name, op: op, status: error.isUnsupported ? .unsupported : .failed, reason: error.localizedDescription)
        } catch {
            return CaseResult(name: name, op: op, status: .failed, reason: error.localizedDescription)
        }
        let sets = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("test_data_set_") }.sorted()
        for set in sets {
            let setDir = "\(directory)/\(set)"
            var feeds: [String: Value] = [:]
            do {
                for (i, input) in model.graph.runtimeInputs.enumerated() {
                    let file = "\(setDir)/input_\(i).pb"
                    guard FileManager.default.fileExists(atPath: file) else { continue }  // omitted optional input
                    guard let kind = valueKind(input.type) else {
                        return CaseResult(name: name, op: op, status: .unsupported, reason: "\(set): input '\(input.name)' is \(input.type); only tensor, sequence and optional test data is read")
                    }
                    feeds[input.name] = try interpreterValue(try ValueProtoFile.read(path: file, as: kind), declared: input.type)
                }
                let result = try session.run(feeds)
                for (i, output) in model.graph.outputs.enumerated() {
                    let file = "\(setDir)/output_\(i).pb"
                    guard FileManager.default.fileExists(atPath: file) else { continue }
                    guard let kind = valueKind(output.type) else {
                        return CaseResult(name: name, op: op, status: .unsupported, reason: "\(set): output '\(output.name)' is \(output.type); only tensor, sequence and optional test data is read")
                    }
                    let expected = try ValueProtoFile.read(path: file, as: kind)
                    if let mismatch = compare(result.outputs[i].value, expected, rtol: rtol, atol: atol) {
                        return CaseResult(name: name, op: op, status: .failed, reason: "\(set): output '\(output.name)': \(mismatch)")
                    }
                }
            } catch let error as InterpreterError {
                return CaseResult(name: name, op: op, status: error.isUnsupported ? .unsupported : .failed, reason: "\(set): \(error.localizedDescription)")
            } catch {
                return CaseResult(name: name, op: op, status: .failed, reason: "\(set): \(error.localizedDescription)")
            }
        }
        return CaseResult(name: name, op: op, status: .passed, reason: nil)
    }

    /// The op a case exercises: the first node op whose name (case-insensitively, without
    /// underscores) occurs in the case name, else the first node's op.
    static func caseOp(name: String, model: Model) -> String {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "")
        let ops = model.graph.nodes.map(\.op.name)
        let matching = ops.filter { key.contains($0.lowercased()) }.max { $0.count < $1.count }
        return matching ?? ops.first ?? "?"
    }

    /// Which message a test-data file of a value of type `type` holds (nil: not readable).
    static func valueKind(_ type: ValueType) -> ValueProtoFile.Kind? {
        switch type {
        case .tensor: return .tensor
        case .sequence: return .sequence
        case .optional: return .optional
        case .sparseTensor, .map, .opaque, .unspecified: return nil
        }
    }

    /// A value read from test data as the interpreter's `Value` (sequences hold tensors only).
    static func interpreterValue(_ value: ProtoValue, declared: ValueType?) throws -> Value {
        switch value {
        case .tensor(let t):
            return .tensor(t)
        case .sequence(let items):
            let tensors = try items.map { item -> Tensor in
                guard case .tensor(let t) = item else { throw InterpreterError.graph("sequences of sequences or optionals are not supported") }
                return t
            }
            var elementType = tensors.first?.dtype
            if elementType == nil, case .sequence(.tensor(let declaredType, _)?)? = declared { elementType = declaredType }
            return .sequence(tensors, elementType: elementType)
        case .optional(let inner):
            var innerType: ValueType?
            if case .optional(let t)? = declared { innerType = t }
            return .optional(try inner.map { try interpreterValue($0, declared: innerType) })
        }
    }

    /// Compares a computed value with expected test data (tensors as below, sequences element by element).
    static func compare(_ actual: Value?, _ expected: ProtoValue, rtol: Double, atol: Double) -> String? {
        switch (actual, expected) {
        case (.tensor(let a)?, .tensor(let e)):
            return compare(a, e, rtol: rtol, atol: atol)
        case (.sequence(let a, _)?, .sequence(let e)):
            guard a.count == e.count else { return "sequence of \(a.count) tensors, expected \(e.count)" }
            for (i, (x, y)) in zip(a, e).enumerated() {
                if let mismatch = compare(.tensor(x), y, rtol: rtol, atol: atol) { return "element \(i): \(mismatch)" }
            }
            return nil
        case (.optional(nil)?, .optional(nil)):
            return nil
        case (.optional(let a?)?, .optional(let e?)):
            return compare(a, e, rtol: rtol, atol: atol).map { "optional value: \($0)" }
        default:
            return "value is \(actual?.typeDescription ?? "missing"), expected \(describe(expected))"
        }
    }

    static func describe(_ value: ProtoValue) -> String {
        switch value {
        case .tensor(let t): return "tensor(\(t.dtype))\(t.shape)"
        case .sequence(let items): return "sequence of \(items.count)"
        case .optional(let inner): return inner.map { "optional(\(describe($0)))" } ?? "empty optional"
        }
    }

    /// The real and imaginary parts of a complex64/complex128 tensor, interleaved, as doubles.
    static func complexParts(_ t: Tensor) -> [Double]? {
        let bytes = t.storage.bytes
        switch t.dtype {
        case .complex64:
            return (0..<(bytes.count / 4)).map { Double(Float(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        case .complex128:
            return (0..<(bytes.count / 8)).map { Double(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        default:
            return nil
        }
    }

    /// Compares interleaved values (complex parts) as `compare(_:_:rtol:atol:)` does reals.
    static func compare(_ a: [Double], _ e: [Double], rtol: Double, atol: Double) -> String? {
        var bad = 0
        var first: (Int, Double, Double)?
        for i in 0..<min(a.count, e.count) {
            let x = a[i], y = e[i]
            if x.isNaN && y.isNaN { continue }
            if x == y { continue }
            if x.isNaN || y.isNaN || x.isInfinite || y.isInfinite || abs(x - y) > atol + rtol * abs(y) {
                bad += 1
                if first == nil { first = (i, x, y) }
            }
        }
        guard let (i, x, y) = first else { return nil }
        return "\(bad) of \(a.count / 2) complex parts differ; first at element \(i / 2) (\(i % 2 == 0 ? "real" : "imaginary")): \(x) vs expected \(y)"
    }

    /// numpy `assert_allclose(actual, expected, rtol, atol, equal_nan=True)` plus exact dtype and shape.
    /// Returns a description of the first problem, or nil when the tensors match.
    public static func compare(_ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double) -> String? {
        guard actual.dtype == expected.dtype else { return "dtype \(actual.dtype), expected \(expected.dtype)" }
        guard actual.shape == expected.shape else { return "shape \(actual.shape), expected \(expected.shape)" }
        if actual.dtype == .string {
            if let i = actual.strings.indices.first(where: { actual.strings[$0] != expected.strings[$0] }) { return "element \(i) differs" }
            return nil
        }
        if actual.dtype.isComplex, let a = complexParts(actual), let e = complexParts(expected) {
            // Real and imaginary parts compared as separate reals (numpy allclose compares |a − e|
            // of complex values; per part is at least as strict, and names the part that differs).
            return compare(a, e, rtol: rtol, atol: atol)
        }
        guard actual.dtype.isConvertibleToReal, let a = try? actual.doubleValues(), let e = try? expected.doubleValues() else {
            return actual.storage.bytes.elementsEqual(expected.storage.bytes) ? nil : "bytes differ"
        }
        var bad = 0
        var first: (Int, Double, Double)?
        for i in 0..<a.count {
            let x = a[i], y = e[i]
            if x.isNaN && y.isNaN { continue }
            if x == y { continue }  // covers ±Inf equal
            if x.isNaN || y.isNaN || x.isInfinite || y.isInfinite || abs(x - y) > atol + rtol * abs(y) {
                bad += 1
                if first == nil { first = (i, x, y) }
            }
        }
        guard let (i, x, y) = first else { return nil }
        return "\(bad) of \(a.count) elements differ; first at \(i): \(x) vs expected \(y)"
    }
}
