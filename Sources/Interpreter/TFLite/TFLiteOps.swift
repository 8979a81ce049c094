/// The one registry table of TFLite builtin ops the reference interpreter implements, keyed by
/// the builtin name as the schema spells it (`CONV_2D`) and the op version. Each op lives in its
/// own file under TFLite/<Family>/.
///
/// Custom ops (`custom::Name`) are not in the table: a TFLite `Session` compiles them to "not
/// executable by the reference" steps (`NotExecutedNode`) instead of failing.
public enum TFLiteOps {
    public static let registry = OpRegistry(registrations)

    static var registrations: [OpRegistration] {
        [
            // NN
            TFLiteConv2D.registration,
            TFLiteDepthwiseConv2D.registration,
            TFLiteTransposeConv.registration,
            TFLiteFullyConnected.registration,
            TFLiteBatchMatMul.registration,
            TFLiteAveragePool2D.registration,
            TFLiteMaxPool2D.registration,
            TFLiteSoftmax.registration,
            // Math
            TFLiteBinaryArithmetic.registration(.add),
            TFLiteBinaryArithmetic.registration(.sub),
            TFLiteBinaryArithmetic.registration(.mul),
            TFLiteBinaryArithmetic.registration(.div),
            TFLiteRelu.registration,
            TFLiteRelu6.registration,
            TFLiteReluN1To1.registration,
            TFLiteRelu0To1.registration,
            TFLiteLogistic.registration,
            TFLiteTanh.registration,
            TFLiteHardSwish.registration,
            TFLiteLeakyRelu.registration,
            TFLitePRelu.registration,
            TFLiteElu.registration,
            TFLiteComparison.registration(.less),
            TFLiteComparison.registration(.lessEqual),
            TFLiteComparison.registration(.greater),
            TFLiteComparison.registration(.greaterEqual),
            TFLiteComparison.registration(.equal),
            TFLiteComparison.registration(.notEqual),
            TFLiteLogical.registration(.and),
            TFLiteLogical.registration(.or),
            TFLiteLogical.registration(.not),
            TFLiteMinMax.registration(maximum: true),
            TFLiteMinMax.registration(maximum: false),
            // Tensor
            TFLiteReshape.registration,
            TFLiteSqueeze.registration,
            TFLiteExpandDims.registration,
            TFLiteConcatenation.registration,
            TFLitePad.registration(name: "PAD"),
            TFLitePad.registration(name: "PADV2"),
            TFLiteStridedSlice.registration,
            TFLiteSlice.registration,
            TFLiteTranspose.registration,
            TFLiteGather.registration,
            TFLiteDepthToSpace.registration,
            TFLiteSpaceToDepth.registration,
            TFLitePack.registration,
            TFLiteUnpack.registration,
            TFLiteSplit.registration(variable: false),
            TFLiteSplit.registration(variable: true),
            TFLiteShape.registration,
            TFLiteCast.registration,
            TFLiteArgMinMax.registration(maximum: true),
            TFLiteArgMinMax.registration(maximum: false),
            TFLiteTile.registration,
            TFLiteSelect.registration(v2: false),
            TFLiteSelect.registration(v2: true),
            TFLiteReduce.registration(.mean),
            TFLiteReduce.registration(.sum),
            TFLiteReduce.registration(.reduceMax),
            TFLiteReduce.registration(.reduceMin),
            TFLiteReduce.registration(.reduceProd),
            // Image
            TFLiteResizeBilinear.registration,
            TFLiteResizeNearestNeighbor.registration,
            // Quantization
            TFLiteDequantize.registration,
            TFLiteDensify.registration,
            TFLiteQuantizeOp.registration,
            // Control flow and variables
            TFLiteWhile.registration,
            TFLiteIf.registration,
            TFLiteCallOnce.registration,
            TFLiteVarHandle.registration,
            TFLiteReadVariable.registration,
            TFLiteAssignVariable.registration,
        ] + TFLiteUnaryMath.registrations
    }

    /// The op versions LiteRT's reference op resolver (`BuiltinRefOpResolver`, used with
    /// `OpResolverType.BUILTIN_REF`) registers per builtin: google-ai-edge/LiteRT
    /// `tflite/kernels/register_ref.cc` at commit 026145acea6757efc9a50dc6eb2db0d554495844
    /// (`AddBuiltin(op, registration, min_version, max_version)`; without versions: 1 only).
    /// An op version outside the range is not implemented (LiteRT would not resolve it either).
    static let referenceVersions: [String: ClosedRange<Int>] = [
        "ABS": 1...3, "HARD_SWISH": 1...1, "RELU": 1...3, "RELU_N1_TO_1": 1...1, "RELU_0_TO_1": 1...1, "RELU6": 1...3,
        "TANH": 1...3, "LOGISTIC": 1...3, "AVERAGE_POOL_2D": 1...3, "MAX_POOL_2D": 1...3, "L2_POOL_2D": 1...1,
        "CONV_2D": 1...8, "DEPTHWISE_CONV_2D": 1...6, "SVDF": 1...4, "RNN": 1...3, "BIDIRECTIONAL_SEQUENCE_RNN": 1...3,
        "UNIDIRECTIONAL_SEQUENCE_RNN": 1...3, "EMBEDDING_LOOKUP": 1...5, "FULLY_CONNECTED": 1...14, "SOFTMAX": 1...3,
        "CONCATENATION": 1...5, "ADD": 1...5, "SPACE_TO_BATCH_ND": 1...4, "BATCH_TO_SPACE_ND": 1...4, "MUL": 1...7,
        "L2_NORMALIZATION": 1...2, "BROADCAST_TO": 2...3, "LSTM": 1...4, "BIDIRECTIONAL_SEQUENCE_LSTM": 1...3,
        "UNIDIRECTIONAL_SEQUENCE_LSTM": 1...3, "PAD": 1...4, "PADV2": 1...4, "RESHAPE": 1...1, "RESIZE_BILINEAR": 1...4,
        "RESIZE_NEAREST_NEIGHBOR": 1...4, "SPACE_TO_DEPTH": 1...2, "DEPTH_TO_SPACE": 1...1, "GATHER": 1...6,
        "TRANSPOSE": 1...7, "MEAN": 1...3, "DIV": 1...2, "SUB": 1...5, "SPLIT": 1...4, "SPLIT_V": 1...2, "SQUEEZE": 1...1,
        "STRIDED_SLICE": 1...4, "EXP": 1...2, "TOPK_V2": 1...3, "LOG": 1...2, "LOG_SOFTMAX": 1...2, "CAST": 1...8,
        "DEQUANTIZE": 1...7, "PRELU": 1...1, "MAXIMUM": 1...4, "MINIMUM": 1...4, "ARG_MAX": 1...2, "ARG_MIN": 1...2,
        "GREATER": 1...2, "GREATER_EQUAL": 1...3, "LESS": 1...3, "LESS_EQUAL": 1...2, "FLOOR": 1...1, "NEG": 1...1,
        "CUMSUM": 1...1, "SELECT": 1...2, "SELECT_V2": 1...1, "SLICE": 1...7, "SIN": 1...1, "COS": 1...1,
        "TRANSPOSE_CONV": 1...5, "TILE": 1...2, "SUM": 1...2, "REDUCE_PROD": 1...2, "REDUCE_MAX": 1...3,
        "REDUCE_MIN": 1...3, "REDUCE_ANY": 1...1, "REDUCE_ALL": 1...1, "EXPAND_DIMS": 1...1, "SPARSE_TO_DENSE": 1...3,
        "EQUAL": 1...5, "NOT_EQUAL": 1...4, "SQRT": 1...2, "RSQRT": 1...3, "SHAPE": 1...1, "RANK": 1...1, "POW": 1...1,
        "FAKE_QUANT": 1...2, "PACK": 1...3, "ONE_HOT": 1...1, "LOGICAL_OR": 1...1, "LOGICAL_AND": 1...1,
        "LOGICAL_NOT": 1...1, "UNPACK": 1...4, "FLOOR_DIV": 1...3, "SQUARE": 1...1, "ZEROS_LIKE": 1...1,
        "FLOOR_MOD": 1...2, "RANGE": 1...1, "LEAKY_RELU": 1...2, "SQUARED_DIFFERENCE": 1...2, "FILL": 1...3,
        "MIRROR_PAD": 1...3, "UNIQUE": 1...1, "REVERSE_V2": 1...2, "ADD_N": 1...1, "GATHER_ND": 1...5, "WHERE": 1...2,
        "REVERSE_SEQUENCE": 1...1, "MATRIX_DIAG": 1...1, "QUANTIZE": 1...4, "MATRIX_SET_DIAG": 1...1, "IF": 1...1,
        "WHILE": 1...1, "NON_MAX_SUPPRESSION_V4": 1...1, "NON_MAX_SUPPRESSION_V5": 1...1, "SCATTER_ND": 1...1,
        "DENSIFY": 1...1, "BATCH_MATMUL": 1...3, "CONV_3D": 1...1, "CONV_3D_TRANSPOSE": 1...1, "GELU": 1...2,
        "DYNAMIC_UPDATE_SLICE": 1...5, "SIGN": 1...2, "CALL_ONCE": 1...1, "VAR_HANDLE": 1...1, "READ_VARIABLE": 1...1,
        "ASSIGN_VARIABLE": 1...1,
        // Not in register_ref.cc at that commit; LiteRT 2.3.0's BUILTIN_REF resolves ELU version 1 (the committed
        // op test op_elu_* ran there).
        "ELU": 1...1, "BROADCAST_ARGS": 1...1,
    ]

    /// A registration of builtin `name` over the versions LiteRT's reference resolver has for it.
    static func op(_ name: String, foldsConstants: Bool = false, factory: @escaping KernelFactory) -> OpRegistration {
        var r = OpRegistration(name, versions: referenceVersions[name] ?? 1...1, factory: factory)
        r.foldsConstants = foldsConstants
        return r
    }
}
