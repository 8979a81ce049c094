import LockstepCore

/// Index arithmetic of the StableHLO gather and scatter kernels (google-ai-edge/LiteRT
/// `tflite/kernels/tensor_slice_util.h`: `ReadIndexVector`, `ScatterIndex`, `ExpandDims`).
enum TFLiteStablehloIndexing {
    /// The index vector of `indices` at batch position `batch` (the indices' dimensions other than
    /// `vectorDim`); a `vectorDim` equal to the rank reads one value.
    static func readIndexVector(_ indices: [Int], shape: [Int], batch: [Int], vectorDim: Int) -> [Int] {
        let strides = DataMovement.strides(shape)
        if vectorDim >= shape.count {
            return [zip(batch, strides).reduce(0) { $0 + $1.0 * $1.1 }].map { indices[$0] }
        }
        var full = batch
        full.insert(0, at: vectorDim)
        var base = 0
        for d in 0..<shape.count { base += full[d] * strides[d] }
        return (0..<shape[vectorDim]).map { indices[base + $0 * strides[vectorDim]] }
    }

    /// `vector[k]` placed at dimension `map[k]` of a zero index of `rank`.
    static func scatter(_ vector: [Int], map: [Int], rank: Int) throws -> [Int] {
        guard vector.count == map.count, map.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw KernelError("index map \(map) does not fit an index vector of \(vector.count) values and operand rank \(rank)")
        }
        var full = [Int](repeating: 0, count: rank)
        for (k, d) in map.enumerated() { full[d] = vector[k] }
        return full
    }

    /// `index` with zeros inserted at the (sorted) dimensions `inserted` of the result.
    static func expand(_ index: [Int], inserted: [Int]) -> [Int] {
        var result: [Int] = []
        var next = 0
        for d in 0..<(index.count + inserted.count) {
            if inserted.contains(d) { result.append(0) } else { result.append(index[next]); next += 1 }
        }
        return result
    }

    /// Calls `body` with every multi-index of `shape` in row-major order.
    static func forEachIndex(_ shape: [Int], _ body: ([Int]) throws -> Void) rethrows {
        guard !shape.contains(0) else { return }
        var index = [Int](repeating: 0, count: shape.count)
        while true {
            try body(index)
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
