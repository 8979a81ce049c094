import Foundation
import LockstepCore

/// MelWeightMatrix (ONNX opset 17): a `[dft_length/2 + 1, num_mel_bins]` matrix of triangular
/// filters that maps a linear spectrum to the mel scale `mel(f) = 2595·log₁₀(1 + f/700)`.
/// `num_mel_bins + 2` points are spaced evenly in mel from `lower_edge_hertz` with step
/// `(mel(upper) - mel(lower)) / (num_mel_bins + 2)`, converted back to Hz and to spectrogram bins
/// `⌊(dft_length + 1)·f / sample_rate⌋`. Filter `i` rises linearly from 0 at point `i` to 1 at
/// point `i+1` (a single 1 when they coincide) and falls linearly to point `i+2` (exclusive).
/// Output type `output_datatype` (default float32). Float64 arithmetic, converted as Cast does.
struct MelWeightMatrixKernel: Kernel {
    static let registration = OpRegistration("MelWeightMatrix", versions: 17...Int.max) { context in
        MelWeightMatrixKernel(dtype: try MiscSupport.outputDatatype(context.attributes))
    }

    let dtype: DType

    struct Operands {
        let melBins: Int
        let dftLength: Int
        let sampleRate: Int
        let lower: Double
        let upper: Double
        var spectrogramBins: Int { dftLength / 2 + 1 }
    }

    func operands(_ inputs: [Value?]) throws -> Operands {
        let names = ["num_mel_bins", "dft_length", "sample_rate", "lower_edge_hertz", "upper_edge_hertz"]
        let t = try names.enumerated().map { try Inputs.tensor(inputs, $0.offset, name: $0.element) }
        let o = Operands(melBins: try MiscSupport.scalarInt(t[0], name: names[0]), dftLength: try MiscSupport.scalarInt(t[1], name: names[1]),
                         sampleRate: try MiscSupport.scalarInt(t[2], name: names[2]),
                         lower: try MiscSupport.scalarDouble(t[3], name: names[3]), upper: try MiscSupport.scalarDouble(t[4], name: names[4]))
        guard o.melBins >= 1 else { throw KernelError("num_mel_bins must be positive, found \(o.melBins)") }
        guard o.dftLength >= 1 else { throw KernelError("dft_length must be positive, found \(o.dftLength)") }
        guard o.sampleRate >= 1 else { throw KernelError("sample_rate must be positive, found \(o.sampleRate)") }
        return o
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let o = try operands(inputs)
        return [TensorInfo(dtype: dtype, shape: [o.spectrogramBins, o.melBins])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let o = try operands(inputs)
        let rows = o.spectrogramBins, cols = o.melBins
        let lowMel = 2595 * log10(1 + o.lower / 700), highMel = 2595 * log10(1 + o.upper / 700)
        let points = cols + 2
        let step = (highMel - lowMel) / Double(points)
        let bins: [Int] = try (0..<points).map { i in
            let hz = 700 * (pow(10, (Double(i) * step + lowMel) / 2595) - 1)
            let bin = (Double(o.dftLength + 1) * hz / Double(o.sampleRate)).rounded(.down)
            guard bin.isFinite, abs(bin) < 0x1p53 else { throw KernelError("mel point \(i) (\(hz) Hz) has no spectrogram bin") }
            return Int(bin)
        }
        var output = [Double](repeating: 0, count: rows * cols)
        func set(_ row: Int, _ col: Int, _ value: Double) throws {
            guard row >= 0, row < rows else {
                throw KernelError("mel filter \(col) reaches spectrogram bin \(row), outside [0, \(rows)) (edges \(bins))")
            }
            output[row * cols + col] = value
        }
        for i in 0..<cols {
            let (left, center, right) = (bins[i], bins[i + 1], bins[i + 2])
            if center == left {
                try set(center, i, 1)
            } else if center > left {
                for j in left...center { try set(j, i, Double(j - left) / Double(center - left)) }
            }
            if right > center {
                for j in center..<right { try set(j, i, Double(right - j) / Double(right - center)) }
            }
        }
        return [.tensor(try MiscSupport.tensor(output, dtype: dtype, shape: [rows, cols]))]
    }
}
