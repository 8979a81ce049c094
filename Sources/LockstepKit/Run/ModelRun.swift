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

    public struct Result: Sendable {
        public var outputs: [OutputSummary]
        public var intermediates: [OutputSummary]
        /// Inputs that were generated (name → seed-derived values).
        public var generatedInputs: [String]
    }

    public static func run(modelPath: String, options: Options) throws -> Result {
        let model = try ModelFile.load(path: modelPath)
        let session: Session
        do { session = try Session(model: model, precision: options.precision, fusion: options.fusion) } catch let error as InterpreterError {
            throw LockstepError.unsupportedFormat(path: modelPath, reason: error.localizedDescription)
        }
        let (feeds, generated) = try inputs(for: model, options: options)
        let result: RunResult
        do {
            result = try session.run(feeds, options: RunOptions(intermediates: options.intermediates ? .all : .none))
        } catch let error as InterpreterError {
            throw LockstepError.unsupportedFormat(path: modelPath, reason: error.localizedDescription)
        }
        return try finish(result, modelPath: modelPath, generated: generated, options: options)
    }

    /// The feeds for a run: files named on the command line, then `--inputs DIR`, then seeded
    /// random values; returns the names of generated inputs too.
    public static func inputs(for model: Model, options: Options) throws -> (feeds: [String: Value], generated: [String]) {
        var feeds: [String: Value] = [:]
        var generated: [String] = []
        var generator = SeededGenerator(seed: options.randomSeed ?? 0)
        let declared = model.graph.runtimeInputs
        let knownNames = Set(declared.map(\.name))
        for name in options.inputFiles.keys where !knownNames.contains(name) {
            throw LockstepError.invalidArgument("--input \(name)=…: the model has no input '\(name)' (inputs: \(declared.map(\.name).joined(separator: ", ")))")
        }
        for (index, input) in declared.enumerated() {
            if let file = options.inputFiles[input.name] {
                feeds[input.name] = .tensor(try Npy.read(path: file))
            } else if let dir = options.inputDirectory, let file = inputFile(in: dir, name: input.name, index: index) {
                feeds[input.name] = .tensor(try Npy.read(path: file))
            } else if options.randomSeed != nil {
                feeds[input.name] = .tensor(try RandomInputs.make(for: input, generator: &generator, dimensions: options.dimensions))
                generated.append(input.name)
            } else {
                throw LockstepError.invalidArgument(
                    "input '\(input.name)' (\(input.type)) has no value: pass --input \(input.name)=FILE.npy, --inputs DIR or --random-inputs SEED")
            }
        }
        return (feeds, generated)
    }

    static func finish(_ result: RunResult, modelPath: String, generated: [String], options: Options) throws -> Result {
        var outputs: [OutputSummary] = []
        var written: [(String, Tensor)] = []
        for (i, output) in result.outputs.enumerated() {
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
            try write(written, outputs: outputs, intermediates: intermediates, to: dir, force: options.force)
        }
        return Result(outputs: outputs, intermediates: intermediates, generatedInputs: generated)
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

    static func write(_ files: [(String, Tensor)], outputs: [OutputSummary], intermediates: [OutputSummary], to dir: String, force: Bool) throws {
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
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(Manifest(outputs: outputs, intermediates: intermediates.isEmpty ? nil : intermediates))
        guard fm.createFile(atPath: manifestPath, contents: data + Data("\n".utf8)) else {
            throw LockstepError.unsupportedFormat(path: manifestPath, reason: "cannot write the manifest")
        }
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
        lines.append("outputs:")
        lines += result.outputs.map(line)
        if !result.intermediates.isEmpty {
            lines.append("intermediates: \(result.intermediates.count)")
            lines += result.intermediates.map(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
