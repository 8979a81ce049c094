import LockstepCore

/// STABLEHLO_GATHER (1): the StableHLO `gather` without operand batching dimensions, as
/// google-ai-edge/LiteRT `tflite/kernels/stablehlo_gather.cc` @ 05538d0ee8977abbe77e5214937dc38a6b022f03
/// computes it: for every result index, the start index read from `start_indices` (int32 / int64)
/// along `index_vector_dim`, placed by `start_index_map` and clipped so the `slice_sizes` window
/// fits the operand, plus the offset dimensions (`offset_dims`, with `collapsed_slice_dims` taken
/// as 0). The result rank is the declared output's (else offset dims + batch dims). Any
/// byte-addressable operand type.
struct TFLiteStablehloGather: Kernel {
    static let registration = TFLiteOps.op("STABLEHLO_GATHER") { context in
        try TFLiteSupport.arity(context, inputs: 2...2)
        let a = context.attributes
        var rank: Int?
        if case .tensor(_, let shape?)? = context.valueInfo(context.node.outputs[0])?.type { rank = shape.dimensions.count }
        return TFLiteStablehloGather(offsetDims: try a.ints("offset_dims") ?? [], collapsedSliceDims: try a.ints("collapsed_slice_dims") ?? [],
                                     startIndexMap: try a.ints("start_index_map") ?? [], indexVectorDim: try a.int("index_vector_dim", default: 0),
                                     sliceSizes: try a.ints("slice_sizes") ?? [], declaredRank: rank)
    }

    let offsetDims: [Int]
    let collapsedSliceDims: [Int]
    let startIndexMap: [Int]
    let indexVectorDim: Int
    let sliceSizes: [Int]
    let declaredRank: Int?

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, s) = try Inputs.two(inputs)
        try TFLiteIndexing.requireRaw(x, "operand")
        guard s.dtype == .int32 || s.dtype == .int64 else { throw KernelError("(Index Type: \(s.dtype)) currently not supported") }
        guard sliceSizes.count == x.rank, collapsedSliceDims.count <= sliceSizes.count, indexVectorDim <= s.rank,
              zip(sliceSizes, x.shape).allSatisfy({ $0 >= 0 && $0 <= $1 }) else {
            throw KernelError("slice_sizes \(sliceSizes) do not fit the operand \(x.shape)")
        }
        let indices = try TFLiteSupport.integers(s, "start_indices")
        let batchShape = s.shape.enumerated().filter { $0.offset != indexVectorDim }.map(\.element)
        let rank = declaredRank ?? offsetDims.count + batchShape.count
        guard offsetDims.count <= rank, rank - offsetDims.count == batchShape.count else {
            throw KernelError("result rank \(rank) does not fit \(offsetDims.count) offset dims and start indices \(s.shape)")
        }
        let sliceShape = sliceSizes.enumerated().filter { !collapsedSliceDims.contains($0.offset) }.map(\.element)
        guard sliceShape.count == offsetDims.count else { throw KernelError("offset_dims \(offsetDims) do not match the slice \(sliceShape)") }
        var shape: [Int] = [], nextSlice = 0, nextBatch = 0
        for d in 0..<rank {
            if offsetDims.contains(d) { shape.append(sliceShape[nextSlice]); nextSlice += 1 } else { shape.append(batchShape[nextBatch]); nextBatch += 1 }
        }
        let strides = DataMovement.strides(x.shape)
        var sources: [Int] = []
        sources.reserveCapacity(try DataMovement.checkedCount(shape))
        try TFLiteStablehloIndexing.forEachIndex(shape) { index in
            var batch: [Int] = [], offset: [Int] = []
            for d in 0..<rank { if offsetDims.contains(d) { offset.append(index[d]) } else { batch.append(index[d]) } }
            let vector = TFLiteStablehloIndexing.readIndexVector(indices, shape: s.shape, batch: batch, vectorDim: indexVectorDim)
            var start = try TFLiteStablehloIndexing.scatter(vector, map: startIndexMap, rank: x.rank)
            for d in 0..<x.rank { start[d] = max(0, min(start[d], x.shape[d] - sliceSizes[d])) }
            let full = TFLiteStablehloIndexing.expand(offset, inserted: collapsedSliceDims)
            sources.append((0..<x.rank).reduce(0) { $0 + (start[$1] + full[$1]) * strides[$1] })
        }
        var n = 0
        return [.tensor(try TFLiteIndexing.remap(x, to: shape) { _ in
            defer { n += 1 }
            return sources[n]
        })]
    }
}
