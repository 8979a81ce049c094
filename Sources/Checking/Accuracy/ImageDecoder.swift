import CImageDecode
import Foundation

/// PNG / JPEG files decoded to 8-bit pixels through libpng and libjpeg-turbo.
public enum ImageDecoder {
    /// Images above this many pixels are refused before pixel memory is allocated (hostile headers).
    public static let maxPixels = 100_000_000

    /// Decodes `path` to `channels` (1 gray, 3 RGB) interleaved bytes and passes them to `body`.
    public static func decode<R>(path: String, channels: Int,
                                 _ body: (UnsafeBufferPointer<UInt8>, _ width: Int, _ height: Int) throws -> R) throws -> R {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckingError.invalidInput(path: path, reason: "cannot be read")
        }
        var image = lockstep_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { raw in
            lockstep_image_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, Int32(channels), Int64(maxPixels),
                                  &image, &message, message.count)
        }
        guard status == 0, let pixels = image.pixels else {
            let text = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            throw CheckingError.invalidInput(path: path, reason: String(decoding: text, as: UTF8.self))
        }
        defer { lockstep_image_free(&image) }
        let width = Int(image.width), height = Int(image.height)
        return try body(UnsafeBufferPointer(start: pixels, count: width * height * channels), width, height)
    }
}
