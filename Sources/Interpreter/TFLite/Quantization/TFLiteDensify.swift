import LockstepCore

/// DENSIFY (version 1): rebuilds the dense tensor of a sparse constant (TFLite
/// `SparsityParameters`: traversal order, block map, per traversed dimension DENSE size or
/// SPARSE_CSR segments and indices) as TFLite's sparsity format converter does; positions not
/// stored are zero. Every index is range-checked (a hostile file gets an error, not a write out
/// of bounds). Computed once when the graph is compiled.
struct TFLiteDensify: Kernel {
    static let registration = TFLiteOps.op("DENSIFY", foldsConstants: true) { context in
        try TFLiteSupport.arity(context, inputs: 1...1)
        let input = context.node.inputs[0]
        guard let info = context.valueInfo(input), let sparsity = info.sparsity else {
            throw KernelError("input '\(input)' is not a sparse tensor")
        }
        guard case .tensor(_, let shape?) = info.type, let dense = shape.fixedDimensions else {
            throw KernelError("sparse input '\(input)' needs a fixed dense shape, found \(info.type)")
        }
        return TFLiteDensify(sparsity: sparsity, denseShape: dense)
    }

    let sparsity: SparsityParameters
    let denseShape: [Int]

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: try Inputs.one(inputs).dtype, shape: denseShape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] { try evaluate(inputs, context: nil) }

    /// The dense tensor (no context needed).
    func evaluate(_ inputs: [Value?], context: ExecutionContext?) throws -> [Value?] {
        let x = try Inputs.one(inputs)
        guard let width = x.dtype.byteWidth else { throw KernelError("\(x.dtype) sparse tensors are not supported") }
        let positions = try Self.positions(sparsity, denseShape: denseShape, stored: x.count)
        let count = try DataMovement.checkedCount(denseShape)
        let storage = TensorStorage(byteCount: count * width) { out in
            guard let dst = out.baseAddress, let src = x.storage.bytes.baseAddress else { return }
            for (k, p) in positions.enumerated() { (dst + p * width).copyMemory(from: src + k * width, byteCount: width) }
        }
        return [.tensor(try Tensor(dtype: x.dtype, shape: denseShape, storage: storage))]
    }

    /// The dense flat position of each stored value, in storage order.
    static func positions(_ s: SparsityParameters, denseShape: [Int], stored: Int) throws -> [Int] {
        let rank = denseShape.count, levels = s.traversalOrder.count
        guard s.dimensions.count == levels, s.dimensionFormats.count == levels, levels == rank + s.blockMap.count else {
            throw KernelError("sparsity has \(levels) traversal levels and \(s.dimensions.count) dimension entries for a rank-\(rank) tensor with \(s.blockMap.count) block dimensions")
        }
        guard Set(s.traversalOrder.prefix(rank)) == Set(0..<rank), Set(s.traversalOrder.dropFirst(rank)) == Set(rank..<levels) else {
            throw KernelError("traversal order \(s.traversalOrder) is not a permutation of the \(rank) dimensions followed by the block dimensions")
        }
        guard s.blockMap.allSatisfy({ $0 >= 0 && $0 < rank }) else { throw KernelError("block map \(s.blockMap) names a dimension outside rank \(rank)") }
        // Block sizes are the DENSE sizes of the block levels.
        var blockSize = [Int](repeating: 1, count: s.blockMap.count)
        for level in rank..<levels { blockSize[s.traversalOrder[level] - rank] = s.dimensions[level].denseSize }
        let strides = DataMovement.strides(denseShape)
        var result: [Int] = []
        result.reserveCapacity(stored)
        var indices = [Int](repeating: 0, count: levels)
        func populate(_ level: Int, _ previous: Int) throws {
            if level == levels {
                var original = [Int](repeating: 0, count: rank)
                for i in 0..<rank { original[s.traversalOrder[i]] = indices[i] }
                for i in rank..<levels {
                    let block = s.traversalOrder[i] - rank, d = s.blockMap[block]
                    original[d] = original[d] * blockSize[block] + indices[i]
                }
                var flat = 0
                for d in 0..<rank {
                    guard original[d] >= 0, original[d] < denseShape[d] else {
                        throw KernelError("sparse index \(original) is outside the dense shape \(denseShape)")
                    }
                    flat += original[d] * strides[d]
                }
                guard result.count < stored else { throw KernelError("the sparsity describes more than the \(stored) stored values") }
                result.append(flat)
                return
            }
            let m = s.dimensions[level]
            if s.dimensionFormats[level] == "DENSE" {
                let d = level < rank ? s.traversalOrder[level] : s.blockMap[s.traversalOrder[level] - rank]
                guard m.denseSize >= 0, m.denseSize <= denseShape[d] else {
                    throw KernelError("dense size \(m.denseSize) of level \(level) does not fit dimension \(d) of \(denseShape)")
                }
                for i in 0..<m.denseSize {
                    indices[level] = i
                    try populate(level + 1, previous * m.denseSize + i)
                }
            } else if s.dimensionFormats[level] == "SPARSE_CSR" {
                guard previous >= 0, previous + 1 < m.segments.count else {
                    throw KernelError("CSR segment \(previous) is missing (level \(level) has \(m.segments.count) segment entries)")
                }
                let lo = m.segments[previous], hi = m.segments[previous + 1]
                guard lo >= 0, lo <= hi, hi <= m.indices.count else {
                    throw KernelError("CSR segment [\(lo), \(hi)) is outside the \(m.indices.count) indices of level \(level)")
                }
                for i in lo..<hi {
                    indices[level] = m.indices[i]
                    try populate(level + 1, i)
                }
            } else {
                throw KernelError("dimension format \(s.dimensionFormats[level]) is not DENSE or SPARSE_CSR")
            }
        }
        try populate(0, 0)
        guard result.count == stored else { throw KernelError("the sparsity describes \(result.count) values, the buffer holds \(stored)") }
        return result
    }
}
