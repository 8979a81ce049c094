import LockstepCore

/// Compile-time grouping of elementwise chains into `FusedElementwiseKernel` steps.
///
/// A step may join a group when its kernel has an `elementwise` function, it has one named
/// output and no subgraphs, and it reads a value the group produced. The group then runs, in one
/// blocked pass, at the position of its last member; that is valid because the schedule is
/// topological (every member's inputs exist by then) and because a step joins only if no step
/// outside the group that runs before it reads a member's value (or may read it: steps with
/// subgraphs see every name). Groups of one step stay unfused.
///
/// A member's value is materialised (written to a tensor) when a step outside the group or a
/// graph output needs it; any other member value only lives in a block-sized scratch buffer,
/// unless a run keeps it (`RunOptions.intermediates`), in which case it is written too.
enum ElementwiseFusion {
    /// `steps` with fusable chains replaced by fused steps (labels of the members kept).
    static func fuse(_ steps: [Step], graphOutputs: Set<String>) -> [Step] {
        var producer: [String: Int] = [:]
        var duplicate: Set<String> = []
        for (i, step) in steps.enumerated() {
            for name in step.node.outputs where !name.isEmpty {
                if producer.updateValue(i, forKey: name) != nil { duplicate.insert(name) }
            }
        }
        var consumers: [String: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            for name in Set(step.node.inputs) where !name.isEmpty { consumers[name, default: []].append(i) }
        }
        let withSubgraphs = steps.indices.filter { !steps[$0].node.subgraphs.isEmpty }

        func function(_ i: Int) -> ElementwiseFunction? {
            let node = steps[i].node
            guard node.subgraphs.isEmpty, node.outputs.count == 1, !node.outputs[0].isEmpty,
                  !duplicate.contains(node.outputs[0]), let f = steps[i].kernel.elementwise,
                  node.inputs.count <= f.arity, !node.inputs.isEmpty, !node.inputs[0].isEmpty else { return nil }
            return f
        }

        var groupOf = [Int?](repeating: nil, count: steps.count)
        var groups: [[Int]] = []
        for i in steps.indices {
            guard function(i) != nil else { continue }
            // The group of the latest member this step reads, if the step may join it.
            let joined = steps[i].node.inputs.compactMap { producer[$0] }.filter { $0 < i && groupOf[$0] != nil }.max()
                .flatMap { groupOf[$0] }
            if let g = joined, canJoin(groups[g], i, steps: steps, consumers: consumers, withSubgraphs: withSubgraphs) {
                groups[g].append(i)
                groupOf[i] = g
            } else {
                groupOf[i] = groups.count
                groups.append([i])
            }
        }

        var fusedAt: [Int: Step] = [:]
        var removed: Set<Int> = []
        for members in groups where members.count > 1 {
            let memberSet = Set(members)
            let last = members[members.count - 1]
            let produced = Set(members.map { steps[$0].node.outputs[0] })
            var externals: [String] = []
            var externalIndex: [String: Int] = [:]
            var planned: [FusedElementwiseKernel.Member] = []
            for m in members {
                let node = steps[m].node
                let operands: [FusedElementwiseKernel.Operand] = node.inputs.map { name in
                    if name.isEmpty { return .absent }
                    if produced.contains(name), let p = producer[name], memberSet.contains(p), p < m,
                       let k = members.firstIndex(of: p) {
                        return .member(k)
                    }
                    if let k = externalIndex[name] { return .external(k) }
                    externalIndex[name] = externals.count
                    externals.append(name)
                    return .external(externals.count - 1)
                }
                let output = node.outputs[0]
                let outside = (consumers[output] ?? []).contains { !memberSet.contains($0) }
                    || withSubgraphs.contains { $0 > members[0] && !memberSet.contains($0) }
                planned.append(FusedElementwiseKernel.Member(
                    label: steps[m].label, node: node, kernel: steps[m].kernel, function: function(m)!,
                    operands: operands, alwaysMaterialised: outside || graphOutputs.contains(output)))
            }
            let first = steps[members[0]].node
            let node = Node(name: "", op: FusedElementwiseKernel.op, inputs: externals, outputs: planned.map { $0.node.outputs[0] },
                            origin: first.origin)
            let label = "\(planned[0].label)…\(planned[planned.count - 1].label) (\(planned.count) fused)"
            fusedAt[last] = Step(node: node, label: label, kernel: FusedElementwiseKernel(members: planned),
                                 memberLabels: planned.map(\.label))
            removed.formUnion(members.dropLast())
        }
        if fusedAt.isEmpty { return steps }
        return steps.indices.compactMap { i in removed.contains(i) ? nil : (fusedAt[i] ?? steps[i]) }
    }

    /// True when `step` may join the group `members`: no step outside the group that runs before
    /// `step` reads (or, with subgraphs, may read) a value of the group.
    static func canJoin(_ members: [Int], _ step: Int, steps: [Step], consumers: [String: [Int]], withSubgraphs: [Int]) -> Bool {
        let memberSet = Set(members)
        if withSubgraphs.contains(where: { $0 > members[0] && $0 < step }) { return false }
        for m in members {
            for c in consumers[steps[m].node.outputs[0]] ?? [] where c < step && !memberSet.contains(c) {
                return false
            }
        }
        return true
    }
}
