import LockstepCore

/// A numpy (multidirectional) broadcast of several inputs, walked row by row.
///
/// Output dimensions of size 1 are dropped and adjacent dimensions that every input reads
/// contiguously (or broadcasts together) are merged, so the innermost loop runs over as many
/// elements as possible with a fixed step per input (0 where the input is broadcast). For
/// same-shape inputs the whole tensor is one row.
public struct BroadcastLoop: Sendable {
    /// The broadcast output shape.
    public let shape: [Int]
    /// Number of output elements.
    public let count: Int
    /// Merged dimensions, outermost first (never empty; `[1]` for a scalar output).
    let dims: [Int]
    /// `strides[k][d]`: element step of input `k` along merged dimension `d` (0 = broadcast).
    let strides: [[Int]]

    /// Plans the broadcast of `shapes`; throws `KernelError` when they are incompatible.
    public init(_ shapes: [[Int]]) throws {
        let shape = try Broadcast.shape(shapes)
        self.shape = shape
        self.count = shape.reduce(1, *)
        let aligned = shapes.map { Broadcast.strides(of: $0, in: shape) }
        var dims: [Int] = []
        var strides = [[Int]](repeating: [], count: shapes.count)
        for d in shape.indices where shape[d] != 1 {
            let n = shape[d]
            let mergeable = !dims.isEmpty && (0..<shapes.count).allSatisfy { k in strides[k][dims.count - 1] == aligned[k][d] * n }
            if mergeable {
                dims[dims.count - 1] *= n
                for k in 0..<shapes.count { strides[k][dims.count - 1] = aligned[k][d] }
            } else {
                dims.append(n)
                for k in 0..<shapes.count { strides[k].append(aligned[k][d]) }
            }
        }
        if dims.isEmpty {
            dims = [1]
            strides = [[Int]](repeating: [0], count: shapes.count)
        }
        self.dims = dims
        self.strides = strides
    }

    /// Length of every row (the innermost merged dimension).
    public var rowLength: Int { dims[dims.count - 1] }

    /// Step of each input along a row (0 where the input is broadcast along it).
    public var rowSteps: [Int] { strides.map { $0[$0.count - 1] } }

    /// Calls `body(outputOffset, inputOffsets)` for each row: output elements
    /// `outputOffset ..< outputOffset + rowLength`, input `k` starting at `inputOffsets[k]` and
    /// advancing by `rowSteps[k]`.
    public func forEachRow(_ body: (Int, UnsafeBufferPointer<Int>) throws -> Void) rethrows {
        guard count > 0 else { return }
        let inputs = strides.count
        let outer = dims.count - 1
        let length = rowLength
        var index = [Int](repeating: 0, count: max(outer, 1))
        var offsets = [Int](repeating: 0, count: max(inputs, 1))
        let rows = count / length
        try offsets.withUnsafeMutableBufferPointer { off in
            for row in 0..<rows {
                try body(row * length, UnsafeBufferPointer(off))
                var d = outer - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < dims[d] {
                        for k in 0..<inputs { off[k] += strides[k][d] }
                        break
                    }
                    for k in 0..<inputs { off[k] -= strides[k][d] * (dims[d] - 1) }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
}

extension Elementwise {
    /// `out[i] = f(a[i'], b[i''])` with numpy broadcasting, where `a` holds `A` and `b` holds `B`
    /// (the element types may differ, e.g. Pow's base and exponent); the result holds `R`.
    public static func binary<A: BitwiseCopyable, B: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, _ b: Tensor, as: A.Type, and: B.Type, output dtype: DType, _ f: (A, B) -> R
    ) throws -> Tensor {
        let loop = try BroadcastLoop([a.shape, b.shape])
        let steps = loop.rowSteps, length = loop.rowLength
        let sa = steps[0], sb = steps[1]
        return try a.withElements(as: A.self) { x in
            try b.withElements(as: B.self) { y in
                try Tensor.build(dtype, shape: loop.shape, as: R.self) { out in
                    loop.forEachRow { o, off in
                        var i = off[0], j = off[1]
                        if sa == 1 && sb == 1 {
                            for n in 0..<length { out[o + n] = f(x[i + n], y[j + n]) }
                        } else if sb == 0 {
                            let s = y[j]
                            for n in 0..<length { out[o + n] = f(x[i], s); i += sa }
                        } else if sa == 0 {
                            let s = x[i]
                            for n in 0..<length { out[o + n] = f(s, y[j]); j += sb }
                        } else {
                            for n in 0..<length { out[o + n] = f(x[i], y[j]); i += sa; j += sb }
                        }
                    }
                }
            }
        }
    }

    /// `out[i] = f(a[·], b[·], c[·])` with numpy broadcasting of all three inputs (Where, Clip
    /// with tensor bounds). Each input has its own element type.
    public static func ternary<A: BitwiseCopyable, B: BitwiseCopyable, C: BitwiseCopyable, R: BitwiseCopyable>(
        _ a: Tensor, _ b: Tensor, _ c: Tensor, as: A.Type, _: B.Type, _: C.Type, output dtype: DType,
        _ f: (A, B, C) -> R
    ) throws -> Tensor {
        let loop = try BroadcastLoop([a.shape, b.shape, c.shape])
        let steps = loop.rowSteps, length = loop.rowLength
        let sa = steps[0], sb = steps[1], sc = steps[2]
        return try a.withElements(as: A.self) { x in
            try b.withElements(as: B.self) { y in
                try c.withElements(as: C.self) { z in
                    try Tensor.build(dtype, shape: loop.shape, as: R.self) { out in
                        loop.forEachRow { o, off in
                            var i = off[0], j = off[1], k = off[2]
                            for n in 0..<length {
                                out[o + n] = f(x[i], y[j], z[k])
                                i += sa; j += sb; k += sc
                            }
                        }
                    }
                }
            }
        }
    }

    /// Broadcasting over tensors of any element kind: calls `body(outputIndex, inputIndices)`
    /// for every output element (for string tensors and other non-numeric cases).
    public static func forEachBroadcast(_ shapes: [[Int]], _ body: (Int, UnsafeBufferPointer<Int>) throws -> Void) throws {
        let loop = try BroadcastLoop(shapes)
        let steps = loop.rowSteps, length = loop.rowLength
        var indices = [Int](repeating: 0, count: max(shapes.count, 1))
        try indices.withUnsafeMutableBufferPointer { idx in
            try loop.forEachRow { o, off in
                for k in 0..<shapes.count { idx[k] = off[k] }
                for n in 0..<length {
                    try body(o + n, UnsafeBufferPointer(idx))
                    for k in 0..<shapes.count { idx[k] += steps[k] }
                }
            }
        }
    }
}
