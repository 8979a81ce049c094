import LockstepCore

/// REDUCE_ANY (1) and REDUCE_ALL (1): logical OR / AND of a bool tensor over the axes of the
/// second input (int32/int64, negative from the end, repeats ignored), `keep_dims` keeping them
/// as size 1; an empty reduction gives false / true — the bool reducers of google-ai-edge/LiteRT
/// `tflite/kernels/reduce.cc` (`EvalLogic` with `||` from false, `&&` from true).
struct TFLiteReduceBoolean: Kernel {
    static func registration(all: Bool) -> OpRegistration {
        TFLiteOps.op(all ? "REDUCE_ALL" : "REDUCE_ANY") { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteReduceBoolean(all: all, keepDims: try context.attributes.int("keep_dims", default: 0) != 0)
        }
    }

    let all: Bool
    let keepDims: Bool

    func geometry(_ inputs: [Value?]) throws -> (Tensor, Set<Int>, [Int]) {
        let (x, a) = try Inputs.two(inputs)
        guard x.dtype == .bool else { throw KernelError("input must be bool, found \(x.dtype)") }
        var axes = Set<Int>()
        for v in try TFLiteSupport.integers(a, "axis") { axes.insert(try TFLiteSupport.axis(v, rank: x.rank)) }
        return (x, axes, Reduction.outputShape(x.shape, axes: axes, keepDims: keepDims))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (_, _, shape) = try geometry(inputs)
        return [TensorInfo(dtype: .bool, shape: shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, axes, shape) = try geometry(inputs)
        let all = self.all
        return [.tensor(try NNSupport.read(x, as: UInt8.self) { src in
            try NNSupport.build(.bool, shape, as: UInt8.self) { y in
                if all {
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: UInt8(1), combine: { $0 = ($0 != 0 && $1 != 0) ? 1 : 0 }, finish: { $0 })
                } else {
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: UInt8(0), combine: { $0 = ($0 != 0 || $1 != 0) ? 1 : 0 }, finish: { $0 })
                }
            }
        })]
    }
}
