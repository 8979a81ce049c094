import LockstepCore

/// Unique (opsets 11–28+): the distinct elements (or, with `axis`, the distinct slices along that
/// axis, compared lexicographically) of the input, flattened when `axis` is absent. `sorted`
/// (default 1) orders them ascending, else by first occurrence. Outputs: Y, then optional int64
/// `indices` (first occurrence of each Y entry), `inverse_indices` (the Y entry of each input
/// entry) and `counts`. NaNs sort last and count as one value (numpy.unique). Every element type.
struct UniqueKernel: Kernel {
    let axis: Int?
    let sorted: Bool
    let outputCount: Int

    static let registration = OpRegistration("Unique", versions: 11...Int.max) { context in
        let a = context.attributes
        return UniqueKernel(axis: try a.int("axis"), sorted: try a.int("sorted", default: 1) != 0,
                            outputCount: max(1, min(4, context.node.outputs.count)))
    }

    struct Groups {
        /// First-occurrence index of each output entry, in output order.
        var first: [Int]
        var inverse: [Int]
        var counts: [Int]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let input = try Inputs.one(inputs)
        let x = axis == nil ? try DataMovement.reshape(input, to: [input.count]) : input
        let a = try AxisInput.normalize(axis ?? 0, rank: x.rank)
        let items = x.shape[a]
        // Keys in item-major order: move the axis to the front.
        let perm = [a] + x.shape.indices.filter { $0 != a }
        let front = a == 0 ? x : try DataMovement.transpose(x, perm: perm)
        let width = items == 0 ? 0 : front.count / items

        struct Visitor: ComparableKeysVisitor {
            let items: Int, width: Int, sorted: Bool
            func visit<K: Comparable>(_ keys: [K]) throws -> Groups {
                func compare(_ l: Int, _ r: Int) -> Int {
                    for j in 0..<width {
                        let a = keys[l * width + j], b = keys[r * width + j]
                        if ElementOrder.totalLess(a, b) { return -1 }
                        if ElementOrder.totalLess(b, a) { return 1 }
                    }
                    return 0
                }
                let order = (0..<items).sorted { l, r in
                    let c = compare(l, r)
                    return c != 0 ? c < 0 : l < r
                }
                var groupFirst: [Int] = [], groupCount: [Int] = []
                var inverseGroup = [Int](repeating: 0, count: items)
                for i in order {
                    if let last = groupFirst.last, compare(last, i) == 0 {
                        groupCount[groupCount.count - 1] += 1
                    } else {
                        groupFirst.append(i)
                        groupCount.append(1)
                    }
                    inverseGroup[i] = groupFirst.count - 1
                }
                var outputOrder = Array(groupFirst.indices)
                if !sorted { outputOrder.sort { groupFirst[$0] < groupFirst[$1] } }
                var position = [Int](repeating: 0, count: groupFirst.count)
                for (p, g) in outputOrder.enumerated() { position[g] = p }
                return Groups(first: outputOrder.map { groupFirst[$0] }, inverse: inverseGroup.map { position[$0] },
                              counts: outputOrder.map { groupCount[$0] })
            }
        }
        let groups = try ElementOrder.withKeys(front, Visitor(items: items, width: width, sorted: sorted))
        let strides = DataMovement.strides(x.shape)
        var shape = x.shape
        shape[a] = groups.first.count
        var tables = x.shape.indices.map { DataMovement.identityTable(x.shape[$0], stride: strides[$0]) }
        tables[a] = groups.first.map { $0 * strides[a] }
        let y = try DataMovement.gather(x, shape: shape, offsets: tables)
        func int64(_ v: [Int]) throws -> Value { .tensor(try Tensor(dtype: .int64, shape: [v.count], values: v.map { Int64($0) })) }
        return Array([.tensor(y), try int64(groups.first), try int64(groups.inverse), try int64(groups.counts)].prefix(outputCount))
    }
}
