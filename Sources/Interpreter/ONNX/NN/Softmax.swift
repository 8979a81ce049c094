import LockstepCore

/// Softmax (ONNX opsets 1, 11, 13) and, with `log`, LogSoftmax (same opsets).
///
/// Before opset 13 the input is coerced to 2-D at `axis` (default 1): the op normalises over
/// all of `shape[axis...]` at once. From opset 13 it normalises along the single axis `axis`
/// (default -1). The maximum is subtracted first; `exp` and the sum are in the input's float
/// type (float16/bfloat16 in float32), as runtimes do. ±Inf and NaN follow IEEE arithmetic: a
/// +Inf entry makes its slice NaN (Inf - Inf), an all -Inf slice is NaN.
struct SoftmaxKernel: Kernel {
    static func registration(_ name: String, log: Bool) -> OpRegistration {
        OpRegistration(name, versions: 1...Int.max) { context in
            let coerced = context.opset < 13
            return SoftmaxKernel(axis: try context.attributes.int("axis", default: coerced ? 1 : -1), coerced: coerced, log: log)
        }
    }

    static let registration = registration("Softmax", log: false)

    let axis: Int
    /// Before opset 13: normalise over the flattened `shape[axis...]`.
    let coerced: Bool
    let log: Bool

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        _ = try NNSupport.softmaxSplit(x.shape, axis: axis, coerced: coerced)
        return [TensorInfo(x)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "input")
        try NNSupport.requireFloat(x, "input")
        let split = try NNSupport.softmaxSplit(x.shape, axis: axis, coerced: coerced)
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], split: (outer: Int, axis: Int, inner: Int), log: Bool
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, x.shape, as: T.self) { yp in
                        SoftmaxKernel.compute(xp, yp, split, log: log)
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, split: split, log: log) }
    }

    /// Softmax or log-softmax of every `[axis]` slice of `[outer, axis, inner]`.
    static func compute<T: BLASFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ split: (outer: Int, axis: Int, inner: Int), log: Bool) {
        let (outer, n, inner) = split
        if n == 0 || inner == 0 { return }
        if inner == 1 {
            for o in 0..<outer {
                let src = x + o * n, dst = y + o * n
                var m = src[0]
                for k in 1..<n where !(src[k] <= m) { m = src[k] }  // NaN wins
                var sum: T = 0
                if log {
                    for k in 0..<n { sum += T.exp(src[k] - m) }
                    let l = T.log(sum)
                    for k in 0..<n { dst[k] = src[k] - m - l }
                } else {
                    for k in 0..<n { let e = T.exp(src[k] - m); dst[k] = e; sum += e }
                    for k in 0..<n { dst[k] = dst[k] / sum }
                }
            }
            return
        }
        // Strided slices: work on [n, inner] blocks with a row of maxima and sums.
        let maxima = UnsafeMutablePointer<T>.allocate(capacity: inner), sums = UnsafeMutablePointer<T>.allocate(capacity: inner)
        defer { maxima.deallocate(); sums.deallocate() }
        for o in 0..<outer {
            let src = x + o * n * inner, dst = y + o * n * inner
            maxima.update(from: src, count: inner)
            for k in 1..<n {
                let row = src + k * inner
                for i in 0..<inner where !(row[i] <= maxima[i]) { maxima[i] = row[i] }
            }
            sums.update(repeating: 0, count: inner)
            for k in 0..<n {
                let row = src + k * inner, out = dst + k * inner
                for i in 0..<inner { let e = T.exp(row[i] - maxima[i]); out[i] = e; sums[i] += e }
            }
            if log {
                for i in 0..<inner { sums[i] = T.log(sums[i]) }
                for k in 0..<n {
                    let row = src + k * inner, out = dst + k * inner
                    for i in 0..<inner { out[i] = row[i] - maxima[i] - sums[i] }
                }
            } else {
                for k in 0..<n {
                    let out = dst + k * inner
                    for i in 0..<inner { out[i] = out[i] / sums[i] }
                }
            }
        }
    }
}
