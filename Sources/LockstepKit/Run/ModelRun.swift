import Foundation
import Interpreter
import LockstepCore
import TensorIO

/// How float32 values are computed by the reference interpreter (`--precision`).
public typealias ComputePrecision = Session.Precision

/// The `lockstep run` job: feed a model, execute it in the reference interpreter, write outputs.
public enum ModelRun {
    public struct Options: Sendable {
        /// Explicit `NAME=FILE.npy` inputs.
        public var inputFiles: [String: String] = [:]
        /// A folder with `<input name>.npy` or `input_<i>.npy`.
        public var inputDirectory: String?
        /// Seed for inputs that are not given (nil: missing inputs are an error).
        public var randomSeed: UInt64?
        /// Values for symbolic dimensions of random inputs.
        public var dimensions: [String: Int] = [:]
        public var outputDirectory: String?
        public var intermediates = false
        /// Replace existing files in the output folder.
        public var force = false
        /// `.float64` computes float32 values in float64 (the oracle mode).
        public var precision: Session.Precision = .native
        /// Fuse elementwise chains into one blocked pass (bit-identical; `--no-fusion` turns it off).
        public var fusion = true
        /// Invoke the model this many times with one state (variables, CALL_ONCE), feeding step i
        /// the i-th slice along the leading axis of every input; outputs are stacked along a new
        /// leading axis. nil: one invocation with the inputs as given.
        public var steps: Int?
        public init() {}
    }

    /// Summary of one written value. `min`, `max` and `mean` are over the finite elements;
    /// NaN and ±Inf are counted separately.
    public struct OutputSummary: Codable, Sendable, Equatable {
        public var name: String
        public var file: String?
        public var dtype: DType
        public var shape: [Int]
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        public var nanCount: Int
        public var infCount: Int
    }

    /// A graph output the reference could not produce, and the node that kept it from it.
    public struct UnproducedOutput: Codable, Sendable, Equatable {
        public var name: String
        /// Label of the node that could not be executed (a custom op) and that the output depends on.
        public var cause: String
    }

    public struct Result: Sendable {
        /// Summaries of the outputs that were produced, in graph-output order.
        public var outputs: [OutputSummary]
        public var intermediates: [OutputSummary]
        /// Inputs that were generated (name → seed-derived values).
        public var generatedInputs: [String]
        /// Nodes the reference could not execute (TFLite custom ops).
        public var notExecuted: [NotExecutedNode] = []
        /// Outputs that depend on them and were not produced.
        public var unproduced: [UnproducedOutput] = []
        /// One `customOp` finding per node that could not be executed.
        public var findings: [Finding] = []
        /// Invocations run (`--steps`), 1 without.
        public var steps = 1

        /// True when every output was produced.
        public var isComplete: Bool { unproduced.isEmpty }
    }

    public static func run(modelPath: String, options: Options) throws -> Result {
        let model = try ModelFile.load(path: modelPath)
        let session: Session
        do { session = try Session(model: model, precision: options.precision, fusion: options.fusion) } catch let error as InterpreterError {
            throw LockstepError.unsupportedFormat(path: modelPath, reason: error.localizedDescription)
        }
        let runOptions = RunOptions(intermediates: options.intermediates ? .all : .none)
        guard let steps = options.steps else {
            let (feeds, generated) = try inputs(for: model, options: options)
            let result: RunResult
            do {
                result = try session.run(feeds, options: runOptions)
            } catch let error as InterpreterError {
                throw LockstepError.unsupportedFormat(path: modelPath, reason: error.localizedDescription)
            }
            return try finish(result, model: model, modelPath: modelPath, generated: generated, options: options)
        }
        guard steps >= 1 else { throw LockstepError.invalidArgument("--steps must be at least 1, found \(steps)") }
        let (stepFeeds, generated) = try stepInputs(for: model, steps: steps, options: options)
        let state = ExecutionState()
        var results: [RunResult] = []
        do {
            for (i, feeds) in stepFeeds.enumerated() {
                do {
                    results.append(try session.run(feeds, options: runOptions, state: state))
                } catch let error as InterpreterError {
                    throw LockstepError.unsupportedFormat(path: modelPath, reason: "step \(i): " + (error.errorDescription ?? "\(error)"))
                }
            }
        }
        let stacked = try stack(results, modelPath: modelPath)
        var result = try finish(stacked, model: model, modelPath: modelPath, generated: generated, options: options)
        result.steps = steps
        return result
    }

    /// The feeds of each step of `--steps N`: step i gets slice i along the leading axis of every
    /// input file (the axis is dropped when the file has one more dimension than the model's
    /// input, else kept with size 1); generated inputs are drawn per step.
    static func stepInputs(for model: Model, steps: Int, options: Options) throws -> (feeds: [[String: Value]], generated: [String]) {
        var perStep = [[String: Value]](repeating: [:], count: steps)
        var generated: [String] = []
        var generator = SeededGenerator(seed: options.randomSeed ?? 0)
        for (index, input) in try declaredInputs(of: model, options: options).enumerated() {
            switch try source(of: input, index: index, options: options) {
            case .file(let file):
                let t = try Npy.read(path: file)
                guard t.rank >= 1, t.shape[0] >= steps else {
                    throw LockstepError.unsupportedFormat(path: file, reason: "--steps \(steps) needs a leading axis of at least \(steps) steps, found shape \(t.shape)")
                }
                var declaredRank: Int?
                if case .tensor(_, let shape?) = input.type { declaredRank = shape.rank }
                let keepAxis = declaredRank == t.rank
                for i in 0..<steps {
                    do {
                        perStep[i][input.name] = .tensor(try slice(t, step: i, keepAxis: keepAxis))
                    } catch let error as KernelError {
                        throw LockstepError.unsupportedFormat(path: file, reason: error.reason)
                    }
                }
            case .random:
                for i in 0..<steps {
                    perStep[i][input.name] = .tensor(try RandomInputs.make(for: input, generator: &generator, dimensions: options.dimensions))
                }
                generated.append(input.name)
            }
        }
        return (perStep, generated)
    }

    /// Slice `step` of `t` along its leading axis.
    static func slice(_ t: Tensor, step: Int, keepAxis: Bool) throws -> Tensor {
        let rest = Array(t.shape.dropFirst())
        let strides = DataMovement.strides(t.shape)
        var tables = [[step * (strides.first ?? 0)]]
        for d in 1..<t.rank { tables.append(DataMovement.identityTable(t.shape[d], stride: strides[d])) }
        let one = try DataMovement.gather(t, shape: [1] + rest, offsets: tables)
        return keepAxis ? one : try DataMovement.reshape(one, to: rest)
    }

    /// The results of `--steps` as one result: each output (and kept intermediate) stacked along a
    /// new leading axis; an output missing in any step is missing.
    static func stack(_ results: [RunResult], modelPath: String) throws -> RunResult {
        guard var combined = results.last else { throw LockstepError.invalidArgument("--steps must be at least 1") }
        func stacked(_ name: String, _ values: [Value?]) throws -> Value? {
            var tensors: [Tensor] = []
            for v in values {
                guard case .tensor(let t)? = v else { return nil }
                tensors.append(t)
            }
            guard let first = tensors.first else { return nil }
            for (i, t) in tensors.enumerated() where t.shape != first.shape || t.dtype != first.dtype {
                throw LockstepError.unsupportedFormat(path: modelPath, reason: "'\(name)' is \(first.dtype)\(first.shape) in step 0 but \(t.dtype)\(t.shape) in step \(i); steps cannot be stacked")
            }
            let parts = try tensors.map { try DataMovement.reshape($0, to: [1] + first.shape) }
            return .tensor(try DataMovement.concatenate(parts, axis: 0, shape: [tensors.count] + first.shape))
        }
        combined.outputs = try combined.outputs.indices.map { i in
            (combined.outputs[i].name, try stacked(combined.outputs[i].name, results.map { $0.outputs[i].value }))
        }
        var intermediates: [String: Value] = [:]
        for (name, _) in combined.intermediates {
            if let v = try stacked(name, results.map { $0.intermediates[name] }) { intermediates[name] = v }
        }
        combined.intermediates = intermediates
        for r in results { for (name, cause) in r.unproduced { combined.unproduced[name] = cause } }
        return combined
    }

    /// The feeds for a run: files named on the command line, then `--inputs DIR`, then seeded
    /// random values; returns the names of generated inputs too.
    public static func inputs(for model: Model, options: Options) throws -> (feeds: [String: Value], generated: [String]) {
        var feeds: [String: Value] = [:]
        var generated: [String] = []
        var generator = SeededGenerator(seed: options.randomSeed ?? 0)
        for (index, input) in try declaredInputs(of: model, options: options).enumerated() {
            switch try source(of: input, index: index, options: options) {
            case .file(let file):
                feeds[input.name] = .tensor(try Npy.read(path: file))
            case .random:
                feeds[input.name] = .tensor(try RandomInputs.make(for: input, generator: &generator, dimensions: options.dimensions))
                generated.append(input.name)
            }
        }
        return (feeds, generated)
    }

    /// Where an input's value comes from.
    enum InputSource: Equatable {
        case file(String)
        case random
    }

    /// The model's runtime inputs, after checking that every `--input NAME=…` names one of them.
    static func declaredInputs(of model: Model, options: Options) throws -> [ValueInfo] {
        let declared = model.graph.runtimeInputs
        let knownNames = Set(declared.map(\.name))
        for name in options.inputFiles.keys where !knownNames.contains(name) {
            throw LockstepError.invalidArgument("--input \(name)=…: the model has no input '\(name)' (inputs: \(declared.map(\.name).joined(separator: ", ")))")
        }
        return declared
    }

    /// An input's value: the file named on the command line, then the file for it in `--inputs
    /// DIR`, then seeded random values; else a usage error.
    static func source(of input: ValueInfo, index: Int, options: Options) throws -> InputSource {
        if let file = options.inputFiles[input.name] { return .file(file) }
        if let dir = options.inputDirectory, let file = inputFile(in: dir, name: input.name, index: index) { return .file(file) }
        if options.randomSeed != nil { return .random }
        throw LockstepError.invalidArgument(
            "input '\(input.name)' (\(input.type)) has no value: pass --input \(input.name)=FILE.npy, --inputs DIR or --random-inputs SEED")
    }

    static func finish(_ result: RunResult, model: Model, modelPath: String, generated: [String], options: Options) throws -> Result {
        var outputs: [OutputSummary] = []
        var written: [(String, Tensor)] = []
        var unproduced: [UnproducedOutput] = []
        for (i, output) in result.outputs.enumerated() {
            if output.value == nil, let cause = result.unproduced[output.name] {
                unproduced.append(UnproducedOutput(name: output.name, cause: cause))
                continue
            }
            guard case .tensor(let t)? = output.value else {
                throw LockstepError.unsupportedFormat(path: modelPath, reason: "output '\(output.name)' is not a tensor; only tensor outputs can be written")
            }
            let file = options.outputDirectory.map { _ in "output_\(i).npy" }
            outputs.append(summary(name: output.name, file: file, tensor: t))
            if let file { written.append((file, t)) }
        }
        var intermediates: [OutputSummary] = []
        if options.intermediates {
            for name in result.executionOrder {
                guard case .tensor(let t)? = result.intermediates[name] else { continue }
                let file = options.outputDirectory.map { _ in "intermediates/" + sanitized(name) + ".npy" }
                intermediates.append(summary(name: name, file: file, tensor: t))
                if let file { written.append((file, t)) }
            }
        }
        if let dir = options.outputDirectory {
            try write(written, outputs: outputs, intermediates: intermediates, unproduced: unproduced, to: dir, force: options.force)
        }
        var r = Result(outputs: outputs, intermediates: intermediates, generatedInputs: generated)
        r.notExecuted = result.notExecuted
        r.unproduced = unproduced
        r.findings = result.notExecuted.map { n in
            let outputs = unproduced.filter { $0.cause == n.node }.map(\.name)
            let missing = outputs.isEmpty ? "no graph output depends on it" : "outputs not produced: " + outputs.joined(separator: ", ")
            return Finding(kind: .customOp, severity: outputs.isEmpty ? .warning : .error, model: modelPath, form: model.format,
                           location: FindingLocation(graphPath: [n.graph], nodeIndex: n.nodeIndex, nodeName: n.node, op: n.op),
                           message: "node '\(n.node)' (\(n.op)) is not executable by the reference interpreter; \(missing)")
        }
        return r
    }

    static func inputFile(in dir: String, name: String, index: Int) -> String? {
        for candidate in [name + ".npy", sanitized(name) + ".npy", "input_\(index).npy"] {
            let path = (dir as NSString).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// A value name as a safe file name: anything but letters, digits, `.`, `-`, `_` becomes `_`.
    static func sanitized(_ name: String) -> String {
        let mapped = String(name.unicodeScalars.map { c -> Character in
            (CharacterSet.alphanumerics.contains(c) && c.isASCII) || c == "." || c == "-" || c == "_" ? Character(c) : "_"
        })
        return mapped.isEmpty || mapped.hasPrefix(".") ? "_" + mapped : mapped
    }

    static func summary(name: String, file: String?, tensor: Tensor) -> OutputSummary {
        var s = OutputSummary(name: name, file: file, dtype: tensor.dtype, shape: tensor.shape, nanCount: 0, infCount: 0)
        guard tensor.dtype.isConvertibleToReal, let values = try? tensor.doubleValues() else { return s }
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, finite = 0
        for v in values {
            if v.isNaN { s.nanCount += 1; continue }
            if v.isInfinite { s.infCount += 1; continue }
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            sum += v
            finite += 1
        }
        if lo <= hi { s.min = lo; s.max = hi }
        if finite > 0 { s.mean = sum / Double(finite) }
        return s
    }

    static func write(_ files: [(String, Tensor)], outputs: [OutputSummary], intermediates: [OutputSummary], unproduced: [UnproducedOutput] = [],
                      to dir: String, force: Bool) throws {
        let fm = FileManager.default
        let manifestPath = (dir as NSString).appendingPathComponent("manifest.json")
        if !force {
            for path in files.map({ ($0.0) }) + ["manifest.json"] where fm.fileExists(atPath: (dir as NSString).appendingPathComponent(path)) {
                throw LockstepError.unsupportedFormat(path: (dir as NSString).appendingPathComponent(path),
                                                      reason: "file already exists; pass --force to replace the outputs in \(dir)")
            }
        }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if !intermediates.isEmpty {
                try fm.createDirectory(atPath: (dir as NSString).appendingPathComponent("intermediates"), withIntermediateDirectories: true)
            }
        } catch {
            throw LockstepError.unsupportedFormat(path: dir, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
        for (file, tensor) in files {
            try Npy.write(tensor, to: (dir as NSString).appendingPathComponent(file), overwrite: force)
        }
        struct Manifest: Encodable {
            var outputs: [OutputSummary]
            var intermediates: [OutputSummary]?
            var unproduced: [UnproducedOutput]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(Manifest(outputs: outputs, intermediates: intermediates.isEmpty ? nil : intermediates,
                                                    unproduced: unproduced.isEmpty ? nil : unproduced))
        guard fm.createFile(atPath: manifestPath, contents: data + Data("\n".utf8)) else {
            throw LockstepError.unsupportedFormat(path: manifestPath, reason: "cannot write the manifest")
        }
    }

    /// The summary as JSON (sorted keys): outputs, intermediates, generated inputs, steps, the
    /// nodes not executed, the outputs not produced and their findings.
    public static func jsonString(_ result: Result) throws -> String {
        struct Out: Encodable {
            var outputs: [OutputSummary]
            var intermediates: [OutputSummary]
            var generatedInputs: [String]
            var steps: Int
            var notExecuted: [NotExecutedNode]
            var unproduced: [UnproducedOutput]
            var findings: [Finding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let out = Out(outputs: result.outputs, intermediates: result.intermediates, generatedInputs: result.generatedInputs,
                      steps: result.steps, notExecuted: result.notExecuted, unproduced: result.unproduced, findings: result.findings)
        return String(decoding: try encoder.encode(out), as: UTF8.self)
    }

    /// One line per value: name, dtype, shape, range, mean, NaN/Inf counts.
    public static func text(_ result: Result) -> String {
        func line(_ s: OutputSummary) -> String {
            var text = "  \(s.name)  \(s.dtype) \(s.shape)"
            if let lo = s.min, let hi = s.max { text += String(format: "  range [%.6g, %.6g]", lo, hi) }
            if let m = s.mean { text += String(format: "  mean %.6g", m) }
            if s.nanCount > 0 { text += "  NaN \(s.nanCount)" }
            if s.infCount > 0 { text += "  Inf \(s.infCount)" }
            if let f = s.file { text += "  → \(f)" }
            return text
        }
        var lines: [String] = []
        if !result.generatedInputs.isEmpty { lines.append("random inputs: " + result.generatedInputs.joined(separator: ", ")) }
        if result.steps > 1 { lines.append("steps: \(result.steps) (outputs stacked along a new leading axis)") }
        lines.append("outputs:")
        lines += result.outputs.map(line)
        if !result.notExecuted.isEmpty {
            lines.append("not executable by the reference interpreter:")
            lines += result.notExecuted.map { "  \($0.node) (\($0.op)) in graph '\($0.graph)'" }
            lines.append("outputs not produced:")
            lines += result.unproduced.map { "  \($0.name)  (depends on \($0.cause))" }
            if result.unproduced.isEmpty { lines.append("  none") }
        }
        if !result.intermediates.isEmpty {
            lines.append("intermediates: \(result.intermediates.count)")
            lines += result.intermediates.map(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
