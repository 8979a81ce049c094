import LockstepCore

/// SEGMENT_SUM (1): sums the rows of `data` (float32 or int32) per segment; `segment_ids` (int32,
/// one per row) must start at 0 and grow by 0 or 1 from row to row, and the output has
/// `last id + 1` rows — google-ai-edge/LiteRT `tflite/kernels/segment_sum.cc`
/// (`reference_ops::SegmentSum`: zeros, then rows added in order; int32 wraps). LiteRT's reference
/// resolver does not register SEGMENT_SUM; the builtin kernel is the reference.
struct TFLiteSegmentSum: Kernel {
    static let registration = TFLiteOps.op("SEGMENT_SUM") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        return TFLiteSegmentSum()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, s) = try Inputs.two(inputs)
        guard s.dtype == .int32, s.rank == 1 else { throw KernelError("segment_ids must be 1-D int32, found \(s.dtype) \(s.shape)") }
        guard x.rank >= 1, x.shape[0] == s.count else { throw KernelError("data \(x.shape) must have one row per segment id (\(s.count))") }
        let ids = try s.scalars(as: Int32.self).map(Int.init)
        var previous = 0
        for (k, id) in ids.enumerated() {
            guard k > 0 || id == 0 else { throw KernelError("segment_ids must start at 0, found \(id)") }
            guard id - previous == 0 || id - previous == 1 else {
                throw KernelError("segment_ids must be sorted and consecutive (steps of 0 or 1), found \(previous) then \(id)")
            }
            previous = id
        }
        let rows = (ids.last ?? -1) + 1, width = x.shape.dropFirst().reduce(1, *)
        let shape = [rows] + x.shape.dropFirst()
        func run<T: BitwiseCopyable>(_: T.Type, zero: T, _ add: (T, T) -> T) throws -> Tensor {
            try NNSupport.read(x, as: T.self) { src in
                try NNSupport.build(x.dtype, shape, as: T.self) { y in
                    for i in 0..<(rows * width) { y[i] = zero }
                    for (k, id) in ids.enumerated() {
                        for j in 0..<width { y[id * width + j] = add(y[id * width + j], src[k * width + j]) }
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: return [.tensor(try run(Float.self, zero: 0, +))]
        case .int32: return [.tensor(try run(Int32.self, zero: 0, &+))]
        default: throw KernelError("\(x.dtype) SEGMENT_SUM is not implemented (float32 and int32, as LiteRT)", unsupported: true)
        }
    }
}
