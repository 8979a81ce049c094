import Foundation
import LockstepCore
import YAMLSupport
import Yams

/// How decoded images become model inputs, declared in `preprocess.yaml` (docs/accuracy.md):
///
/// ```yaml
/// resize_shorter: 256        # or  resize: [width, height]
/// center_crop: [224, 224]    # width, height
/// channels: rgb              # rgb | bgr | gray
/// layout: nchw               # nchw (sample [C, H, W]) | nhwc (sample [H, W, C])
/// dtype: float32             # float32 | uint8 | int8
/// scale: 0.00392156862745098 # float32 only: value = (pixel · scale − mean[c]) / std[c]
/// mean: [0.485, 0.456, 0.406]
/// std: [0.229, 0.224, 0.225]
/// ```
///
/// Steps, in order: decode to 8-bit gray or RGB; resize (bilinear, half-pixel centres, no
/// antialiasing — OpenCV `INTER_LINEAR`); centre crop (offset `⌊(size − crop) / 2⌋`); convert:
/// float32 `(p · scale − mean) / std` (scale defaults to 1/255, mean 0, std 1); uint8 the pixel
/// rounded to nearest; int8 the pixel − 128.
public struct ImagePreprocessing: Sendable, Codable, Equatable {
    public enum Channels: String, Sendable, Codable, CaseIterable { case rgb, bgr, gray }
    public enum Layout: String, Sendable, Codable, CaseIterable { case nchw, nhwc }
    public enum ElementType: String, Sendable, Codable, CaseIterable {
        case float32, uint8, int8
        var dtype: DType {
            switch self {
            case .float32: return .float32
            case .uint8: return .uint8
            case .int8: return .int8
            }
        }
    }

    public var resize: [Int]?
    public var resizeShorter: Int?
    public var centerCrop: [Int]?
    public var channels: Channels = .rgb
    public var layout: Layout = .nchw
    public var dtype: ElementType = .float32
    public var scale: Double?
    public var mean: [Double]?
    public var std: [Double]?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case resize, resizeShorter = "resize_shorter", centerCrop = "center_crop", channels, layout, dtype, scale, mean, std
    }

    /// Missing keys take their defaults (rgb, nchw, float32, scale 1/255, mean 0, std 1).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        resize = try c.decodeIfPresent([Int].self, forKey: .resize)
        resizeShorter = try c.decodeIfPresent(Int.self, forKey: .resizeShorter)
        centerCrop = try c.decodeIfPresent([Int].self, forKey: .centerCrop)
        channels = try c.decodeIfPresent(Channels.self, forKey: .channels) ?? .rgb
        layout = try c.decodeIfPresent(Layout.self, forKey: .layout) ?? .nchw
        dtype = try c.decodeIfPresent(ElementType.self, forKey: .dtype) ?? .float32
        scale = try c.decodeIfPresent(Double.self, forKey: .scale)
        mean = try c.decodeIfPresent([Double].self, forKey: .mean)
        std = try c.decodeIfPresent([Double].self, forKey: .std)
    }

    /// Reads and validates a `preprocess.yaml`.
    public static func load(path: String) throws -> ImagePreprocessing {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckingError.invalidInput(path: path, reason: "cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        let yaml = YAMLReader()
        do {
            guard let root = try yaml.compose(text), root.mapping != nil else { throw yaml.fail(nil, "expected a mapping of preprocessing keys") }
            _ = try yaml.mapping(root, "", allowed: CodingKeys.allCases.map(\.rawValue))
        } catch let problem as YAMLProblem {
            throw CheckingError.invalidInput(path: problem.place(in: path), reason: problem.reason)
        }
        let p: ImagePreprocessing
        do { p = try YAMLDecoder().decode(ImagePreprocessing.self, from: text) } catch {
            throw CheckingError.invalidInput(path: path, reason: "invalid preprocessing (\(Self.describe(error)))")
        }
        try p.validate(path: path)
        return p
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let c), DecodingError.dataCorrupted(let c), DecodingError.valueNotFound(_, let c):
            let at = c.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? c.debugDescription : "\(at): \(c.debugDescription)"
        default: return "\(error)"
        }
    }

    /// Checks sizes and per-channel lists.
    public func validate(path: String) throws {
        func fail(_ reason: String) -> CheckingError { .invalidInput(path: path, reason: reason) }
        let limit = 16384
        if let r = resize, r.count != 2 || r.contains(where: { $0 < 1 || $0 > limit }) {
            throw fail("resize must be [width, height], each in 1…\(limit)")
        }
        if resize != nil && resizeShorter != nil { throw fail("give either resize or resize_shorter, not both") }
        if let s = resizeShorter, s < 1 || s > limit { throw fail("resize_shorter must be in 1…\(limit)") }
        if let c = centerCrop, c.count != 2 || c.contains(where: { $0 < 1 || $0 > limit }) {
            throw fail("center_crop must be [width, height], each in 1…\(limit)")
        }
        let n = channelCount
        for (name, list) in [("mean", mean), ("std", std)] {
            guard let list else { continue }
            if list.count != n && list.count != 1 { throw fail("\(name) has \(list.count) values; expected 1 or \(n) (one per channel)") }
            if list.contains(where: { !$0.isFinite }) { throw fail("\(name) must be finite") }
        }
        if let std, std.contains(0) { throw fail("std must not be 0") }
        if let scale, !scale.isFinite || scale == 0 { throw fail("scale must be finite and non-zero") }
        if dtype != .float32 && (scale != nil || mean != nil || std != nil) {
            throw fail("scale, mean and std apply to dtype float32 only (dtype is \(dtype.rawValue))")
        }
    }

    public var channelCount: Int { channels == .gray ? 1 : 3 }

    /// Output width and height for a decoded image of `width` × `height`.
    public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        var (w, h) = resizedSize(width: width, height: height)
        if let c = centerCrop { w = c[0]; h = c[1] }
        return (w, h)
    }

    func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        if let r = resize { return (r[0], r[1]) }
        if let s = resizeShorter {
            if width <= height { return (s, max(1, Int((Double(height) * Double(s) / Double(width)).rounded()))) }
            return (max(1, Int((Double(width) * Double(s) / Double(height)).rounded())), s)
        }
        return (width, height)
    }

    /// Per-sample shape of the output.
    public func sampleShape(width: Int, height: Int) -> [Int] {
        layout == .nchw ? [channelCount, height, width] : [height, width, channelCount]
    }

    /// Turns decoded 8-bit pixels (`channels` interleaved, 1 or 3 as `channelCount`) into one sample.
    public func apply(pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, path: String) throws -> Tensor {
        let c = channelCount
        precondition(pixels.count == width * height * c)
        let (rw, rh) = resizedSize(width: width, height: height)
        var (ox, oy, ow, oh) = (0, 0, rw, rh)
        if let crop = centerCrop {
            guard crop[0] <= rw && crop[1] <= rh else {
                throw CheckingError.invalidInput(path: path, reason: "image of \(width) x \(height) resized to \(rw) x \(rh) is smaller than center_crop \(crop[0]) x \(crop[1])")
            }
            (ox, oy, ow, oh) = ((rw - crop[0]) / 2, (rh - crop[1]) / 2, crop[0], crop[1])
        }
        // Source coordinate for each output column / row (half-pixel centres), clamped.
        func taps(_ outCount: Int, _ offset: Int, _ resized: Int, _ source: Int) -> [(Int, Int, Float)] {
            let ratio = Double(source) / Double(resized)
            return (0..<outCount).map { i in
                let x = max(0, (Double(i + offset) + 0.5) * ratio - 0.5)
                let x0 = min(Int(x), source - 1)
                let x1 = min(x0 + 1, source - 1)
                return (x0, x1, Float(x - Double(x0)))
            }
        }
        let xs = taps(ow, ox, rw, width), ys = taps(oh, oy, rh, height)
        let identity = rw == width && rh == height
        let order: [Int] = channels == .bgr ? [2, 1, 0] : Array(0..<c)
        let count = ow * oh * c
        var values = [Float](repeating: 0, count: count)
        for y in 0..<oh {
            let (y0, y1, fy) = ys[y]
            for x in 0..<ow {
                let (x0, x1, fx) = xs[x]
                for k in 0..<c {
                    let ch = order[k]
                    let v: Float
                    if identity {
                        v = Float(pixels[((y + oy) * width + (x + ox)) * c + ch])
                    } else {
                        let a = Float(pixels[(y0 * width + x0) * c + ch]), b = Float(pixels[(y0 * width + x1) * c + ch])
                        let d = Float(pixels[(y1 * width + x0) * c + ch]), e = Float(pixels[(y1 * width + x1) * c + ch])
                        let top = a + (b - a) * fx, bottom = d + (e - d) * fx
                        v = top + (bottom - top) * fy
                    }
                    let index = layout == .nchw ? (k * oh + y) * ow + x : (y * ow + x) * c + k
                    values[index] = v
                }
            }
        }
        let shape = sampleShape(width: ow, height: oh)
        switch dtype {
        case .float32:
            let s = Float(scale ?? 1.0 / 255.0)
            let means = (0..<c).map { k in Float(mean.map { $0.count == 1 ? $0[0] : $0[k] } ?? 0) }
            let stds = (0..<c).map { k in Float(std.map { $0.count == 1 ? $0[0] : $0[k] } ?? 1) }
            for i in 0..<count {
                let k = layout == .nchw ? i / (ow * oh) : i % c
                values[i] = (values[i] * s - means[k]) / stds[k]
            }
            return try Tensor(float32: values, shape: shape)
        case .uint8:
            return try Tensor(dtype: .uint8, shape: shape, values: values.map { UInt8(max(0, min(255, $0.rounded()))) })
        case .int8:
            return try Tensor(dtype: .int8, shape: shape, values: values.map { Int8(max(0, min(255, $0.rounded())) - 128) })
        }
    }
}
