import LockstepCore

/// A scalar function of one integer argument, specialised per integer type.
public protocol IntegerUnaryFunction: Sendable {
    func callAsFunction<T: TensorInteger>(_ x: T) -> T
}

/// Integer counterparts of `FloatFunctions`, with wrapping two's-complement semantics (the
/// most negative value has no positive counterpart: |min| and −min wrap to min, as in C and numpy).
public enum IntegerFunctions {
    public struct Abs: IntegerUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: TensorInteger>(_ x: T) -> T { x < 0 ? 0 &- x : x }
    }

    public struct Neg: IntegerUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: TensorInteger>(_ x: T) -> T { 0 &- x }
    }

    public struct Sign: IntegerUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: TensorInteger>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? 0 &- 1 : 0) }
    }

    public struct Relu: IntegerUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: TensorInteger>(_ x: T) -> T { x < 0 ? 0 : x }
    }

    public struct BitwiseNot: IntegerUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: TensorInteger>(_ x: T) -> T { ~x }
    }
}

/// Elementwise kernels over the 8–64-bit integer types.
public enum IntegerElementwise {
    public static let types: [DType] = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64]
    public static let signedTypes: [DType] = [.int8, .int16, .int32, .int64]

    /// `y = f(x)`, same type and shape as `x`.
    public static func unary<F: IntegerUnaryFunction>(_ x: Tensor, _ f: F) throws -> Tensor {
        try x.dtype.dispatchInteger(UnaryVisitor(x: x, f: f))
    }

    struct UnaryVisitor<F: IntegerUnaryFunction>: IntegerVisitor {
        let x: Tensor, f: F
        func visit<T: TensorInteger>(_: T.Type) throws -> Tensor {
            try Elementwise.map(x, as: T.self, output: x.dtype) { f($0) }
        }
    }
}
