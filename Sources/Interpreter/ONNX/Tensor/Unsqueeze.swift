import LockstepCore

/// Unsqueeze (opsets 1–25+): inserts size-1 dimensions at `axes` (positions in the output), without
/// copying. The axes are the required `axes` attribute before opset 13 and the required int64
/// `axes` input from 13; negative axes (11+) count from the end of the output; repeats are errors.
struct UnsqueezeKernel: Kernel {
    let attributeAxes: [Int]?

    static let registrations = [
        OpRegistration("Unsqueeze", versions: 1...12) { context in
            guard let axes = try context.attributes.ints("axes") else { throw KernelError("attribute 'axes' is required") }
            return UnsqueezeKernel(attributeAxes: axes)
        },
        OpRegistration("Unsqueeze", versions: 13...Int.max) { _ in UnsqueezeKernel(attributeAxes: nil) },
    ]

    func outputShape(_ inputs: [Value?]) throws -> [Int] {
        let x = try Inputs.tensor(inputs, 0, name: "data")
        let requested = try attributeAxes ?? AxisInput.integers(try Inputs.tensor(inputs, 1, name: "axes"), name: "axes")
        let rank = x.rank + requested.count
        let axes = Set(try AxisInput.normalize(requested, rank: rank))
        var shape: [Int] = []
        shape.reserveCapacity(rank)
        var next = 0
        for i in 0..<rank {
            if axes.contains(i) { shape.append(1) } else { shape.append(x.shape[next]); next += 1 }
        }
        return shape
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: try Inputs.one(inputs).dtype, shape: try outputShape(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try DataMovement.reshape(try Inputs.one(inputs), to: try outputShape(inputs)))]
    }
}
