import Checking
import Dispatch
import Foundation
import Interpreter
import LockstepCore
import TensorIO

/// One form of the model in an accuracy audit: a model file the reference interpreter runs, or
/// outputs captured elsewhere (on a device, by another runtime) for the same samples.
public struct AccuracyForm: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// ONNX or TFLite, executed by the reference interpreter.
        case model
        /// `.npy` / `.npz` with one row of scores (`[N, classes]`) or one class index (`[N]`) per sample.
        case captured
    }

    public var path: String
    public var kind: Kind

    /// Decides the kind from the file name: `.npy`/`.npz` are captured outputs, anything else a model.
    public init(path: String) {
        self.path = path
        let ext = (path as NSString).pathExtension.lowercased()
        kind = ext == "npy" || ext == "npz" ? .captured : .model
    }
}

/// How forms are executed over an evaluation set.
public struct EvaluationOptions: Sendable {
    /// Samples per run when the model's batch dimension is free (symbolic); a fixed batch
    /// dimension is used as declared.
    public var batchSize = 32
    /// Worker threads, each with its own session; nil = all cores.
    public var threads: Int?
    /// The output holding the class scores; nil = the model's first output.
    public var outputName: String?
    /// Classes kept per sample for top-k accuracy.
    public var topK = 5
    public var precision: Session.Precision = .native
    public init() {}
}

/// Predictions of one form, with what it took to get them.
public struct FormPredictions: Sendable {
    public var form: AccuracyForm
    public var format: ModelFormat?
    public var predictions: Predictions
    /// Whether the form gave a score per class (false: captured class indices, top-1 only).
    public var scored: Bool
    /// How the samples were adapted to the form's inputs (`input 'x': samples transposed CHW→HWC`).
    public var adaptations: [String] = []
    /// Wall time of the evaluation (not part of any report: it is not deterministic).
    public var seconds: Double
}

/// Runs forms over an evaluation set (`AccuracyAudit`'s execution stage).
public enum FormEvaluation {
    /// Reports progress: samples done so far, of `total`.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    public static func evaluate(_ form: AccuracyForm, on set: EvaluationSet, options: EvaluationOptions,
                                progress: Progress? = nil) throws -> FormPredictions {
        let start = DispatchTime.now().uptimeNanoseconds
        var result: FormPredictions
        switch form.kind {
        case .captured:
            let (predictions, scored) = try captured(form.path, count: set.count, topK: options.topK)
            result = FormPredictions(form: form, format: nil, predictions: predictions, scored: scored, seconds: 0)
            progress?(set.count, set.count)
        case .model:
            let (format, predictions, adaptations) = try run(form.path, on: set, options: options, progress: progress)
            result = FormPredictions(form: form, format: format, predictions: predictions, scored: true, adaptations: adaptations, seconds: 0)
        }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return result
    }

    // MARK: captured outputs

    /// Reads captured outputs: `[N, C]` (or `[N, 1, …, C]`) scores, or `[N]` / `[N, 1]` integer class indices.
    static func captured(_ path: String, count: Int, topK: Int) throws -> (Predictions, scored: Bool) {
        let tensor: Tensor
        do {
            if path.lowercased().hasSuffix(".npz") {
                let arrays = try Npz.read(path: path)
                let preferred = ["scores", "logits", "outputs", "probabilities", "predictions"]
                if arrays.count == 1 {
                    tensor = arrays[0].tensor
                } else if let hit = preferred.lazy.compactMap({ name in arrays.first { $0.name == name } }).first {
                    tensor = hit.tensor
                } else {
                    throw LockstepError.unsupportedFormat(path: path, reason: "holds \(arrays.count) arrays (\(arrays.map(\.name).joined(separator: ", "))); name the outputs one of \(preferred.joined(separator: ", ")) or keep one array")
                }
            } else {
                tensor = try Npy.read(path: path)
            }
        } catch let error as TensorIOError {
            throw LockstepError.unsupportedFormat(path: path, reason: EvaluationSetLoaderReason.strip(error, path: path))
        }
        guard tensor.rank >= 1, tensor.shape[0] == count else {
            throw LockstepError.unsupportedFormat(path: path, reason: "captured outputs of shape \(tensor.shape) do not have one row per sample (\(count) samples)")
        }
        guard tensor.dtype.isConvertibleToReal else {
            throw LockstepError.unsupportedFormat(path: path, reason: "captured outputs of type \(tensor.dtype) are not numbers")
        }
        let width = count == 0 ? 0 : tensor.count / count
        let values = try tensor.doubleValues()
        if tensor.dtype.isInteger && (tensor.rank == 1 || width == 1) {
            // Class indices: the class count is not known from them; the labels and class names decide (checked later).
            let classes = max(1, Int(values.max() ?? 0) + 1)
            var p = Predictions(count: count, classCount: classes, k: 1)
            for (i, v) in values.enumerated() {
                guard v >= 0 else { throw LockstepError.unsupportedFormat(path: path, reason: "class index \(Int(v)) of sample \(i) is negative") }
                p.set(i, classIndex: Int(v))
            }
            return (p, false)
        }
        guard width >= 1 else { throw LockstepError.unsupportedFormat(path: path, reason: "captured outputs have no scores") }
        var p = Predictions(count: count, classCount: width, k: min(topK, width))
        values.withUnsafeBufferPointer { all in
            for i in 0..<count { _ = p.set(i, scores: UnsafeBufferPointer(rebasing: all[(i * width)..<((i + 1) * width)])) }
        }
        return (p, true)
    }

    // MARK: reference execution

    /// How dataset inputs map onto the model's inputs.
    struct Feed {
        var modelInput: ValueInfo
        var setIndex: Int
        /// The model declares a batch dimension in front of the sample shape.
        var batched: Bool
        var convertFloat64: Bool
        /// Per-sample axes order when the model takes the other image layout (CHW ↔ HWC).
        var permutation: [Int]? = nil

        /// What was done to the samples, for the report.
        var adaptation: String? {
            var steps: [String] = []
            if convertFloat64 { steps.append("float64 samples rounded to float32") }
            if let p = permutation { steps.append(p == [1, 2, 0] ? "samples transposed CHW→HWC" : "samples transposed HWC→CHW") }
            return steps.isEmpty ? nil : "input '\(modelInput.name)': " + steps.joined(separator: ", ")
        }
    }

    static func run(_ path: String, on set: EvaluationSet, options: EvaluationOptions,
                    progress: Progress?) throws -> (ModelFormat, Predictions, [String]) {
        let format = try ModelFile.sniff(path: path)
        let model: Model
        switch try ModelFile.open(path: path) {
        case .model(let m): model = m
        case .tensorRT:
            throw LockstepError.unsupportedFormat(path: path, reason: "a TensorRT plan cannot run in the reference interpreter; pass its captured outputs (.npy) as the form")
        }
        func session() throws -> Session {
            do { return try Session(model: model, precision: options.precision) } catch let error as InterpreterError {
                throw LockstepError.unsupportedFormat(path: path, reason: error.localizedDescription)
            }
        }
        let first = try session()
        let feeds = try plan(model: model, set: set, path: path)
        // Batch size: free batch dimension → options.batchSize; fixed → as declared; no batch dimension → 1.
        var batch = options.batchSize
        for feed in feeds {
            guard feed.batched else { batch = 1; continue }
            if case .tensor(_, let shape?) = feed.modelInput.type, case .fixed(let n) = shape.dimensions[0] { batch = min(batch, n) }
        }
        let fixedBatch: Int? = feeds.contains { f in
            if case .tensor(_, let shape?) = f.modelInput.type, f.batched, case .fixed = shape.dimensions[0] { return true }
            return false
        } ? max(1, batch) : nil
        let batchSize = max(1, batch)
        let outputIndex: Int
        if let name = options.outputName {
            guard let i = model.graph.outputs.firstIndex(where: { $0.name == name }) else {
                throw LockstepError.invalidArgument("--output \(name): \(path) has no output of that name (outputs: \(model.graph.outputs.map(\.name).joined(separator: ", ")))")
            }
            outputIndex = i
        } else {
            outputIndex = 0
        }
        let total = set.count
        let batches = (total + batchSize - 1) / batchSize
        let workers = max(1, min(options.threads ?? ProcessInfo.processInfo.activeProcessorCount, batches))
        if workers > 1 { GEMM.setThreads(1) }
        let state = RunState(count: total)
        let work: @Sendable (Session) -> Void = { session in
            while let b = state.claim(of: batches) {
                let range = (b * batchSize)..<min(total, (b + 1) * batchSize)
                do {
                    let scores = try runBatch(session: session, set: set, range: range, feeds: feeds, fixedBatch: fixedBatch,
                                              outputIndex: outputIndex, topK: options.topK, path: path)
                    let done = try state.store(scores, at: range.lowerBound, path: path)
                    progress?(done, total)
                } catch {
                    state.fail(error)
                }
            }
        }
        if workers == 1 {
            work(first)
        } else {
            var sessions = [first]
            for _ in 1..<workers { sessions.append(try session()) }
            let all = sessions
            DispatchQueue.concurrentPerform(iterations: workers) { w in work(all[w]) }
        }
        if let error = state.error { throw error }
        return (format, try state.predictions(path: path), feeds.compactMap(\.adaptation))
    }

    /// Matches the set's inputs to the model's runtime inputs (by name, or the single unnamed input).
    static func plan(model: Model, set: EvaluationSet, path: String) throws -> [Feed] {
        let inputs = model.graph.runtimeInputs
        var feeds: [Feed] = []
        if let names = set.inputNames {
            for input in inputs {
                guard let i = names.firstIndex(of: input.name) else {
                    throw LockstepError.unsupportedFormat(path: set.path, reason: "no array for \(path)'s input '\(input.name)' (arrays: \(names.joined(separator: ", ")))")
                }
                feeds.append(try feed(input, setIndex: i, set: set, path: path))
            }
        } else {
            guard inputs.count == 1 else {
                throw LockstepError.unsupportedFormat(path: set.path, reason: "one unnamed input, but \(path) has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))); store one array per input name")
            }
            feeds.append(try feed(inputs[0], setIndex: 0, set: set, path: path))
        }
        return feeds
    }

    static func feed(_ input: ValueInfo, setIndex: Int, set: EvaluationSet, path: String) throws -> Feed {
        let (dtype, sample) = set.sampleTypes[setIndex]
        guard case .tensor(let declaredType, let declaredShape) = input.type else {
            throw LockstepError.unsupportedFormat(path: path, reason: "input '\(input.name)' is not a tensor")
        }
        var convert = false
        if let declaredType, declaredType != dtype {
            guard declaredType == .float32 && dtype == .float64 else {
                throw LockstepError.unsupportedFormat(path: set.path, reason: "samples are \(dtype), \(path)'s input '\(input.name)' takes \(declaredType)")
            }
            convert = true
        }
        guard let shape = declaredShape else { return Feed(modelInput: input, setIndex: setIndex, batched: true, convertFloat64: convert) }
        let batched: Bool
        if shape.rank == sample.count + 1 {
            batched = true
        } else if shape.rank == sample.count {
            batched = false
        } else {
            throw LockstepError.unsupportedFormat(path: set.path, reason: "samples of shape \(sample) do not fit \(path)'s input '\(input.name)' \(shape)")
        }
        let dims = Array(shape.dimensions.dropFirst(batched ? 1 : 0))
        func fits(_ s: [Int]) -> Bool {
            zip(dims, s).allSatisfy { dim, n in
                if case .fixed(let m) = dim { return m == n }
                return true
            }
        }
        if fits(sample) { return Feed(modelInput: input, setIndex: setIndex, batched: batched, convertFloat64: convert) }
        // An image set in the other layout: CHW samples for an NHWC model (TFLite), or HWC for NCHW.
        if sample.count == 3 {
            for perm in [[1, 2, 0], [2, 0, 1]] where fits(perm.map { sample[$0] }) {
                return Feed(modelInput: input, setIndex: setIndex, batched: batched, convertFloat64: convert, permutation: perm)
            }
        }
        throw LockstepError.unsupportedFormat(path: set.path, reason: "samples of shape \(sample) do not fit \(path)'s input '\(input.name)' \(shape)")
    }

    /// Runs one batch; returns `range.count` rows of scores.
    static func runBatch(session: Session, set: EvaluationSet, range: Range<Int>, feeds: [Feed], fixedBatch: Int?,
                         outputIndex: Int, topK: Int, path: String) throws -> Predictions {
        let tensors = try set.batch(range)
        var inputs: [String: Value] = [:]
        for feed in feeds {
            var t = tensors[feed.setIndex]
            if feed.convertFloat64 { t = try Tensor(float32: try t.floatValues(), shape: t.shape) }
            if let perm = feed.permutation { t = try transposed(t, samplePermutation: perm) }
            if !feed.batched {
                t = try Tensor(dtype: t.dtype, shape: Array(t.shape.dropFirst()), storage: t.storage, quantization: t.quantization)
            } else if let fixed = fixedBatch, range.count < fixed {
                t = try padded(t, to: fixed)
            }
            inputs[feed.modelInput.name] = .tensor(t)
        }
        let result: RunResult
        do { result = try session.run(inputs) } catch let error as InterpreterError {
            throw LockstepError.unsupportedFormat(path: path, reason: "samples \(range.lowerBound)…\(range.upperBound - 1): \(error.localizedDescription)")
        }
        guard case .tensor(let out)? = result.outputs[outputIndex].value else {
            throw LockstepError.unsupportedFormat(path: path, reason: "output '\(result.outputs[outputIndex].name)' is not a tensor")
        }
        guard out.dtype.isConvertibleToReal else {
            throw LockstepError.unsupportedFormat(path: path, reason: "output '\(result.outputs[outputIndex].name)' of type \(out.dtype) cannot be read as class scores")
        }
        let rows = feeds.contains(where: \.batched) ? (out.shape.first ?? 0) : 1
        guard rows >= range.count, rows > 0, out.count % rows == 0 else {
            throw LockstepError.unsupportedFormat(path: path, reason: "output '\(result.outputs[outputIndex].name)' of shape \(out.shape) does not have one row of scores per sample")
        }
        let width = out.count / rows
        guard width >= 1 else {
            throw LockstepError.unsupportedFormat(path: path, reason: "output '\(result.outputs[outputIndex].name)' of shape \(out.shape) holds no scores")
        }
        let values = try out.doubleValues()
        var predictions = Predictions(count: range.count, classCount: width, k: min(topK, width))
        values.withUnsafeBufferPointer { all in
            for i in 0..<range.count { _ = predictions.set(i, scores: UnsafeBufferPointer(rebasing: all[(i * width)..<((i + 1) * width)])) }
        }
        return predictions
    }

    /// `[n, a, b, c]` with the per-sample axes reordered by `perm` (a copy).
    static func transposed(_ t: Tensor, samplePermutation perm: [Int]) throws -> Tensor {
        let n = t.shape[0], s = Array(t.shape.dropFirst())
        guard let width = t.dtype.byteWidth, s.count == 3 else { return t }
        let out = perm.map { s[$0] }
        var strides = [s[1] * s[2], s[2], 1]
        strides = perm.map { strides[$0] }
        let sampleCount = s[0] * s[1] * s[2]
        let storage = TensorStorage(byteCount: t.byteCount) { dst in
            let src = t.storage.bytes
            var o = 0
            for b in 0..<n {
                let base = b * sampleCount
                for i in 0..<out[0] {
                    for j in 0..<out[1] {
                        for k in 0..<out[2] {
                            let from = (base + i * strides[0] + j * strides[1] + k * strides[2]) * width
                            UnsafeMutableRawBufferPointer(rebasing: dst[(o * width)..<((o + 1) * width)])
                                .copyMemory(from: UnsafeRawBufferPointer(rebasing: src[from..<(from + width)]))
                            o += 1
                        }
                    }
                }
            }
        }
        return try Tensor(dtype: t.dtype, shape: [n] + out, storage: storage, quantization: t.quantization)
    }

    /// The batch padded with copies of its last sample to a fixed batch size (the extra rows are dropped).
    static func padded(_ t: Tensor, to n: Int) throws -> Tensor {
        let rows = t.shape[0]
        let rowBytes = t.byteCount / max(rows, 1)
        let storage = TensorStorage(byteCount: rowBytes * n) { out in
            for r in 0..<n {
                let src = min(r, rows - 1)
                UnsafeMutableRawBufferPointer(rebasing: out[(r * rowBytes)..<((r + 1) * rowBytes)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: t.storage.bytes[(src * rowBytes)..<((src + 1) * rowBytes)]))
            }
        }
        return try Tensor(dtype: t.dtype, shape: [n] + t.shape.dropFirst(), storage: storage, quantization: t.quantization)
    }
}

/// Shared state of the workers of one evaluation: the next batch, the predictions, the first error.
final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0
    private var completed = 0
    private(set) var error: Error?
    private var result: Predictions?

    init(count: Int) { self.count = count }

    func claim(of batches: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard error == nil, next < batches else { return nil }
        next += 1
        return next - 1
    }

    /// Places one batch's predictions; the first batch fixes the class count.
    func store(_ batch: Predictions, at offset: Int, path: String) throws -> Int {
        lock.lock(); defer { lock.unlock() }
        if result == nil { result = Predictions(count: count, classCount: batch.classCount, k: batch.k) }
        guard result!.classCount == batch.classCount else {
            throw LockstepError.unsupportedFormat(path: path, reason: "the output has \(batch.classCount) scores for samples from \(offset), \(result!.classCount) before")
        }
        result!.place(batch, at: offset)
        completed += batch.count
        return completed
    }

    func fail(_ e: Error) {
        lock.lock(); defer { lock.unlock() }
        if error == nil { error = e }
    }

    func predictions(path: String) throws -> Predictions {
        guard let result else { throw LockstepError.unsupportedFormat(path: path, reason: "the evaluation set is empty") }
        return result
    }
}

enum EvaluationSetLoaderReason {
    static func strip(_ error: Error, path: String) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }
}
