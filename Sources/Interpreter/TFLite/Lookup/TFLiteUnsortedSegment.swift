import LockstepCore

/// UNSORTED_SEGMENT_SUM / _PROD / _MAX / _MIN (1): reduces the slices of `data` (float32 or
/// int32) that share a segment id into `num_segments` outputs; `segment_ids` (int32) has the shape
/// of a prefix of `data`'s, negative ids are skipped, an id ≥ `num_segments` is an error. Outputs
/// start at 0 / 1 / the type's lowest / highest value; slices combine in row-major order with
/// `a + b`, `a · b` (int32 wrapping), `std::max(a, b)` / `std::min(a, b)` —
/// `reference_ops::UnsortedSegmentRef` as google-ai-edge/LiteRT `tflite/kernels/unsorted_segment.cc`
/// @ 0cbf690e19295a15a494f035acfc11688c59e1a1 runs it.
struct TFLiteUnsortedSegment: Kernel {
    enum Operation: String, Sendable {
        case sum = "UNSORTED_SEGMENT_SUM", prod = "UNSORTED_SEGMENT_PROD", max = "UNSORTED_SEGMENT_MAX", min = "UNSORTED_SEGMENT_MIN"
    }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 3...3)
            return TFLiteUnsortedSegment(operation: operation)
        }
    }

    let operation: Operation

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0), s = try Inputs.tensor(inputs, 1), n = try Inputs.tensor(inputs, 2)
        guard s.dtype == .int32, n.dtype == .int32 else { throw KernelError("segment_ids and num_segments must be int32, found \(s.dtype) and \(n.dtype)") }
        guard s.rank <= x.rank, Array(x.shape.prefix(s.rank)) == s.shape else {
            throw KernelError("segment_ids \(s.shape) must be a prefix of the data shape \(x.shape)")
        }
        guard n.count == 1, n.rank <= 1 else { throw KernelError("num_segments must hold one value, found shape \(n.shape)") }
        let segments = Int(try n.scalars(as: Int32.self)[0])
        guard segments >= 0 else { throw KernelError("num_segments \(segments) is negative") }
        let ids = try s.scalars(as: Int32.self).map(Int.init)
        if let m = ids.max(), m >= segments { throw KernelError("segment id \(m) is not below num_segments \(segments)") }
        let width = x.shape.dropFirst(s.rank).reduce(1, *)
        let shape = [segments] + x.shape.dropFirst(s.rank)
        func run<T: BitwiseCopyable>(_: T.Type, initial: T, _ combine: (T, T) -> T) throws -> Tensor {
            try NNSupport.read(x, as: T.self) { src in
                try NNSupport.build(x.dtype, shape, as: T.self) { y in
                    for i in 0..<(segments * width) { y[i] = initial }
                    for (k, id) in ids.enumerated() where id >= 0 {
                        for j in 0..<width { y[id * width + j] = combine(y[id * width + j], src[k * width + j]) }
                    }
                }
            }
        }
        switch (x.dtype, operation) {
        case (.float32, .sum): return [.tensor(try run(Float.self, initial: 0, +))]
        case (.float32, .prod): return [.tensor(try run(Float.self, initial: 1, *))]
        case (.float32, .max): return [.tensor(try run(Float.self, initial: -.greatestFiniteMagnitude) { $0 < $1 ? $1 : $0 })]
        case (.float32, .min): return [.tensor(try run(Float.self, initial: .greatestFiniteMagnitude) { $1 < $0 ? $1 : $0 })]
        case (.int32, .sum): return [.tensor(try run(Int32.self, initial: 0, &+))]
        case (.int32, .prod): return [.tensor(try run(Int32.self, initial: 1, &*))]
        case (.int32, .max): return [.tensor(try run(Int32.self, initial: .min) { $0 < $1 ? $1 : $0 })]
        case (.int32, .min): return [.tensor(try run(Int32.self, initial: .max) { $1 < $0 ? $1 : $0 })]
        default: throw KernelError("\(x.dtype) \(operation.rawValue) is not implemented (float32 and int32, as LiteRT)", unsupported: true)
        }
    }
}
