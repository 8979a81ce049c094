/// The file format a model (form) was read from.
public enum ModelFormat: String, Sendable, Codable, Hashable, CaseIterable {
    case onnx, tflite, tensorrt
}

/// An op in its native vocabulary: `onnx::Conv` (domain "" + type + opset), `tflite::CONV_2D`
/// (builtin name + op version), `trt::Convolution` (layer type).
public struct OpIdentifier: Hashable, Sendable, Codable, CustomStringConvertible {
    /// ONNX domain ("" = ai.onnx), or "" for TFLite builtins / TensorRT layers.
    public var domain: String
    public var name: String
    /// Opset version (ONNX, resolved from the model's imports) or op version (TFLite).
    public var version: Int?

    public init(domain: String = "", name: String, version: Int? = nil) {
        self.domain = domain
        self.name = name
        self.version = version
    }

    /// `Conv` for the default domain, `domain::Op` otherwise (as `lockstep inspect` prints ops).
    public var qualifiedName: String {
        domain.isEmpty || domain == "ai.onnx" ? name : "\(domain)::\(name)"
    }

    public var description: String { qualifiedName }
}

/// Where a node came from in the user's file, so findings can point back into it.
public struct Origin: Hashable, Sendable, Codable {
    public var format: ModelFormat
    /// Path of graph names from the main graph down to this node's graph
    /// (e.g. `["main", "Loop_3/body"]`).
    public var graphPath: [String]
    /// Index of the node in its graph's node list.
    public var nodeIndex: Int
    public var name: String

    public init(format: ModelFormat, graphPath: [String], nodeIndex: Int, name: String) {
        self.format = format
        self.graphPath = graphPath
        self.nodeIndex = nodeIndex
        self.name = name
    }
}

/// A sparse tensor in COO form (ONNX `SparseTensorProto`).
public struct SparseTensor: Sendable {
    public var name: String
    public var denseShape: [Int]
    public var values: Tensor
    public var indices: Tensor

    public init(name: String, denseShape: [Int], values: Tensor, indices: Tensor) {
        self.name = name
        self.denseShape = denseShape
        self.values = values
        self.indices = indices
    }
}

/// The declared type of a value (graph input/output, value_info).
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// A tensor; `shape` is `nil` when no shape is declared. `elementType` is `nil` when the
    /// file's code is unknown to Lockstep (`elementCode` keeps it).
    case tensor(elementType: DType?, shape: Shape?)
    case sparseTensor(elementType: DType?, shape: Shape?)
    case sequence(ValueType?)
    case map(key: DType?, value: ValueType?)
    case optional(ValueType?)
    case opaque(domain: String, name: String)
    case unspecified

    public var description: String {
        switch self {
        case .tensor(let t, let s): return "tensor(\(t?.rawValue ?? "?"))" + (s.map { "\($0)" } ?? "")
        case .sparseTensor(let t, let s): return "sparse_tensor(\(t?.rawValue ?? "?"))" + (s.map { "\($0)" } ?? "")
        case .sequence(let e): return "seq(\(e?.description ?? "?"))"
        case .map(let k, let v): return "map(\(k?.rawValue ?? "?"), \(v?.description ?? "?"))"
        case .optional(let e): return "optional(\(e?.description ?? "?"))"
        case .opaque(let d, let n): return "opaque(\(d)::\(n))"
        case .unspecified: return "unspecified"
        }
    }
}

/// Block-sparse layout of a tensor (TFLite `SparsityParameters`): enough to inspect it and to
/// rebuild the dense tensor (DENSIFY).
public struct SparsityParameters: Sendable, Hashable {
    /// Order in which dimensions (including block dimensions) are traversed.
    public var traversalOrder: [Int]
    /// Which original dimensions the block dimensions map to.
    public var blockMap: [Int]
    /// Per traversed dimension: `DENSE` or `SPARSE_CSR`.
    public var dimensionFormats: [String]
    /// Per traversed dimension: its size (DENSE) or its CSR segments and indices (SPARSE_CSR).
    public var dimensions: [SparseDimension]

    public init(traversalOrder: [Int], blockMap: [Int], dimensionFormats: [String], dimensions: [SparseDimension] = []) {
        self.traversalOrder = traversalOrder
        self.blockMap = blockMap
        self.dimensionFormats = dimensionFormats
        self.dimensions = dimensions
    }
}

/// One traversed dimension of a sparse tensor (TFLite `DimensionMetadata`).
public struct SparseDimension: Sendable, Hashable {
    /// `DENSE`: the dimension's size; unused for `SPARSE_CSR`.
    public var denseSize: Int
    /// `SPARSE_CSR`: where each parent position's run of stored indices starts (count + 1 entries).
    public var segments: [Int]
    /// `SPARSE_CSR`: the stored indices along this dimension.
    public var indices: [Int]

    public init(denseSize: Int, segments: [Int] = [], indices: [Int] = []) {
        self.denseSize = denseSize
        self.segments = segments
        self.indices = indices
    }
}

/// A named value with its declared type.
public struct ValueInfo: Sendable, Hashable {
    public var name: String
    public var type: ValueType
    public var docString: String
    /// Quantisation the format attaches to the value itself (TFLite tensors).
    public var quantization: QuantizationParameters?
    /// A variable (stateful) tensor (TFLite `is_variable`).
    public var isVariable: Bool
    /// Block-sparse storage (TFLite), when the value is stored sparse.
    public var sparsity: SparsityParameters?

    public init(name: String, type: ValueType, docString: String = "", quantization: QuantizationParameters? = nil,
                isVariable: Bool = false, sparsity: SparsityParameters? = nil) {
        self.name = name
        self.type = type
        self.docString = docString
        self.quantization = quantization
        self.isVariable = isVariable
        self.sparsity = sparsity
    }
}

/// An attribute value, one case per ONNX attribute kind (TFLite options map onto the scalar cases).
public indirect enum AttributeValue: Sendable {
    case float(Float)
    case int(Int64)
    case string([UInt8])
    case tensor(Tensor)
    case graph(Graph)
    case sparseTensor(SparseTensor)
    case type(ValueType)
    case floats([Float])
    case ints([Int64])
    case strings([[UInt8]])
    case tensors([Tensor])
    case graphs([Graph])
    case sparseTensors([SparseTensor])
    case types([ValueType])
    /// Inside a function body: the value comes from the calling node's attribute of that name.
    case reference(String)

    /// The kind's name as ONNX spells it (`FLOAT`, `INTS`, `GRAPH`, …).
    public var kindName: String {
        switch self {
        case .float: return "FLOAT"
        case .int: return "INT"
        case .string: return "STRING"
        case .tensor: return "TENSOR"
        case .graph: return "GRAPH"
        case .sparseTensor: return "SPARSE_TENSOR"
        case .type: return "TYPE_PROTO"
        case .floats: return "FLOATS"
        case .ints: return "INTS"
        case .strings: return "STRINGS"
        case .tensors: return "TENSORS"
        case .graphs: return "GRAPHS"
        case .sparseTensors: return "SPARSE_TENSORS"
        case .types: return "TYPE_PROTOS"
        case .reference: return "REF"
        }
    }

    /// Graphs held by this attribute (subgraphs of If/Loop/Scan and friends).
    public var subgraphs: [Graph] {
        switch self {
        case .graph(let g): return [g]
        case .graphs(let gs): return gs
        default: return []
        }
    }
}

public struct Attribute: Sendable {
    public var name: String
    public var value: AttributeValue
    public var docString: String

    public init(name: String, value: AttributeValue, docString: String = "") {
        self.name = name
        self.value = value
        self.docString = docString
    }
}

/// One operation of a graph. Inputs and outputs are value names; an empty name marks an
/// omitted optional input or output.
public struct Node: Sendable {
    public var name: String
    public var op: OpIdentifier
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [Attribute]
    public var origin: Origin
    public var docString: String
    public var metadata: [MetadataEntry]
    /// TFLite `Operator.intermediates`: value names of tensors that only carry quantisation for
    /// the op's internal steps (the integer LSTMs read their scales); never computed or fed.
    public var intermediates: [String]

    public init(name: String, op: OpIdentifier, inputs: [String], outputs: [String], attributes: [Attribute] = [],
                origin: Origin, docString: String = "", metadata: [MetadataEntry] = [], intermediates: [String] = []) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.origin = origin
        self.docString = docString
        self.metadata = metadata
        self.intermediates = intermediates
    }

    public func attribute(_ name: String) -> AttributeValue? {
        attributes.first(where: { $0.name == name })?.value
    }

    /// Graphs nested in this node's attributes, with the attribute name.
    public var subgraphs: [(attribute: String, graph: Graph)] {
        attributes.flatMap { a in a.value.subgraphs.map { (a.name, $0) } }
    }
}

/// A key/value pair of model, graph or node metadata (order preserved).
public struct MetadataEntry: Sendable, Hashable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A named constant tensor of a graph (ONNX initializer, TFLite constant buffer).
public struct Initializer: Sendable {
    public var name: String
    public var tensor: Tensor
    /// True when the bytes came from an external data file.
    public var isExternal: Bool

    public init(name: String, tensor: Tensor, isExternal: Bool = false) {
        self.name = name
        self.tensor = tensor
        self.isExternal = isExternal
    }
}

/// Quantisation annotation of a value (ONNX `GraphProto.quantization_annotation`).
public struct QuantizationAnnotation: Sendable, Hashable {
    public var tensorName: String
    /// e.g. `SCALE_TENSOR` → name of the scale initializer.
    public var parameters: [MetadataEntry]

    public init(tensorName: String, parameters: [MetadataEntry]) {
        self.tensorName = tensorName
        self.parameters = parameters
    }
}

/// A graph: nodes in file order, typed inputs/outputs, constants. Subgraphs are graphs too.
public struct Graph: Sendable {
    public var name: String
    public var nodes: [Node]
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    public var valueInfo: [ValueInfo]
    public var initializers: [Initializer]
    public var sparseInitializers: [SparseTensor]
    public var quantizationAnnotations: [QuantizationAnnotation]
    public var docString: String
    public var metadata: [MetadataEntry]

    public init(name: String, nodes: [Node] = [], inputs: [ValueInfo] = [], outputs: [ValueInfo] = [],
                valueInfo: [ValueInfo] = [], initializers: [Initializer] = [], sparseInitializers: [SparseTensor] = [],
                quantizationAnnotations: [QuantizationAnnotation] = [], docString: String = "", metadata: [MetadataEntry] = []) {
        self.name = name
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
        self.initializers = initializers
        self.sparseInitializers = sparseInitializers
        self.quantizationAnnotations = quantizationAnnotations
        self.docString = docString
        self.metadata = metadata
    }

    /// Inputs that are not also initializers (older ONNX files list initializers as inputs too).
    public var runtimeInputs: [ValueInfo] {
        let constant = Set(initializers.map(\.name))
        return inputs.filter { !constant.contains($0.name) }
    }

    /// Calls `body` for this graph and every nested subgraph, depth first, with its depth.
    public func forEachGraph(depth: Int = 0, _ body: (Graph, Int) throws -> Void) rethrows {
        try body(self, depth)
        for node in nodes {
            for (_, sub) in node.subgraphs { try sub.forEachGraph(depth: depth + 1, body) }
        }
    }
}

/// A model-local function (ONNX `FunctionProto`).
public struct Function: Sendable {
    public var name: String
    public var domain: String
    public var overload: String
    public var inputs: [String]
    public var outputs: [String]
    /// Attribute names the function accepts; defaults where the file gives them.
    public var attributeNames: [String]
    public var attributeDefaults: [Attribute]
    public var nodes: [Node]
    public var opsetImports: [String: Int]
    public var docString: String

    public init(name: String, domain: String, overload: String = "", inputs: [String], outputs: [String],
                attributeNames: [String] = [], attributeDefaults: [Attribute] = [], nodes: [Node],
                opsetImports: [String: Int] = [:], docString: String = "") {
        self.name = name
        self.domain = domain
        self.overload = overload
        self.inputs = inputs
        self.outputs = outputs
        self.attributeNames = attributeNames
        self.attributeDefaults = attributeDefaults
        self.nodes = nodes
        self.opsetImports = opsetImports
        self.docString = docString
    }
}

/// A named entry point of a model (TFLite `SignatureDef`): input and output names mapped to
/// values of one graph.
public struct Signature: Sendable, Hashable {
    public var key: String
    /// Index into `Model.allGraphs` of the graph the signature runs.
    public var graphIndex: Int
    /// Signature-level name → value name in that graph.
    public var inputs: [MetadataEntry]
    public var outputs: [MetadataEntry]

    public init(key: String, graphIndex: Int, inputs: [MetadataEntry], outputs: [MetadataEntry]) {
        self.key = key
        self.graphIndex = graphIndex
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// One form of a model, in Lockstep's IR.
public struct Model: Sendable {
    public var format: ModelFormat
    /// Path the model was read from.
    public var path: String
    public var producerName: String
    public var producerVersion: String
    /// Format version: ONNX IR version, TFLite schema `version`, 0 for TensorRT.
    public var irVersion: Int64
    /// Operator set imports: domain ("" = ai.onnx) → version.
    public var opsetImports: [String: Int]
    public var domain: String
    public var modelVersion: Int64
    public var docString: String
    public var metadata: [MetadataEntry]
    public var graph: Graph
    public var functions: [Function]
    /// Training graphs (ONNX `training_info`), kept for inspection.
    public var trainingGraphs: [Graph]
    /// Further top-level graphs called by index (TFLite subgraphs 1…n, run by WHILE, IF,
    /// CALL_ONCE through `*_subgraph_index` attributes). `graph` is subgraph 0.
    public var subgraphs: [Graph]
    public var signatures: [Signature]

    /// `graph` followed by `subgraphs`: index i is TFLite subgraph i.
    public var allGraphs: [Graph] { [graph] + subgraphs }

    public init(format: ModelFormat, path: String, producerName: String = "", producerVersion: String = "",
                irVersion: Int64 = 0, opsetImports: [String: Int] = [:], domain: String = "", modelVersion: Int64 = 0,
                docString: String = "", metadata: [MetadataEntry] = [], graph: Graph, functions: [Function] = [],
                trainingGraphs: [Graph] = [], subgraphs: [Graph] = [], signatures: [Signature] = []) {
        self.format = format
        self.path = path
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.irVersion = irVersion
        self.opsetImports = opsetImports
        self.domain = domain
        self.modelVersion = modelVersion
        self.docString = docString
        self.metadata = metadata
        self.graph = graph
        self.functions = functions
        self.trainingGraphs = trainingGraphs
        self.subgraphs = subgraphs
        self.signatures = signatures
    }
}
