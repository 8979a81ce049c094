import LockstepCore

/// One op's implementation for one node, built once when a graph is compiled.
///
/// Building a kernel (its factory) reads and checks the node's attributes with the spec's
/// defaults and its arity. `prepare` then checks the concrete input types and shapes and
/// returns the output types where they follow from them (TFLite's Prepare); `evaluate`
/// computes (TFLite's Eval). Kernels are values: no state survives between runs.
public protocol Kernel: Sendable {
    /// Output element types and shapes for these inputs, `nil` where only evaluation can tell
    /// (data-dependent shapes, non-tensor outputs). Throws `KernelError` on invalid inputs.
    func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?]

    /// Computes the outputs (one entry per node output; `nil` for an omitted optional output).
    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?]

    /// For elementwise ops that may join a fused chain (`FusedElementwiseKernel`): the element
    /// function, or nil (the default) when this node must run on its own.
    var elementwise: ElementwiseFunction? { get }
}

extension Kernel {
    public func prepare(_ inputs: [Value?], context: ExecutionContext) throws -> [TensorInfo?] { [] }

    public var elementwise: ElementwiseFunction? { nil }
}

/// What a kernel factory sees while a graph is compiled.
public struct KernelBuildContext {
    public let node: Node
    /// Opset version of the node's domain.
    public let opset: Int
    /// Compiles a subgraph (If/Loop/Scan bodies) that may read the enclosing graph's values.
    public let compileSubgraph: (Graph) throws -> CompiledGraph
    /// Compiles graph `index` of the model (TFLite subgraphs called by WHILE, IF, CALL_ONCE),
    /// once per session; throws `KernelError` for an index out of range or a call cycle.
    public var compileGraph: (Int) throws -> CompiledGraph = { index in
        throw KernelError("subgraph \(index) cannot be called: the model has no indexed subgraphs")
    }
    /// Declared type, quantisation and flags of a value of the node's graph (TFLite kernels take
    /// output element types and quantisation from the tensors the file declares).
    public var valueInfo: (String) -> ValueInfo? = { _ in nil }
    /// Whether a value of the node's graph is a constant (an initializer, or folded at compile
    /// time) rather than computed at run time: TFLite kernels size some outputs differently for
    /// constant inputs (`IsConstantOrPersistentTensor`, e.g. NON_MAX_SUPPRESSION's padding).
    public var isConstant: (String) -> Bool = { _ in false }
    /// The value of a name that is constant for every run of the graph (an initializer that is not
    /// also a graph input, or a folded Constant node's output), nil otherwise. Kernels use it to
    /// prepare data once per session (packed convolution weights).
    public var constantValue: (String) -> Tensor? = { _ in nil }

    init(node: Node, opset: Int, compileSubgraph: @escaping (Graph) throws -> CompiledGraph) {
        self.node = node
        self.opset = opset
        self.compileSubgraph = compileSubgraph
    }

    /// The node's attributes, with typed access and spec defaults.
    public var attributes: AttributeReader { AttributeReader(node: node) }
}

/// Builds a kernel for a node; throws `KernelError` for invalid attributes or arity.
public typealias KernelFactory = @Sendable (KernelBuildContext) throws -> any Kernel
