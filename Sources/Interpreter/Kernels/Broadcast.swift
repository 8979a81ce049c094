/// Numpy-style (multidirectional) broadcasting, shared by every elementwise op.
public enum Broadcast {
    /// The broadcast result shape of `shapes`, or a `KernelError` naming both shapes.
    public static func shape(_ shapes: [[Int]]) throws -> [Int] {
        let rank = shapes.map(\.count).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            let offset = rank - s.count
            for (i, d) in s.enumerated() {
                let o = out[offset + i]
                if o == d || d == 1 { continue }
                if o == 1 { out[offset + i] = d; continue }
                throw KernelError("shapes \(shapes.map { "\($0)" }.joined(separator: " and ")) cannot be broadcast")
            }
        }
        return out
    }

    /// Element strides of `shape` aligned to `outShape` (0 along broadcast dimensions).
    public static func strides(of shape: [Int], in outShape: [Int]) -> [Int] {
        let rank = outShape.count
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for i in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            let o = rank - shape.count + i
            strides[o] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Calls `body(outIndex, offsets)` for every output element in row-major order, where
    /// `offsets[k]` is the element offset in input k.
    @inline(__always)
    public static func forEach(_ outShape: [Int], inputs: [[Int]], _ body: (Int, UnsafeMutableBufferPointer<Int>) -> Void) {
        let rank = outShape.count
        let strides = inputs.map { Self.strides(of: $0, in: outShape) }
        let count = outShape.reduce(1, *)
        if count == 0 { return }
        var index = [Int](repeating: 0, count: rank)
        var offsets = [Int](repeating: 0, count: inputs.count)
        offsets.withUnsafeMutableBufferPointer { off in
            for linear in 0..<count {
                body(linear, off)
                // increment the multi-index, updating offsets
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    for k in 0..<strides.count { off[k] += strides[k][d] }
                    if index[d] < outShape[d] { break }
                    for k in 0..<strides.count { off[k] -= strides[k][d] * outShape[d] }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}
