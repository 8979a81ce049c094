import LockstepCore

/// Squeeze (opsets 1–25+): removes dimensions of size 1, without copying. The axes come from the
/// `axes` attribute before opset 13 and from the optional int64 `axes` input from 13; without
/// axes every size-1 dimension goes. Negative axes (11+) count from the end; squeezing a
/// dimension that is not 1 is an error.
struct SqueezeKernel: Kernel {
    let attributeAxes: [Int]?
    let axesFromInput: Bool

    static let registrations = [
        OpRegistration("Squeeze", versions: 1...12) { context in
            SqueezeKernel(attributeAxes: try context.attributes.ints("axes"), axesFromInput: false)
        },
        OpRegistration("Squeeze", versions: 13...Int.max) { _ in SqueezeKernel(attributeAxes: nil, axesFromInput: true) },
    ]

    func outputShape(_ inputs: [Value?]) throws -> [Int] {
        let x = try Inputs.tensor(inputs, 0, name: "data")
        var requested = attributeAxes
        if axesFromInput, let axes = try Inputs.optionalTensor(inputs, 1) {
            requested = try AxisInput.integers(axes, name: "axes")
        }
        guard let requested else { return x.shape.filter { $0 != 1 } }
        let axes = Set(try AxisInput.normalize(requested, rank: x.rank))
        for a in axes where x.shape[a] != 1 {
            throw KernelError("cannot squeeze axis \(a) of shape \(x.shape): its size is \(x.shape[a]), not 1")
        }
        return x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: try Inputs.one(inputs).dtype, shape: try outputShape(inputs))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        [.tensor(try DataMovement.reshape(try Inputs.one(inputs), to: try outputShape(inputs)))]
    }
}
