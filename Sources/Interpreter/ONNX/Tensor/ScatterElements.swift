import LockstepCore

/// ScatterElements (opsets 11–18+): a copy of `data` where, for each element of `indices`, the
/// position with the axis coordinate replaced by the index receives the matching element of
/// `updates` (same shape as `indices`). `reduction` (16+: none, add, mul; 18+: max, min) combines
/// instead of overwriting; with "none" a later duplicate index wins, as in the reference.
/// Negative indices count from the end.
struct ScatterElementsKernel: Kernel {
    let axis: Int
    let reduction: Scattering.Reduction

    static let registration = OpRegistration("ScatterElements", versions: 11...Int.max) { context in
        ScatterElementsKernel(axis: try context.attributes.int("axis", default: 0),
                              reduction: try Scattering.reduction(context.attributes, opset: context.opset))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let data = try Inputs.tensor(inputs, 0, name: "data")
        return [TensorInfo(data)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let data = try Inputs.tensor(inputs, 0, name: "data")
        let indices = try Inputs.tensor(inputs, 1, name: "indices")
        let updates = try Inputs.tensor(inputs, 2, name: "updates")
        guard updates.shape == indices.shape else {
            throw KernelError("updates shape \(updates.shape) must equal indices shape \(indices.shape)")
        }
        let targets = try ElementIndexing.offsets(data: data.shape, indices: indices, axis: axis)
        return [.tensor(try Scattering.apply(data: data, updates: updates, targets: targets, slice: 1, reduction: reduction))]
    }
}

/// Writes `updates` into a copy of `data`, shared by ScatterElements, ScatterND and Scatter.
enum Scattering {
    enum Reduction: String, Sendable { case none, add, mul, max, min }

    /// The `reduction` attribute with the values the opset allows.
    static func reduction(_ attributes: AttributeReader, opset: Int) throws -> Reduction {
        let text = try attributes.string("reduction", default: "none")
        guard let r = Reduction(rawValue: text), opset >= 18 || (r != .max && r != .min), opset >= 16 || r == .none else {
            throw KernelError("attribute 'reduction' \"\(text)\" is not supported at opset \(opset)")
        }
        return r
    }

    /// Copies `data`; then update slice i (elements i·slice ..< (i+1)·slice of `updates`) goes to
    /// data offsets targets[i] ..< targets[i] + slice, combined by `reduction`.
    static func apply(data: Tensor, updates: Tensor, targets: [Int], slice: Int, reduction: Reduction) throws -> Tensor {
        guard updates.dtype == data.dtype else { throw KernelError("updates are \(updates.dtype), data is \(data.dtype)") }
        guard updates.count == targets.count * slice else {
            throw KernelError("updates shape \(updates.shape) does not match \(targets.count) slices of \(slice) elements")
        }
        if reduction == .none { return try overwrite(data: data, updates: updates, targets: targets, slice: slice) }
        if data.dtype == .float16 || data.dtype == .bfloat16 {
            // Combine in float32 and round each result to the type (numpy/ml_dtypes semantics).
            var out = try data.floatValues()
            let u = try updates.floatValues()
            let round = HalfRounding(data.dtype)
            for (t, base) in targets.enumerated() {
                for j in 0..<slice {
                    let o = base + j, v = u[t * slice + j]
                    switch reduction {
                    case .add: out[o] = round(out[o] + v)
                    case .mul: out[o] = round(out[o] * v)
                    case .max: out[o] = Swift.max(out[o], v)
                    case .min: out[o] = Swift.min(out[o], v)
                    case .none: out[o] = v
                    }
                }
            }
            return try Tensor(float32: out, shape: data.shape).narrowed(to: data.dtype)
        }
        struct Visitor: ScalarVisitor {
            let data: Tensor, updates: Tensor, targets: [Int], slice: Int, reduction: Reduction
            func visit<T: TensorScalar>(_: T.Type) throws -> Tensor {
                try data.withElements(as: T.self) { d in
                    try updates.withElements(as: T.self) { u in
                        try Tensor.build(data.dtype, shape: data.shape, as: T.self) { out in
                            for i in 0..<d.count { out[i] = d[i] }
                            for (t, base) in targets.enumerated() {
                                for j in 0..<slice {
                                    let o = base + j, v = u[t * slice + j]
                                    switch reduction {
                                    case .add: out[o] = T.add(out[o], v)
                                    case .mul: out[o] = T.multiply(out[o], v)
                                    case .max: out[o] = Swift.max(out[o], v)
                                    case .min: out[o] = Swift.min(out[o], v)
                                    case .none: out[o] = v
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return try data.dtype.dispatch(Visitor(data: data, updates: updates, targets: targets, slice: slice, reduction: reduction))
    }

    /// Reduction "none" for every element type: byte copies.
    static func overwrite(data: Tensor, updates: Tensor, targets: [Int], slice: Int) throws -> Tensor {
        if data.dtype == .string {
            var out = data.strings
            for (t, base) in targets.enumerated() {
                for j in 0..<slice { out[base + j] = updates.strings[t * slice + j] }
            }
            return try Tensor(strings: out, shape: data.shape)
        }
        return try DataMovement.withRawElements(data) { d, width in
            try DataMovement.withRawElements(updates) { u, _ in
                try DataMovement.buildRawUninitialized(data.dtype, shape: data.shape) { out, _ in
                    if let d { out.copyMemory(from: d, byteCount: data.count * width) }
                    guard let u else { return }
                    let bytes = slice * width
                    for (t, base) in targets.enumerated() {
                        (out + base * width).copyMemory(from: u + t * bytes, byteCount: bytes)
                    }
                }
            }
        }
    }
}
