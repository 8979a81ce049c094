import LockstepCore

/// One operand of an elementwise function applied to a block of consecutive elements: `n`
/// elements in memory, one value repeated (a broadcast input), or an omitted optional input.
public enum BlockOperand<T> {
    case vector(UnsafePointer<T>)
    case scalar(T)
    case absent
}

/// An elementwise op's element function over blocks, specialised for one element type:
/// `body(a, b, c, out, n)` writes `n` results to `out` from up to three operands (unused ones
/// are `.absent`). It must compute exactly what the op's unfused kernel computes for every
/// element: the same scalar function in the same type.
public struct BlockFunction<T>: Sendable {
    public let body: @Sendable (BlockOperand<T>, BlockOperand<T>, BlockOperand<T>, UnsafeMutablePointer<T>, Int) -> Void

    public init(_ body: @escaping @Sendable (BlockOperand<T>, BlockOperand<T>, BlockOperand<T>, UnsafeMutablePointer<T>, Int) -> Void) {
        self.body = body
    }
}

/// What an elementwise op contributes to a fused chain (`Kernel.elementwise`): its element
/// function over blocks of float32 and float64, and which inputs must hold a single value.
///
/// Fusion runs a chain of such ops block by block (`FusedElementwiseKernel`) instead of one
/// whole-tensor pass per op. The block functions call the very scalar functions the unfused
/// kernels call (`FloatUnaryFunction`, `FloatBinaryFunction`, …) in the same type, and Swift
/// neither reassociates nor contracts float arithmetic (no FMA unless written), so every value is
/// bit-identical to the unfused result; tests compare both, NaN/±Inf/−0 included.
public struct ElementwiseFunction: Sendable {
    /// Inputs read as operands (node inputs beyond are not allowed).
    public let arity: Int
    /// Inputs that must hold exactly one element (Clip's bounds); others broadcast as numpy.
    public let scalarInputs: Set<Int>
    public let float32: BlockFunction<Float>
    public let float64: BlockFunction<Double>
    /// The float32 function as an op of `VectorKernels.chain` (a chain whose members all have one
    /// runs block by block inside C), or nil. Must compute what `float32` computes.
    public let chainOp: VectorKernels.ChainOp?

    public init(arity: Int, scalarInputs: Set<Int> = [], float32: BlockFunction<Float>, float64: BlockFunction<Double>,
                chainOp: VectorKernels.ChainOp? = nil) {
        self.arity = arity
        self.scalarInputs = scalarInputs
        self.float32 = float32
        self.float64 = float64
        self.chainOp = chainOp
    }

    /// `y = f(x)`.
    public static func unary<F: FloatUnaryFunction>(_ f: F) -> ElementwiseFunction {
        ElementwiseFunction(arity: 1, float32: unaryBlock(f, Float.self), float64: unaryBlock(f, Double.self))
    }

    /// `y = f(a, b)` with both operands of one type.
    public static func binary<F: FloatBinaryFunction>(_ f: F) -> ElementwiseFunction {
        ElementwiseFunction(arity: 2, float32: binaryBlock(f, Float.self), float64: binaryBlock(f, Double.self))
    }

    static func unaryBlock<F: FloatUnaryFunction, T: FloatMath>(_ f: F, _: T.Type) -> BlockFunction<T> {
        BlockFunction { a, _, _, out, n in
            switch a {
            case .vector(let x):
                for i in 0..<n { out[i] = f(x[i]) }
            case .scalar(let s):
                let v = f(s)
                for i in 0..<n { out[i] = v }
            case .absent:
                preconditionFailure("unary operand is absent")
            }
        }
    }

    static func binaryBlock<F: FloatBinaryFunction, T: FloatMath>(_ f: F, _: T.Type) -> BlockFunction<T> {
        BlockFunction { a, b, _, out, n in
            switch (a, b) {
            case (.vector(let x), .vector(let y)):
                for i in 0..<n { out[i] = f(x[i], y[i]) }
            case (.vector(let x), .scalar(let s)):
                for i in 0..<n { out[i] = f(x[i], s) }
            case (.scalar(let s), .vector(let y)):
                for i in 0..<n { out[i] = f(s, y[i]) }
            case (.scalar(let s), .scalar(let t)):
                let v = f(s, t)
                for i in 0..<n { out[i] = v }
            default:
                preconditionFailure("binary operand is absent")
            }
        }
    }
}
