import LockstepCore

/// SPACE_TO_BATCH_ND (1–4) and BATCH_TO_SPACE_ND (1–4) on `[N, spatial…, C]` inputs with
/// `block_shape` `[M]` and `paddings` / `crops` `[M, 2]`: space to batch pads the spatial
/// dimensions (zero, or the zero point) and moves each block offset `(o₀, …)` into the batch as
/// `(o₀·b₁ + o₁ …)·N + n`; batch to space is the inverse, then crops. Any element type.
struct TFLiteSpaceBatch: Kernel {
    static func registration(toBatch: Bool) -> OpRegistration {
        TFLiteOps.op(toBatch ? "SPACE_TO_BATCH_ND" : "BATCH_TO_SPACE_ND") { context in
            try TFLiteSupport.arity(context, inputs: 3...3)
            let zeroPoint = TFLiteSupport.quantization(context, context.node.inputs[0])?.zeroPoints.first ?? 0
            return TFLiteSpaceBatch(toBatch: toBatch, zeroPoint: zeroPoint)
        }
    }

    let toBatch: Bool
    let zeroPoint: Int64

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        let block = try TFLiteSupport.integers(try Inputs.tensor(inputs, 1, name: "block_shape"), "block_shape")
        let edges = try TFLiteSupport.integers(try Inputs.tensor(inputs, 2, name: toBatch ? "paddings" : "crops"), toBatch ? "paddings" : "crops")
        let m = block.count
        guard m >= 1, x.rank >= m + 1, edges.count == 2 * m, block.allSatisfy({ $0 > 0 }), edges.allSatisfy({ $0 >= 0 }) else {
            throw KernelError("block_shape \(block) and \(toBatch ? "paddings" : "crops") \(edges) do not fit input \(x.shape)")
        }
        let blocks = block.reduce(1, *)
        let strides = DataMovement.strides(x.shape)
        var shape = x.shape
        if toBatch {
            // Output [N·Πb, (in_d + pads)/b_d …, rest]; element (b', s…, r) reads input
            // (n, s_d·b_d + o_d - pad_d …, r) with b' = offset·N + n, or the fill value.
            for d in 0..<m {
                let padded = x.shape[d + 1] + edges[2 * d] + edges[2 * d + 1]
                guard padded % block[d] == 0 else { throw KernelError("padded dimension \(padded) is not a multiple of block \(block[d])") }
                shape[d + 1] = padded / block[d]
            }
            shape[0] = x.shape[0] * blocks
        } else {
            guard x.shape[0] % blocks == 0 else { throw KernelError("batch \(x.shape[0]) is not a multiple of the block size \(blocks)") }
            shape[0] = x.shape[0] / blocks
            for d in 0..<m {
                let full = x.shape[d + 1] * block[d]
                guard edges[2 * d] + edges[2 * d + 1] <= full else { throw KernelError("crops \(edges) exceed dimension \(full)") }
                shape[d + 1] = full - edges[2 * d] - edges[2 * d + 1]
            }
        }
        let count = try DataMovement.checkedCount(shape)
        guard let width = x.dtype.byteWidth else { throw KernelError("\(x.dtype) is not supported") }
        let outStrides = DataMovement.strides(shape)
        let inner = x.shape[(m + 1)...].reduce(1, *)
        let n = toBatch ? x.shape[0] : shape[0]
        var fill = [UInt8](repeating: 0, count: width)
        if toBatch, zeroPoint != 0 {
            // Keep the scalar alive while its bytes are copied (`storage.bytes` is a view).
            let value = try NNSupport.tensor(rounding: [Double(zeroPoint)], dtype: x.dtype, shape: [])
            fill = withExtendedLifetime(value) { Array(value.storage.bytes) }
        }
        let storage = TensorStorage(byteCount: count * width) { out in
            guard let dst = out.baseAddress, let src = x.storage.bytes.baseAddress else { return }
            // Walk the space side (the batch-to-space output or space-to-batch input, padded).
            var spaceShape: [Int] = []
            for d in 0..<m {
                spaceShape.append(toBatch ? x.shape[d + 1] + edges[2 * d] + edges[2 * d + 1] : x.shape[d + 1] * block[d])
            }
            let total = n * spaceShape.reduce(1, *)
            var pos = [Int](repeating: 0, count: m)
            for linear in 0..<total {
                var rest = linear
                for d in stride(from: m - 1, through: 0, by: -1) { pos[d] = rest % spaceShape[d]; rest /= spaceShape[d] }
                let b = rest
                var offset = 0, batchSide = 0, spaceSide = 0, inside = true
                for d in 0..<m {
                    offset = offset * block[d] + pos[d] % block[d]
                    let s = pos[d] / block[d]
                    let real = pos[d] - edges[2 * d]
                    if toBatch {
                        batchSide += s * outStrides[d + 1]
                        if real < 0 || real >= x.shape[d + 1] { inside = false } else { spaceSide += real * strides[d + 1] }
                    } else {
                        batchSide += s * strides[d + 1]
                        if real < 0 || real >= shape[d + 1] { inside = false } else { spaceSide += real * outStrides[d + 1] }
                    }
                }
                let batchIndex = offset * n + b
                if toBatch {
                    let o = (batchIndex * outStrides[0] + batchSide) * width
                    if inside {
                        (dst + o).copyMemory(from: src + (b * strides[0] + spaceSide) * width, byteCount: inner * width)
                    } else {
                        fill.withUnsafeBytes { f in for k in 0..<inner { (dst + o + k * width).copyMemory(from: f.baseAddress!, byteCount: width) } }
                    }
                } else if inside {
                    (dst + (b * outStrides[0] + spaceSide) * width).copyMemory(from: src + (batchIndex * strides[0] + batchSide) * width, byteCount: inner * width)
                }
            }
        }
        return [.tensor(try Tensor(dtype: x.dtype, shape: shape, storage: storage, quantization: x.quantization))]
    }
}
