#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LockstepCore

/// The element types the recurrent ops compute in: float32 (also for float16/bfloat16 inputs,
/// rounded back at the end) and float64. GEMMs go through OpenBLAS.
protocol RecurrentScalar: BinaryFloatingPoint, Sendable {
    /// `c[m×n] = a[m×k] · b[n×k]ᵀ` (+ `c` when `accumulate`).
    static func gemmTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, b: UnsafePointer<Self>,
                                c: UnsafeMutablePointer<Self>, accumulate: Bool)
    static func expValue(_ x: Self) -> Self
    static func tanhValue(_ x: Self) -> Self
    static func log1pValue(_ x: Self) -> Self
    /// The tensor's elements converted to this type.
    static func elements(_ t: Tensor) throws -> [Self]
}

extension Float: RecurrentScalar {
    static func gemmTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        GEMM.sgemm(m: m, n: n, k: k, a: a, b: b, transposeB: true, beta: accumulate ? 1 : 0, c: c)
    }
    @inline(__always) static func expValue(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func tanhValue(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) static func log1pValue(_ x: Float) -> Float { log1pf(x) }
    static func elements(_ t: Tensor) throws -> [Float] { try t.floatValues() }
}

extension Double: RecurrentScalar {
    static func gemmTransposedB(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                c: UnsafeMutablePointer<Double>, accumulate: Bool) {
        GEMM.dgemm(m: m, n: n, k: k, a: a, b: b, transposeB: true, beta: accumulate ? 1 : 0, c: c)
    }
    @inline(__always) static func expValue(_ x: Double) -> Double { exp(x) }
    @inline(__always) static func tanhValue(_ x: Double) -> Double { tanh(x) }
    @inline(__always) static func log1pValue(_ x: Double) -> Double { log1p(x) }
    static func elements(_ t: Tensor) throws -> [Double] { try t.doubleValues() }
}

/// An activation function of the recurrent ops (`activations` attribute), with its alpha/beta.
struct RecurrentActivation: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case relu = "Relu", tanh = "Tanh", sigmoid = "Sigmoid", affine = "Affine", leakyRelu = "LeakyRelu"
        case thresholdedRelu = "ThresholdedRelu", scaledTanh = "ScaledTanh", hardSigmoid = "HardSigmoid"
        case elu = "Elu", softsign = "Softsign", softplus = "Softplus"

        /// (uses alpha, uses beta, default alpha, default beta), as ONNX Runtime applies them.
        var parameters: (Bool, Bool, Float, Float) {
            switch self {
            case .relu, .tanh, .sigmoid, .softsign, .softplus: return (false, false, 0, 0)
            case .affine: return (true, true, 1, 0)
            case .leakyRelu: return (true, false, 0.01, 0)
            case .thresholdedRelu: return (true, false, 1, 0)
            case .scaledTanh: return (true, true, 1, 1)
            case .hardSigmoid: return (true, true, 0.2, 0.5)
            case .elu: return (true, false, 1, 0)
            }
        }
    }

    var kind: Kind
    var alpha: Float
    var beta: Float

    /// Resolves `activations` (or `defaults`, repeated per direction) with `activation_alpha` /
    /// `activation_beta` consumed in order by the functions that take them.
    static func resolve(_ a: AttributeReader, defaults: [Kind], directions: Int) throws -> [RecurrentActivation] {
        let names = try a.strings("activations")
        let kinds: [Kind]
        if let names {
            kinds = try names.map { name in
                guard let k = Kind.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                    throw KernelError("activation '\(name)' is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return k
            }
        } else {
            kinds = Array([[Kind]](repeating: defaults, count: directions).joined())
        }
        guard kinds.count == defaults.count * directions else {
            throw KernelError("'activations' has \(kinds.count) functions, expected \(defaults.count * directions) (\(defaults.count) per direction)")
        }
        var alphas = (try a.floats("activation_alpha") ?? [])[...]
        var betas = (try a.floats("activation_beta") ?? [])[...]
        return kinds.map { kind in
            let (usesAlpha, usesBeta, defaultAlpha, defaultBeta) = kind.parameters
            let alpha = usesAlpha ? (alphas.popFirst() ?? defaultAlpha) : defaultAlpha
            let beta = usesBeta ? (betas.popFirst() ?? defaultBeta) : defaultBeta
            return RecurrentActivation(kind: kind, alpha: alpha, beta: beta)
        }
    }

    /// Applies the function in place to `count` values (clipping them to ±`clip` first when set).
    @inline(__always)
    func apply<T: RecurrentScalar>(_ v: UnsafeMutablePointer<T>, count: Int, clip: Float?) {
        if let clip {
            let c = T(clip)
            for i in 0..<count { v[i] = min(max(v[i], -c), c) }
        }
        let alpha = T(self.alpha), beta = T(self.beta)
        switch kind {
        case .relu: for i in 0..<count { v[i] = max(v[i], 0) }
        case .tanh: for i in 0..<count { v[i] = T.tanhValue(v[i]) }
        case .sigmoid: for i in 0..<count { v[i] = 1 / (1 + T.expValue(-v[i])) }
        case .affine: for i in 0..<count { v[i] = alpha * v[i] + beta }
        case .leakyRelu: for i in 0..<count { v[i] = v[i] >= 0 ? v[i] : alpha * v[i] }
        case .thresholdedRelu: for i in 0..<count { v[i] = v[i] > alpha ? v[i] : 0 }
        case .scaledTanh: for i in 0..<count { v[i] = alpha * T.tanhValue(beta * v[i]) }
        case .hardSigmoid: for i in 0..<count { v[i] = max(0, min(1, alpha * v[i] + beta)) }
        case .elu: for i in 0..<count { v[i] = v[i] >= 0 ? v[i] : alpha * (T.expValue(v[i]) - 1) }
        case .softsign: for i in 0..<count { v[i] = v[i] / (1 + v[i].magnitude) }
        case .softplus:
            for i in 0..<count {
                let x = v[i]
                v[i] = x > 0 ? x + T.log1pValue(T.expValue(-x)) : T.log1pValue(T.expValue(x))
            }
        }
    }
}

/// Attributes shared by RNN, GRU and LSTM.
struct RecurrentAttributes: Sendable {
    enum Direction: String, Sendable { case forward, reverse, bidirectional }

    let direction: Direction
    let hiddenSize: Int?
    let clip: Float?
    let layout: Int
    let activations: [RecurrentActivation]
    /// Node outputs (Y, Y_h, …) the node declares.
    let outputCount: Int

    var directions: Int { direction == .bidirectional ? 2 : 1 }

    init(_ context: KernelBuildContext, defaultActivations: [RecurrentActivation.Kind]) throws {
        let a = context.attributes
        let d = try a.string("direction", default: "forward")
        guard let direction = Direction(rawValue: d) else { throw KernelError("direction '\(d)' is not forward, reverse or bidirectional") }
        self.direction = direction
        hiddenSize = try a.int("hidden_size")
        if let h = hiddenSize, h <= 0 { throw KernelError("hidden_size must be positive, found \(h)") }
        clip = try a.float("clip")
        if let c = clip, !(c > 0) { throw KernelError("clip must be positive, found \(c)") }
        layout = try a.int("layout", default: 0)
        guard layout == 0 || layout == 1 else { throw KernelError("layout must be 0 or 1, found \(layout)") }
        activations = try RecurrentActivation.resolve(a, defaults: defaultActivations, directions: direction == .bidirectional ? 2 : 1)
        outputCount = context.node.outputs.count
    }
}

/// The inputs of a recurrent op in layout 0 and compute type `T`:
/// X [seq, batch, input], W [dirs, G·hidden, input], R [dirs, G·hidden, hidden],
/// B [dirs, 2·G·hidden], initial states [dirs, batch, hidden], sequence lengths per batch entry.
struct RecurrentProblem<T: RecurrentScalar> {
    let sequenceLength: Int, batch: Int, inputSize: Int, hidden: Int, directions: Int, gates: Int
    var x: [T], w: [T], r: [T], b: [T]
    var lengths: [Int]
    var initialH: [T]
    var initialC: [T]
    var peepholes: [T]
    /// The floating-point type of X (outputs are produced in it).
    let dtype: DType

    /// Reads and checks inputs 0–5 (X, W, R, B, sequence_lens, initial_h), plus initial_c (6) and P (7) for LSTM.
    init(_ inputs: [Value?], attributes: RecurrentAttributes, gates: Int, lstm: Bool) throws {
        let xT = try Inputs.tensor(inputs, 0, name: "X"), wT = try Inputs.tensor(inputs, 1, name: "W"), rT = try Inputs.tensor(inputs, 2, name: "R")
        guard xT.rank == 3 else { throw KernelError("X must have rank 3, found \(xT.shape)") }
        for (t, name) in [(wT, "W"), (rT, "R")] where t.dtype != xT.dtype {
            throw KernelError("\(name) type \(t.dtype) differs from X's \(xT.dtype)")
        }
        dtype = xT.dtype
        let dirs = attributes.directions
        let (seq, batch) = attributes.layout == 0 ? (xT.shape[0], xT.shape[1]) : (xT.shape[1], xT.shape[0])
        let inputSize = xT.shape[2]
        guard wT.rank == 3, wT.shape[0] == dirs, wT.shape[1] % gates == 0, wT.shape[2] == inputSize else {
            throw KernelError("W must have shape [\(dirs), \(gates)·hidden_size, \(inputSize)], found \(wT.shape)")
        }
        let hidden = wT.shape[1] / gates
        if let h = attributes.hiddenSize, h != hidden { throw KernelError("hidden_size \(h) differs from W's \(hidden)") }
        guard rT.shape == [dirs, gates * hidden, hidden] else {
            throw KernelError("R must have shape [\(dirs), \(gates * hidden), \(hidden)], found \(rT.shape)")
        }
        (sequenceLength, self.batch, self.inputSize, self.hidden, directions, self.gates) = (seq, batch, inputSize, hidden, dirs, gates)
        x = try T.elements(xT)
        if attributes.layout == 1 { x = Self.swapFirstAxes(x, batch, seq, inputSize) }
        w = try T.elements(wT)
        r = try T.elements(rT)
        if let bT = try Inputs.optionalTensor(inputs, 3) {
            guard bT.shape == [dirs, 2 * gates * hidden], bT.dtype == xT.dtype else {
                throw KernelError("B must be \(xT.dtype)[\(dirs), \(2 * gates * hidden)], found \(bT.dtype)\(bT.shape)")
            }
            b = try T.elements(bT)
        } else {
            b = [T](repeating: 0, count: dirs * 2 * gates * hidden)
        }
        lengths = [Int](repeating: seq, count: batch)
        if let lT = try Inputs.optionalTensor(inputs, 4) {
            guard lT.dtype == .int32 || lT.dtype == .int64, lT.count == batch else {
                throw KernelError("sequence_lens must be int32[\(batch)], found \(lT.dtype)\(lT.shape)")
            }
            lengths = try lT.doubleValues().map { Int($0) }
            if let bad = lengths.first(where: { $0 < 0 || $0 > seq }) {
                throw KernelError("sequence length \(bad) is outside [0, \(seq)]")
            }
        }
        func state(_ index: Int, _ name: String) throws -> [T] {
            guard let t = try Inputs.optionalTensor(inputs, index) else { return [T](repeating: 0, count: dirs * batch * hidden) }
            let expected = attributes.layout == 0 ? [dirs, batch, hidden] : [batch, dirs, hidden]
            guard t.shape == expected, t.dtype == xT.dtype else {
                throw KernelError("\(name) must be \(xT.dtype)\(expected), found \(t.dtype)\(t.shape)")
            }
            let v = try T.elements(t)
            return attributes.layout == 0 ? v : Self.swapFirstAxes(v, batch, dirs, hidden)
        }
        initialH = try state(5, "initial_h")
        initialC = lstm ? try state(6, "initial_c") : []
        peepholes = []
        if lstm {
            if let pT = try Inputs.optionalTensor(inputs, 7) {
                guard pT.shape == [dirs, 3 * hidden], pT.dtype == xT.dtype else {
                    throw KernelError("P must be \(xT.dtype)[\(dirs), \(3 * hidden)], found \(pT.dtype)\(pT.shape)")
                }
                peepholes = try T.elements(pT)
            } else {
                peepholes = [T](repeating: 0, count: dirs * 3 * hidden)
            }
        }
    }

    /// [a, b, c] → [b, a, c] (row-major).
    static func swapFirstAxes(_ v: [T], _ a: Int, _ b: Int, _ c: Int) -> [T] {
        var out = [T](repeating: 0, count: v.count)
        for i in 0..<a {
            for j in 0..<b {
                for k in 0..<c { out[(j * a + i) * c + k] = v[(i * b + j) * c + k] }
            }
        }
        return out
    }

    /// X · W_dᵀ for every time step and batch entry: [seq·batch, G·hidden], plus `bias` per row.
    func inputProjection(direction d: Int, bias: [T]) -> [T] {
        let rows = sequenceLength * batch, cols = gates * hidden
        var out = [T](repeating: 0, count: rows * cols)
        if rows == 0 { return out }
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { o in
                    if inputSize > 0 {
                        T.gemmTransposedB(m: rows, n: cols, k: inputSize, a: xp.baseAddress!, b: wp.baseAddress! + d * cols * inputSize,
                                          c: o.baseAddress!, accumulate: false)
                    }
                    for row in 0..<rows {
                        let base = row * cols
                        for j in 0..<cols { o[base + j] += bias[j] }
                    }
                }
            }
        }
        return out
    }

    /// Time index of step `s` for batch entry `b` in direction `reverse` (only for `s < lengths[b]`).
    @inline(__always)
    func time(step s: Int, batch b: Int, reverse: Bool) -> Int { reverse ? lengths[b] - 1 - s : s }

    /// Zeroes the final-state rows [dirs, batch, hidden] of batch entries whose sequence length is 0.
    func zeroStatesOfEmptySequences(_ state: inout [T]) {
        for b in 0..<batch where lengths[b] == 0 {
            for d in 0..<directions {
                let base = (d * batch + b) * hidden
                for j in 0..<hidden { state[base + j] = 0 }
            }
        }
    }

    /// Output tensors Y [seq, dirs, batch, hidden] and the final states [dirs, batch, hidden]
    /// in the requested layout and X's element type.
    func outputs(y: [T], states: [[T]], layout: Int) throws -> [Tensor] {
        var yValues = y
        var yShape = [sequenceLength, directions, batch, hidden]
        if layout == 1 {
            // [seq, dirs, batch, hidden] → [batch, seq, dirs, hidden]
            var t = [T](repeating: 0, count: y.count)
            for s in 0..<sequenceLength {
                for d in 0..<directions {
                    for b in 0..<batch {
                        let src = ((s * directions + d) * batch + b) * hidden
                        let dst = ((b * sequenceLength + s) * directions + d) * hidden
                        for k in 0..<hidden { t[dst + k] = y[src + k] }
                    }
                }
            }
            yValues = t
            yShape = [batch, sequenceLength, directions, hidden]
        }
        var result = [try tensor(yValues, shape: yShape)]
        for s in states {
            if layout == 1 {
                result.append(try tensor(Self.swapFirstAxes(s, directions, batch, hidden), shape: [batch, directions, hidden]))
            } else {
                result.append(try tensor(s, shape: [directions, batch, hidden]))
            }
        }
        return result
    }

    func tensor(_ values: [T], shape: [Int]) throws -> Tensor {
        switch dtype {
        case .float64:
            return try Tensor(dtype: .float64, shape: shape, values: values.map { Double($0) })
        case .float16, .bfloat16:
            return try Tensor(float32: values.map { Float($0) }, shape: shape).narrowed(to: dtype)
        default:
            return try Tensor(float32: values.map { Float($0) }, shape: shape)
        }
    }
}

enum RecurrentDispatch {
    /// Runs `body` with the compute type for X's element type (float32 for float32/16/bfloat16, float64).
    static func run(_ inputs: [Value?], _ body: (any RecurrentScalar.Type) throws -> [Tensor]) throws -> [Tensor] {
        let x = try Inputs.tensor(inputs, 0, name: "X")
        switch x.dtype {
        case .float32, .float16, .bfloat16: return try body(Float.self)
        case .float64: return try body(Double.self)
        default: throw KernelError("X must be float32, float16, bfloat16 or float64, found \(x.dtype)")
        }
    }
}
