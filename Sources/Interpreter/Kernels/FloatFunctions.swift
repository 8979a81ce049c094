import LockstepCore

/// Scalar math and activation functions shared by the ONNX and TFLite elementwise ops.
/// Each is a `FloatUnaryFunction`: computed in the element's own precision, parameters
/// (ONNX float attributes) converted to it once per element type. Special values follow
/// IEEE 754: NaN in gives NaN out unless a note says otherwise.
public enum FloatFunctions {
    public struct Abs: FloatUnaryFunction {
        public init() {}
        /// Clears the sign bit (|−0| = +0, |NaN| = NaN).
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x.magnitude }
    }

    public struct Neg: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { -x }
    }

    public struct Exp: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.exp(x) }
    }

    public struct Log: FloatUnaryFunction {
        public init() {}
        /// log(0) = −Inf, log(x < 0) = NaN.
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.log(x) }
    }

    public struct Sqrt: FloatUnaryFunction {
        public init() {}
        /// √−0 = −0, √(x < 0) = NaN.
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x.squareRoot() }
    }

    public struct Reciprocal: FloatUnaryFunction {
        public init() {}
        /// 1/±0 = ±Inf.
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { 1 / x }
    }

    public struct Floor: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x.rounded(.down) }
    }

    public struct Ceil: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x.rounded(.up) }
    }

    /// Round half to even (2.5 → 2, −4.5 → −4); integral values, ±0, ±Inf and NaN unchanged.
    public struct Round: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x.rounded(.toNearestOrEven) }
    }

    /// 1 for x > 0, −1 for x < 0, 0 for ±0; NaN stays NaN.
    public struct Sign: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0))
        }
    }

    public struct Sin: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.sin(x) }
    }

    public struct Cos: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.cos(x) }
    }

    public struct Tan: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.tan(x) }
    }

    public struct Asin: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.asin(x) }
    }

    public struct Acos: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.acos(x) }
    }

    public struct Atan: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.atan(x) }
    }

    public struct Sinh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.sinh(x) }
    }

    public struct Cosh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.cosh(x) }
    }

    public struct Tanh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.tanh(x) }
    }

    public struct Asinh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.asinh(x) }
    }

    public struct Acosh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.acosh(x) }
    }

    public struct Atanh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.atanh(x) }
    }

    public struct Erf: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { T.erf(x) }
    }

    /// max(x, 0); NaN stays NaN, −0 stays −0.
    public struct Relu: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x < 0 ? 0 : x }
    }

    /// 1 / (1 + e^−x), evaluated without overflow as e^x / (1 + e^x) for x < 0 (one `exp` of
    /// −|x| and a select, no branch).
    public struct Sigmoid: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let e = T.exp(-x.magnitude)
            return (x >= 0 ? 1 : e) / (1 + e)
        }
    }

    /// max(0, min(1, alpha·x + beta)); NaN stays NaN.
    public struct HardSigmoid: FloatUnaryFunction {
        public let alpha: Float, beta: Float
        public init(alpha: Float = 0.2, beta: Float = 0.5) { self.alpha = alpha; self.beta = beta }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            nanPropagatingMax(0, nanPropagatingMin(1, T(alpha) * x + T(beta)))
        }
    }

    /// x · max(0, min(1, x/6 + 1/2)).
    public struct HardSwish: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let sixth: T = 1 / 6
            return x * nanPropagatingMax(0, nanPropagatingMin(1, x * sixth + T(0.5)))
        }
    }

    /// x for x ≥ 0, alpha·x otherwise.
    public struct LeakyRelu: FloatUnaryFunction {
        public let alpha: Float
        public init(alpha: Float = 0.01) { self.alpha = alpha }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x < 0 ? T(alpha) * x : x }
    }

    /// x for x ≥ 0, alpha·(e^x − 1) otherwise (via expm1).
    public struct Elu: FloatUnaryFunction {
        public let alpha: Float
        public init(alpha: Float = 1) { self.alpha = alpha }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x < 0 ? T(alpha) * T.expm1(x) : x }
    }

    /// gamma·x for x > 0, gamma·alpha·(e^x − 1) otherwise.
    public struct Selu: FloatUnaryFunction {
        public let alpha: Float, gamma: Float
        public init(alpha: Float = 1.67326319217681884765625, gamma: Float = 1.05070102214813232421875) {
            self.alpha = alpha
            self.gamma = gamma
        }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            x > 0 ? T(gamma) * x : T(gamma) * (T(alpha) * T.expm1(x))
        }
    }

    /// max(0, x) + min(0, alpha·(e^(x/alpha) − 1)).
    public struct Celu: FloatUnaryFunction {
        public let alpha: Float
        public init(alpha: Float = 1) { self.alpha = alpha }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let a = T(alpha)
            return nanPropagatingMax(0, x) + nanPropagatingMin(0, a * T.expm1(x / a))
        }
    }

    /// ln(1 + e^x), evaluated without overflow: x + ln(1 + e^−x) for x > 0.
    public struct Softplus: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            x > 0 ? x + T.log1p(T.exp(-x)) : T.log1p(T.exp(x))
        }
    }

    /// x / (1 + |x|).
    public struct Softsign: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x / (1 + x.magnitude) }
    }

    /// x for x > alpha, else 0 (NaN gives 0, as `x > alpha` is false).
    public struct ThresholdedRelu: FloatUnaryFunction {
        public let alpha: Float
        public init(alpha: Float = 1) { self.alpha = alpha }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x > T(alpha) ? x : 0 }
    }

    /// x/2 · (1 + erf(x/√2)).
    public struct Gelu: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            T(0.5) * x * (1 + T.erf(x * T(0.70710678118654752440)))
        }
    }

    /// x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³))).
    public struct GeluTanh: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let inner = T(0.79788456080286535588) * (x + T(0.044715) * x * x * x)
            return T(0.5) * x * (1 + T.tanh(inner))
        }
    }

    /// x · tanh(softplus(x)).
    public struct Mish: FloatUnaryFunction {
        public init() {}
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T { x * T.tanh(Softplus()(x)) }
    }

    /// x + bias for x < −lambd, x − bias for x > lambd, else 0.
    public struct Shrink: FloatUnaryFunction {
        public let lambd: Float, bias: Float
        public init(lambd: Float = 0.5, bias: Float = 0) { self.lambd = lambd; self.bias = bias }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            x < -T(lambd) ? x + T(bias) : (x > T(lambd) ? x - T(bias) : 0)
        }
    }

    /// min(max(x, lower), upper) with NaN propagation (a NaN input or bound gives NaN); when
    /// lower > upper every element becomes `upper`, as ONNX Clip specifies.
    public struct Clip: FloatUnaryFunction {
        public let lower: Double, upper: Double
        public init(lower: Double = -.infinity, upper: Double = .infinity) {
            // A NaN bound makes every result NaN (NaN-propagating max/min); NaN bounds do that.
            let nanBound = lower.isNaN || upper.isNaN
            self.lower = nanBound ? .nan : lower
            self.upper = nanBound ? .nan : upper
        }
        @inline(__always) public func callAsFunction<T: FloatMath>(_ x: T) -> T {
            let lo = T(lower), hi = T(upper)
            let m = x < lo || lo.isNaN ? lo : x
            return m > hi || hi.isNaN ? hi : m
        }
    }
}
