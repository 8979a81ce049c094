import LockstepCore

/// ArgMax (opsets 1–13+): int64 index of the largest element along `axis` (default 0; negative
/// from 11). `keepdims` (default 1) keeps the reduced axis as size 1; `select_last_index` (12+,
/// default 0) picks the last of equal extremes instead of the first. A NaN is the extreme for
/// both ArgMax and ArgMin (numpy.argmax/argmin, the onnx reference). The reduced axis must not
/// be empty.
struct ArgExtremumKernel: Kernel {
    let largest: Bool
    let axis: Int
    let keepDims: Bool
    let selectLast: Bool

    static func factory(largest: Bool) -> KernelFactory {
        { context in
            let a = context.attributes
            return ArgExtremumKernel(largest: largest, axis: try a.int("axis", default: 0),
                                     keepDims: try a.int("keepdims", default: 1) != 0,
                                     selectLast: try a.int("select_last_index", default: 0) != 0)
        }
    }

    static let registration = OpRegistration("ArgMax", versions: 1...Int.max, factory: factory(largest: true))

    func outputShape(_ x: Tensor) throws -> (axis: Int, shape: [Int]) {
        let a = try AxisInput.normalize(axis, rank: max(x.rank, 1))
        guard x.rank > 0 else { return (0, []) }
        var shape = x.shape
        if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
        return (a, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .int64, shape: try outputShape(try Inputs.one(inputs)).shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        let (a, shape) = try outputShape(x)
        let dims = x.rank == 0 ? [1] : x.shape
        let dim = dims[a]
        guard dim > 0 else {
            throw KernelError("cannot take the arg\(largest ? "max" : "min") of the empty axis \(a) of shape \(x.shape)")
        }
        struct Visitor: ComparableKeysVisitor {
            let outer: Int, dim: Int, inner: Int, largest: Bool, selectLast: Bool
            func visit<K: Comparable>(_ keys: [K]) throws -> [Int64] {
                var result = [Int64](repeating: 0, count: outer * inner)
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * dim * inner + i
                        var best = keys[base]
                        var index = 0
                        var bestIsNaN = ElementOrder.isNaN(best)
                        for k in 1..<dim {
                            let v = keys[base + k * inner]
                            if bestIsNaN {
                                if selectLast && ElementOrder.isNaN(v) { index = k }
                                continue
                            }
                            if ElementOrder.isNaN(v) { best = v; index = k; bestIsNaN = true; continue }
                            let better = largest ? v > best : v < best
                            if better || (selectLast && v == best) { best = v; index = k }
                        }
                        result[o * inner + i] = Int64(index)
                    }
                }
                return result
            }
        }
        let outer = dims[..<a].reduce(1, *), inner = dims[(a + 1)...].reduce(1, *)
        let indices = try ElementOrder.withKeys(x, Visitor(outer: outer, dim: dim, inner: inner, largest: largest, selectLast: selectLast))
        return [.tensor(try Tensor(dtype: .int64, shape: shape, values: indices))]
    }
}
