import LockstepCore

/// STABLEHLO_SCATTER (1): the StableHLO `scatter` with one operand, as google-ai-edge/LiteRT
/// `tflite/kernels/stablehlo_scatter.cc` @ 05538d0ee8977abbe77e5214937dc38a6b022f03 computes it: the
/// output starts as the operand; each `updates` element (row-major) lands at the start index read
/// from `scatter_indices` (int32 / int64) along `index_vector_dim`, placed by
/// `scatter_dims_to_operand_dims`, plus its window position (`update_window_dims`, zeros at
/// `inserted_window_dims`); targets outside the operand are skipped. The update computation is
/// the subgraph `update_computation_subgraph_index`: no op (replace), or one STABLEHLO_ADD /
/// MULTIPLY / MAXIMUM / MINIMUM (`a + b`, `a · b`, `std::max`, `std::min`; integers wrap, float16
/// through float32). float16/32/64, int8–64, uint8–64 and bool.
struct TFLiteStablehloScatter: Kernel {
    enum Computation: Sendable { case update, add, multiply, maximum, minimum }

    static let registration = TFLiteOps.op("STABLEHLO_SCATTER") { context in
        try TFLiteSupport.arity(context, inputs: 3...3)
        let a = context.attributes
        guard let index = try a.int("update_computation_subgraph_index") else { throw KernelError("update_computation_subgraph_index is required") }
        let body = try context.compileGraph(index).graph
        let computation: Computation
        switch body.nodes.map(\.op.name) {
        case []: computation = .update
        case ["STABLEHLO_ADD"]: computation = .add
        case ["STABLEHLO_MULTIPLY"]: computation = .multiply
        case ["STABLEHLO_MAXIMUM"]: computation = .maximum
        case ["STABLEHLO_MINIMUM"]: computation = .minimum
        case let ops:
            throw KernelError("Only update, Add, Multiply, Maximum and Minimum operations are currently supported for stablehlo.scatter (subgraph \(index) holds \(ops))",
                              unsupported: true)
        }
        return TFLiteStablehloScatter(updateWindowDims: try a.ints("update_window_dims") ?? [],
                                      insertedWindowDims: try a.ints("inserted_window_dims") ?? [],
                                      scatterDimsToOperandDims: try a.ints("scatter_dims_to_operand_dims") ?? [],
                                      indexVectorDim: try a.int("index_vector_dim", default: 0), computation: computation)
    }

    let updateWindowDims: [Int]
    let insertedWindowDims: [Int]
    let scatterDimsToOperandDims: [Int]
    let indexVectorDim: Int
    let computation: Computation

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0), s = try Inputs.tensor(inputs, 1), u = try Inputs.tensor(inputs, 2)
        try TFLiteSupport.requireType(u, "updates", x.dtype)
        guard s.dtype == .int32 || s.dtype == .int64 else { throw KernelError("(Index Type: \(s.dtype)) currently not supported") }
        guard indexVectorDim <= s.rank, updateWindowDims.count <= u.rank, insertedWindowDims.count <= x.rank else {
            throw KernelError("scatter dimensions do not fit operand \(x.shape), indices \(s.shape), updates \(u.shape)")
        }
        let indices = try TFLiteSupport.integers(s, "scatter_indices")
        let scatterDims = (0..<u.rank).filter { !updateWindowDims.contains($0) }
        let xStrides = DataMovement.strides(x.shape)
        var pairs: [(target: Int, update: Int)] = []
        var k = 0
        try TFLiteStablehloIndexing.forEachIndex(u.shape) { index in
            defer { k += 1 }
            let vector = TFLiteStablehloIndexing.readIndexVector(indices, shape: s.shape, batch: scatterDims.map { index[$0] },
                                                                 vectorDim: indexVectorDim)
            let start = try TFLiteStablehloIndexing.scatter(vector, map: scatterDimsToOperandDims, rank: x.rank)
            let window = TFLiteStablehloIndexing.expand(updateWindowDims.map { index[$0] }, inserted: insertedWindowDims)
            guard window.count == x.rank else { throw KernelError("update window \(window) does not match the operand rank \(x.rank)") }
            var target = 0
            for d in 0..<x.rank {
                let i = start[d] + window[d]
                guard i >= 0, i < x.shape[d] else { return }
                target += i * xStrides[d]
            }
            pairs.append((target, k))
        }
        let c = computation
        func run<T: BitwiseCopyable>(_: T.Type, _ add: (T, T) -> T, _ mul: (T, T) -> T, _ less: (T, T) -> Bool) throws -> Tensor {
            try NNSupport.read(u, as: T.self) { up in
                try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(x.dtype, x.shape, as: T.self) { y in
                        for i in 0..<x.count { y[i] = xp[i] }
                        for (t, j) in pairs {
                            let a = y[t], b = up[j]
                            switch c {
                            case .update: y[t] = b
                            case .add: y[t] = add(a, b)
                            case .multiply: y[t] = mul(a, b)
                            case .maximum: y[t] = less(a, b) ? b : a
                            case .minimum: y[t] = less(b, a) ? b : a
                            }
                        }
                    }
                }
            }
        }
        func integer<T: FixedWidthInteger & BitwiseCopyable>(_ t: T.Type) throws -> Tensor { try run(T.self, (&+), (&*), (<)) }
        switch x.dtype {
        case .float32: return [.tensor(try run(Float.self, (+), (*), (<)))]
        case .float64: return [.tensor(try run(Double.self, (+), (*), (<)))]
        case .float16:
            let h = FloatBits.halfToFloat, f = FloatBits.floatToHalf
            return [.tensor(try run(UInt16.self, { f(h($0) + h($1)) }, { f(h($0) * h($1)) }, { h($0) < h($1) }))]
        case .int8: return [.tensor(try integer(Int8.self))]
        case .int16: return [.tensor(try integer(Int16.self))]
        case .int32: return [.tensor(try integer(Int32.self))]
        case .int64: return [.tensor(try integer(Int64.self))]
        case .uint8: return [.tensor(try integer(UInt8.self))]
        case .uint16: return [.tensor(try integer(UInt16.self))]
        case .uint32: return [.tensor(try integer(UInt32.self))]
        case .uint64: return [.tensor(try integer(UInt64.self))]
        case .bool: return [.tensor(try run(UInt8.self, { $0 != 0 || $1 != 0 ? 1 : 0 }, { $0 != 0 && $1 != 0 ? 1 : 0 }, (<)))]
        default: throw KernelError("\(x.dtype) STABLEHLO_SCATTER is not implemented", unsupported: true)
        }
    }
}
