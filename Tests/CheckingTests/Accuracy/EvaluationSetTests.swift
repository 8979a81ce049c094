@testable import Checking
import Foundation
import LockstepCore
import LockstepTestSupport
import TensorIO
import XCTest

/// A fresh scratch folder per test.
func scratchFolder(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lockstep-accuracy-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
    try? FileManager.default.removeItem(atPath: dir)
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

final class EvaluationSetTests: XCTestCase {
    func floats(_ n: Int, _ shape: [Int]) throws -> Tensor {
        try Tensor(float32: (0..<(n * shape.reduce(1, *))).map(Float.init), shape: [n] + shape)
    }

    func testNpzWithInputsLabelsAndMetadata() throws {
        let dir = scratchFolder("npz")
        let path = dir + "/set.npz"
        try Npz.write([("inputs", try floats(4, [2, 3])), ("labels", try Tensor(dtype: .int64, shape: [4], values: [Int64(0), 2, 1, 2])),
                       ("meta_site", try Tensor(dtype: .int32, shape: [4], values: [Int32(7), 7, 8, 9]))], to: path, compressed: true)
        let set = try EvaluationSetLoader.load(path: path)
        XCTAssertEqual(set.count, 4)
        XCTAssertEqual(set.labels, [0, 2, 1, 2])
        XCTAssertNil(set.inputNames)
        XCTAssertEqual(set.sampleTypes.map(\.shape), [[2, 3]])
        XCTAssertEqual(set.metadata["site"], ["7", "7", "8", "9"])
        let batch = try set.batch(1..<3)
        XCTAssertEqual(batch[0].shape, [2, 2, 3])
        XCTAssertEqual(try batch[0].floatValues(), (6..<18).map(Float.init))
    }

    func testNpzWithOneArrayPerInputName() throws {
        let path = scratchFolder("npz-named") + "/set.npz"
        try Npz.write([("a", try floats(3, [2])), ("b", try floats(3, [1])), ("labels", try Tensor(dtype: .uint8, shape: [3, 1], values: [UInt8(1), 0, 1]))],
                      to: path, compressed: false)
        let set = try EvaluationSetLoader.load(path: path)
        XCTAssertEqual(set.inputNames, ["a", "b"])
        XCTAssertEqual(set.labels, [1, 0, 1])
    }

    func testBadNpzSetsGiveOneClearError() throws {
        let dir = scratchFolder("npz-bad")
        let labels = try Tensor(dtype: .int64, shape: [2], values: [Int64(0), 1])
        let cases: [(id: String, arrays: [(String, Tensor)], expected: String)] = [
            ("no labels", [("inputs", try floats(2, [1]))], "no array 'labels'"),
            ("float labels", [("inputs", try floats(2, [1])), ("labels", try Tensor(float32: [0, 1], shape: [2]))], "expected integer class indices"),
            ("negative label", [("inputs", try floats(2, [1])), ("labels", try Tensor(dtype: .int64, shape: [2], values: [Int64(0), -3]))], "label -3 of sample 1"),
            ("row count", [("inputs", try floats(3, [1])), ("labels", labels)], "expected 2 samples"),
            ("inputs and named", [("inputs", try floats(2, [1])), ("x", try floats(2, [1])), ("labels", labels)], "both 'inputs' and 'x'"),
            ("no inputs", [("labels", labels)], "no input arrays"),
            ("meta length", [("inputs", try floats(2, [1])), ("labels", labels), ("meta_a", try floats(3, []))], "metadata array 'meta_a'"),
        ]
        for c in cases {
            let path = "\(dir)/\(c.id.replacingOccurrences(of: " ", with: "-")).npz"
            try Npz.write(c.arrays, to: path, compressed: false, overwrite: true)
            XCTAssertThrowsError(try EvaluationSetLoader.load(path: path), c.id) { error in
                let text = (error as? LocalizedError)?.errorDescription ?? ""
                XCTAssertTrue(text.hasPrefix(path + ": "), "\(c.id): \(text)")
                XCTAssertTrue(text.contains(c.expected), "\(c.id): \(text)")
            }
        }
        XCTAssertThrowsError(try EvaluationSetLoader.load(path: dir + "/missing.npz")) { error in
            XCTAssertTrue("\(error.localizedDescription)".contains("no such file"))
        }
        let notNpz = dir + "/x.bin"
        FileManager.default.createFile(atPath: notNpz, contents: Data("x".utf8))
        XCTAssertThrowsError(try EvaluationSetLoader.load(path: notNpz))
    }

    func testNpyFolderWithLabelsCSV() throws {
        let dir = scratchFolder("npy")
        try FileManager.default.createDirectory(atPath: dir + "/s", withIntermediateDirectories: true)
        for i in 0..<3 { try Npy.write(try Tensor(float32: [Float(i), Float(i) + 0.5], shape: [2]), to: "\(dir)/s/\(i).npy") }
        try "file,label,\"site, city\"\ns/0.npy,cat,\"Oslo, NO\"\ns/1.npy,1,Bergen\r\ns/2.npy,dog,\"say \"\"hi\"\"\"\n"
            .write(toFile: dir + "/labels.csv", atomically: true, encoding: .utf8)
        let set = try EvaluationSetLoader.load(path: dir, classNames: ["cat", "dog"])
        XCTAssertEqual(set.labels, [0, 1, 1])
        XCTAssertEqual(set.metadata["site, city"], ["Oslo, NO", "Bergen", "say \"hi\""])
        XCTAssertEqual(try set.batch(0..<3)[0].floatValues(), [0, 0.5, 1, 1.5, 2, 2.5])
        // Names need a class file.
        XCTAssertThrowsError(try EvaluationSetLoader.load(path: dir)) { error in
            XCTAssertTrue(error.localizedDescription.contains("--classes"), error.localizedDescription)
        }
    }

    func testNpyFolderRejectsEscapesAndMismatches() throws {
        let dir = scratchFolder("npy-bad")
        try Npy.write(try Tensor(float32: [1, 2], shape: [2]), to: dir + "/a.npy")
        try Npy.write(try Tensor(float32: [1, 2, 3], shape: [3]), to: dir + "/b.npy")
        let cases: [(csv: String, expected: String)] = [
            ("file,label\n../a.npy,0\n", "must be a relative path inside the folder"),
            ("file,label\n/etc/passwd,0\n", "must be a relative path inside the folder"),
            ("file,label\nmissing.npy,0\n", "no such file 'missing.npy'"),
            ("name,label\na.npy,0\n", "needs columns 'file' and 'label'"),
            ("file,label\na.npy,0,extra\n", "row 2 has 3 fields"),
            ("file,label\n\"a.npy,0\n", "unterminated quoted field"),
            ("", "empty file"),
        ]
        for c in cases {
            try c.csv.write(toFile: dir + "/labels.csv", atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try EvaluationSetLoader.load(path: dir), c.csv) { error in
                XCTAssertTrue(error.localizedDescription.hasPrefix(dir + "/labels.csv: "), error.localizedDescription)
                XCTAssertTrue(error.localizedDescription.contains(c.expected), "\(c.csv): \(error.localizedDescription)")
            }
        }
        try "file,label\na.npy,0\nb.npy,1\n".write(toFile: dir + "/labels.csv", atomically: true, encoding: .utf8)
        let set = try EvaluationSetLoader.load(path: dir)
        XCTAssertThrowsError(try set.batch(0..<2)) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix(dir + "/b.npy: "), error.localizedDescription)
        }
    }

    func testClassNamesFile() throws {
        let dir = scratchFolder("names")
        try "cat\n\n dog \n".write(toFile: dir + "/c.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(try EvaluationSetLoader.classNames(path: dir + "/c.txt"), ["cat", "dog"])
        try "cat\ncat\n".write(toFile: dir + "/d.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try EvaluationSetLoader.classNames(path: dir + "/d.txt"))
    }
}

final class ImageSetTests: XCTestCase {
    static let root = Repo.path("Tests/CheckingTests/Fixtures/accuracy/images")

    struct Expected: Decodable {
        struct File: Decodable { var width: Int; var height: Int; var rgb: [Int]; var gray: [Int]? }
        var files: [String: File]
    }

    static let expected: Expected = try! JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/expected.json")))

    func testDecodingMatchesPillow() throws {
        for (name, e) in Self.expected.files.sorted(by: { $0.key < $1.key }) {
            // libjpeg-turbo versions and 16→8 bit reduction may differ from Pillow's by one level.
            let tolerance = name.hasSuffix(".jpg") || name.hasSuffix("d.png") ? 1 : 0
            let rgb = try ImageDecoder.decode(path: Self.root + "/" + name, channels: 3) { p, w, h in (Array(p), w, h) }
            XCTAssertEqual(rgb.1, e.width, name)
            XCTAssertEqual(rgb.2, e.height, name)
            XCTAssertEqual(rgb.0.count, e.rgb.count, name)
            for (a, b) in zip(rgb.0, e.rgb) { XCTAssertLessThanOrEqual(abs(Int(a) - b), tolerance, name) }
            if let gray = e.gray, !name.hasSuffix(".jpg") {
                let g = try ImageDecoder.decode(path: Self.root + "/" + name, channels: 1) { p, _, _ in Array(p) }
                // BT.601 luma in the same fixed point as Pillow's convert("L"): exact.
                XCTAssertEqual(g.map(Int.init), gray, name)
            }
        }
    }

    func testHostileImagesGiveOneClearError() {
        let cases: [(file: String, expected: String)] = [
            ("bad/truncated.png", "not a valid PNG"),
            ("bad/truncated.jpg", "not a valid JPEG"),
            ("bad/not-an-image.png", "not a PNG or JPEG image"),
            ("bad/huge.png", "over the limit"),
            ("bad/missing.png", "cannot be read"),
        ]
        for c in cases {
            let path = Self.root + "/" + c.file
            XCTAssertThrowsError(try ImageDecoder.decode(path: path, channels: 3) { _, _, _ in () }, c.file) { error in
                XCTAssertTrue(error.localizedDescription.hasPrefix(path + ": "), error.localizedDescription)
                XCTAssertTrue(error.localizedDescription.contains(c.expected), "\(c.file): \(error.localizedDescription)")
            }
        }
    }

    func testClassFolderTreeWithDeclaredPreprocessing() throws {
        let set = try EvaluationSetLoader.load(path: Self.root + "/tree")
        XCTAssertEqual(set.classNames, ["cat", "dog"])
        XCTAssertEqual(set.labels, [0, 0, 1, 1])
        XCTAssertEqual(set.sampleTypes[0].shape, [3, 4, 4])
        let batch = try set.batch(0..<4)[0]
        XCTAssertEqual(batch.shape, [4, 3, 4, 4])
        let values = try batch.floatValues()
        // (p / 255 − 0.5) / 0.25 lies in [−2, 2].
        XCTAssertTrue(values.allSatisfy { $0 >= -2 && $0 <= 2 })
        // A class file reorders the classes.
        let reordered = try EvaluationSetLoader.load(path: Self.root + "/tree", classNames: ["dog", "cat"])
        XCTAssertEqual(reordered.labels, [1, 1, 0, 0])
        XCTAssertThrowsError(try EvaluationSetLoader.load(path: Self.root + "/tree", classNames: ["dog", "bird"])) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a class in the class-name file"), error.localizedDescription)
        }
    }

    func testTreeWithoutPreprocessingIsRefused() {
        let dir = scratchFolder("tree-noprep")
        try? FileManager.default.createDirectory(atPath: dir + "/a", withIntermediateDirectories: true)
        try? FileManager.default.copyItem(atPath: Self.root + "/tree/cat/a.png", toPath: dir + "/a/x.png")
        XCTAssertThrowsError(try EvaluationSetLoader.load(path: dir)) { error in
            XCTAssertTrue(error.localizedDescription.contains("preprocess.yaml"), error.localizedDescription)
        }
    }
}

final class ImagePreprocessingTests: XCTestCase {
    func apply(_ p: ImagePreprocessing, _ pixels: [UInt8], _ w: Int, _ h: Int) throws -> Tensor {
        try pixels.withUnsafeBufferPointer { try p.apply(pixels: $0, width: w, height: h, path: "x") }
    }

    func testBilinearHalfPixelUpsamplingMatchesOpenCVWeights() throws {
        // 2x1 gray [0, 100] → 4x1: OpenCV INTER_LINEAR gives [0, 25, 75, 100].
        var p = ImagePreprocessing()
        p.channels = .gray
        p.resize = [4, 1]
        p.dtype = .uint8
        XCTAssertEqual(try apply(p, [0, 100], 2, 1).scalars(as: UInt8.self), [0, 25, 75, 100])
        // Downsampling 4→2 averages neighbour pairs (half-pixel centres at 0.5 and 2.5).
        p.resize = [2, 1]
        XCTAssertEqual(try apply(p, [0, 100, 200, 40], 4, 1).scalars(as: UInt8.self), [50, 120])
    }

    func testLayoutsChannelsAndNormalisation() throws {
        // One RGB pixel row of two pixels.
        let pixels: [UInt8] = [255, 0, 51, 0, 255, 102]
        var p = ImagePreprocessing()
        p.layout = .nchw
        p.mean = [0, 0.5, 1]
        p.std = [1, 0.5, 2]
        XCTAssertEqual(try apply(p, pixels, 2, 1).shape, [3, 1, 2])
        let nchw = try apply(p, pixels, 2, 1).floatValues()
        let expected: [Float] = [1, 0, -1, 1, (0.2 - 1) / 2, (0.4 - 1) / 2]
        for (a, b) in zip(nchw, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        p.layout = .nhwc
        p.channels = .bgr
        p.mean = nil
        p.std = nil
        p.scale = 1
        XCTAssertEqual(try apply(p, pixels, 2, 1).floatValues(), [51, 0, 255, 102, 255, 0])
        var q = ImagePreprocessing()
        q.dtype = .int8
        q.channels = .gray
        XCTAssertEqual(try apply(q, [0, 128, 255], 3, 1).scalars(as: Int8.self), [-128, 0, 127])
    }

    func testShorterSideResizeAndCentreCrop() throws {
        var p = ImagePreprocessing()
        p.resizeShorter = 2
        p.centerCrop = [2, 2]
        XCTAssertEqual(p.outputSize(width: 8, height: 4).width, 2)
        XCTAssertEqual(p.resizedSize(width: 8, height: 4).width, 4)
        p.centerCrop = [3, 3]
        XCTAssertThrowsError(try apply(p, [UInt8](repeating: 0, count: 8 * 4 * 3), 8, 4))
    }

    func testPreprocessFileValidation() throws {
        let dir = scratchFolder("prep")
        let cases: [(yaml: String, expected: String?)] = [
            ("resize: [224, 224]\nmean: [0.485, 0.456, 0.406]\nstd: [0.229, 0.224, 0.225]\n", nil),
            ("resize: [0, 5]\n", "resize must be [width, height]"),
            ("size: [1, 2]\n", ":1: unknown key 'size' (did you mean 'resize'?)"),
            ("resize: [2, 2]\nresize: [3, 3]\n", ":2: duplicate key 'resize'"),
            ("mean: [1, 2]\n", "mean has 2 values"),
            ("std: [0]\n", "std must not be 0"),
            ("dtype: uint8\nmean: [1]\n", "apply to dtype float32 only"),
            ("layout: chw\n", "invalid preprocessing"),
            ("- 1\n", "expected a mapping"),
            ("resize: [2, 2]\nresize_shorter: 4\n", "either resize or resize_shorter"),
        ]
        for (i, c) in cases.enumerated() {
            let path = "\(dir)/p\(i).yaml"
            try c.yaml.write(toFile: path, atomically: true, encoding: .utf8)
            if let expected = c.expected {
                XCTAssertThrowsError(try ImagePreprocessing.load(path: path), c.yaml) { error in
                    XCTAssertTrue(error.localizedDescription.hasPrefix(path + ":"), error.localizedDescription)
                    XCTAssertTrue(error.localizedDescription.contains(expected), "\(c.yaml): \(error.localizedDescription)")
                }
            } else {
                XCTAssertNoThrow(try ImagePreprocessing.load(path: path), c.yaml)
            }
        }
    }
}
