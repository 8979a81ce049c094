/// One maximal group of nodes of the same kind (on the target, or not) that the runtime runs as one
/// unit: a delegate kernel, an EP's fused subgraph, or a stretch of fallback nodes.
public struct NodeSubset: Sendable, Hashable {
    /// True: the nodes run on the target; false: on the fallback.
    public var onTarget: Bool
    /// Node indices, in the order they join the subset.
    public var nodes: [Int]
}

/// Partitions a graph the way TFLite's `PartitionGraphIntoIndependentNodeSubsets` does
/// (tensorflow/lite/graph_info.cc, TF 2.18; called by `Subgraph::ReplaceNodeSubsetsWithDelegateKernels`):
/// epochs are built one after another; in each, the nodes are swept in execution order and a node
/// joins when all its inputs are ready (graph inputs, constants, or produced by earlier epochs or
/// earlier in this one); the first ready node fixes the epoch's kind and only nodes of that kind
/// join; sweeping repeats (greedily) until nothing more joins. This gives maximal subsets that
/// never need a node of the other kind in between. ONNX Runtime groups an EP's nodes the same way
/// (`onnxruntime/core/providers/partitioning_utils.cc` `CreateSupportedPartitionNodeGroups`: supported
/// nodes in topological order, a group closed when a dependency on an unsupported node would be
/// needed), so one algorithm serves both.
public enum Partitioner {
    /// `nodes[i]` = (input names, output names); `onTarget[i]` = whether node i runs on the target.
    /// Values produced by no node (graph inputs, constants, outer-scope values) are always ready.
    public static func partition(nodes: [(inputs: [String], outputs: [String])], onTarget: [Bool]) -> [NodeSubset] {
        precondition(nodes.count == onTarget.count)
        var producedBy: [String: Int] = [:]
        for (i, n) in nodes.enumerated() {
            for o in n.outputs where !o.isEmpty { producedBy[o] = i }
        }
        // Inputs as producer indices (values produced by no node are ready from the start).
        let dependencies: [[Int]] = nodes.enumerated().map { i, n in
            n.inputs.compactMap { name in name.isEmpty ? nil : producedBy[name] }.filter { $0 != i }
        }
        var done = [Bool](repeating: false, count: nodes.count)
        var subsets: [NodeSubset] = []
        var remaining = nodes.count
        while remaining > 0 {
            var kind: Bool?
            var members: [Int] = []
            var progressed = true
            while progressed {
                progressed = false
                for i in nodes.indices where !done[i] {
                    guard dependencies[i].allSatisfy({ done[$0] }) else { continue }
                    if kind == nil { kind = onTarget[i] }
                    guard onTarget[i] == kind else { continue }
                    done[i] = true
                    members.append(i)
                    remaining -= 1
                    progressed = true
                }
            }
            guard let kind, !members.isEmpty else { break }  // a dependency cycle: stop rather than spin
            subsets.append(NodeSubset(onTarget: kind, nodes: members))
        }
        return subsets
    }

    /// Values crossing between target and fallback: (value, from target?) pairs where a value
    /// produced on one side is read on the other. Graph inputs/outputs are not counted.
    public static func crossings(nodes: [(inputs: [String], outputs: [String])], onTarget: [Bool]) -> (toTarget: Int, fromTarget: Int) {
        var producedBy: [String: Int] = [:]
        for (i, n) in nodes.enumerated() {
            for o in n.outputs where !o.isEmpty { producedBy[o] = i }
        }
        var toTarget = Set<String>(), fromTarget = Set<String>()
        for (i, n) in nodes.enumerated() {
            for name in n.inputs where !name.isEmpty {
                guard let p = producedBy[name], onTarget[p] != onTarget[i] else { continue }
                if onTarget[i] { toTarget.insert(name) } else { fromTarget.insert(name) }
            }
        }
        return (toTarget.count, fromTarget.count)
    }
}
