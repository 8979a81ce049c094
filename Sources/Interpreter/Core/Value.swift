import LockstepCore

/// A runtime value flowing between nodes: a tensor, a sequence of tensors, or an optional.
public indirect enum Value: Sendable {
    case tensor(Tensor)
    /// A sequence; `elementType` is kept so empty sequences still have a type.
    case sequence([Tensor], elementType: DType?)
    /// An ONNX optional: `nil` is the empty optional.
    case optional(Value?)

    public var tensor: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// Short type text for messages: `tensor(float32)[2, 3]`, `seq(float32)`, `optional(…)`.
    public var typeDescription: String {
        switch self {
        case .tensor(let t): return "tensor(\(t.dtype))\(t.shape)"
        case .sequence(_, let e): return "seq(\(e?.rawValue ?? "?"))"
        case .optional(let v): return "optional(\(v?.typeDescription ?? "empty"))"
        }
    }
}

/// Element type and shape of a tensor value, as `prepare` computes them.
public struct TensorInfo: Sendable, Hashable, CustomStringConvertible {
    public var dtype: DType
    public var shape: [Int]

    public init(dtype: DType, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
    }

    public init(_ tensor: Tensor) { self.init(dtype: tensor.dtype, shape: tensor.shape) }

    public var description: String { "\(dtype)\(shape)" }
}
