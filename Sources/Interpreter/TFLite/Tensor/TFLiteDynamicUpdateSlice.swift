#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// DYNAMIC_UPDATE_SLICE (1–6): `operand` with the block starting at `start_indices` (int32 or
/// int64, one per dimension) replaced by `update`; each start is clamped to
/// `[0, operand dim − update dim]` as XLA does — google-ai-edge/LiteRT
/// `tflite/kernels/dynamic_update_slice.cc` @ dd123cfa865004b8c71b5854e574e3d6029e7513
/// (`ClampStartIndices`). Any byte-addressable type, operand and update of one type.
struct TFLiteDynamicUpdateSlice: Kernel {
    static let registration = TFLiteOps.op("DYNAMIC_UPDATE_SLICE") { context in
        try TFLiteSupport.arity(context, inputs: 3...3)
        return TFLiteDynamicUpdateSlice()
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0), u = try Inputs.tensor(inputs, 1), s = try Inputs.tensor(inputs, 2)
        try TFLiteIndexing.requireRaw(x, "operand")
        try TFLiteSupport.requireType(u, "update", x.dtype)
        guard u.rank == x.rank else { throw KernelError("update \(u.shape) must have the operand's rank \(x.rank)") }
        let starts = try TFLiteSupport.integers(s, "start_indices")
        guard starts.count == x.rank else { throw KernelError("start_indices has \(starts.count) values, expected \(x.rank)") }
        var begin = [Int](repeating: 0, count: x.rank)
        for d in 0..<x.rank {
            guard u.shape[d] <= x.shape[d] else { throw KernelError("update \(u.shape) does not fit the operand \(x.shape)") }
            begin[d] = min(max(starts[d], 0), x.shape[d] - u.shape[d])
        }
        guard u.count > 0 else { return [.tensor(x)] }
        let xs = DataMovement.strides(x.shape), us = DataMovement.strides(u.shape)
        return [.tensor(try DataMovement.withRawElements(u) { src, _ in
            try TFLiteIndexing.copy(x) { dst, width in
                guard let src else { return }
                let row = u.shape.last ?? 1
                for r in 0..<(u.count / row) {
                    var offset = 0, rest = r * row
                    for d in 0..<u.rank { offset += (begin[d] + rest / us[d]) * xs[d]; rest %= us[d] }
                    memcpy(dst + offset * width, src + r * row * width, row * width)
                }
            }
        })]
    }
}
