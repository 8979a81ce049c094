import LockstepCore

/// Slice (opsets 1–13+): takes `starts[i]..<ends[i]` by `steps[i]` along `axes[i]`. Opsets 1–9 read
/// `starts`/`ends`/`axes` attributes (step 1); 10+ read inputs `starts`, `ends`, optional `axes`
/// (default 0…n−1, negative from the end) and `steps` (default 1, non-zero, may be negative).
/// Negative starts/ends count from the end; they are then clamped to [0, dim] for positive steps
/// and [−1, dim−1] for negative steps, as the spec says, so out-of-range values are allowed.
struct SliceKernel: Kernel {
    let attributes: (starts: [Int], ends: [Int], axes: [Int]?)?

    static let registrations = [
        OpRegistration("Slice", versions: 1...9) { context in
            let a = context.attributes
            guard let starts = try a.ints("starts"), let ends = try a.ints("ends") else {
                throw KernelError("attributes 'starts' and 'ends' are required")
            }
            return SliceKernel(attributes: (starts, ends, try a.ints("axes")))
        },
        OpRegistration("Slice", versions: 10...Int.max) { _ in SliceKernel(attributes: nil) },
    ]

    /// Output shape and per-axis offset tables.
    func plan(_ inputs: [Value?]) throws -> (x: Tensor, shape: [Int], tables: [[Int]]) {
        let x = try Inputs.tensor(inputs, 0, name: "data")
        let starts: [Int], ends: [Int], requestedAxes: [Int]?, steps: [Int]?
        if let attributes {
            (starts, ends, requestedAxes, steps) = (attributes.starts, attributes.ends, attributes.axes, nil)
        } else {
            starts = try AxisInput.integers(try Inputs.tensor(inputs, 1, name: "starts"), name: "starts")
            ends = try AxisInput.integers(try Inputs.tensor(inputs, 2, name: "ends"), name: "ends")
            requestedAxes = try Inputs.optionalTensor(inputs, 3).map { try AxisInput.integers($0, name: "axes") }
            steps = try Inputs.optionalTensor(inputs, 4).map { try AxisInput.integers($0, name: "steps") }
        }
        guard starts.count == ends.count else { throw KernelError("starts \(starts) and ends \(ends) differ in length") }
        let axes = try AxisInput.normalize(requestedAxes ?? Array(0..<starts.count), rank: x.rank)
        guard axes.count == starts.count else { throw KernelError("axes \(axes) and starts \(starts) differ in length") }
        if let steps, steps.count != starts.count { throw KernelError("steps \(steps) and starts \(starts) differ in length") }
        let strides = DataMovement.strides(x.shape)
        var shape = x.shape
        var tables = x.shape.indices.map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
        for (i, axis) in axes.enumerated() {
            let dim = x.shape[axis]
            // Clamp steps to ±(dim + 1): larger magnitudes select the same single element.
            let step = min(max(steps?[i] ?? 1, -(dim + 1)), dim + 1)
            guard step != 0 else { throw KernelError("steps must be non-zero, found 0 for axis \(axis)") }
            var start = starts[i], end = ends[i]
            if start < 0 { start += dim }
            if end < 0 { end += dim }
            if step > 0 {
                start = min(max(start, 0), dim)
                end = min(max(end, 0), dim)
            } else {
                start = min(max(start, -1), dim - 1)
                end = min(max(end, -1), dim - 1)
            }
            let count = step > 0 ? max(0, (end - start + step - 1) / step) : max(0, (start - end + (-step) - 1) / (-step))
            shape[axis] = count
            tables[axis] = (0..<count).map { (start + $0 * step) * strides[axis] }
        }
        return (x, shape, tables)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        return [.tensor(try DataMovement.gather(p.x, shape: p.shape, offsets: p.tables))]
    }
}
