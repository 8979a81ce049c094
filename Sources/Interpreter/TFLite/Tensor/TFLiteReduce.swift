import LockstepCore

/// MEAN (1–3), SUM (1–2), REDUCE_MAX (1–3), REDUCE_MIN (1–3), REDUCE_PROD (1–2): reduce over the
/// axes of the second input (int32/int64, negative from the end, repeats ignored), keeping them as
/// size 1 with `keep_dims`. Elements fold in row-major input order into one accumulator of the
/// input's type per output, as TFLite's reference reducers do; MEAN divides the sum by the
/// number of reduced elements. REDUCE_MAX / REDUCE_MIN start from the lowest / highest value and
/// skip NaN (`in > current ? in : current`). float32 for all; int32 and int64 for all (MEAN truncates); bool for all but MEAN (OR / AND).
/// Quantised int8 / uint8 / int16: MEAN and SUM requantise the int32 sum
/// (`TFLiteQuantizedReduce.meanOrSum`), REDUCE_MAX / REDUCE_MIN compare the codes (LiteRT requires
/// input and output to share scale and zero point), int8 / int16 REDUCE_PROD rescales every
/// product step (`TFLiteQuantizedReduce.prod`).
struct TFLiteReduce: Kernel {
    enum Operation: String, Sendable { case mean = "MEAN", sum = "SUM", reduceMax = "REDUCE_MAX", reduceMin = "REDUCE_MIN", reduceProd = "REDUCE_PROD" }

    static func registration(_ operation: Operation) -> OpRegistration {
        TFLiteOps.op(operation.rawValue) { context in
            try TFLiteSupport.arity(context, inputs: 2...2)
            return TFLiteReduce(operation: operation, keepDims: try context.attributes.int("keep_dims", default: 0) != 0,
                                quantization: try TFLiteQuantization(context))
        }
    }

    let operation: Operation
    let keepDims: Bool
    let quantization: TFLiteQuantization

    func geometry(_ inputs: [Value?]) throws -> (Tensor, Set<Int>, [Int]) {
        let (x, a) = try Inputs.two(inputs)
        var axes = Set<Int>()
        for v in try TFLiteSupport.integers(a, "axis") { axes.insert(try TFLiteSupport.axis(v, rank: x.rank)) }
        return (x, axes, Reduction.outputShape(x.shape, axes: axes, keepDims: keepDims))
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, _, shape) = try geometry(inputs)
        switch x.dtype {
        case .float32, .float64, .int32, .int64: break
        case .bool where operation != .mean: break
        case .int8, .int16: break
        case .uint8 where operation != .reduceProd: break
        default: throw KernelError("\(x.dtype) \(operation.rawValue) is not implemented", unsupported: true)
        }
        return [TensorInfo(dtype: x.dtype, shape: shape)]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        _ = try prepare(inputs, context: context)
        let (x, axes, shape) = try geometry(inputs)
        switch x.dtype {
        case .float32: return [.tensor(try reduce(x, axes, shape, Float.self, lowest: -Float.greatestFiniteMagnitude, highest: Float.greatestFiniteMagnitude))]
        case .float64: return [.tensor(try reduce(x, axes, shape, Double.self, lowest: -Double.greatestFiniteMagnitude, highest: Double.greatestFiniteMagnitude))]
        case .int32: return [.tensor(try integer(x, axes, shape, Int32.self))]
        case .int8: return [.tensor(try quantized(x, axes, shape, Int8.self))]
        case .uint8: return [.tensor(try quantized(x, axes, shape, UInt8.self))]
        case .int16: return [.tensor(try quantized(x, axes, shape, Int16.self))]
        case .int64: return [.tensor(try integer(x, axes, shape, Int64.self))]
        case .bool: return [.tensor(try boolean(x, axes, shape))]
        default: throw KernelError("\(x.dtype) \(operation.rawValue) is not implemented", unsupported: true)
        }
    }

    /// int32 / int64: wrapping sums and products (C++ overflow wraps on LiteRT's targets); MEAN is
    /// the sum divided by the reduced count, truncating toward zero (`reference_ops::Mean` on
    /// integers; int32 MEAN once returned the sum, caught by `builtin_dtype_mean_int32`).
    func integer<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _ axes: Set<Int>, _ shape: [Int], _: T.Type) throws -> Tensor {
        let reduced = T(truncatingIfNeeded: axes.reduce(1) { $0 * x.shape[$1] })
        return try NNSupport.read(x, as: T.self) { src in
            try NNSupport.build(x.dtype, shape, as: T.self) { y in
                switch operation {
                case .sum:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: T.zero, combine: { $0 = $0 &+ $1 }, finish: { $0 })
                case .mean:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: T.zero, combine: { $0 = $0 &+ $1 },
                                     finish: { reduced == 0 ? 0 : $0.dividedReportingOverflow(by: reduced).partialValue })
                case .reduceProd:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: 1 as T, combine: { $0 = $0 &* $1 }, finish: { $0 })
                case .reduceMax:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: T.min, combine: { if $1 > $0 { $0 = $1 } }, finish: { $0 })
                case .reduceMin:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: T.max, combine: { if $1 < $0 { $0 = $1 } }, finish: { $0 })
                }
            }
        }
    }

    /// bool (LiteRT runs the reducers on bool tensors): REDUCE_MAX and SUM are OR (a bool sum
    /// saturates at true), REDUCE_MIN and REDUCE_PROD are AND.
    func boolean(_ x: Tensor, _ axes: Set<Int>, _ shape: [Int]) throws -> Tensor {
        let any = operation == .reduceMax || operation == .sum
        return try NNSupport.read(x, as: UInt8.self) { src in
            try NNSupport.build(.bool, shape, as: UInt8.self) { y in
                if any {
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: UInt8(0), combine: { $0 = ($0 != 0 || $1 != 0) ? 1 : 0 }, finish: { $0 })
                } else {
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: UInt8(1), combine: { $0 = ($0 != 0 && $1 != 0) ? 1 : 0 }, finish: { $0 })
                }
            }
        }
    }

    func reduce<T: Numeric & Comparable & BitwiseCopyable>(_ x: Tensor, _ axes: Set<Int>, _ shape: [Int], _: T.Type,
                                                          lowest: T, highest: T) throws -> Tensor {
        let reduced = axes.reduce(1) { $0 * x.shape[$1] }
        return try NNSupport.read(x, as: T.self) { src in
            try NNSupport.build(x.dtype, shape, as: T.self) { y in
                switch operation {
                case .sum:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: T.zero, combine: { $0 = $0 + $1 }, finish: { $0 })
                case .mean:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: T.zero, combine: { $0 = $0 + $1 }, finish: { $0 })
                    Self.divide(y, count: shape.reduce(1, *), by: reduced)
                case .reduceProd:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: 1 as T, combine: { $0 = $0 * $1 }, finish: { $0 })
                case .reduceMax:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: lowest, combine: { if $1 > $0 { $0 = $1 } }, finish: { $0 })
                case .reduceMin:
                    Reduction.reduce(src, shape: x.shape, axes: axes, into: y, initial: highest, combine: { if $1 < $0 { $0 = $1 } }, finish: { $0 })
                }
            }
        }
    }

    static func divide<T>(_ y: UnsafeMutablePointer<T>, count: Int, by n: Int) {
        if let f = y as? UnsafeMutablePointer<Float> {
            for i in 0..<count { f[i] = f[i] / Float(n) }
        } else if let d = y as? UnsafeMutablePointer<Double> {
            for i in 0..<count { d[i] = d[i] / Double(n) }
        }
    }

    /// Quantised MEAN / SUM (`reference_ops::QuantizedMeanOrSum`), REDUCE_PROD
    /// (`QuantizedReduceProd`) through `TFLiteQuantizedReduce`; REDUCE_MAX / REDUCE_MIN on the codes.
    func quantized<T: FixedWidthInteger & BitwiseCopyable>(_ x: Tensor, _ axes: Set<Int>, _ shape: [Int], _: T.Type) throws -> Tensor {
        if operation == .reduceMax || operation == .reduceMin {
            return try reduce(x, axes, shape, T.self, lowest: T.min, highest: T.max)
        }
        let (si, zi) = try quantization.input(0), (so, zo) = try quantization.output()
        if operation == .reduceProd {
            let count = max(1, x.count / max(1, shape.reduce(1, *)))
            let m = TFLiteQuantizedReduce.prodMultiplier(inputScale: si, outputScale: so, count: count)
            return try TFLiteBuffers.build(x.dtype, shape, T.self) { o in
                try TFLiteBuffers.read(x, T.self) {
                    TFLiteQuantizedReduce.prod($0, shape: x.shape, axes: axes.sorted(), inputZeroPoint: zi, outputZeroPoint: zo, multiplier: m, output: o)
                }
            }
        }
        let m = TFLiteQuantizationParams.Multiplier(Double(si) / Double(so))
        return try TFLiteBuffers.build(x.dtype, shape, T.self) { o in
            try TFLiteBuffers.read(x, T.self) {
                TFLiteQuantizedReduce.meanOrSum($0, shape: x.shape, axes: axes.sorted(), inputZeroPoint: zi, outputZeroPoint: zo, multiplier: m,
                                                sum: operation == .sum, output: o)
            }
        }
    }
}
