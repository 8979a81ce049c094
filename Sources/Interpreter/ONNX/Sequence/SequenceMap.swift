import LockstepCore

/// SequenceMap (opset 17): runs the `body` graph once per element of `input_sequence`. Body
/// input 0 is that element; each additional input is passed whole when it is a tensor, or its
/// element at the same position when it is a sequence (of the same length). Each body output
/// is collected into one output sequence.
struct SequenceMapKernel: Kernel {
    let body: CompiledGraph

    static let registration = OpRegistration("SequenceMap", versions: 17...Int.max) { context in
        SequenceMapKernel(body: try context.compileSubgraph(try context.attributes.graph("body")))
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (tensors, _) = try SequenceSupport.sequence(inputs, 0)
        let extra = Array(inputs.dropFirst())
        for case .sequence(let other, _)? in extra where other.count != tensors.count {
            throw KernelError("additional sequence has \(other.count) elements, input_sequence has \(tensors.count)")
        }
        let outputs = body.graph.outputs
        var collected = [[Tensor]](repeating: [], count: outputs.count)
        for (i, element) in tensors.enumerated() {
            var feeds: [Value?] = [.tensor(element)]
            for value in extra {
                if case .sequence(let other, _)? = value { feeds.append(.tensor(other[i])) } else { feeds.append(value) }
            }
            let results = try context.run(body, inputs: feeds)
            for (k, result) in results.enumerated() {
                guard case .tensor(let t)? = result else {
                    throw KernelError("body output '\(outputs[k].name)' must be a tensor, found \(result?.typeDescription ?? "nothing")")
                }
                collected[k].append(t)
            }
        }
        return collected.enumerated().map { k, list in
            var type = list.first?.dtype
            if type == nil, case .tensor(let declared, _) = outputs[k].type { type = declared }
            return .sequence(list, elementType: type)
        }
    }
}
