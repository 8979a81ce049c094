import Foundation
import LockstepCore

/// HannWindow, HammingWindow, BlackmanWindow (ONNX opset 17): a 1-D window of `size` (scalar
/// int32/int64 input) points `w[n]`, `n = 0…size-1`, over `N = size` when `periodic` (default 1) or
/// `N = size - 1` when symmetric:
/// - Hann: `sin²(πn/N)`;
/// - Hamming: `α - β·cos(2πn/N)` with `α = 25/46`, `β = 21/46`;
/// - Blackman: `0.42 - 0.5·cos(2πn/N) + 0.08·cos(4πn/N)`.
/// Output type `output_datatype` (default float32). Float64 arithmetic, converted as Cast does.
struct WindowKernel: Kernel {
    enum Shape: Sendable { case hann, hamming, blackman }

    static func registration(_ name: String, _ shape: Shape) -> OpRegistration {
        OpRegistration(name, versions: 17...Int.max) { context in
            let a = context.attributes
            return WindowKernel(shape: shape, periodic: try a.int("periodic", default: 1) != 0,
                                dtype: try MiscSupport.outputDatatype(a))
        }
    }

    static let registrations = [
        registration("HannWindow", .hann), registration("HammingWindow", .hamming), registration("BlackmanWindow", .blackman),
    ]

    let shape: Shape
    let periodic: Bool
    let dtype: DType

    func size(_ inputs: [Value?]) throws -> Int {
        guard let size = try MiscSupport.scalarInt(inputs, 0, name: "size") else { throw KernelError("input 0 (size) is required") }
        guard size >= 0 else { throw KernelError("size must not be negative, found \(size)") }
        return size
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: dtype, shape: [try size(inputs)])]
    }

    /// The window's values (a symmetric window of one point divides by zero, as the spec's function does).
    static func values(_ shape: Shape, size: Int, periodic: Bool) -> [Double] {
        let span = Double(periodic ? size : size - 1)
        return (0..<size).map { i in
            let n = Double(i)
            switch shape {
            case .hann:
                let s = sin(Double.pi * n / span)
                return s * s
            case .hamming:
                let alpha = 25.0 / 46.0
                return alpha - (1 - alpha) * cos(2 * Double.pi * n / span)
            case .blackman:
                return 0.42 - 0.5 * cos(2 * Double.pi * n / span) + 0.08 * cos(4 * Double.pi * n / span)
            }
        }
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let size = try size(inputs)
        return [.tensor(try MiscSupport.tensor(Self.values(shape, size: size, periodic: periodic), dtype: dtype, shape: [size]))]
    }
}
