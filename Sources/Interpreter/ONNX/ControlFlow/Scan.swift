import LockstepCore

/// Scan (opsets 8, 9, 11, 16, 19, 21, 23, 24, 25): runs `body` once per slice of the scan inputs.
///
/// Opset 9+: inputs are N initial states then M (`num_scan_inputs`) scan inputs, sliced along
/// `scan_input_axes` (default 0) forward or, per `scan_input_directions`, in reverse. Body
/// inputs: N states, M slices; body outputs: N states, K scan-output elements, stacked along
/// `scan_output_axes` (default 0, negative counts from the back of the stacked rank) and
/// prepended instead of appended where `scan_output_directions` is 1.
///
/// Opset 8: the first input is the optional `sequence_lens` [batch]; states are [batch, …]
/// and scan inputs [batch, sequence, …] (scan axis 1, per-input `directions`); each batch
/// entry is scanned separately over its own length, and scan outputs are padded with zeros
/// up to the maximum sequence length.
struct ScanKernel: Kernel {
    let body: CompiledGraph
    let scanInputs: Int
    let inputAxes: [Int]
    let inputDirections: [Int]
    let outputAxes: [Int]
    let outputDirections: [Int]
    let batched: Bool  // opset 8

    static let registrations = [
        OpRegistration("Scan", versions: 8...8) { context in try make(context, batched: true) },
        OpRegistration("Scan", versions: 9...Int.max) { context in try make(context, batched: false) },
    ]

    static func make(_ context: KernelBuildContext, batched: Bool) throws -> ScanKernel {
        let a = context.attributes
        let body = try context.compileSubgraph(try a.graph("body"))
        guard let m = try a.int("num_scan_inputs"), m >= 1 else { throw KernelError("attribute 'num_scan_inputs' must be at least 1") }
        let variadic = context.node.inputs.count - (batched ? 1 : 0)
        let states = variadic - m
        guard states >= 0 else { throw KernelError("num_scan_inputs \(m) exceeds the \(variadic) state and scan inputs") }
        guard body.graph.inputs.count == states + m else {
            throw KernelError("body has \(body.graph.inputs.count) inputs, expected \(states + m) (\(states) states, \(m) scan inputs)")
        }
        let k = body.graph.outputs.count - states
        guard k >= 0 else { throw KernelError("body has \(body.graph.outputs.count) outputs, fewer than the \(states) states") }
        func list(_ name: String, _ count: Int) throws -> [Int] {
            let values = try a.ints(name) ?? [Int](repeating: 0, count: count)
            guard values.count == count else { throw KernelError("attribute '\(name)' has \(values.count) values, expected \(count)") }
            return values
        }
        if batched {
            return ScanKernel(body: body, scanInputs: m, inputAxes: [Int](repeating: 1, count: m), inputDirections: try list("directions", m),
                              outputAxes: [Int](repeating: 1, count: k), outputDirections: [Int](repeating: 0, count: k), batched: true)
        }
        return ScanKernel(body: body, scanInputs: m, inputAxes: try list("scan_input_axes", m), inputDirections: try list("scan_input_directions", m),
                          outputAxes: try list("scan_output_axes", k), outputDirections: try list("scan_output_directions", k), batched: false)
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        if batched { return try evaluateBatched(inputs, context: context) }
        let states = inputs.count - scanInputs
        let scanTensors = try (states..<inputs.count).map { try Inputs.tensor(inputs, $0, name: "scan input \($0 - states)") }
        var slices: [[Tensor]] = []
        var length: Int?
        for (j, t) in scanTensors.enumerated() {
            let axis = try SequenceSupport.axis(inputAxes[j], rank: t.rank)
            if let length, length != t.shape[axis] {
                throw KernelError("scan inputs have different sequence lengths (\(length) and \(t.shape[axis]))")
            }
            length = t.shape[axis]
            var s = try ControlFlowSupport.slices(t, axis: axis)
            if inputDirections[j] != 0 { s.reverse() }
            slices.append(s)
        }
        let (finalStates, scans) = try run(states: Array(inputs[0..<states]), slices: slices, steps: length ?? 0, context: context)
        var outputs = finalStates
        for (k, elements) in scans.enumerated() {
            let ordered = outputDirections[k] != 0 ? elements.reversed() : elements
            let info = body.graph.outputs[states + k]
            outputs.append(.tensor(try ControlFlowSupport.stack(Array(ordered), axis: outputAxes[k], empty: ControlFlowSupport.declared(info))))
        }
        return outputs
    }

    /// Runs the body `steps` times; returns the final states and each scan output's elements.
    func run(states initial: [Value?], slices: [[Tensor]], steps: Int, context: ExecutionContext) throws -> ([Value?], [[Tensor]]) {
        var states = initial
        let k = body.graph.outputs.count - states.count
        var scans = [[Tensor]](repeating: [], count: k)
        for step in 0..<steps {
            let results = try context.run(body, inputs: states + slices.map { .tensor($0[step]) })
            states = Array(results[0..<states.count])
            for j in 0..<k {
                guard case .tensor(let t)? = results[states.count + j] else { throw KernelError("scan output \(j) must be a tensor") }
                scans[j].append(t)
            }
        }
        return (states, scans)
    }

    /// Opset 8: per batch entry, over its own sequence length.
    func evaluateBatched(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let stateCount = inputs.count - 1 - scanInputs
        let states = try (0..<stateCount).map { try Inputs.tensor(inputs, 1 + $0, name: "initial state \($0)") }
        let scanTensors = try (0..<scanInputs).map { try Inputs.tensor(inputs, 1 + stateCount + $0, name: "scan input \($0)") }
        guard let batch = scanTensors.first?.shape.first, scanTensors.allSatisfy({ $0.rank >= 2 && $0.shape[0] == batch }),
              states.allSatisfy({ $0.rank >= 1 && $0.shape[0] == batch }) else {
            throw KernelError("states and scan inputs must share the batch size (axis 0); scan inputs need rank ≥ 2")
        }
        let maxLength = scanTensors[0].shape[1]
        guard scanTensors.allSatisfy({ $0.shape[1] == maxLength }) else { throw KernelError("scan inputs have different sequence lengths") }
        var lengths = [Int](repeating: maxLength, count: batch)
        if let sequenceLens = try Inputs.optionalTensor(inputs, 0) {
            lengths = try sequenceLens.doubleValues().map { Int($0) }
            guard lengths.count == batch, lengths.allSatisfy({ $0 >= 0 && $0 <= maxLength }) else {
                throw KernelError("sequence_lens \(lengths) must hold \(batch) lengths in [0, \(maxLength)]")
            }
        }
        let stateSlices = try states.map { try ControlFlowSupport.slices($0, axis: 0) }
        let scanSlices = try scanTensors.map { try ControlFlowSupport.slices($0, axis: 0) }
        let k = body.graph.outputs.count - stateCount
        var finalStates = [[Tensor]](repeating: [], count: stateCount)
        var scanOutputs = [[Tensor]](repeating: [], count: k)
        for b in 0..<batch {
            let n = lengths[b]
            var perStep: [[Tensor]] = []
            for (j, s) in scanSlices.enumerated() {
                var steps = Array(try ControlFlowSupport.slices(s[b], axis: 0).prefix(n))
                if inputDirections[j] != 0 { steps.reverse() }
                perStep.append(steps)
            }
            let (final, scans) = try run(states: stateSlices.map { .tensor($0[b]) }, slices: perStep, steps: n, context: context)
            for (i, v) in final.enumerated() {
                guard case .tensor(let t)? = v else { throw KernelError("state \(i) must be a tensor") }
                finalStates[i].append(t)
            }
            for j in 0..<k {
                let info = ControlFlowSupport.declared(body.graph.outputs[stateCount + j])
                var elements = scans[j]
                // Pad to the maximum length with zeros of the element's type and shape.
                if elements.count < maxLength {
                    let (dtype, shape) = elements.first.map { ($0.dtype, $0.shape) } ?? info
                    let zero = try ControlFlowSupport.zeros(dtype, shape: shape)
                    elements += [Tensor](repeating: zero, count: maxLength - elements.count)
                }
                scanOutputs[j].append(try ControlFlowSupport.stack(elements, axis: 0, empty: info))
            }
        }
        var outputs: [Value?] = []
        for i in 0..<stateCount {
            outputs.append(.tensor(try ControlFlowSupport.stack(finalStates[i], axis: 0, empty: (states[i].dtype, Array(states[i].shape.dropFirst())))))
        }
        for j in 0..<k {
            let info = ControlFlowSupport.declared(body.graph.outputs[stateCount + j])
            outputs.append(.tensor(try ControlFlowSupport.stack(scanOutputs[j], axis: 0, empty: (info.0, [maxLength] + info.1))))
        }
        return outputs
    }
}
