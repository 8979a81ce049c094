import LockstepCore

/// What `lockstep inspect --json` prints. Keys are stable and documented in docs/inspect.md;
/// new keys may be added, existing ones keep their meaning (`schemaVersion` changes otherwise).
public struct InspectReport: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public struct Producer: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
    }

    /// A graph input or output.
    public struct IOValue: Codable, Sendable, Equatable {
        public var name: String
        /// Element type; `null` for non-tensor values (sequences, maps, optionals) or unknown codes.
        public var dtype: DType?
        /// Declared shape: integers, symbolic names, `null` for unnamed dims; `null` when undeclared.
        public var shape: Shape?
        /// Full type as text, e.g. `tensor(float32)[batch, 3, 224, 224]` or `seq(tensor(float32))`.
        public var type: String

        public init(name: String, dtype: DType?, shape: Shape?, type: String) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.type = type
        }

        // Always emit dtype and shape, as null when absent.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(dtype, forKey: .dtype)
            try c.encode(shape, forKey: .shape)
            try c.encode(type, forKey: .type)
        }
    }

    /// One graph: the main graph or a subgraph of If/Loop/Scan (or another GRAPH attribute).
    public struct GraphSummary: Codable, Sendable, Equatable {
        /// Path from the main graph, e.g. `main-graph/If_0/then_branch`.
        public var path: String
        public var name: String
        /// 0 for the main graph, 1 for its direct subgraphs, …
        public var depth: Int
        public var nodeCount: Int
        public var initializerCount: Int
    }

    public struct FunctionSummary: Codable, Sendable, Equatable {
        public var domain: String
        public var name: String
        public var nodeCount: Int
    }

    public struct Quantization: Codable, Sendable, Equatable {
        /// QuantizeLinear / DequantizeLinear node counts (all graphs).
        public var quantizeLinear: Int
        public var dequantizeLinear: Int
        /// QuantizeLinear nodes whose output feeds a DequantizeLinear (fake-quant / QDQ pairs).
        public var qdqPairs: Int
        /// Q/DQ nodes by the granularity of their (constant) scale.
        public var perTensor: Int
        public var perAxis: Int
        public var blocked: Int
        /// Q/DQ nodes whose scale is computed at run time.
        public var dynamicScale: Int
        /// Integer-arithmetic ops (QLinearConv, MatMulInteger, ConvInteger, QLinearMatMul, …) → count.
        public var integerOps: [String: Int]
        /// Element types of quantised values (zero-point / quantised initializer dtypes).
        public var quantizedTypes: [DType]

        public var isQuantized: Bool { quantizeLinear + dequantizeLinear + integerOps.values.reduce(0, +) > 0 }
    }

    public var schemaVersion: Int
    public var path: String
    public var format: ModelFormat
    public var producer: Producer
    public var irVersion: Int64
    /// Operator set imports; the default domain is keyed "ai.onnx".
    public var opsets: [String: Int]
    public var modelVersion: Int64
    public var metadata: [MetadataEntry]
    public var inputs: [IOValue]
    public var outputs: [IOValue]
    /// Nodes in the main graph and every nested subgraph (model-local function bodies excluded).
    public var nodeCount: Int
    public var graphs: [GraphSummary]
    /// Op → count over the same nodes; ops of a non-default domain are keyed `domain::Op`.
    public var opHistogram: [String: Int]
    /// Initializers of all graphs (dense; sparse ones counted separately).
    public var initializerCount: Int
    public var sparseInitializerCount: Int
    /// Elements and bytes of all initializers (the model's parameters).
    public var parameterCount: Int
    public var parameterBytes: Int
    /// Bytes of initializers stored in external data files.
    public var externalDataBytes: Int
    /// Every element type used by inputs, outputs, value_info and initializers, sorted.
    public var dtypes: [DType]
    public var quantization: Quantization
    /// Op domains other than the default ONNX domain (custom or contrib ops), sorted.
    public var customDomains: [String]
    public var functions: [FunctionSummary]
    /// TFLite only: what matters for delegates (absent for other formats).
    public var tflite: TFLiteDetails?
    /// TensorRT bundles only (absent for other formats).
    public var tensorrt: TensorRTDetails?

    /// What a TensorRT plan bundle tells about the engine.
    public struct TensorRTDetails: Codable, Sendable, Equatable {
        public struct LayerTime: Codable, Sendable, Equatable {
            public var name: String
            public var type: String?
            public var averageMs: Double
            public var percentage: Double?
        }

        public struct Latency: Codable, Sendable, Equatable {
            public var iterations: Int
            public var meanMs: Double
            public var p50Ms: Double
            public var p95Ms: Double
            public var p99Ms: Double
        }

        /// TensorRT version from the plan header (`major.minor.patch.build`), when a plan was read.
        public var tensorrtVersion: String?
        /// Which form of layer information was read (`detailed`, `nameOnly`, `oneLineLog`, …) or `null`.
        public var layerInfo: String?
        /// Layer count per precision of the layer's first output (`float32`, `float16`, `int8`, …; `unknown`).
        public var precisions: [String: Int]
        /// Distinct source ONNX node names that layer metadata (or fused names) refer to.
        public var onnxNodesCovered: Int
        /// Layers that fuse more than one source op. `reformatLayers` counts executed reformats; elided ones are `noOpLayers`.
        public var fusedLayers: Int
        public var reformatLayers: Int
        public var noOpLayers: Int
        public var myelinLayers: Int
        public var foreignNodeRegions: Int
        /// From `--exportProfile`: layers profiled, the summed average time, the slowest layers.
        public var profiledLayers: Int?
        public var totalProfiledMs: Double?
        public var topLayers: [LayerTime]
        /// From `--exportTimes`.
        public var latency: Latency?
        /// Outputs captured on the device (`--exportOutput`, Polygraphy, .npy).
        public var capturedOutputs: [IOValue]
        public var warnings: [String]
    }

    /// What a TFLite delegate cares about.
    public struct TFLiteDetails: Codable, Sendable, Equatable {
        /// `float`, `float16-weights`, `dynamic-range`, `integer`, `integer-int16x8` or `mixed`
        /// (see docs/inspect.md).
        public var numerics: String
        public var subgraphCount: Int
        /// Constant float16 tensors read through DEQUANTIZE.
        public var float16Weights: Int
        /// Tensors with quantisation parameters, and those quantised per channel.
        public var quantizedTensors: Int
        public var perChannelTensors: Int
        /// Activation (non-constant) tensor counts by element type.
        public var activationTypes: [String: Int]
        public var sparseTensors: Int
        public var variableTensors: Int
        /// Custom op name → count.
        public var customOps: [String: Int]
        public var signatures: [String]
        /// `min_runtime_version` metadata, when present.
        public var minRuntimeVersion: String?
    }
}
