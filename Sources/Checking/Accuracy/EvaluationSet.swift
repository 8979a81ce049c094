import Foundation
import LockstepCore

/// A labelled evaluation set: one class index per sample, the model inputs of every sample
/// (loaded a batch at a time), optional class names and per-sample metadata columns.
///
/// Made by `EvaluationSetLoader` from a `.npz`, a folder of `.npy` files with `labels.csv`, or a
/// class-per-folder image tree; or directly from arrays.
public struct EvaluationSet: Sendable {
    /// The file or folder it came from (used in error messages and reports).
    public let path: String
    /// What kind of set it is: `npz`, `npy folder`, `image folder`.
    public let kind: String
    /// Class index per sample.
    public let labels: [Int32]
    /// Input names, when the set names them (one array per model input); nil for a single
    /// unnamed input that feeds a model's only input.
    public let inputNames: [String]?
    /// Element type and per-sample shape of each input (in `inputNames` order).
    public let sampleTypes: [(dtype: DType, shape: [Int])]
    /// Class names the set itself defines (image folders), by class index.
    public let classNames: [String]?
    /// Metadata columns: name → one value per sample, as text.
    public let metadata: [String: [String]]
    /// Loads samples `range` as one tensor per input with a leading batch dimension.
    let loader: @Sendable (Range<Int>) throws -> [Tensor]

    public var count: Int { labels.count }

    public init(path: String, kind: String, labels: [Int32], inputNames: [String]?, sampleTypes: [(dtype: DType, shape: [Int])],
                classNames: [String]? = nil, metadata: [String: [String]] = [:],
                loader: @escaping @Sendable (Range<Int>) throws -> [Tensor]) {
        self.path = path
        self.kind = kind
        self.labels = labels
        self.inputNames = inputNames
        self.sampleTypes = sampleTypes
        self.classNames = classNames
        self.metadata = metadata
        self.loader = loader
    }

    /// Samples `range` as one tensor per input, each `[range.count] + sample shape`.
    public func batch(_ range: Range<Int>) throws -> [Tensor] {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return try loader(range)
    }

    /// A set over in-memory arrays: each `[count, …]`; `names` nil for a single unnamed input.
    public static func arrays(path: String, kind: String, names: [String]?, arrays: [Tensor], labels: [Int32],
                              classNames: [String]? = nil, metadata: [String: [String]] = [:]) throws -> EvaluationSet {
        for (i, a) in arrays.enumerated() {
            let name = names?[i] ?? "inputs"
            guard a.rank >= 1, a.shape[0] == labels.count else {
                throw CheckingError.invalidInput(path: path, reason: "array '\(name)' has shape \(a.shape); expected \(labels.count) samples along its first dimension (as many as labels)")
            }
            guard a.dtype != .string, a.dtype.byteWidth != nil else {
                throw CheckingError.invalidInput(path: path, reason: "array '\(name)' has element type \(a.dtype), which cannot feed a model sample by sample")
            }
        }
        let types = arrays.map { (dtype: $0.dtype, shape: Array($0.shape.dropFirst())) }
        return EvaluationSet(path: path, kind: kind, labels: labels, inputNames: names, sampleTypes: types, classNames: classNames,
                             metadata: metadata) { range in
            try arrays.map { try Self.slice($0, range) }
        }
    }

    /// Rows `range` of `tensor` along its first dimension, as a view (no copy).
    static func slice(_ tensor: Tensor, _ range: Range<Int>) throws -> Tensor {
        let n = tensor.shape[0]
        let rowBytes = n == 0 ? 0 : tensor.byteCount / n
        let bytes = UnsafeRawBufferPointer(rebasing: tensor.storage.bytes[(range.lowerBound * rowBytes)..<(range.upperBound * rowBytes)])
        return try Tensor(dtype: tensor.dtype, shape: [range.count] + tensor.shape.dropFirst(),
                          storage: TensorStorage(viewing: bytes, owner: tensor.storage), quantization: tensor.quantization)
    }

    /// Stacks same-typed samples into one `[count, …]` tensor.
    static func stack(_ samples: [Tensor], dtype: DType, shape: [Int]) throws -> Tensor {
        let sampleBytes = dtype.storageBytes(count: Shape.elementCount(shape) ?? 0) ?? 0
        let storage = TensorStorage(byteCount: sampleBytes * samples.count) { out in
            for (i, s) in samples.enumerated() {
                UnsafeMutableRawBufferPointer(rebasing: out[(i * sampleBytes)..<((i + 1) * sampleBytes)]).copyMemory(from: s.storage.bytes)
            }
        }
        return try Tensor(dtype: dtype, shape: [samples.count] + shape, storage: storage)
    }

    /// Checks labels against the class count once it is known (from the model's output, class names).
    public func validateLabels(classCount: Int) throws {
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
            throw CheckingError.invalidInput(path: path, reason: "label \(labels[bad]) of sample \(bad) is not a class index in 0..<\(classCount)")
        }
    }
}
