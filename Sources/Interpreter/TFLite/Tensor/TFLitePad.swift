import LockstepCore

/// PAD (versions 1–4) and PADV2 (1–4): `paddings` `[rank, 2]` (int32/int64: before, after per
/// dimension) around the input, filled with PADV2's scalar `constant_values`, else 0 (the zero
/// point for quantised tensors). Any element type.
struct TFLitePad: Kernel {
    static func registration(name: String) -> OpRegistration {
        TFLiteOps.op(name) { context in
            try TFLiteSupport.arity(context, inputs: name == "PADV2" ? 2...3 : 2...2)
            let zeroPoint = TFLiteSupport.quantization(context, context.node.inputs[0])?.zeroPoints.first ?? 0
            return TFLitePad(zeroPoint: zeroPoint)
        }
    }

    let zeroPoint: Int64

    func geometry(_ inputs: [Value?]) throws -> (x: Tensor, shape: [Int], before: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "input"), p = try Inputs.tensor(inputs, 1, name: "paddings")
        let values = try TFLiteSupport.integers(p, "paddings")
        guard values.count == 2 * x.rank else { throw KernelError("paddings must have shape [\(x.rank), 2], found \(p.shape)") }
        guard values.allSatisfy({ $0 >= 0 }) else { throw KernelError("paddings must not be negative, found \(values)") }
        var before: [Int] = [], shape: [Int] = []
        for d in 0..<x.rank {
            before.append(values[2 * d])
            shape.append(x.shape[d] + values[2 * d] + values[2 * d + 1])
        }
        try DataMovement.checkedCount(shape)
        return (x, shape, before)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let g = try geometry(inputs)
        return [TensorInfo(dtype: g.x.dtype, shape: g.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, shape, before) = try geometry(inputs)
        var fill: Tensor?
        if let c = try Inputs.optionalTensor(inputs, 2) {
            guard c.count == 1, c.dtype == x.dtype else { throw KernelError("constant_values must be one \(x.dtype) value, found \(c.dtype) \(c.shape)") }
            fill = try DataMovement.reshape(c, to: [])
        } else if zeroPoint != 0 {
            fill = try NNSupport.tensor(rounding: [Double(zeroPoint)], dtype: x.dtype, shape: [])
        }
        if x.rank >= 1, x.dtype != .string, let width = x.dtype.byteWidth {
            return [.tensor(try Self.pad(x, shape: shape, before: before, width: width, fill: fill))]
        }
        let strides = DataMovement.strides(x.shape)
        let tables = (0..<x.rank).map { d in
            (0..<shape[d]).map { o -> Int in
                let i = o - before[d]
                return i >= 0 && i < x.shape[d] ? i * strides[d] : DataMovement.outside
            }
        }
        return [.tensor(try DataMovement.gather(x, shape: shape, offsets: tables, fill: fill))]
    }

    /// Fills the output with the pad value, then copies each innermost input row into place
    /// (one memcpy per row).
    static func pad(_ x: Tensor, shape: [Int], before: [Int], width: Int, fill: Tensor?) throws -> Tensor {
        let count = try DataMovement.checkedCount(shape)
        let fillBytes: [UInt8] = fill.map { Array($0.storage.bytes) } ?? [UInt8](repeating: 0, count: width)
        let rank = x.rank, row = x.shape[rank - 1]
        let outStrides = DataMovement.strides(shape)
        let storage = TensorStorage(byteCount: count * width) { out in
            guard let dst = out.baseAddress else { return }
            if fillBytes.contains(where: { $0 != 0 }) {
                fillBytes.withUnsafeBytes { f in for i in 0..<count { (dst + i * width).copyMemory(from: f.baseAddress!, byteCount: width) } }
            }
            guard x.count > 0, let src = x.storage.bytes.baseAddress else { return }
            let rows = x.count / row
            var index = [Int](repeating: 0, count: max(0, rank - 1))
            for r in 0..<rows {
                var o = before[rank - 1]
                for d in 0..<(rank - 1) { o += (index[d] + before[d]) * outStrides[d] }
                (dst + o * width).copyMemory(from: src + r * row * width, byteCount: row * width)
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    if index[d] < x.shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return try Tensor(dtype: x.dtype, shape: shape, storage: storage, quantization: x.quantization)
    }
}
