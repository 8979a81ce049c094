import LockstepCore

/// The Reduce* ops: one kernel, the operation as data.
///
/// Axes come from the `axes` attribute before the opset where they became the optional second
/// input (13 for ReduceSum, 18 for the others). No axes (absent or empty) reduce every axis, or
/// with `noop_with_empty_axes = 1` (input form only) return the input unchanged. `keepdims`
/// (default 1) keeps reduced axes as 1. Reducing an empty set gives the operation's identity:
/// 0 (Sum, L1, L2, SumSquare), 1 (Prod), -Inf (Max, LogSum, LogSumExp), +Inf (Min), NaN (Mean);
/// for integers Max/Min give the type's minimum/maximum, for bool false/true.
///
/// Floats: float32 sums, products and norms accumulate in float64 and round once (float16 and
/// bfloat16 go through float32); Max/Min propagate NaN. Integers: Sum, Prod, SumSquare, L1 and
/// Mean (truncating) wrap in the type; L2, LogSum, LogSumExp go through float64. Bool: Max/Min.
struct ReduceKernel: Kernel {
    enum Operation: String, Sendable {
        case sum = "ReduceSum", mean = "ReduceMean", max = "ReduceMax", min = "ReduceMin", prod = "ReduceProd"
        case l1 = "ReduceL1", l2 = "ReduceL2", logSum = "ReduceLogSum", logSumExp = "ReduceLogSumExp", sumSquare = "ReduceSumSquare"
    }

    /// The registration of `operation`, whose axes became an input at opset `axesInputSince`.
    static func registration(_ operation: Operation, axesInputSince: Int) -> OpRegistration {
        OpRegistration(operation.rawValue, versions: 1...Int.max) { context in
            let a = context.attributes
            let fromInput = context.opset >= axesInputSince
            let noop = fromInput ? try a.int("noop_with_empty_axes", default: 0) != 0 : false
            return ReduceKernel(operation: operation, attributeAxes: fromInput ? nil : try a.ints("axes"), axesFromInput: fromInput,
                                keepDims: try a.int("keepdims", default: 1) != 0, noopWithEmptyAxes: noop)
        }
    }

    let operation: Operation
    let attributeAxes: [Int]?
    let axesFromInput: Bool
    let keepDims: Bool
    let noopWithEmptyAxes: Bool

    /// The input, the reduced axes, and whether the op is the identity.
    func operands(_ inputs: [Value?]) throws -> (x: Tensor, axes: Set<Int>, identity: Bool) {
        let x = try Inputs.tensor(inputs, 0, name: "data")
        switch operation {
        case .max, .min:
            guard x.dtype.isComputedAsFloat || x.dtype.isInteger || x.dtype == .bool else {
                throw KernelError("\(operation.rawValue) is not defined for \(x.dtype)")
            }
        case .sum, .mean, .prod, .l1, .l2, .logSum, .logSumExp, .sumSquare:
            guard x.dtype.isComputedAsFloat || x.dtype.isInteger else { throw KernelError("\(operation.rawValue) is not defined for \(x.dtype)") }
        }
        var axes = attributeAxes ?? []
        if axesFromInput, let t = try Inputs.optionalTensor(inputs, 1) {
            guard t.rank <= 1 else { throw KernelError("input 'axes' must be 1-D, found shape \(t.shape)") }
            axes = try NNSupport.ints(t, name: "axes")
        }
        if axes.isEmpty {
            if noopWithEmptyAxes { return (x, [], true) }
            return (x, Set(0..<x.rank), false)
        }
        return (x, Set(try Reduction.normalizedAxes(axes, rank: x.rank)), false)
    }

    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] {
        let (x, axes, identity) = try operands(inputs)
        if identity { return [TensorInfo(x)] }
        return [TensorInfo(dtype: x.dtype, shape: Reduction.outputShape(x.shape, axes: axes, keepDims: keepDims))]
    }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let (x, axes, identity) = try operands(inputs)
        if identity { return [.tensor(x)] }
        let shape = Reduction.outputShape(x.shape, axes: axes, keepDims: keepDims)
        if x.dtype == .bool {
            let isMax = operation == .max
            return [.tensor(try NNSupport.read(x, as: UInt8.self) { xp in
                try NNSupport.build(.bool, shape, as: UInt8.self) { yp in
                    Reduction.reduce(xp, shape: x.shape, axes: axes, into: yp, initial: isMax ? UInt8(0) : 1,
                                     combine: { acc, v in acc = isMax ? (acc | (v != 0 ? 1 : 0)) : (acc & (v != 0 ? 1 : 0)) }, finish: { $0 })
                }
            })]
        }
        if x.dtype.isInteger {
            struct Visitor: IntegerVisitor {
                let x: Tensor, axes: Set<Int>, shape: [Int], operation: Operation
                func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
                    try NNSupport.read(x, as: T.self) { xp in
                        try NNSupport.build(x.dtype, shape, as: T.self) { yp in
                            ReduceKernel.integer(operation, xp, x.shape, axes, yp)
                        }
                    }
                }
            }
            return [.tensor(try x.dtype.dispatchInteger(Visitor(x: x, axes: axes, shape: shape, operation: operation)))]
        }
        struct Visitor: BLASFloatVisitor {
            let t: [Tensor?], axes: Set<Int>, shape: [Int], operation: Operation
            func visit<T: BLASFloat>(_: T.Type) throws -> [Tensor?] {
                let x = t[0]!
                return [try NNSupport.read(x, as: T.self) { xp in
                    try NNSupport.build(T.dtype, shape, as: T.self) { yp in
                        ReduceKernel.floating(operation, xp, x.shape, axes, yp)
                    }
                }]
            }
        }
        return try NNSupport.compute([x]) { Visitor(t: $0, axes: axes, shape: shape, operation: operation) }
    }

    /// Elements reduced into each output (uniform).
    static func reducedCount(_ shape: [Int], _ axes: Set<Int>) -> Int {
        shape.enumerated().reduce(1) { $0 * (axes.contains($1.offset) ? $1.element : 1) }
    }

    static func floating<T: BLASFloat>(_ operation: Operation, _ x: UnsafePointer<T>, _ shape: [Int], _ axes: Set<Int>, _ y: UnsafeMutablePointer<T>) {
        @inline(__always) func wide(initial: Double, _ combine: (inout Double, Double) -> Void, _ finish: (Double) -> Double) {
            Reduction.reduce(x, shape: shape, axes: axes, into: y, initial: initial,
                             combine: { acc, v in combine(&acc, v.doubleValue) }, finish: { T(finish($0)) })
        }
        switch operation {
        case .sum: wide(initial: 0, { $0 += $1 }, { $0 })
        case .mean:
            let n = Double(reducedCount(shape, axes))
            wide(initial: 0, { $0 += $1 }, { $0 / n })
        case .prod: wide(initial: 1, { $0 *= $1 }, { $0 })
        case .l1: wide(initial: 0, { $0 += Swift.abs($1) }, { $0 })
        case .l2: wide(initial: 0, { $0 += $1 * $1 }, { $0.squareRoot() })
        case .sumSquare: wide(initial: 0, { $0 += $1 * $1 }, { $0 })
        case .logSum: wide(initial: 0, { $0 += $1 }, { Double.log($0) })
        case .logSumExp:
            // Streaming log-sum-exp: (running maximum, Σ exp(x - maximum)).
            Reduction.reduce(x, shape: shape, axes: axes, into: y, initial: (-Double.infinity, 0.0), combine: { acc, v in
                let d = v.doubleValue
                if d > acc.0 {
                    acc.1 = acc.1 * Double.exp(acc.0 - d) + 1
                    acc.0 = d
                } else {
                    acc.1 += Double.exp(d - acc.0)
                }
            }, finish: { acc in T(acc.0 + Double.log(acc.1)) })
        case .max:
            Reduction.reduce(x, shape: shape, axes: axes, into: y, initial: -T.infinity,
                             combine: { acc, v in if !(v <= acc) && !acc.isNaN { acc = v } }, finish: { $0 })
        case .min:
            Reduction.reduce(x, shape: shape, axes: axes, into: y, initial: T.infinity,
                             combine: { acc, v in if !(v >= acc) && !acc.isNaN { acc = v } }, finish: { $0 })
        }
    }

    static func integer<T: TensorInteger>(_ operation: Operation, _ x: UnsafePointer<T>, _ shape: [Int], _ axes: Set<Int>, _ y: UnsafeMutablePointer<T>) {
        @inline(__always) func exact(initial: T, _ combine: (inout T, T) -> Void, _ finish: (T) -> T = { $0 }) {
            Reduction.reduce(x, shape: shape, axes: axes, into: y, initial: initial, combine: combine, finish: finish)
        }
        @inline(__always) func wide(_ combine: (inout Double, Double) -> Void, _ finish: (Double) -> Double) {
            Reduction.reduce(x, shape: shape, axes: axes, into: y, initial: 0.0,
                             combine: { acc, v in combine(&acc, v.doubleValue) }, finish: { T(clampingDouble: finish($0)) })
        }
        @inline(__always) func magnitude(_ v: T) -> T { v < 0 ? 0 &- v : v }
        switch operation {
        case .sum: exact(initial: 0, { $0 = $0 &+ $1 })
        case .mean:
            let n = T(clampingDouble: Double(reducedCount(shape, axes)))
            exact(initial: 0, { $0 = $0 &+ $1 }, { T.divide($0, n) })
        case .prod: exact(initial: 1, { $0 = $0 &* $1 })
        case .l1: exact(initial: 0, { $0 = $0 &+ magnitude($1) })
        case .sumSquare: exact(initial: 0, { $0 = $0 &+ $1 &* $1 })
        case .max: exact(initial: T.min, { if $1 > $0 { $0 = $1 } })
        case .min: exact(initial: T.max, { if $1 < $0 { $0 = $1 } })
        case .l2: wide({ $0 += $1 * $1 }, { $0.squareRoot() })
        case .logSum: wide({ $0 += $1 }, { Double.log($0) })
        case .logSumExp: wide({ $0 += Double.exp($1) }, { Double.log($0) })
        }
    }
}
