import LockstepCore

/// Det (opsets 11–22+): determinants of the square matrices in the last two axes ([..., M, M] →
/// [...]), by LU decomposition with partial pivoting in float64, rounded to the input's float type.
struct DetKernel: Kernel {
    static let registration = OpRegistration("Det", versions: 11...Int.max) { _ in DetKernel() }

    func outputShape(_ x: Tensor) throws -> [Int] {
        guard x.rank >= 2, x.shape[x.rank - 1] == x.shape[x.rank - 2] else {
            throw KernelError("input must be [..., M, M], found shape \(x.shape)")
        }
        guard x.dtype.isFloatingPoint else { throw KernelError("Det is defined for floating-point types, found \(x.dtype)") }
        return Array(x.shape.dropLast(2))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let x = try Inputs.one(inputs)
        return [TensorInfo(dtype: x.dtype, shape: try outputShape(x))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let shape = try outputShape(x)
        let m = x.shape[x.rank - 1]
        let values = try x.doubleValues()
        let batch = shape.reduce(1, *)
        var dets = [Double](repeating: 1, count: batch)
        var a = [Double](repeating: 0, count: m * m)
        for b in 0..<batch {
            for i in 0..<(m * m) { a[i] = values[b * m * m + i] }
            var det = 1.0
            for c in 0..<m {
                var pivot = c
                for r in (c + 1)..<max(m, c + 1) where abs(a[r * m + c]) > abs(a[pivot * m + c]) { pivot = r }
                if a[pivot * m + c] == 0 { det = 0; break }
                if pivot != c {
                    for j in 0..<m { a.swapAt(c * m + j, pivot * m + j) }
                    det = -det
                }
                let p = a[c * m + c]
                det *= p
                for r in (c + 1)..<max(m, c + 1) {
                    let f = a[r * m + c] / p
                    if f == 0 { continue }
                    for j in c..<m { a[r * m + j] -= f * a[c * m + j] }
                }
            }
            dets[b] = det
        }
        return [.tensor(try TypeConversion.convert(try Tensor(dtype: .float64, shape: shape, values: dets), to: x.dtype))]
    }
}
