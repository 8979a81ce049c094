import LockstepCore

/// BUCKETIZE (1): for each element, the number of `boundaries` (the option, sorted floats) not
/// greater than it — `std::upper_bound`, comparing in float (float64 inputs in float64) — as
/// int32; google-ai-edge/LiteRT `tflite/kernels/bucketize.cc`. float32, float64, int32, int64.
struct TFLiteBucketize: Kernel {
    static let registration = TFLiteOps.op("BUCKETIZE") { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let boundaries = try context.attributes.floats("boundaries") ?? []
        for k in boundaries.indices.dropFirst() where boundaries[k] < boundaries[k - 1] {
            throw KernelError("boundaries must be sorted, found \(boundaries[k - 1]) before \(boundaries[k])")
        }
        return TFLiteBucketize(boundaries: boundaries)
    }

    let boundaries: [Float]

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let b = boundaries, bd = boundaries.map(Double.init)
        /// First index whose boundary is greater than `v` (`upper_bound`).
        func bucket<V: Comparable>(_ v: V, _ bounds: [V]) -> Int32 {
            var lo = 0, hi = bounds.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if v < bounds[mid] { hi = mid } else { lo = mid + 1 }
            }
            return Int32(lo)
        }
        switch x.dtype {
        case .float32: return [.tensor(try Elementwise.map(x, as: Float.self, output: .int32) { bucket($0, b) })]
        case .float64: return [.tensor(try Elementwise.map(x, as: Double.self, output: .int32) { bucket($0, bd) })]
        case .int32: return [.tensor(try Elementwise.map(x, as: Int32.self, output: .int32) { bucket(Float($0), b) })]
        case .int64: return [.tensor(try Elementwise.map(x, as: Int64.self, output: .int32) { bucket(Float($0), b) })]
        default: throw KernelError("\(x.dtype) BUCKETIZE is not implemented", unsupported: true)
        }
    }
}
