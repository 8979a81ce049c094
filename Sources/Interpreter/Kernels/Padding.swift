/// `auto_pad` of the ONNX sliding-window ops (Conv, ConvTranspose, the pools).
public enum AutoPad: String, Sendable, CaseIterable {
    /// Explicit `pads`.
    case notSet = "NOTSET"
    /// Output size `ceil(in / stride)`; an odd total padding puts the extra element at the end.
    case sameUpper = "SAME_UPPER"
    /// Like `sameUpper` with the extra element at the beginning.
    case sameLower = "SAME_LOWER"
    /// No padding.
    case valid = "VALID"

    /// Parses an attribute value (`nil` = `NOTSET`).
    public init(attribute: String?) throws {
        guard let attribute else { self = .notSet; return }
        guard let value = AutoPad(rawValue: attribute) else {
            throw KernelError("attribute 'auto_pad' must be one of NOTSET, SAME_UPPER, SAME_LOWER, VALID, found '\(attribute)'")
        }
        self = value
    }
}

/// Resolved geometry of a sliding window over the spatial dimensions of one tensor: what the
/// convolution and pooling kernels need, independent of layout and element type.
///
/// Window `o` along dimension `d` covers input positions `o * strides[d] - padsBegin[d] + j * dilations[d]`
/// for `j` in `0..<kernel[d]`; positions outside `0..<input[d]` are padding.
public struct SpatialWindow: Sendable, Equatable, CustomStringConvertible {
    public var input: [Int]
    public var kernel: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var padsBegin: [Int]
    /// End padding as declared (pooling with `count_include_pad` counts positions up to
    /// `input + padsEnd`, never the extra room `ceil_mode` adds).
    public var padsEnd: [Int]
    public var output: [Int]

    public init(input: [Int], kernel: [Int], strides: [Int], dilations: [Int], padsBegin: [Int], padsEnd: [Int], output: [Int]) {
        self.input = input
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padsBegin = padsBegin
        self.padsEnd = padsEnd
        self.output = output
    }

    public var rank: Int { input.count }
    public var inputCount: Int { input.reduce(1, *) }
    public var outputCount: Int { output.reduce(1, *) }
    public var kernelCount: Int { kernel.reduce(1, *) }

    public var description: String {
        "input \(input) kernel \(kernel) strides \(strides) dilations \(dilations) pads \(padsBegin + padsEnd) output \(output)"
    }

    /// The same window with leading unit dimensions so that it has exactly `rank` spatial
    /// dimensions (kernels run 1-D and 2-D cases through their 3-D loops).
    public func expanded(toRank rank: Int) -> SpatialWindow {
        let extra = rank - self.rank
        guard extra > 0 else { return self }
        let ones = [Int](repeating: 1, count: extra), zeros = [Int](repeating: 0, count: extra)
        return SpatialWindow(input: ones + input, kernel: ones + kernel, strides: ones + strides, dilations: ones + dilations,
                             padsBegin: zeros + padsBegin, padsEnd: zeros + padsEnd, output: ones + output)
    }

    /// True when every window reads only real input positions in a dense 1×1 pattern
    /// (the input itself is the im2col matrix).
    public var isPointwise: Bool {
        kernel.allSatisfy { $0 == 1 } && strides.allSatisfy { $0 == 1 } && padsBegin.allSatisfy { $0 == 0 } && output == input
    }
}

/// Padding and output-size arithmetic shared by convolution and pooling (ONNX `auto_pad`,
/// `pads`, `ceil_mode`; ConvTranspose `output_padding` / `output_shape`).
public enum Padding {
    /// Checks the per-dimension attribute lists of a sliding-window op and fills defaults.
    /// `pads` has `2 * rank` entries (all begins, then all ends).
    static func attributes(rank: Int, kernel: [Int], strides: [Int]?, dilations: [Int]?, pads: [Int]?) throws
        -> (strides: [Int], dilations: [Int], pads: [Int]) {
        guard kernel.count == rank else { throw KernelError("kernel_shape \(kernel) must have \(rank) entries for an input with \(rank) spatial dimensions") }
        guard kernel.allSatisfy({ $0 > 0 }) else { throw KernelError("kernel_shape \(kernel) must be positive") }
        let s = strides ?? [Int](repeating: 1, count: rank)
        let d = dilations ?? [Int](repeating: 1, count: rank)
        let p = pads ?? [Int](repeating: 0, count: 2 * rank)
        guard s.count == rank else { throw KernelError("strides \(s) must have \(rank) entries") }
        guard s.allSatisfy({ $0 > 0 }) else { throw KernelError("strides \(s) must be positive") }
        guard d.count == rank else { throw KernelError("dilations \(d) must have \(rank) entries") }
        guard d.allSatisfy({ $0 > 0 }) else { throw KernelError("dilations \(d) must be positive") }
        guard p.count == 2 * rank else { throw KernelError("pads \(p) must have \(2 * rank) entries (begins, then ends)") }
        guard p.allSatisfy({ $0 >= 0 }) else { throw KernelError("pads \(p) must not be negative") }
        return (s, d, p)
    }

    /// The window of a convolution or pooling op.
    ///
    /// - `NOTSET`/`VALID`: `out = floor((in + pb + pe - dk) / s) + 1` with `dk = (k - 1) * d + 1`
    ///   (`ceil` with `ceilMode`, dropping a last window that would start in the end padding).
    /// - `SAME_UPPER`/`SAME_LOWER`: `out = ceil(in / s)`, total padding
    ///   `max(0, (out - 1) * s + dk - in)` split with the odd element at the end / beginning.
    public static func forward(input: [Int], kernel: [Int], strides: [Int]? = nil, dilations: [Int]? = nil, pads: [Int]? = nil,
                               autoPad: AutoPad = .notSet, ceilMode: Bool = false) throws -> SpatialWindow {
        let rank = input.count
        let (s, d, p) = try attributes(rank: rank, kernel: kernel, strides: strides, dilations: dilations, pads: pads)
        var begin = [Int](repeating: 0, count: rank), end = begin, output = begin
        for i in 0..<rank {
            let extent = (kernel[i] - 1) * d[i] + 1
            switch autoPad {
            case .sameUpper, .sameLower:
                output[i] = (input[i] + s[i] - 1) / s[i]
                let total = max(0, (output[i] - 1) * s[i] + extent - input[i])
                begin[i] = autoPad == .sameUpper ? total / 2 : total - total / 2
                end[i] = total - begin[i]
            case .notSet, .valid:
                if autoPad == .notSet { begin[i] = p[i]; end[i] = p[rank + i] }
                let span = input[i] + begin[i] + end[i] - extent
                guard span >= 0 else {
                    throw KernelError("window of extent \(extent) (kernel_shape \(kernel[i]), dilation \(d[i])) does not fit spatial dimension \(i) of size \(input[i]) with pads \(begin[i]) and \(end[i])")
                }
                if ceilMode {
                    output[i] = (span + s[i] - 1) / s[i] + 1
                    // The last window must start inside the input or the begin padding.
                    if (output[i] - 1) * s[i] >= input[i] + begin[i] { output[i] -= 1 }
                } else {
                    output[i] = span / s[i] + 1
                }
            }
        }
        return SpatialWindow(input: input, kernel: kernel, strides: s, dilations: d, padsBegin: begin, padsEnd: end, output: output)
    }

    /// The window of a transposed convolution, described from the *output's* side: `input` of
    /// the returned window is the ConvTranspose output and `output` its input, so that the
    /// forward convolution with this window maps the ConvTranspose output back onto its input.
    ///
    /// Output size: `s * (in - 1) + output_padding + dk - pb - pe`. With `output_shape`, the
    /// total padding follows from it (SAME_UPPER puts the odd element at the end, otherwise at
    /// the beginning); SAME_* without `output_shape` targets `in * s`.
    public static func transposed(input: [Int], kernel: [Int], strides: [Int]? = nil, dilations: [Int]? = nil, pads: [Int]? = nil,
                                  autoPad: AutoPad = .notSet, outputPadding: [Int]? = nil, outputShape: [Int]? = nil) throws -> SpatialWindow {
        let rank = input.count
        let (s, d, p) = try attributes(rank: rank, kernel: kernel, strides: strides, dilations: dilations, pads: pads)
        let adjust = outputPadding ?? [Int](repeating: 0, count: rank)
        guard adjust.count == rank else { throw KernelError("output_padding \(adjust) must have \(rank) entries") }
        for i in 0..<rank where adjust[i] < 0 || (adjust[i] >= s[i] && adjust[i] >= d[i]) {
            throw KernelError("output_padding \(adjust) must be smaller than the stride or the dilation")
        }
        var target = outputShape
        if let t = target, t.count == rank + 2 { target = Array(t.suffix(rank)) }  // some exporters write N, C too
        if let t = target, t.count != rank { throw KernelError("output_shape \(t) must have \(rank) entries") }
        if target == nil, autoPad == .sameUpper || autoPad == .sameLower { target = (0..<rank).map { input[$0] * s[$0] } }
        var begin = [Int](repeating: 0, count: rank), end = begin, output = begin
        for i in 0..<rank {
            let extent = (kernel[i] - 1) * d[i] + 1
            let full = s[i] * (input[i] - 1) + adjust[i] + extent
            if let t = target {
                let total = full - t[i]
                if total < 0 {
                    // A larger output than the input reaches: the tail holds the bias only.
                    begin[i] = 0; end[i] = total
                } else if autoPad == .sameUpper {
                    begin[i] = total / 2; end[i] = total - total / 2
                } else {
                    begin[i] = total - total / 2; end[i] = total / 2
                }
                output[i] = t[i]
            } else {
                if autoPad == .notSet { begin[i] = p[i]; end[i] = p[rank + i] }
                output[i] = full - begin[i] - end[i]
            }
            guard output[i] >= 0 else { throw KernelError("ConvTranspose output size \(output[i]) along spatial dimension \(i) is negative") }
        }
        return SpatialWindow(input: output, kernel: kernel, strides: s, dilations: d, padsBegin: begin, padsEnd: end, output: input)
    }
}
