import LockstepCore

/// Shape (opsets 1–25+): the input's dimensions as a 1-D int64 tensor. `start`/`end` (15+,
/// defaults 0 and rank) select a slice of the dimensions; negative values count from the end and
/// both are clamped to [0, rank] (start ≥ end gives an empty result).
struct ShapeKernel: Kernel {
    let start: Int
    let end: Int?

    static let registration = OpRegistration("Shape", versions: 1...Int.max) { context in
        let attributes = context.attributes
        return ShapeKernel(start: try attributes.int("start", default: 0), end: try attributes.int("end"))
    }

    func dimensions(_ inputs: [Value?]) throws -> [Int64] {
        let x = try Inputs.one(inputs)
        let rank = x.rank
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let s = clamp(start), e = clamp(end ?? rank)
        return s < e ? x.shape[s..<e].map { Int64($0) } : []
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(dtype: .int64, shape: [try dimensions(inputs).count])]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let dims = try dimensions(inputs)
        return [.tensor(try Tensor(dtype: .int64, shape: [dims.count], values: dims))]
    }
}
