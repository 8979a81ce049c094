import LockstepCore

/// Dropout (ONNX opsets 1, 6, 7, 10, 12, 13, 22). Inference (the default, and always before
/// opset 12): `output = data`, the optional `mask` all ones (bool from opset 10, the data type
/// before). From opset 12 `ratio` (default 0.5) and `training_mode` are inputs; in training mode
/// each element is kept with probability `1 - ratio` and scaled by `1 / (1 - ratio)`. The draws
/// are numpy's legacy `RandomState(seed).uniform(0, 1)` (MT19937, `seed` default 0), as the ONNX
/// reference evaluator and test data use; other runtimes draw differently, so only the
/// reference reproduces a training-mode mask.
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
        // Training: keep where a uniform draw in [0, 1) is >= ratio, scale kept values by
        // 1 / (1 - ratio) (in float32 for float32 data, as numpy computes it).
        var generator = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed))
        let keep = (0..<x.count).map { _ in generator.nextDouble() >= ratio }
        let values = try x.doubleValues()
        let y: Tensor
        if x.dtype == .float64 {
            let scale = 1 / (1 - ratio)
            y = try NNSupport.tensor((0..<x.count).map { keep[$0] ? values[$0] * scale : 0 }, like: x)
        } else {
            let scale = 1 / (1 - Float(ratio))
            y = try NNSupport.tensor((0..<x.count).map { keep[$0] ? Double(Float(values[$0]) * scale) : 0 }, like: x)
        }
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

/// MT19937 with numpy's legacy integer seeding (`init_genrand`) and `random_sample` doubles
/// (53 bits from two 32-bit draws).
struct MersenneTwister {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 { state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i) }
    }

    mutating func next() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7fff_ffff)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// A double in [0, 1).
    mutating func nextDouble() -> Double {
        let a = Double(next() >> 5), b = Double(next() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }
}
