import LockstepCore

/// RANGE (1): `start`, `limit`, `delta` scalars (int32 or float32) → `[start, start + delta, …)`
/// up to `limit`, ⌈|limit − start| / |delta|⌉ values, each the previous one plus `delta`
/// (accumulated, as TFLite does).
struct TFLiteRange: Kernel {
    static let registration = TFLiteOps.op("RANGE") { context in
        try TFLiteSupport.arity(context, inputs: 3...3)
        return TFLiteRange()
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let s = try Inputs.tensor(inputs, 0, name: "start"), l = try Inputs.tensor(inputs, 1, name: "limit"), d = try Inputs.tensor(inputs, 2, name: "delta")
        guard s.count == 1, l.count == 1, d.count == 1, s.dtype == l.dtype, s.dtype == d.dtype else {
            throw KernelError("start, limit and delta must be single values of one type")
        }
        switch s.dtype {
        case .int32:
            let (a, b, c) = (try s.scalars(as: Int32.self)[0], try l.scalars(as: Int32.self)[0], try d.scalars(as: Int32.self)[0])
            guard c != 0, (b >= a) == (c > 0) || a == b else { throw KernelError("delta \(c) cannot reach \(b) from \(a)") }
            let n = Int((abs(Int64(b) - Int64(a)) + abs(Int64(c)) - 1) / abs(Int64(c)))
            try DataMovement.checkedCount([n])
            var v = a, out: [Int32] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(v); v = v &+ c }
            return [.tensor(try Tensor(dtype: .int32, shape: [n], values: out))]
        case .float32:
            let (a, b, c) = (try s.scalars(as: Float.self)[0], try l.scalars(as: Float.self)[0], try d.scalars(as: Float.self)[0])
            guard c != 0, c.isFinite, a.isFinite, b.isFinite, (b >= a) == (c > 0) || a == b else { throw KernelError("delta \(c) cannot reach \(b) from \(a)") }
            let n = Int(abs((b - a) / c).rounded(.up))
            try DataMovement.checkedCount([n])
            var v = a, out: [Float] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(v); v += c }
            return [.tensor(try Tensor(float32: out, shape: [n]))]
        default:
            throw KernelError("\(s.dtype) RANGE is not implemented", unsupported: true)
        }
    }
}
