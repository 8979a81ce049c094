import Foundation
import LockstepCore

/// Helpers shared by the signal-processing ops of this folder (DFT, STFT, windows, mel matrix).
enum MiscSupport {
    /// The value of a scalar (or one-element) int32/int64 input, `nil` when the optional input is omitted.
    static func scalarInt(_ inputs: [Value?], _ index: Int, name: String) throws -> Int? {
        guard let t = try Inputs.optionalTensor(inputs, index) else { return nil }
        return try scalarInt(t, name: name)
    }

    /// The value of a scalar (or one-element) int32/int64 tensor.
    static func scalarInt(_ t: Tensor, name: String) throws -> Int {
        guard t.count == 1 else { throw KernelError("input '\(name)' must be a scalar, found shape \(t.shape)") }
        return try NNSupport.ints(t, name: name)[0]
    }

    /// The value of a scalar (or one-element) real tensor as `Double`.
    static func scalarDouble(_ t: Tensor, name: String) throws -> Double {
        guard t.count == 1 else { throw KernelError("input '\(name)' must be a scalar, found shape \(t.shape)") }
        guard t.dtype.isConvertibleToReal else { throw KernelError("input '\(name)' must be numeric, found \(t.dtype)") }
        return try t.doubleValues()[0]
    }

    /// The element type named by the `output_datatype` attribute (default float32); real numeric types only.
    static func outputDatatype(_ a: AttributeReader) throws -> DType {
        let code = try a.int("output_datatype", default: 1)
        guard let t = DType(onnxCode: Int32(truncatingIfNeeded: code)), t.isConvertibleToReal, t != .bool, t != .string else {
            throw KernelError("attribute 'output_datatype' \(code) is not a numeric element type")
        }
        return t
    }

    /// `values` (computed in Float64) as a tensor of `dtype`, converted as Cast does (floats round
    /// to nearest, integers truncate toward zero).
    static func tensor(_ values: [Double], dtype: DType, shape: [Int]) throws -> Tensor {
        if dtype.isComputedAsFloat { return try NNSupport.tensor(values, dtype: dtype, shape: shape) }
        return try TypeConversion.convert(try Tensor(dtype: .float64, shape: shape, values: values), to: dtype)
    }
}

/// A plain O(n²) discrete Fourier transform in Float64 over one line at a time, with the
/// twiddle factors `e^{±2πi·m/n}` tabulated once per length.
struct FourierTable: Sendable {
    let n: Int
    let cosines: [Double]
    let sines: [Double]

    init(length n: Int) {
        self.n = n
        var c = [Double](repeating: 0, count: n), s = c
        for m in 0..<n {
            let angle = 2 * Double.pi * Double(m) / Double(n)
            c[m] = Foundation.cos(angle)
            s[m] = Foundation.sin(angle)
        }
        cosines = c
        sines = s
    }

    /// Writes bins `0..<count` of the transform of the length-`n` complex line `(re, im)`:
    /// forward `X[k] = Σₜ x[t]·e^{-2πikt/n}`, or inverse `x[k] = (1/n)·Σₜ X[t]·e^{+2πikt/n}`.
    func transform(re: UnsafePointer<Double>, im: UnsafePointer<Double>, count: Int, inverse: Bool,
                   outRe: UnsafeMutablePointer<Double>, outIm: UnsafeMutablePointer<Double>) {
        let sign: Double = inverse ? 1 : -1
        let scale: Double = inverse ? 1 / Double(n) : 1
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                let c = cb.baseAddress!, s = sb.baseAddress!
                for k in 0..<count {
                    var sumRe = 0.0, sumIm = 0.0, m = 0
                    let step = k % n
                    for t in 0..<n {
                        // x · (cos θ + i·sign·sin θ)
                        let ct = c[m], st = sign * s[m]
                        sumRe += re[t] * ct - im[t] * st
                        sumIm += im[t] * ct + re[t] * st
                        m += step
                        if m >= n { m -= n }
                    }
                    outRe[k] = sumRe * scale
                    outIm[k] = sumIm * scale
                }
            }
        }
    }
}
