import LockstepCore

/// TopK (opsets 1–24+): the k largest (or, with `largest`=0 from opset 11, smallest) elements along
/// `axis` (default −1) and their int64 indices. k is the `k` attribute before opset 10 and the
/// one-element int64 `K` input from 10. Results are sorted (equal values keep ascending index
/// order, as the spec's stable tie rule requires); `sorted`=0 gives the same order. NaN ranks
/// above +Inf (numpy's sort order, as the onnx reference uses).
struct TopKKernel: Kernel {
    let attributeK: Int?
    let axis: Int
    let largest: Bool

    static let registration = OpRegistration("TopK", versions: 1...Int.max) { context in
        let a = context.attributes
        var k: Int?
        if context.opset < 10 {
            guard let value = try a.int("k") else { throw KernelError("attribute 'k' is required") }
            k = value
        }
        return TopKKernel(attributeK: k, axis: try a.int("axis", default: -1), largest: try a.int("largest", default: 1) != 0)
    }

    func plan(_ inputs: [Value?]) throws -> (x: Tensor, axis: Int, k: Int, shape: [Int]) {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        let k = try attributeK ?? AxisInput.scalar(try Inputs.tensor(inputs, 1, name: "K"), name: "K")
        let a = try AxisInput.normalize(axis, rank: x.rank)
        guard k >= 0 && k <= x.shape[a] else { throw KernelError("k \(k) is out of range for axis \(a) of size \(x.shape[a])") }
        var shape = x.shape
        shape[a] = k
        return (x, a, k, shape)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let p = try plan(inputs)
        return [TensorInfo(dtype: p.x.dtype, shape: p.shape), TensorInfo(dtype: .int64, shape: p.shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let p = try plan(inputs)
        let dim = p.x.shape[p.axis]
        let outer = p.x.shape[..<p.axis].reduce(1, *), inner = p.x.shape[(p.axis + 1)...].reduce(1, *)
        struct Visitor: ComparableKeysVisitor {
            let outer: Int, dim: Int, inner: Int, k: Int, largest: Bool
            func visit<K: Comparable>(_ keys: [K]) throws -> [Int] {
                var chosen = [Int](repeating: 0, count: outer * k * inner)
                var order = [Int](repeating: 0, count: dim)
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * dim * inner + i
                        // `l` ranks before `r`: better value, or equal value and smaller index.
                        @inline(__always) func before(_ l: Int, _ r: Int) -> Bool {
                            let a = keys[base + l * inner], b = keys[base + r * inner]
                            if ElementOrder.totalEqual(a, b) { return l < r }
                            return largest ? ElementOrder.totalLess(b, a) : ElementOrder.totalLess(a, b)
                        }
                        if k == 0 { continue }
                        if k <= 32 && k * 4 < dim {
                            // Small k: keep the best k in order while scanning once.
                            var count = 0
                            for j in 0..<dim {
                                if count == k && !before(j, order[k - 1]) { continue }
                                var p = min(count, k - 1)
                                while p > 0 && before(j, order[p - 1]) { order[p] = order[p - 1]; p -= 1 }
                                order[p] = j
                                if count < k { count += 1 }
                            }
                        } else {
                            for j in 0..<dim { order[j] = j }
                            order.sort(by: before)
                        }
                        for j in 0..<k { chosen[(o * k + j) * inner + i] = order[j] }
                    }
                }
                return chosen
            }
        }
        let indices = try ElementOrder.withKeys(p.x, Visitor(outer: outer, dim: dim, inner: inner, k: p.k, largest: largest))
        // Flat source offsets of the chosen elements, then a dtype-agnostic gather of the values.
        var offsets = [Int](repeating: 0, count: indices.count)
        for o in 0..<outer {
            for j in 0..<p.k {
                for i in 0..<inner {
                    let at = (o * p.k + j) * inner + i
                    offsets[at] = (o * dim + indices[at]) * inner + i
                }
            }
        }
        let values = try DataMovement.reshape(try DataMovement.gather(p.x, shape: [offsets.count], offsets: [offsets]), to: p.shape)
        return [.tensor(values), .tensor(try Tensor(dtype: .int64, shape: p.shape, values: indices.map { Int64($0) }))]
    }
}
