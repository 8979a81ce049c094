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
            TFLiteLogSoftmax.registration,
            TFLiteL2Normalization.registration,
            TFLiteUnidirectionalSequenceLSTM.registration,
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
            TFLiteBinaryMath.registration(.squaredDifference),
            TFLiteBinaryMath.registration(.pow),
            TFLiteBinaryMath.registration(.floorDiv),
            TFLiteBinaryMath.registration(.floorMod),
            TFLiteSign.registration,
            TFLiteGelu.registration,
            TFLiteAddN.registration,
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
            TFLiteGatherND.registration,
            TFLiteBroadcastTo.registration,
            TFLiteMirrorPad.registration,
            TFLiteCumSum.registration,
            TFLiteSpaceBatch.registration(toBatch: true),
            TFLiteSpaceBatch.registration(toBatch: false),
            TFLiteReverse.registration,
            TFLiteTopK.registration,
            TFLiteOneHot.registration,
            TFLiteFill.registration(zerosLike: false),
            TFLiteFill.registration(zerosLike: true),
            TFLiteRange.registration,
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
            // Recurrent, audio/complex and 3-D ops
            TFLiteConv3D.registration,
            TFLiteConv3DTranspose.registration,
            TFLiteRfft2d.registration,
            TFLiteComplexPart.registration(.real),
            TFLiteComplexPart.registration(.imaginary),
            TFLiteComplexAbs.registration,
            TFLiteRNN.registration,
            TFLiteUnidirectionalSequenceRNN.registration,
            TFLiteBidirectionalSequenceRNN.registration,
            TFLiteLSTM.registration,
            TFLiteBidirectionalSequenceLSTM.registration,
            TFLiteSVDF.registration,
        ] + TFLiteUnaryMath.registrations + roundTwoBuiltins
    }

    /// The less common builtins (bitwise, segment, StableHLO, NMS, …), kept as one block.
    static var roundTwoBuiltins: [OpRegistration] {
        [
            TFLiteCeil.registration,
            TFLiteRound.registration,
            TFLiteAtan2.registration,
            TFLiteBitwiseXor.registration,
            TFLiteRightShift.registration,
            TFLiteBitcast.registration,
            TFLiteRank.registration,
            TFLiteBroadcastArgs.registration,
            TFLiteReduceBoolean.registration(all: false),
            TFLiteReduceBoolean.registration(all: true),
            TFLiteL2Pool2D.registration,
            TFLiteLocalResponseNormalization.registration,
            TFLiteWhere.registration,
            TFLiteReverseSequence.registration,
            TFLiteMatrixDiag.registration,
            TFLiteMatrixSetDiag.registration,
            TFLiteScatterND.registration,
            TFLiteSparseToDense.registration,
            TFLiteUnique.registration,
            TFLiteDynamicUpdateSlice.registration,
            TFLiteDilate.registration,
            TFLiteEmbeddingLookup.registration,
            TFLiteSegmentSum.registration,
            TFLiteUnsortedSegment.registration(.sum),
            TFLiteUnsortedSegment.registration(.prod),
            TFLiteUnsortedSegment.registration(.max),
            TFLiteUnsortedSegment.registration(.min),
            TFLiteBucketize.registration,
            TFLiteReduceWindow.registration,
            TFLiteNonMaxSuppression.registration(soft: false),
            TFLiteNonMaxSuppression.registration(soft: true),
            TFLiteStablehloBinary.registration(.add),
            TFLiteStablehloBinary.registration(.multiply),
            TFLiteStablehloBinary.registration(.maximum),
            TFLiteStablehloBinary.registration(.minimum),
            TFLiteStablehloBinary.registration(.and),
            TFLiteStablehloShiftLeft.registration,
            TFLiteStablehloPad.registration,
            TFLiteStablehloGather.registration,
            TFLiteStablehloScatter.registration,
            TFLiteStablehloReduceWindow.registration,
            TFLiteStablehloComposite.registration,
            TFLiteStablehloCase.registration,
            TFLiteFakeQuant.registration,
        ]
    }

    /// The op versions LiteRT resolves per builtin: which builtins the reference resolver
    /// (`BuiltinRefOpResolver`, `OpResolverType.BUILTIN_REF`) registers is from google-ai-edge/LiteRT
    /// `tflite/kernels/register_ref.cc` at commit 026145acea6757efc9a50dc6eb2db0d554495844; the
    /// version ranges are what the pinned ai-edge-litert 2.3.0 wheel resolves, as measured into
    /// `opsets/tflite/builtin.yaml` (newer than that commit: e.g. BATCH_MATMUL 4, which the committed
    /// LiteRT cases use). `TFLiteBuiltinCoverageTests` keeps the two in agreement. A version outside
    /// the range is not implemented (LiteRT would not resolve it either); the kernels check element
    /// types and options themselves, so a newer version with an unimplemented type still fails
    /// clearly.
    static let referenceVersions: [String: ClosedRange<Int>] = [
        "ABS": 1...5, "HARD_SWISH": 1...1, "RELU": 1...3, "RELU_N1_TO_1": 1...1, "RELU_0_TO_1": 1...1, "RELU6": 1...3,
        "TANH": 1...3, "LOGISTIC": 1...3, "AVERAGE_POOL_2D": 1...3, "MAX_POOL_2D": 1...3, "L2_POOL_2D": 1...1,
        "CONV_2D": 1...8, "DEPTHWISE_CONV_2D": 1...7, "SVDF": 1...4, "RNN": 1...3, "BIDIRECTIONAL_SEQUENCE_RNN": 1...3,
        "UNIDIRECTIONAL_SEQUENCE_RNN": 1...3, "EMBEDDING_LOOKUP": 1...5, "FULLY_CONNECTED": 1...14, "SOFTMAX": 1...4,
        "CONCATENATION": 1...7, "ADD": 1...6, "SPACE_TO_BATCH_ND": 1...4, "BATCH_TO_SPACE_ND": 1...4, "MUL": 1...8,
        "L2_NORMALIZATION": 1...2, "BROADCAST_TO": 2...4, "LSTM": 1...4, "BIDIRECTIONAL_SEQUENCE_LSTM": 1...3,
        "UNIDIRECTIONAL_SEQUENCE_LSTM": 1...4, "PAD": 1...6, "PADV2": 1...6, "RESHAPE": 1...1, "RESIZE_BILINEAR": 1...4,
        "RESIZE_NEAREST_NEIGHBOR": 1...4, "SPACE_TO_DEPTH": 1...2, "DEPTH_TO_SPACE": 1...2, "GATHER": 1...8,
        "TRANSPOSE": 1...9, "MEAN": 1...3, "DIV": 1...2, "SUB": 1...5, "SPLIT": 1...5, "SPLIT_V": 1...3, "SQUEEZE": 1...2,
        "STRIDED_SLICE": 1...8, "EXP": 1...2, "TOPK_V2": 1...3, "LOG": 1...2, "LOG_SOFTMAX": 1...2, "CAST": 1...9,
        "DEQUANTIZE": 1...9, "PRELU": 1...1, "MAXIMUM": 1...4, "MINIMUM": 1...4, "ARG_MAX": 1...3, "ARG_MIN": 1...3,
        "GREATER": 1...2, "GREATER_EQUAL": 1...3, "LESS": 1...3, "LESS_EQUAL": 1...2, "FLOOR": 1...1, "NEG": 1...1,
        "CUMSUM": 1...1, "SELECT": 1...4, "SELECT_V2": 1...2, "SLICE": 1...8, "SIN": 1...2, "COS": 1...2,
        "TRANSPOSE_CONV": 1...5, "TILE": 1...3, "SUM": 1...2, "REDUCE_PROD": 1...2, "REDUCE_MAX": 1...3,
        "REDUCE_MIN": 1...3, "REDUCE_ANY": 1...1, "REDUCE_ALL": 1...1, "EXPAND_DIMS": 1...1, "SPARSE_TO_DENSE": 1...3,
        "EQUAL": 1...5, "NOT_EQUAL": 1...4, "SQRT": 1...2, "RSQRT": 1...3, "SHAPE": 1...1, "RANK": 1...1, "POW": 1...1,
        "FAKE_QUANT": 1...2, "PACK": 1...5, "ONE_HOT": 1...1, "LOGICAL_OR": 1...1, "LOGICAL_AND": 1...1,
        "LOGICAL_NOT": 1...1, "UNPACK": 1...6, "FLOOR_DIV": 1...3, "SQUARE": 1...1, "ZEROS_LIKE": 1...1,
        "FLOOR_MOD": 1...2, "RANGE": 1...2, "LEAKY_RELU": 1...2, "SQUARED_DIFFERENCE": 1...2, "FILL": 1...5,
        "MIRROR_PAD": 1...3, "UNIQUE": 1...1, "REVERSE_V2": 1...4, "ADD_N": 1...1, "GATHER_ND": 1...6, "WHERE": 1...2,
        "REVERSE_SEQUENCE": 1...1, "MATRIX_DIAG": 1...1, "QUANTIZE": 1...6, "MATRIX_SET_DIAG": 1...1, "IF": 1...1,
        "WHILE": 1...1, "NON_MAX_SUPPRESSION_V4": 1...1, "NON_MAX_SUPPRESSION_V5": 1...1, "SCATTER_ND": 1...1,
        "DENSIFY": 1...1, "BATCH_MATMUL": 1...4, "CONV_3D": 1...1, "CONV_3D_TRANSPOSE": 1...1, "GELU": 1...3,
        "DYNAMIC_UPDATE_SLICE": 1...6, "SIGN": 1...2, "CALL_ONCE": 1...1, "VAR_HANDLE": 1...1, "READ_VARIABLE": 1...1,
        "ASSIGN_VARIABLE": 1...1, "RFFT2D": 1...1, "REAL": 1...1, "IMAG": 1...1, "COMPLEX_ABS": 1...1,
        // Not registered by BUILTIN_REF; its committed op tests' goldens come from LiteRT's optimised ELU
        // (docs/conformance-tflite.md), version 1 as opsets/tflite/builtin.yaml lists it.
        "ELU": 1...1, "BROADCAST_ARGS": 1...1,
        // Builtins BUILTIN_REF does not register but LiteRT's builtin resolver
        // does (goldens from BUILTIN_WITHOUT_DEFAULT_DELEGATES), and builtins of the reference
        // resolver newer than register_ref.cc at the commit above; versions as
        // opsets/tflite/builtin.yaml measures them.
        "CEIL": 1...1, "ROUND": 1...1, "SEGMENT_SUM": 1...1, "ATAN2": 1...1, "BITCAST": 1...1, "BITWISE_XOR": 1...1,
        "RIGHT_SHIFT": 1...1, "BUCKETIZE": 1...1, "UNSORTED_SEGMENT_SUM": 1...1, "UNSORTED_SEGMENT_PROD": 1...1,
        "UNSORTED_SEGMENT_MAX": 1...1, "UNSORTED_SEGMENT_MIN": 1...1, "DILATE": 1...1, "REDUCE_WINDOW": 1...1,
        "STABLEHLO_ADD": 1...1, "STABLEHLO_MULTIPLY": 1...1, "STABLEHLO_MAXIMUM": 1...1, "STABLEHLO_MINIMUM": 1...1,
        "STABLEHLO_AND": 1...1, "STABLEHLO_SHIFT_LEFT": 1...1, "STABLEHLO_PAD": 1...1, "STABLEHLO_GATHER": 1...1,
        "STABLEHLO_SCATTER": 1...1, "STABLEHLO_REDUCE_WINDOW": 1...1, "STABLEHLO_COMPOSITE": 1...1, "STABLEHLO_CASE": 1...1,
        "STABLEHLO_RNG_BIT_GENERATOR": 1...1,
    ]

    /// A registration of builtin `name` over the versions LiteRT's reference resolver has for it.
    static func op(_ name: String, foldsConstants: Bool = false, factory: @escaping KernelFactory) -> OpRegistration {
        var r = OpRegistration(name, versions: referenceVersions[name] ?? 1...1, factory: factory)
        r.foldsConstants = foldsConstants
        return r
    }
}
