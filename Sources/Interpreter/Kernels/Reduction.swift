/// Reductions over a set of axes (ONNX Reduce* ops, TFLite SUM/MEAN/REDUCE_MAX/…), and the
/// `[outer, axis, inner]` view that softmax-like and normalisation kernels iterate.
///
/// Elements are folded in row-major input order into one accumulator per output element.
/// Adjacent axes that are both reduced or both kept are merged first, so the innermost loop is
/// always a contiguous run (one accumulator over a reduced run, or a row of accumulators over a
/// kept run).
public enum Reduction {
    /// Checks and normalises `axes` (negative counts from the end) for a tensor of `rank`.
    /// Duplicates and out-of-range axes are errors.
    public static func normalizedAxes(_ axes: [Int], rank: Int) throws -> [Int] {
        var seen = Set<Int>()
        return try axes.map { a in
            let n = a < 0 ? a + rank : a
            guard n >= 0, n < Swift.max(rank, 1) || (rank == 0 && n == 0) else {
                throw KernelError("axis \(a) is out of range for rank \(rank)")
            }
            guard seen.insert(n).inserted else { throw KernelError("axis \(a) is repeated in \(axes)") }
            return n
        }
    }

    /// The output shape of reducing `shape` over `axes` (normalised), keeping reduced axes as 1
    /// with `keepDims`.
    public static func outputShape(_ shape: [Int], axes: Set<Int>, keepDims: Bool) -> [Int] {
        var out: [Int] = []
        for (i, d) in shape.enumerated() {
            if axes.contains(i) { if keepDims { out.append(1) } } else { out.append(d) }
        }
        return out
    }

    /// Folds the elements of `x` (shape `shape`) over `axes` into `y`: each output starts at
    /// `initial`, takes every element of its reduction set through `combine` in row-major order,
    /// and is written as `finish(accumulator)`. Outputs whose set is empty are `finish(initial)`.
    @inline(__always)
    public static func reduce<T, A, R>(_ x: UnsafePointer<T>, shape: [Int], axes: Set<Int>, into y: UnsafeMutablePointer<R>,
                                       initial: A, combine: (inout A, T) -> Void, finish: (A) -> R) {
        // Merge runs of reduced / kept axes; size-1 axes join whatever surrounds them.
        var dims: [Int] = [], reduced: [Bool] = []
        for (i, d) in shape.enumerated() {
            if d == 1 { continue }
            let r = axes.contains(i)
            if let last = reduced.last, last == r { dims[dims.count - 1] *= d } else { dims.append(d); reduced.append(r) }
        }
        let outCount = zip(dims, reduced).reduce(1) { $0 * ($1.1 ? 1 : $1.0) }
        let inCount = dims.reduce(1, *)
        if outCount == 0 { return }
        let acc = UnsafeMutablePointer<A>.allocate(capacity: outCount)
        acc.initialize(repeating: initial, count: outCount)
        defer { acc.deinitialize(count: outCount); acc.deallocate() }
        if inCount > 0 && !dims.isEmpty {
            let rank = dims.count
            // Output strides of each merged axis (0 for reduced axes).
            var outStride = [Int](repeating: 0, count: rank)
            var step = 1
            for i in stride(from: rank - 1, through: 0, by: -1) where !reduced[i] {
                outStride[i] = step
                step *= dims[i]
            }
            let inner = dims[rank - 1], innerReduced = reduced[rank - 1]
            let outer = inCount / inner
            var index = [Int](repeating: 0, count: rank)
            var o = 0
            var src = x
            for _ in 0..<outer {
                if innerReduced {
                    var a = acc[o]
                    for j in 0..<inner { combine(&a, src[j]) }
                    acc[o] = a
                } else {
                    for j in 0..<inner { combine(&acc[o + j], src[j]) }
                }
                src += inner
                // Advance the odometer over the outer axes.
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    o += outStride[d]
                    if index[d] < dims[d] { break }
                    o -= outStride[d] * dims[d]
                    index[d] = 0
                    d -= 1
                }
            }
        } else if inCount > 0 {
            // Scalar or all-ones shape: one element, one output.
            combine(&acc[0], x[0])
        }
        for i in 0..<outCount { y[i] = finish(acc[i]) }
    }

    /// `[outer, axis, inner]` sizes of `shape` around `axis` (normalised).
    public static func split(_ shape: [Int], axis: Int) -> (outer: Int, axis: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }
}

/// Mean and (population) variance of contiguous runs, for the normalisation kernels.
/// Two passes in float64 (mean, then squared deviations), so float32 statistics are exact to
/// float32 rounding however long the run.
public enum Moments {
    /// Mean and variance of `x[0..<count]` (NaN for an empty run).
    @inline(__always)
    public static func of<T: BLASFloat>(_ x: UnsafePointer<T>, count: Int) -> (mean: Double, variance: Double) {
        var sum = 0.0
        for i in 0..<count { sum += x[i].doubleValue }
        let mean = sum / Double(count)
        var squares = 0.0
        for i in 0..<count { let d = x[i].doubleValue - mean; squares += d * d }
        return (mean, squares / Double(count))
    }

    /// Mean of `x[i]²` over `x[0..<count]`.
    @inline(__always)
    public static func meanSquare<T: BLASFloat>(_ x: UnsafePointer<T>, count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { let v = x[i].doubleValue; sum += v * v }
        return sum / Double(count)
    }
}
