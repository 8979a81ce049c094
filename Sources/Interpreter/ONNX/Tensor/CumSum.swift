import LockstepCore

/// CumSum (opsets 11–14+): running sums along the axis given by the int32/int64 scalar input
/// `axis` (negative from the end). `exclusive`=1 leaves out the current element (the first sum
/// is 0); `reverse`=1 sums from the end. Integers wrap; float16/bfloat16 (14+) sum in float32 and
/// round each result once. `CumProd` shares the kernel with products (`product` = true).
struct CumSumKernel: Kernel {
    let exclusive: Bool
    let reverse: Bool
    var product = false

    static func factory(product: Bool) -> KernelFactory {
        { context in
            let a = context.attributes
            return CumSumKernel(exclusive: try a.int("exclusive", default: 0) != 0, reverse: try a.int("reverse", default: 0) != 0,
                                product: product)
        }
    }

    static let registration = OpRegistration("CumSum", versions: 11...Int.max, factory: factory(product: false))

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        [TensorInfo(try Inputs.tensor(inputs, 0, name: "x"))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let x = try Inputs.tensor(inputs, 0, name: "x")
        let axisTensor = try Inputs.tensor(inputs, 1, name: "axis")
        guard axisTensor.dtype == .int32 || axisTensor.dtype == .int64 else { throw KernelError("axis must be int32 or int64, found \(axisTensor.dtype)") }
        let a = try AxisInput.normalize(try AxisInput.scalar(axisTensor, name: "axis"), rank: x.rank)
        if x.dtype == .float16 || x.dtype == .bfloat16 {
            return [.tensor(try computeHalf(x, axis: a))]
        }
        return [.tensor(try compute(x, axis: a))]
    }

    /// float16/bfloat16: each running value is computed in float32 and rounded to the type, as
    /// numpy/ml_dtypes (the onnx reference) accumulate in the tensor's own precision.
    func computeHalf(_ x: Tensor, axis: Int) throws -> Tensor {
        let values = try x.floatValues()
        let round = HalfRounding(x.dtype)
        let outer = x.shape[..<axis].reduce(1, *), dim = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
        var result = [Float](repeating: 0, count: values.count)
        for o in 0..<outer {
            for i in 0..<inner {
                var acc: Float = product ? 1 : 0
                for step in 0..<dim {
                    let k = reverse ? dim - 1 - step : step
                    let at = (o * dim + k) * inner + i
                    let next = round(product ? acc * values[at] : acc + values[at])
                    result[at] = exclusive ? acc : next
                    acc = next
                }
            }
        }
        return try Tensor(float32: result, shape: x.shape).narrowed(to: x.dtype)
    }

    func compute(_ x: Tensor, axis: Int) throws -> Tensor {
        struct Visitor: ScalarVisitor {
            let x: Tensor, outer: Int, dim: Int, inner: Int, exclusive: Bool, reverse: Bool, product: Bool
            func visit<T: TensorScalar>(_: T.Type) throws -> Tensor {
                let start = product ? T(clampingDouble: 1) : T.zero
                @inline(__always) func combine(_ a: T, _ b: T) -> T { product ? T.multiply(a, b) : T.add(a, b) }
                return try x.withElements(as: T.self) { src in
                    try Tensor.build(x.dtype, shape: x.shape, as: T.self) { out in
                        for o in 0..<outer {
                            for i in 0..<inner {
                                var sum = start
                                for step in 0..<dim {
                                    let k = reverse ? dim - 1 - step : step
                                    let at = (o * dim + k) * inner + i
                                    if exclusive {
                                        out[at] = sum
                                        sum = combine(sum, src[at])
                                    } else {
                                        sum = combine(sum, src[at])
                                        out[at] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard x.dtype != .bool else { throw KernelError("\(product ? "CumProd" : "CumSum") is not defined for bool") }
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
        return try x.dtype.dispatch(Visitor(x: x, outer: outer, dim: x.shape[axis], inner: inner, exclusive: exclusive, reverse: reverse, product: product))
    }
}

/// Rounds a float32 to the nearest float16 or bfloat16 value (kept as float32), for kernels that
/// compute half types step by step in float32 as numpy and ml_dtypes do.
struct HalfRounding {
    let bfloat: Bool

    init(_ dtype: DType) { bfloat = dtype == .bfloat16 }

    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        bfloat ? FloatBits.bfloat16ToFloat(FloatBits.floatToBFloat16(x)) : FloatBits.halfToFloat(FloatBits.floatToHalf(x))
    }
}
