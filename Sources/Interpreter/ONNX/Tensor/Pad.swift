import LockstepCore

/// Pad (opsets 1–25+): pads (or, with negative amounts, crops) each axis. Pads are
/// [begin₀, …, begin_{n−1}, end₀, …, end_{n−1}]: attribute `paddings` (opset 1) or `pads` (2–10),
/// then the int64 `pads` input (11+) with optional `constant_value` input and, from 18, optional
/// `axes` input naming the padded axes (negative from the end). `mode`: "constant" (the value;
/// the float attribute `value` before 11, converted to the data type), "reflect" (mirror without
/// repeating the edge; repeats periodically when the pad exceeds the axis, as numpy does),
/// "edge" (repeat the border element), "wrap" (19+, periodic).
struct PadKernel: Kernel {
    enum Mode: String, Sendable { case constant, reflect, edge, wrap }
    let mode: Mode
    /// Pads and value from attributes (opsets 1–10).
    let attributePads: [Int]?
    let attributeValue: Float

    static let registration = OpRegistration("Pad", versions: 1...Int.max) { context in
        let a = context.attributes
        let text = try a.string("mode", default: "constant")
        guard let mode = Mode(rawValue: text), mode != .wrap || context.opset >= 19 else {
            throw KernelError("attribute 'mode' \"\(text)\" is not supported at opset \(context.opset)")
        }
        if context.opset < 11 {
            guard let pads = try a.ints(context.opset == 1 ? "paddings" : "pads") else {
                throw KernelError("attribute '\(context.opset == 1 ? "paddings" : "pads")' is required")
            }
            return PadKernel(mode: mode, attributePads: pads, attributeValue: try a.float("value", default: 0))
        }
        return PadKernel(mode: mode, attributePads: nil, attributeValue: 0)
    }

    func plan(_ inputs: [Value?]) throws -> (x: Tensor, shape: [Int], tables: [[Int]], fill: Tensor?) {
        let x = try Inputs.tensor(inputs, 0, name: "data")
        let rank = x.rank
        var pads: [Int]
        var axes = Array(0..<rank)
        var fill: Tensor?
        if let attributePads {
            pads = attributePads
            if mode == .constant, attributeValue != 0 {
                fill = try TypeConversion.convert(try Tensor(float32: [attributeValue], shape: []), to: x.dtype)
            }
        } else {
            pads = try AxisInput.integers(try Inputs.tensor(inputs, 1, name: "pads"), name: "pads")
            if let value = try Inputs.optionalTensor(inputs, 2), mode == .constant {
                guard value.dtype == x.dtype else { throw KernelError("constant_value is \(value.dtype), data is \(x.dtype)") }
                guard value.count == 1 else { throw KernelError("constant_value must hold one value, found shape \(value.shape)") }
                fill = value
            }
            if let axesInput = try Inputs.optionalTensor(inputs, 3) {
                axes = try AxisInput.normalize(try AxisInput.integers(axesInput, name: "axes"), rank: rank)
            }
        }
        guard pads.count == 2 * axes.count else {
            throw KernelError("pads \(pads) must hold 2 × \(axes.count) values for \(axes.count) padded axes of shape \(x.shape)")
        }
        let strides = DataMovement.strides(x.shape)
        var shape = x.shape
        var tables = x.shape.indices.map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
        for (i, axis) in axes.enumerated() {
            let dim = x.shape[axis]
            let begin = pads[i], end = pads[axes.count + i]
            let (partial, o1) = dim.addingReportingOverflow(begin)
            let (length, o2) = partial.addingReportingOverflow(end)
            guard !o1, !o2, length <= DataMovement.maxElements else { throw KernelError("pads \(pads) make axis \(axis) too large") }
            guard length >= 0 else { throw KernelError("pads \(pads) crop more than the \(dim) elements of axis \(axis)") }
            if mode != .constant && dim == 0 && length > 0 {
                throw KernelError("mode \(mode.rawValue) cannot pad the empty axis \(axis)")
            }
            shape[axis] = length
            try DataMovement.checkedCount(shape)
            tables[axis] = (0..<length).map { j in
                let src = Self.source(j - begin, dim: dim, mode: mode)
                return src < 0 ? DataMovement.outside : src * strides[axis]
            }
        }
        try DataMovement.checkedCount(shape)
        return (x, shape, tables, fill)
    }

    /// The input index for position `i` (relative to the first input element) of an axis of
    /// length `dim`, or −1 for the constant.
    static func source(_ i: Int, dim: Int, mode: Mode) -> Int {
        if i >= 0 && i < dim { return i }
        switch mode {
        case .constant: return -1
        case .edge: return i < 0 ? 0 : dim - 1
        case .wrap: return ((i % dim) + dim) % dim
        case .reflect:
            if dim == 1 { return 0 }
            let period = 2 * (dim - 1)
            let m = ((i % period) + period) % period
            return m < dim ? m : period - m
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        return [.tensor(try DataMovement.gather(p.x, shape: p.shape, offsets: p.tables, fill: p.fill))]
    }
}
