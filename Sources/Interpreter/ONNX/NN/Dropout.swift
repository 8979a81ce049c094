import LockstepCore

/// Dropout (ONNX opsets 1, 6, 7, 10, 12, 13, 22). Inference (the default, and always before
/// opset 12): `output = data`, the optional `mask` all ones (bool from opset 10, the data type
/// before). From opset 12 `ratio` (default 0.5) and `training_mode` are inputs; in training mode
/// each element is kept with probability `1 - ratio` and scaled by `1 / (1 - ratio)`. The random
/// draw is a deterministic SplitMix64 stream from `seed` (default 0): it cannot reproduce numpy's
/// or a runtime's generator, so only ratio 0 (identity) is comparable across implementations.
struct DropoutKernel: Kernel {
    static let registration = OpRegistration("Dropout", versions: 1...Int.max) { context in
        DropoutKernel(opset: context.opset, seed: try context.attributes.int("seed", default: 0),
                      wantsMask: context.node.outputs.count > 1 && !context.node.outputs[1].isEmpty)
    }

    let opset: Int
    let seed: Int
    let wantsMask: Bool

    func operands(_ inputs: [Value?]) throws -> (x: Tensor, ratio: Double, training: Bool) {
        let x = try Inputs.tensor(inputs, 0, name: "data")
        try NNSupport.requireFloat(x, "data")
        var ratio = 0.5, training = false
        if opset >= 12 {
            if let r = try Inputs.optionalTensor(inputs, 1) {
                guard r.count == 1, r.dtype.isComputedAsFloat else { throw KernelError("input 'ratio' must be a float scalar, found \(r.dtype)\(r.shape)") }
                ratio = try r.doubleValues()[0]
            }
            if let t = try Inputs.optionalTensor(inputs, 2) {
                guard t.count == 1, t.dtype == .bool else { throw KernelError("input 'training_mode' must be a bool scalar, found \(t.dtype)\(t.shape)") }
                training = try t.scalars(as: UInt8.self)[0] != 0
            }
            guard ratio >= 0, ratio < 1 else { throw KernelError("input 'ratio' must be in [0, 1), found \(ratio)") }
        }
        return (x, ratio, training)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _, _) = try operands(inputs)
        return [TensorInfo(x)] + (wantsMask ? [TensorInfo(dtype: opset >= 10 ? .bool : x.dtype, shape: x.shape)] : [])
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, ratio, training) = try operands(inputs)
        guard training && ratio > 0 else {
            guard wantsMask else { return [.tensor(x)] }
            return [.tensor(x), .tensor(try ones(x, keep: nil))]
        }
        // Training: keep with probability 1 - ratio, scale kept values by 1 / (1 - ratio).
        var state = UInt64(bitPattern: Int64(seed))
        let keep = (0..<x.count).map { _ -> Bool in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) * 0x1p-53 >= ratio
        }
        let scale = 1 / (1 - ratio)
        let values = try x.doubleValues()
        let y = try NNSupport.tensor((0..<x.count).map { keep[$0] ? values[$0] * scale : 0 }, like: x)
        return [.tensor(y)] + (wantsMask ? [.tensor(try ones(x, keep: keep))] : [])
    }

    /// The mask: bool (opset 10+) or the data type, 1 where kept (everywhere when `keep` is nil).
    func ones(_ x: Tensor, keep: [Bool]?) throws -> Tensor {
        if opset >= 10 {
            return try NNSupport.build(.bool, x.shape, as: UInt8.self) { m in
                for i in 0..<x.count { m[i] = (keep?[i] ?? true) ? 1 : 0 }
            }
        }
        return try NNSupport.tensor((0..<x.count).map { (keep?[$0] ?? true) ? 1 : 0 }, like: x)
    }
}
