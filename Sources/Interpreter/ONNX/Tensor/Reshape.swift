import LockstepCore

/// Reshape (opsets 1–25+): the same elements under a new shape, without copying. Opsets 1–4 take
/// the shape from the `shape` attribute, 5+ from the int64 `shape` input. A 0 copies the input's
/// dimension at that position (unless `allowzero`=1, 14+, where it means an empty dimension; 0 and
/// -1 together are then invalid); one -1 is inferred from the element count.
struct ReshapeKernel: Kernel {
    let attributeShape: [Int]?
    let allowZero: Bool

    static let registrations = [
        OpRegistration("Reshape", versions: 1...4) { context in
            guard let shape = try context.attributes.ints("shape") else { throw KernelError("attribute 'shape' is required") }
            return ReshapeKernel(attributeShape: shape, allowZero: false)
        },
        OpRegistration("Reshape", versions: 5...Int.max) { context in
            ReshapeKernel(attributeShape: nil, allowZero: try context.attributes.int("allowzero", default: 0) != 0)
        },
    ]

    func outputShape(_ inputs: [Value?]) throws -> [Int] {
        let data = try Inputs.tensor(inputs, 0, name: "data")
        let requested: [Int]
        if let attributeShape {
            requested = attributeShape
        } else {
            let shapeInput = try Inputs.tensor(inputs, 1, name: "shape")
            guard shapeInput.rank == 1 else { throw KernelError("input 'shape' must be 1-D, found shape \(shapeInput.shape)") }
            requested = try AxisInput.integers(shapeInput, name: "shape")
        }
        return try Self.resolve(requested, input: data.shape, allowZero: allowZero)
    }

    /// Applies the 0 / -1 rules of Reshape to `requested`.
    static func resolve(_ requested: [Int], input: [Int], allowZero: Bool) throws -> [Int] {
        var shape = requested
        var inferred: Int?
        if allowZero && requested.contains(0) && requested.contains(-1) {
            throw KernelError("shape \(requested) has both 0 and -1, which allowzero=1 forbids")
        }
        for (i, d) in requested.enumerated() {
            switch d {
            case 0 where !allowZero:
                guard i < input.count else { throw KernelError("shape \(requested) copies dimension \(i), but the input \(input) has rank \(input.count)") }
                shape[i] = input[i]
            case -1:
                guard inferred == nil else { throw KernelError("shape \(requested) has more than one -1") }
                inferred = i
            case let v where v < -1:
                throw KernelError("shape \(requested) has an invalid dimension \(v)")
            default:
                break
            }
        }
        let total = input.reduce(1, *)
        if let i = inferred {
            guard let known = Shape.elementCount(shape.enumerated().filter { $0.offset != i }.map(\.element)), known != 0, total % known == 0 else {
                throw KernelError("cannot reshape \(input) (\(total) elements) to \(requested)")
            }
            shape[i] = total / known
        }
        guard Shape.elementCount(shape) == total else {
            throw KernelError("cannot reshape \(input) (\(total) elements) to \(requested)")
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
