import LockstepCore

/// STABLEHLO_REDUCE_WINDOW (1): `reduce_window_op` with `StablehloData` semantics of google-ai-edge/LiteRT
/// `tflite/kernels/reduce_window.cc`: the input is first dilated by `base_dilations` (gaps hold the
/// init value), then padded / cropped by `padding` (`[low, high]` per dimension, filled with the
/// init value), then reduced as REDUCE_WINDOW (`TFLiteReduceWindowKernel`) with
/// `window_dimensions`, `window_strides`, `window_dilations`. The body subgraph
/// (`body_subgraph_index`) must hold one op: ADD / STABLEHLO_ADD, MUL / STABLEHLO_MULTIPLY,
/// MAXIMUM / STABLEHLO_MAXIMUM, MINIMUM / STABLEHLO_MINIMUM, LOGICAL_AND / STABLEHLO_AND,
/// LOGICAL_OR / STABLEHLO_OR. Absent options default to strides and dilations 1, padding 0.
struct TFLiteStablehloReduceWindow: Kernel {
    static let registration = TFLiteOps.op("STABLEHLO_REDUCE_WINDOW") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        guard let index = try a.int("body_subgraph_index") else { throw KernelError("body_subgraph_index is required") }
        let ops = try context.compileGraph(index).graph.nodes.map(\.op.name)
        let function: TFLiteReduceWindowKernel.Function
        switch ops {
        case ["ADD"], ["STABLEHLO_ADD"]: function = .add
        case ["MUL"], ["STABLEHLO_MULTIPLY"]: function = .mul
        case ["MAXIMUM"], ["STABLEHLO_MAXIMUM"]: function = .maximum
        case ["MINIMUM"], ["STABLEHLO_MINIMUM"]: function = .minimum
        case ["LOGICAL_AND"], ["STABLEHLO_AND"]: function = .all
        case ["LOGICAL_OR"], ["STABLEHLO_OR"]: function = .any
        default: throw KernelError("unsupported reduction body \(ops) in subgraph \(index) (one ADD, MUL, MAXIMUM, MINIMUM, AND or OR)", unsupported: true)
        }
        return TFLiteStablehloReduceWindow(function: function, window: try a.ints("window_dimensions") ?? [], strides: try a.ints("window_strides") ?? [],
                                           baseDilations: try a.ints("base_dilations") ?? [], windowDilations: try a.ints("window_dilations") ?? [],
                                           padding: try a.ints("padding") ?? [])
    }

    let function: TFLiteReduceWindowKernel.Function
    let window: [Int]
    let strides: [Int]
    let baseDilations: [Int]
    let windowDilations: [Int]
    let padding: [Int]

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, initial) = try Inputs.two(inputs)
        let rank = x.rank
        func orDefault(_ v: [Int], _ d: Int) -> [Int] { v.isEmpty ? [Int](repeating: d, count: rank) : v }
        let base = orDefault(baseDilations, 1), pads = orDefault(padding, 0)
        guard window.count == rank, base.count == rank, base.allSatisfy({ $0 > 0 }), pads.count == 2 * rank else {
            throw KernelError("window \(window), base dilations \(base) and padding \(pads) must fit rank \(rank)")
        }
        try TFLiteSupport.requireType(initial, "init_value", x.dtype)
        var y = x
        if base.contains(where: { $0 != 1 }) { y = try TFLiteDilate.dilate(y, factors: base, padding: initial) }
        if pads.contains(where: { $0 != 0 }) {
            // Padding (negative: cropping) with the init value, as StableHLO pad without interior padding.
            var shape: [Int] = []
            for d in 0..<rank {
                let size: Int = y.shape[d] + pads[2 * d] + pads[2 * d + 1]
                shape.append(size)
            }
            guard shape.allSatisfy({ $0 > 0 }) else { throw KernelError("The padding specification of stablehlo.reduce_window gives an empty tensor.") }
            let strides = DataMovement.strides(y.shape), count = y.count, source = y
            let pool = try DataMovement.concatenate([try DataMovement.reshape(source, to: [count]), try DataMovement.reshape(initial, to: [1])],
                                                    axis: 0, shape: [count + 1])
            y = try TFLiteIndexing.remap(pool, to: shape) { index in
                var offset = 0
                for d in 0..<rank {
                    let i = index[d] - pads[2 * d]
                    guard i >= 0, i < source.shape[d] else { return count }
                    offset += i * strides[d]
                }
                return offset
            }
        }
        return [.tensor(try TFLiteReduceWindowKernel.reduce(y, initial: initial, function: function, window: window,
                                                            strides: orDefault(strides, 1), dilations: orDefault(windowDilations, 1)))]
    }
}
