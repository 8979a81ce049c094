import LockstepCore

/// FULLY_CONNECTED (versions 1–14): `input [..., K]` viewed as `[B, K]` (B = count / K) times
/// `weights [O, K]`ᵀ plus optional `bias [O]`, then the fused activation. Output `[B, O]`, or with
/// `keep_num_dims` the input's shape with the last dimension replaced by O. Each output is the
/// dot product summed in depth order, then the bias (TFLite's reference order,
/// `OrderedAccumulation.fullyConnected`). `weights_format` must be DEFAULT (SHUFFLED4x16INT8 is an int8-only layout).
struct TFLiteFullyConnected: Kernel {
    static let registration = TFLiteOps.op("FULLY_CONNECTED") { context in
        try TFLiteSupport.arity(context, inputs: 2...3, outputs: 1...2)
        let a = context.attributes
        let format = try a.string("weights_format") ?? "DEFAULT"
        guard format == "DEFAULT" else { throw KernelError("weights_format \(format) is not implemented", unsupported: true) }
        if context.node.inputs.count > 1, context.valueInfo(context.node.inputs[1])?.sparsity != nil {
            throw KernelError("sparse weights without DENSIFY are not implemented", unsupported: true)
        }
        return TFLiteFullyConnected(activation: try FusedActivation(a), keepNumDims: try a.int("keep_num_dims", default: 0) != 0)
    }

    let activation: FusedActivation
    let keepNumDims: Bool

    func shapes(_ inputs: [Value?]) throws -> (x: Tensor, w: Tensor, b: Tensor?, batch: Int, output: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), w = try Inputs.tensor(inputs, 1, name: "weights")
        let b = try Inputs.optionalTensor(inputs, 2)
        try TFLiteSupport.requireFloat(x, "input")
        try TFLiteSupport.requireType(w, "weights", x.dtype)
        try TFLiteSupport.requireRank(w, "weights", 2)
        let o = w.shape[0], k = w.shape[1]
        guard k > 0, x.count % k == 0 else {
            throw KernelError("input \(x.shape) holds \(x.count) values, not a multiple of the weights' depth \(k)")
        }
        if let b {
            try TFLiteSupport.requireType(b, "bias", x.dtype)
            guard b.count == o else { throw KernelError("bias must have \(o) elements, found shape \(b.shape)") }
        }
        let batch = x.count / k
        let output: [Int]
        if keepNumDims {
            guard x.rank >= 1, x.shape[x.rank - 1] == k else {
                throw KernelError("with keep_num_dims the input's last dimension must be \(k), found shape \(x.shape)")
            }
            output = Array(x.shape.dropLast()) + [o]
        } else {
            output = [batch, o]
        }
        return (x, w, b, batch, output)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let s = try shapes(inputs)
        return [TensorInfo(dtype: s.x.dtype, shape: s.output)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let s = try shapes(inputs)
        struct Visitor: BLASFloatVisitor {
            let x: Tensor, w: Tensor, b: Tensor?, batch: Int, output: [Int], activation: FusedActivation
            func visit<T: BLASFloat>(_: T.Type) throws -> Tensor {
                let o = w.shape[0], k = w.shape[1]
                return try NNSupport.read(x, as: T.self) { x in
                    try NNSupport.read(w, as: T.self) { w in
                        try NNSupport.readOptional(b, as: T.self) { b in
                            try NNSupport.build(T.dtype, output, as: T.self) { y in
                                OrderedAccumulation.fullyConnected(rows: batch, outputs: o, depth: k, x: x, w: w, bias: b, y: y)
                                activation.apply(y, count: batch * o)
                            }
                        }
                    }
                }
            }
        }
        return [.tensor(try s.x.dtype.dispatchBLASFloat(Visitor(x: s.x, w: s.w, b: s.b, batch: s.batch, output: s.output, activation: activation)))]
    }
}
