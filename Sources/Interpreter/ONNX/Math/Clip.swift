import LockstepCore

/// Clip: min(max(x, min), max) elementwise, so min > max gives max everywhere; a NaN input
/// (or NaN bound) gives NaN, as Min(max, Max(input, min)) with NaN-propagating Min/Max.
///
/// - Opsets 1, 6: bounds are the float attributes `min`/`max`; an absent one does not clip
///   (the type's lowest/highest value). Float types only.
/// - Opsets 11, 12, 13: bounds are the optional scalar inputs `min`/`max` of the input's type;
///   opset 12 adds the integer types. An omitted input does not clip.
struct ClipKernel: Kernel {
    /// Bounds from attributes (opset < 11); nil when the bounds are inputs.
    let attributeBounds: (lower: Float?, upper: Float?)?

    static let registrations: [OpRegistration] = [
        OpRegistration("Clip", versions: 1...10) { context in
            try OpCheck.arity(context, inputs: 1...1)
            return ClipKernel(attributeBounds: (try context.attributes.float("min"), try context.attributes.float("max")))
        },
        OpRegistration("Clip", versions: 11...Int.max) { context in
            try OpCheck.arity(context, inputs: 1...3)
            return ClipKernel(attributeBounds: nil)
        },
    ]

    /// The float function over blocks: fixed bounds (opset < 11), or bounds read from the
    /// single-element inputs `min`/`max` exactly as `evaluate` reads them (widened to Double).
    var elementwise: ElementwiseFunction? {
        if let attributeBounds {
            let clip = FloatFunctions.Clip(lower: attributeBounds.lower.map(Double.init) ?? -.infinity,
                                           upper: attributeBounds.upper.map(Double.init) ?? .infinity)
            let f = ElementwiseFunction.unary(clip)
            return ElementwiseFunction(arity: 1, float32: f.float32, float64: f.float64, chainOp: .clip(lower: clip.lower, upper: clip.upper))
        }
        return ElementwiseFunction(arity: 3, scalarInputs: [1, 2], float32: Self.vectorBlock, float64: Self.block(Double.self),
                                   chainOp: .clipInputs)
    }

    /// float32 through `VectorKernels.clip`, with the bounds `FloatFunctions.Clip` derives.
    static let vectorBlock = BlockFunction<Float> { x, lower, upper, out, n in
        func bound(_ operand: BlockOperand<Float>, _ absent: Double) -> Double {
            if case .scalar(let s) = operand { return Double(s) }
            return absent
        }
        let clip = FloatFunctions.Clip(lower: bound(lower, -.infinity), upper: bound(upper, .infinity))
        VectorKernels.clip(x, lower: Float(clip.lower), upper: Float(clip.upper), out: out, count: n)
    }

    static func block<T: FloatMath>(_: T.Type) -> BlockFunction<T> {
        BlockFunction { x, lower, upper, out, n in
            func bound(_ operand: BlockOperand<T>, _ absent: Double) -> Double {
                if case .scalar(let s) = operand { return Double(s) }
                return absent
            }
            let clip = FloatFunctions.Clip(lower: bound(lower, -.infinity), upper: bound(upper, .infinity))
            switch x {
            case .vector(let p):
                for i in 0..<n { out[i] = clip(p[i]) }
            case .scalar(let s):
                let v = clip(s)
                for i in 0..<n { out[i] = v }
            case .absent:
                preconditionFailure("Clip input is absent")
            }
        }
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try OpCheck.type(x, "input", attributeBounds == nil ? OpCheck.numeric : OpCheck.floats)
        for (index, name) in [(1, "min"), (2, "max")] {
            guard let bound = try Inputs.optionalTensor(inputs, index) else { continue }
            try OpCheck.sameType(x, "input", bound, name)
            guard bound.count == 1 else { throw KernelError("input '\(name)' must be a scalar, found shape \(bound.shape)") }
        }
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        let lower = try Inputs.optionalTensor(inputs, 1), upper = try Inputs.optionalTensor(inputs, 2)
        if let attributeBounds {
            let clip = FloatFunctions.Clip(lower: attributeBounds.lower.map(Double.init) ?? -.infinity,
                                           upper: attributeBounds.upper.map(Double.init) ?? .infinity)
            return [.tensor(try FloatElementwise.unary(x, clip))]
        }
        if x.dtype.isInteger {
            struct Visitor: IntegerVisitor {
                let x: Tensor, lower: Tensor?, upper: Tensor?
                func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                    let lo = try lower.map { try $0.withElements(as: T.self) { $0[0] } } ?? T.min
                    let hi = try upper.map { try $0.withElements(as: T.self) { $0[0] } } ?? T.max
                    return try Elementwise.map(x, as: T.self, output: x.dtype) { Swift.min(Swift.max($0, lo), hi) }
                }
            }
            return [.tensor(try x.dtype.dispatchInteger(Visitor(x: x, lower: lower, upper: upper)))]
        }
        // Bounds of a float type are exact in Double (float16/bfloat16 decode exactly).
        let clip = FloatFunctions.Clip(lower: try lower?.doubleValues()[0] ?? -.infinity,
                                       upper: try upper?.doubleValues()[0] ?? .infinity)
        return [.tensor(try FloatElementwise.unary(x, clip))]
    }
}
