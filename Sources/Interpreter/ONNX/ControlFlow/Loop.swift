import LockstepCore

/// Loop (opsets 1, 11, 13, 16, 19, 21, 23, 24, 25): runs `body` while `i < M` and `cond`.
///
/// - Inputs: M (int64 trip count, optional), cond (bool, optional), N loop-carried initial
///   values (tensors, sequences or optionals from opset 13/16).
/// - Body inputs: iteration number (int64 scalar), condition, the N carried values; body
///   outputs: the new condition, the N carried values, K scan outputs (tensors).
/// - Modes: (M, ""): for loop, the body's condition is ignored; ("", cond): while loop;
///   (M, cond): both; ("", ""): never terminates, reported as an error instead of hanging.
/// - Outputs: the final N carried values (the initial ones when no iteration runs), then the K
///   scan outputs stacked along a new axis 0 (shape [0, …declared element shape] and the
///   declared type when no iteration runs).
struct LoopKernel: Kernel {
    let body: CompiledGraph
    let hasTripCount: Bool
    let hasCondition: Bool
    let outputCount: Int

    static let registration = OpRegistration("Loop", versions: 1...Int.max) { context in
        let body = try context.compileSubgraph(try context.attributes.graph("body"))
        let node = context.node
        let carried = max(node.inputs.count - 2, 0)
        guard body.graph.inputs.count == carried + 2 else {
            throw KernelError("body has \(body.graph.inputs.count) inputs, expected \(carried + 2) (iteration number, condition, \(carried) carried values)")
        }
        guard body.graph.outputs.count >= carried + 1 else {
            throw KernelError("body has \(body.graph.outputs.count) outputs, expected at least \(carried + 1) (condition, \(carried) carried values)")
        }
        guard node.outputs.count <= body.graph.outputs.count - 1 else {
            throw KernelError("node declares \(node.outputs.count) outputs, the body yields \(body.graph.outputs.count - 1)")
        }
        let tripCount = node.inputs.count > 0 && !node.inputs[0].isEmpty
        let condition = node.inputs.count > 1 && !node.inputs[1].isEmpty
        return LoopKernel(body: body, hasTripCount: tripCount, hasCondition: condition, outputCount: node.outputs.count)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        var tripCount: Int64?
        if hasTripCount { tripCount = try ControlFlowSupport.integer(try Inputs.tensor(inputs, 0, name: "M"), name: "M") }
        var cond = true
        if hasCondition { cond = try ControlFlowSupport.bool(try Inputs.tensor(inputs, 1, name: "cond"), name: "cond") }
        guard hasTripCount || hasCondition else {
            throw KernelError("a Loop with neither a trip count nor a condition never terminates")
        }
        var carried: [Value?] = Array(inputs.dropFirst(2))
        let bodyOutputs = body.graph.outputs
        let scanCount = bodyOutputs.count - 1 - carried.count
        var scans = [[Tensor]](repeating: [], count: scanCount)
        var iteration: Int64 = 0
        while cond && (tripCount.map { iteration < $0 } ?? true) {
            let feeds: [Value?] = [.tensor(try ControlFlowSupport.int64Scalar(iteration)), .tensor(try ControlFlowSupport.boolScalar(cond))] + carried
            let results = try context.run(body, inputs: feeds)
            if hasCondition {
                guard case .tensor(let c)? = results[0] else { throw KernelError("body output 0 (condition) must be a bool tensor") }
                cond = try ControlFlowSupport.bool(c, name: "body condition")
            }
            carried = Array(results[1..<(1 + carried.count)])
            for k in 0..<scanCount {
                guard case .tensor(let t)? = results[1 + carried.count + k] else {
                    throw KernelError("scan output \(k) ('\(bodyOutputs[1 + carried.count + k].name)') must be a tensor")
                }
                scans[k].append(t)
            }
            iteration += 1
        }
        var outputs = carried
        for k in 0..<scanCount {
            let empty = ControlFlowSupport.declared(bodyOutputs[1 + carried.count + k])
            outputs.append(.tensor(try ControlFlowSupport.stack(scans[k], axis: 0, empty: empty)))
        }
        return Array(outputs.prefix(outputCount))
    }
}
