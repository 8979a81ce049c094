/// Affine quantisation parameters: `real = scale * (q - zeroPoint)`.
///
/// Per-tensor when `scales` has one entry; per-axis when `axis` is set and `scales` has one entry
/// per slice along it; blocked (ONNX `block_size`) when `blockSize` is set, in which case
/// `scales` has one entry per block along `axis`.
public struct QuantizationParameters: Sendable, Codable, Hashable {
    public var scales: [Float]
    public var zeroPoints: [Int64]
    /// The quantised axis (per-axis or blocked); `nil` for per-tensor.
    public var axis: Int?
    /// Block length along `axis` for blocked quantisation.
    public var blockSize: Int?

    public init(scales: [Float], zeroPoints: [Int64], axis: Int? = nil, blockSize: Int? = nil) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.axis = axis
        self.blockSize = blockSize
    }

    public enum Granularity: String, Sendable, Codable { case perTensor, perAxis, blocked }

    public var granularity: Granularity {
        if blockSize != nil { return .blocked }
        return axis != nil && scales.count > 1 ? .perAxis : .perTensor
    }
}
