import LockstepCore

/// WHILE (version 1): runs subgraph `body_subgraph_index` on the loop values while subgraph
/// `cond_subgraph_index` returns true (a bool scalar); outputs are the final loop values. Both
/// subgraphs take the loop values by position, see no outer values, and are compiled once.
struct TFLiteWhile: Kernel {
    static let registration = TFLiteOps.op("WHILE") { context in
        let a = context.attributes
        guard let cond = try a.int("cond_subgraph_index"), let body = try a.int("body_subgraph_index") else {
            throw KernelError("cond_subgraph_index and body_subgraph_index are required")
        }
        let n = context.node.inputs.count
        guard context.node.outputs.count == n else { throw KernelError("expected as many outputs as inputs (\(n)), found \(context.node.outputs.count)") }
        let c = try context.compileGraph(cond), b = try context.compileGraph(body)
        guard c.graph.inputs.count == n, c.graph.outputs.count == 1 else {
            throw KernelError("condition subgraph \(cond) takes \(c.graph.inputs.count) inputs and gives \(c.graph.outputs.count) outputs; expected \(n) and 1")
        }
        guard b.graph.inputs.count == n, b.graph.outputs.count == n else {
            throw KernelError("body subgraph \(body) takes \(b.graph.inputs.count) inputs and gives \(b.graph.outputs.count) outputs; expected \(n) and \(n)")
        }
        return TFLiteWhile(cond: c, body: b)
    }

    let cond: CompiledGraph
    let body: CompiledGraph

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        var values: [Value?] = inputs
        while true {
            let flag = try context.call(cond, inputs: values)[0]
            guard case .tensor(let t) = flag, t.count == 1 else { throw KernelError("condition subgraph must return one value, found \(flag.typeDescription)") }
            guard try TFLiteIf.truth(t) else { break }
            values = try context.call(body, inputs: values).map { $0 }
        }
        return values
    }
}
