import LockstepCore

/// CenterCropPad (opset 18+): crops or zero-pads the `axes` (attribute, default all; negative from
/// the end) to the sizes of the int64 `shape` input, keeping the content centred. A crop window
/// starts at floor((dim − size) / 2); padding puts floor((size − dim) / 2) before and the rest
/// (one more when odd) after. Every element type.
struct CenterCropPadKernel: Kernel {
    let axes: [Int]?

    static let registration = OpRegistration("CenterCropPad", versions: 18...Int.max) { context in
        CenterCropPadKernel(axes: try context.attributes.ints("axes"))
    }

    func plan(_ inputs: [Value?]) throws -> (x: Tensor, shape: [Int], tables: [[Int]]) {
        let (x, shapeInput) = try Inputs.two(inputs)
        let sizes = try AxisInput.integers(shapeInput, name: "shape")
        let axes = try AxisInput.normalize(self.axes ?? Array(0..<x.rank), rank: x.rank)
        guard sizes.count == axes.count else { throw KernelError("shape \(sizes) must have one size per axis \(axes)") }
        let strides = DataMovement.strides(x.shape)
        var shape = x.shape
        var tables = x.shape.indices.map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
        for (axis, size) in zip(axes, sizes) {
            guard size >= 0, size <= DataMovement.maxElements else { throw KernelError("shape \(sizes) has an invalid size \(size)") }
            let dim = x.shape[axis]
            let offset = size <= dim ? (dim - size) / 2 : -((size - dim) / 2)
            shape[axis] = size
            tables[axis] = (0..<size).map { j in
                let src = j + offset
                return src >= 0 && src < dim ? src * strides[axis] : DataMovement.outside
            }
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
