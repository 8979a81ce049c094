import Foundation
import LockstepCore
import TensorIO

/// Opens an evaluation set (docs/accuracy.md):
///
/// - a `.npz` with `labels` (integer class indices, shape `[N]`) and either `inputs` (`[N, …]`,
///   feeding a model's only input) or one `[N, …]` array per model input name; arrays named
///   `meta_<column>` (shape `[N]`) are metadata columns;
/// - a folder holding `labels.csv` with a header: `file` (a `.npy` sample inside the folder),
///   `label` (class index, or class name with `--classes`) and any other columns as metadata;
/// - a folder of class folders (`<root>/<class>/*.png|jpg|jpeg`), decoded and preprocessed as
///   `preprocess.yaml` in the root (or the given preprocessing) declares; classes are the folder
///   names, sorted, unless a class-name file orders them.
public enum EvaluationSetLoader {
    /// - Parameters:
    ///   - classNames: names by class index (`--classes FILE`), when given.
    ///   - preprocessing: for image folders; default `<root>/preprocess.yaml`.
    public static func load(path: String, classNames: [String]? = nil, preprocessing: ImagePreprocessing? = nil) throws -> EvaluationSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckingError.invalidInput(path: path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue {
            guard path.lowercased().hasSuffix(".npz") else {
                throw CheckingError.invalidInput(path: path, reason: "an evaluation set is a .npz file or a folder (with labels.csv, or one folder per class)")
            }
            return try npz(path: path)
        }
        let csv = (path as NSString).appendingPathComponent("labels.csv")
        if FileManager.default.fileExists(atPath: csv) { return try npyFolder(path: path, csv: csv, classNames: classNames) }
        return try imageFolder(path: path, classNames: classNames, preprocessing: preprocessing)
    }

    /// Class names from a text file: one per line, in class-index order; blank lines are skipped.
    public static func classNames(path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckingError.invalidInput(path: path, reason: "cannot be read")
        }
        let names = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw CheckingError.invalidInput(path: path, reason: "no class names (one per line)") }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted {
            throw CheckingError.invalidInput(path: path, reason: "class name '\(n)' appears twice")
        }
        return names
    }

    // MARK: .npz

    static func npz(path: String) throws -> EvaluationSet {
        let arrays: [(name: String, tensor: Tensor)]
        do { arrays = try Npz.read(path: path) } catch let e as TensorIOError {
            throw CheckingError.invalidInput(path: path, reason: Self.reason(e, path: path))
        }
        guard let labelsArray = arrays.first(where: { $0.name == "labels" })?.tensor else {
            throw CheckingError.invalidInput(path: path, reason: "no array 'labels' (arrays: \(arrays.map(\.name).joined(separator: ", ")))")
        }
        let labels = try Self.labels(labelsArray, path: path, what: "array 'labels'")
        var metadata: [String: [String]] = [:]
        var inputs: [(String, Tensor)] = []
        for (name, tensor) in arrays where name != "labels" {
            if name.hasPrefix("meta_") {
                let column = String(name.dropFirst(5))
                guard tensor.rank == 1, tensor.shape[0] == labels.count else {
                    throw CheckingError.invalidInput(path: path, reason: "metadata array '\(name)' has shape \(tensor.shape); expected [\(labels.count)]")
                }
                metadata[column] = try Self.text(tensor, path: path, what: "metadata array '\(name)'")
            } else {
                inputs.append((name, tensor))
            }
        }
        guard !inputs.isEmpty else { throw CheckingError.invalidInput(path: path, reason: "no input arrays (expected 'inputs' or one array per model input)") }
        if inputs.contains(where: { $0.0 == "inputs" }) {
            if let other = inputs.first(where: { $0.0 != "inputs" }) {
                throw CheckingError.invalidInput(path: path, reason: "has both 'inputs' and '\(other.0)': give 'inputs' alone, or one array per model input name")
            }
            return try EvaluationSet.arrays(path: path, kind: "npz", names: nil, arrays: [inputs[0].1], labels: labels, metadata: metadata)
        }
        return try EvaluationSet.arrays(path: path, kind: "npz", names: inputs.map(\.0), arrays: inputs.map(\.1), labels: labels, metadata: metadata)
    }

    static func labels(_ t: Tensor, path: String, what: String) throws -> [Int32] {
        guard t.dtype.isInteger, t.dtype.byteWidth != nil else {
            throw CheckingError.invalidInput(path: path, reason: "\(what) has element type \(t.dtype); expected integer class indices")
        }
        guard t.rank == 1 || (t.rank == 2 && t.shape[1] == 1) else {
            throw CheckingError.invalidInput(path: path, reason: "\(what) has shape \(t.shape); expected [N]")
        }
        let values = try t.doubleValues()
        guard !values.isEmpty else { throw CheckingError.invalidInput(path: path, reason: "\(what) is empty") }
        if let bad = values.firstIndex(where: { $0 < 0 || $0 > Double(Int32.max) }) {
            throw CheckingError.invalidInput(path: path, reason: "\(what): label \(Int64(values[bad])) of sample \(bad) is not a class index")
        }
        return values.map { Int32($0) }
    }

    static func text(_ t: Tensor, path: String, what: String) throws -> [String] {
        if t.dtype == .bool { return try t.scalars(as: UInt8.self).map { $0 != 0 ? "true" : "false" } }
        if t.dtype == .string { return t.strings.map { String(decoding: $0, as: UTF8.self) } }
        guard t.dtype.isConvertibleToReal else {
            throw CheckingError.invalidInput(path: path, reason: "\(what) has element type \(t.dtype); expected numbers, booleans or strings")
        }
        let values = try t.doubleValues()
        return values.map { v in v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%g", v) }
    }

    static func reason(_ error: Error, path: String) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }

    // MARK: folder of .npy with labels.csv

    static func npyFolder(path: String, csv: String, classNames: [String]?) throws -> EvaluationSet {
        guard let data = FileManager.default.contents(atPath: csv) else {
            throw CheckingError.invalidInput(path: csv, reason: "cannot be read")
        }
        let table: LabelsCSV.Table
        do { table = try LabelsCSV.parse(String(decoding: data, as: UTF8.self)) } catch let f as LabelsCSV.Failure {
            throw CheckingError.invalidInput(path: csv, reason: f.reason)
        }
        guard let fileColumn = table.header.firstIndex(of: "file"), let labelColumn = table.header.firstIndex(of: "label") else {
            throw CheckingError.invalidInput(path: csv, reason: "the header needs columns 'file' and 'label' (found: \(table.header.joined(separator: ", ")))")
        }
        guard !table.rows.isEmpty else { throw CheckingError.invalidInput(path: csv, reason: "no samples") }
        let byName = Dictionary(uniqueKeysWithValues: (classNames ?? []).enumerated().map { ($1, $0) })
        var labels: [Int32] = []
        var files: [String] = []
        for (i, row) in table.rows.enumerated() {
            let raw = row[labelColumn].trimmingCharacters(in: .whitespaces)
            if let index = Int32(raw), index >= 0 {
                labels.append(index)
            } else if let index = byName[raw] {
                labels.append(Int32(index))
            } else {
                let hint = classNames == nil ? " (a class index, or a class name with --classes FILE)" : " (not a class index or a name in the class file)"
                throw CheckingError.invalidInput(path: csv, reason: "row \(i + 2): label '\(raw)' is not a class\(hint)")
            }
            let file = row[fileColumn]
            guard Self.isSafeRelative(file) else {
                throw CheckingError.invalidInput(path: csv, reason: "row \(i + 2): file '\(file)' must be a relative path inside the folder (no '..', not absolute)")
            }
            let full = (path as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: full) else {
                throw CheckingError.invalidInput(path: csv, reason: "row \(i + 2): no such file '\(file)'")
            }
            files.append(full)
        }
        var metadata: [String: [String]] = [:]
        for (c, name) in table.header.enumerated() where c != fileColumn && c != labelColumn {
            metadata[name] = table.rows.map { $0[c] }
        }
        let sampleFiles = files
        let first = try readNpy(sampleFiles[0])
        let dtype = first.dtype, shape = first.shape
        guard dtype.byteWidth != nil, dtype != .string else {
            throw CheckingError.invalidInput(path: sampleFiles[0], reason: "element type \(dtype) cannot feed a model")
        }
        return EvaluationSet(path: path, kind: "npy folder", labels: labels, inputNames: nil, sampleTypes: [(dtype, shape)],
                             metadata: metadata) { range in
            let samples = try range.map { i -> Tensor in
                let t = try readNpy(sampleFiles[i])
                guard t.dtype == dtype, t.shape == shape else {
                    throw CheckingError.invalidInput(path: sampleFiles[i], reason: "is \(t.dtype) \(t.shape); the first sample (\(sampleFiles[0])) is \(dtype) \(shape)")
                }
                return t
            }
            return [try EvaluationSet.stack(samples, dtype: dtype, shape: shape)]
        }
    }

    static func readNpy(_ file: String) throws -> Tensor {
        do { return try Npy.read(path: file) } catch let e as TensorIOError {
            throw CheckingError.invalidInput(path: file, reason: reason(e, path: file))
        }
    }

    /// A path relative to a folder that stays inside it.
    static func isSafeRelative(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("\\") else { return false }
        return !path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
    }

    // MARK: class-per-folder images

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    static func imageFolder(path: String, classNames: [String]?, preprocessing: ImagePreprocessing?) throws -> EvaluationSet {
        let fm = FileManager.default
        let entries: [String]
        do { entries = try fm.contentsOfDirectory(atPath: path) } catch {
            throw CheckingError.invalidInput(path: path, reason: "cannot list the folder (\(error.localizedDescription))")
        }
        let folders = entries.filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isDir) && isDir.boolValue
        }.sorted()
        guard !folders.isEmpty else {
            throw CheckingError.invalidInput(path: path, reason: "neither labels.csv nor class folders (an image set has one folder of images per class)")
        }
        let names = classNames ?? folders
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var samples: [(file: String, label: Int32)] = []
        for folder in folders {
            guard let label = index[folder] else {
                throw CheckingError.invalidInput(path: (path as NSString).appendingPathComponent(folder), reason: "folder is not a class in the class-name file")
            }
            let dir = (path as NSString).appendingPathComponent(folder)
            let files = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter {
                !$0.hasPrefix(".") && imageExtensions.contains(($0 as NSString).pathExtension.lowercased())
            }.sorted()
            samples += files.map { ((dir as NSString).appendingPathComponent($0), Int32(label)) }
        }
        guard !samples.isEmpty else { throw CheckingError.invalidInput(path: path, reason: "no .png, .jpg or .jpeg images in the class folders") }
        let prep: ImagePreprocessing
        if let preprocessing {
            prep = preprocessing
        } else {
            let file = (path as NSString).appendingPathComponent("preprocess.yaml")
            guard fm.fileExists(atPath: file) else {
                throw CheckingError.invalidInput(path: path, reason: "image sets need declared preprocessing: add preprocess.yaml to the folder or pass --preprocess FILE (docs/accuracy.md)")
            }
            prep = try ImagePreprocessing.load(path: file)
        }
        // The sample shape: from the declared size, else from the first image.
        let firstSize = try ImageDecoder.decode(path: samples[0].file, channels: prep.channelCount) { _, w, h in (w, h) }
        let size = prep.outputSize(width: firstSize.0, height: firstSize.1)
        let shape = prep.sampleShape(width: size.width, height: size.height)
        let dtype = prep.dtype.dtype
        let files = samples.map(\.file)
        return EvaluationSet(path: path, kind: "image folder", labels: samples.map(\.label), inputNames: nil,
                             sampleTypes: [(dtype, shape)], classNames: names, metadata: [:]) { range in
            let tensors = try range.map { i -> Tensor in
                let t = try ImageDecoder.decode(path: files[i], channels: prep.channelCount) { pixels, w, h in
                    try prep.apply(pixels: pixels, width: w, height: h, path: files[i])
                }
                guard t.shape == shape else {
                    throw CheckingError.invalidInput(path: files[i], reason: "gives a sample of shape \(t.shape), the first image \(shape); declare resize in the preprocessing")
                }
                return t
            }
            return [try EvaluationSet.stack(tensors, dtype: dtype, shape: shape)]
        }
    }
}
