#!/usr/bin/env python3
"""Writes the TFLite NNAPI delegate targets (opsets/tflite/nnapi*.yaml), one per NNAPI feature level.

The facts are the per-node checks of LiteRT's NNAPI delegate, read from
google-ai-edge/LiteRT tflite/delegates/nnapi/nnapi_delegate.cc @ NNAPI_COMMIT:
`NNAPIDelegateKernel::Validate` (op versions, minimum feature level, element types, ranks, constant
inputs, options) and what `DoPrepare` / `AddOpsAndTensors` do around it (device selection,
partition limit, float16 weights). Every check of Validate depends on the *target feature level*
(the Android API level, lowered to what the selected devices report), so the rules below are a
function of that level and each file describes one level. The reasons are Lockstep's own words.

Validate is not run here (NNAPI exists only on Android); nothing in the files is measured.

    python3 scripts/gen-tflite-nnapi-opset.py 30 > opsets/tflite/nnapi.yaml
    python3 scripts/gen-tflite-nnapi-opset.py 29 > opsets/tflite/nnapi-api29.yaml
    python3 scripts/gen-tflite-nnapi-opset.py fl7 > opsets/tflite/nnapi-fl7.yaml
    python3 scripts/gen-tflite-nnapi-opset.py --all      # writes all three
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RETRIEVED = "2026-12-01"
NNAPI_COMMIT = "5c8a6d4b8063d83e0aaf1cc86b0da27570677daf"   # nnapi_delegate.cc
OPTIONS_COMMIT = "7d88950ea445f5b671d18e64f9614aff397fde50"  # nnapi_delegate.h, NeuralNetworksTypes.h
KERNEL_H_COMMIT = "4b084b3357fd10b1417ee679ff7ccf00b5181201"  # nnapi_delegate_kernel.h
UTILS_COMMIT = "38ee59721b37a8aa2dc9abadcc43c0cbd8dbb3d3"     # delegates/utils.cc
BLOB = "https://github.com/google-ai-edge/LiteRT/blob"

# Feature levels (nnapi_delegate_kernel.h; NeuralNetworksTypes.h: levels 1-5 are the API levels
# 27-31, later levels are 1000006, 1000007, 1000008 and are no longer tied to an Android release).
API28, API29, API30 = 28, 29, 30          # NNAPI 1.1, 1.2, 1.3
FL6, FL7 = 1000006, 1000007

LEVELS = {
    29: dict(file="nnapi-api29.yaml", id="tflite-nnapi-api29",
             label="NNAPI feature level 3: Android 10 (API 29, NNAPI 1.2)"),
    30: dict(file="nnapi.yaml", id="tflite-nnapi",
             label="NNAPI feature levels 4-5: Android 11 (API 30, NNAPI 1.3) and Android 12+ runtimes "
                   "whose target devices report feature level 30 or 31"),
    FL7: dict(file="nnapi-fl7.yaml", id="tflite-nnapi-fl7",
              label="NNAPI feature level 7 (1000007): an updatable NNAPI runtime or the NNAPI Support "
                    "Library with devices reporting feature level 7 or 8"),
}


def level_name(level):
    return {API28: "API 28 (NNAPI 1.1)", API29: "API 29 (NNAPI 1.2)", API30: "API 30 (NNAPI 1.3)",
            FL6: "feature level 6", FL7: "feature level 7"}[level]


def C(subject, index=None, reason=None, **checks):
    """One constraint: C('input', 0, rank={'max': 4}, reason=...)."""
    c = {subject: index if index is not None else "count"}
    c.update(checks)
    if reason:
        c["reason"] = reason
    return c


def A(name, reason=None, **checks):
    c = {"attribute": name}
    c.update(checks)
    if reason:
        c["reason"] = reason
    return c


FLOAT_Q8 = ["float32", "uint8", "int8"]
RANK4 = "NNAPI takes inputs of rank 4 or less for this op"


def binary_rank(op):
    return [C("input", 0, rank={"max": 4}, reason=f"{op}: both inputs must have rank 4 or less"),
            C("input", 1, rank={"max": 4}, reason=f"{op}: both inputs must have rank 4 or less")]


def rules(L):
    """op -> rule dict for target feature level L. A rule with 'min_level' above L becomes
    supported: false. Keys: versions, dtypes, dtype_inputs, constraints, min_level, why_min."""
    R = {}
    act_none = dict(default="NONE")

    # --- element-wise arithmetic ------------------------------------------------------------
    R["ADD"] = dict(versions="1-2",
                    dtypes=FLOAT_Q8 + (["int32"] if L >= API30 else []),
                    constraints=binary_rank("ADD"))
    R["MUL"] = dict(versions="1-3",
                    dtypes=FLOAT_Q8 + (["int32"] if L >= API30 else []),
                    constraints=binary_rank("MUL"),
                    note="version 3 is accepted because the default options select devices "
                                  "(is_accelerator_specified); without device selection the cap is 2")
    R["SUB"] = dict(versions="1-3", min_level=API28,
                    dtypes=["float32", "uint8", "int8"] + (["int32"] if L >= API30 else []),
                    constraints=binary_rank("SUB"))
    R["DIV"] = dict(versions="1", min_level=API28, dtypes=["float32"], constraints=binary_rank("DIV"))
    R["SQUARED_DIFFERENCE"] = dict(
        versions="1-2", min_level=API28,
        dtypes=(["float32", "uint8", "int8", "int32"] if L >= API30 else ["float32", "uint8"]),
        constraints=binary_rank("SQUARED_DIFFERENCE"))
    R["MAXIMUM"] = dict(versions="1-3", min_level=API29, dtypes=["float32", "uint8", "int8", "int32"])
    R["MINIMUM"] = dict(versions="1-3", min_level=API29, dtypes=["float32", "uint8", "int8", "int32"])
    R["POW"] = dict(versions="1", min_level=API29, dtypes=["float32"])

    # --- element-wise, one input ------------------------------------------------------------
    for op in ("ABS", "EXP", "LOG", "SIN", "SQRT"):
        R[op] = dict(versions="1", min_level=API29, dtypes=["float32"])
    R["COS"] = dict(versions="1", min_level=API29, dtypes=["float32"],
                    note="lowered to SIN")
    R["RSQRT"] = dict(versions="1-2", min_level=API29,
                      dtypes=FLOAT_Q8 if L >= FL7 else ["float32"])
    R["NEG"] = dict(versions="1-2", min_level=API29, dtypes=["float32", "int32"])
    R["FLOOR"] = dict(versions="1")
    for op in ("RELU", "RELU_N1_TO_1", "RELU6", "LOGISTIC"):
        R[op] = dict(versions="1-2", dtypes=FLOAT_Q8)
    R["TANH"] = dict(versions="1-2", dtypes=FLOAT_Q8)   # quantised from API 29; every level here is >= 29
    R["HARD_SWISH"] = dict(dtypes=FLOAT_Q8)
    R["ELU"] = dict(versions="1", min_level=API30, dtypes=["float32"])
    R["LEAKY_RELU"] = dict(versions="1", min_level=API29, dtypes=FLOAT_Q8)
    R["PRELU"] = dict(versions="1", min_level=API29, dtypes=FLOAT_Q8)
    R["LOGICAL_AND"] = dict(versions="1", min_level=API29, dtypes=["bool"])
    R["LOGICAL_OR"] = dict(versions="1", min_level=API29, dtypes=["bool"])
    R["LOGICAL_NOT"] = dict(versions="1", min_level=API29, dtypes=["bool"])
    for op in ("LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "EQUAL", "NOT_EQUAL"):
        R[op] = dict(versions="1-2", min_level=API29, dtypes=["float32", "uint8", "int8", "bool", "int32"])
    R["CAST"] = dict(
        versions="1", min_level=API29,
        dtypes=["float32", "int32", "uint8", "int8"] if L >= API30 else ["float32", "int32", "uint8"],
        constraints=[C("output", 0,
                       dtype=["float32", "int32", "uint8", "int8"] if L >= API30 else ["float32", "int32", "uint8"],
                       reason="NNAPI CAST writes only these element types at this level")])
    R["QUANTIZE"] = dict(
        versions="1-2", min_level=API29, dtypes=FLOAT_Q8,
        constraints=[C("output", 0, dtype=["uint8", "int8"] if L >= API30 else ["uint8"],
                       reason="the quantised output type NNAPI QUANTIZE writes at this level "
                              "(a quantised input is dequantised first)")])

    # --- activations over an axis, normalisation ---------------------------------------------
    R["SOFTMAX"] = dict(
        versions="1-2", dtypes=FLOAT_Q8,
        constraints=[C("output", 0, dtype=FLOAT_Q8, reason="float32, uint8 or int8 output only"),
                     C("input", 0, rank={"max": 4}, reason=RANK4)])
    R["LOG_SOFTMAX"] = dict(versions="1", min_level=API29, dtypes=["float32"])
    R["L2_NORMALIZATION"] = dict(
        versions="1-2",
        constraints=[A("fused_activation_function", equals="NONE", reason="no fused activation", **act_none)])
    R["LOCAL_RESPONSE_NORMALIZATION"] = dict(versions="1")

    # --- pooling, convolution, matrix products -----------------------------------------------
    R["AVERAGE_POOL_2D"] = dict(
        versions="1-2", dtypes=FLOAT_Q8,
        note="the 256-element window limit for quantised pooling applies only without "
                      "device selection, which the default options do not use")
    R["MAX_POOL_2D"] = dict(versions="1-2", dtypes=FLOAT_Q8)
    R["L2_POOL_2D"] = dict(versions="1", dtypes=["float32"])
    R["CONV_2D"] = dict(
        versions="1-5",
        constraints=[C("input", 2, present=True,
                       reason="a CONV_2D without a bias tensor is not mapped (the delegate requires "
                              "three input slots)")])
    R["DEPTHWISE_CONV_2D"] = dict(versions="1-3")
    fc = [C("output", 0, dtype=["float32", "uint8", "int8"],
            reason="an int16 (16x8) output is rejected; float32, uint8 and int8 are the other output "
                   "types FULLY_CONNECTED has")]
    if L < API30:
        fc.append(A("keep_num_dims", equals=False, default=False,
                    reason="keep_num_dims needs NNAPI 1.3 (API 30)"))
    R["FULLY_CONNECTED"] = dict(
        versions="1-5", constraints=fc,
        note="a FULLY_CONNECTED with only two input slots (no bias slot) is op version 6, outside the "
                      "accepted versions; a bias slot of -1 is accepted and replaced by zeros")
    R["TRANSPOSE_CONV"] = dict(
        versions="1-4", min_level=API29,
        constraints=[C("input", 0, constant=True, reason="the output-shape input must be constant"),
                     C("input", 1, constant=True, reason="the filter must be constant")])
    R["BATCH_MATMUL"] = dict(
        versions="1-2", min_level=FL6, dtypes=["float32", "int32", "int8"],
        constraints=[C("input", 0, rank={"min": 2, "max": 4}, reason="operands of rank 2 to 4 only"),
                     C("input", 1, dtype=["float32", "int32", "int8"],
                       reason="both operands must have the same element type (no hybrid batch matmul); "
                              "equality itself is not checked here")])

    # --- shape and layout --------------------------------------------------------------------
    R["RESHAPE"] = dict(
        versions="1",
        dtypes=FLOAT_Q8 + (["int32"] if L >= FL6 else []),
        constraints=[C("input", 0, rank={"max": 4}, reason="input rank 4 or less"),
                     C("output", 0, rank={"max": 4}, reason="output rank 4 or less"),
                     C("input", 1, constant=True,
                       reason="a shape given as a tensor must be constant (a node without it uses new_shape)")])
    R["SQUEEZE"] = dict(versions="1", min_level=API28)
    R["EXPAND_DIMS"] = dict(
        versions="1", min_level=API29, dtypes=["float32", "float16", "int32", "uint8", "int8"],
        constraints=[C("input", 1, dtype=["int32"], reason="the axis must be an int32 constant"),
                     C("input", 1, constant=True, reason="the axis must be an int32 constant")])
    R["TRANSPOSE"] = dict(
        versions="1-2", min_level=API28,
        constraints=[C("input", 1, present=True, reason="the permutation must be given and constant"),
                     C("input", 1, constant=True, reason="the permutation must be constant (it decides "
                                                          "the output shape)")])
    R["CONCATENATION"] = dict(
        versions="1-2", dtypes=["float16", "float32", "uint8", "int8"],
        constraints=[A("fused_activation_function", equals="NONE", reason="no fused activation", **act_none),
                     C("input", 0, rank={"max": 4}, reason="inputs of rank 4 or less")])
    R["PACK"] = dict(
        versions="1-2", min_level=API30,
        dtypes=["int32", "float32", "int8", "uint8"] if L >= FL6 else ["float32", "int8"],
        constraints=[] if L >= FL6 else [
            A("axis", not_in=[-1], default=0,
              reason="below feature level 6 PACK is lowered to CONCATENATION + RESHAPE and cannot stack "
                     "along a new last axis (axis -1, or axis equal to the input rank: not checked)")])
    R["UNPACK"] = dict(
        versions="1-2", min_level=API30, dtypes=FLOAT_Q8,
        constraints=[C("input", 0, rank={"min": 2, "max": 4},
                       reason="lowered to RESHAPE + SPLIT: input rank 2 to 4"),
                     A("axis", not_in=[-1], default=0,
                       reason="cannot unpack along the last axis (axis -1, or rank - 1: not checked)")])
    R["SPLIT"] = dict(
        versions="1-3", min_level=API29,
        dtypes=["float32", "uint8", "int8", "int32"] if L >= API30 else ["float32", "uint8", "int32"],
        dtype_inputs=[1],
        constraints=[C("input", 0, dtype=["int32"], reason="the axis must be an int32 constant"),
                     C("input", 0, constant=True, reason="the axis must be an int32 constant")])
    R["SPLIT_V"] = dict(
        versions="1-2", min_level=API30, dtypes=["float32", "uint8", "int8", "int32"],
        constraints=[C("input", 1, dtype=["int32"], reason="size_splits must be a constant int32 vector"),
                     C("input", 1, rank=1, reason="size_splits must be a constant int32 vector"),
                     C("input", 1, constant=True, reason="size_splits must be a constant int32 vector "
                                                          "(zero sizes are rejected: not checked)"),
                     C("input", 2, dtype=["int32"], reason="the axis must be an int32 constant"),
                     C("input", 2, constant=True, reason="the axis must be an int32 constant")])
    R["SLICE"] = dict(
        versions="1-2", min_level=API29, dtypes=["float32", "int32", "uint8", "int8"],
        constraints=[C("input", 1, dtype=["int32"], reason="begin must be int32"),
                     C("input", 2, dtype=["int32"], reason="size must be int32")])
    R["STRIDED_SLICE"] = dict(versions="1-2", min_level=API28, dtypes=FLOAT_Q8)
    R["GATHER"] = dict(
        versions="1-2", min_level=API29, dtypes=["float32", "float16", "int32", "uint8", "int8"],
        constraints=[C("input", 1, dtype=["int32"], reason="positions must be int32"),
                     C("input", 1, rank={"min": 1}, reason="scalar positions are not delegated")])
    R["SELECT"] = dict(
        versions="1-2", min_level=API29, dtypes=["float32", "int32", "uint8", "int8"], dtype_inputs=[1],
        note="the condition must have the same shape as the values (no broadcasting): not checked")
    R["TILE"] = dict(
        versions="1", min_level=API29, dtypes=["float32", "int8", "uint8", "int32"],
        constraints=[C("input", 1, dtype=["int32"], reason="multipliers must be int32")])
    R["SPACE_TO_DEPTH"] = dict(versions="1-2", dtypes=FLOAT_Q8)
    R["DEPTH_TO_SPACE"] = dict(dtypes=FLOAT_Q8)
    R["SPACE_TO_BATCH_ND"] = dict(versions="1-2", min_level=API28)
    R["BATCH_TO_SPACE_ND"] = dict(
        versions="1-2", min_level=API28,
        constraints=[C("input", 2, constant=True,
                       reason="NNAPI has no crops: the crops must be a constant 2x2 int32 tensor of "
                              "zeros (the values are not checked here)")])
    R["RESIZE_BILINEAR"] = dict(
        versions="1-3", dtypes=FLOAT_Q8,
        constraints=[C("input", 0, rank=4, reason="rank-4 (NHWC) input only"),
                     C("input", 1, present=True, reason="the size must be given as a constant input"),
                     C("input", 1, constant=True, reason="the size must be constant")]
        + ([] if L >= API30 else [
            A("align_corners", equals=False, default=False, reason="align_corners needs NNAPI 1.3 (API 30)"),
            A("half_pixel_centers", equals=False, default=False,
              reason="half_pixel_centers needs NNAPI 1.3 (API 30)")]))
    R["RESIZE_NEAREST_NEIGHBOR"] = dict(
        versions="1-3", min_level=API29, dtypes=FLOAT_Q8,
        constraints=[C("input", 1, present=True, reason="the size must be given as a constant input"),
                     C("input", 1, constant=True, reason="the size must be constant")]
        + ([] if L >= API30 else [
            A("align_corners", equals=False, default=False, reason="align_corners needs NNAPI 1.3 (API 30)"),
            A("half_pixel_centers", equals=False, default=False,
              reason="half_pixel_centers needs NNAPI 1.3 (API 30)")]))
    pad_cons = [C("inputs", reason="input and paddings are required", min=2)]
    R["PAD"] = dict(versions="1-2", min_level=API28, dtypes=FLOAT_Q8, constraints=list(pad_cons),
                    note="inputs with a zero-sized dimension are rejected: not checked")
    R["PADV2"] = dict(versions="1-2", min_level=API28, dtypes=FLOAT_Q8, constraints=list(pad_cons),
                      note="inputs with a zero-sized dimension are rejected: not checked")
    R["MIRROR_PAD"] = dict(
        versions="1-2", min_level=FL7, dtypes=["float32", "uint8", "int8", "int32"],
        constraints=[C("inputs", reason="exactly input and paddings", equals=2)])
    R["REVERSE_V2"] = dict(
        versions="1-3", min_level=FL7, dtypes=["float32", "uint8", "int8", "int32"],
        constraints=[C("inputs", reason="exactly input and axis", equals=2)])
    R["FILL"] = dict(
        versions="1", min_level=API30, dtypes=["int32", "int64"],
        constraints=[C("input", 0, constant=True, reason="the dimensions must be constant"),
                     C("input", 0, dim={"axis": 0, "min": 1},
                       reason="filling a scalar (empty dimensions) is not delegated"),
                     C("input", 1, dtype=["float32", "int32", "int64"], reason="value must be float32, "
                                                                             "int32 or int64")])

    # --- reductions, arg-min/max, top-k ------------------------------------------------------
    R["MEAN"] = dict(
        versions="1-2", min_level=API28, dtypes=FLOAT_Q8,
        constraints=[C("output", 0, rank={"min": 1}, reason="a scalar MEAN output is not delegated"),
                     C("input", 0, rank={"max": 4}, reason=RANK4)])
    R["REDUCE_ANY"] = dict(
        versions="1-2", min_level=API29,
        constraints=[C("output", 0, rank={"min": 1}, reason="a scalar output is not delegated")])
    R["REDUCE_MIN"] = dict(
        versions="1-2", min_level=API29, dtypes=FLOAT_Q8,
        constraints=[C("input", 0, rank={"min": 1}, reason="a scalar input is not delegated")])
    R["REDUCE_MAX"] = dict(
        versions="1-2", min_level=API29, dtypes=FLOAT_Q8,
        constraints=[C("input", 0, rank={"min": 1}, reason="a scalar input is not delegated")])
    for op in ("REDUCE_PROD", "SUM"):
        R[op] = dict(versions="1", min_level=API29, dtypes=["float32"],
                     constraints=[C("output", 0, rank={"min": 1}, reason="a scalar output is not delegated")])
    for op in ("ARG_MAX", "ARG_MIN"):
        R[op] = dict(
            versions="1-2", min_level=API29, dtypes=["float16", "float32", "int32", "uint8", "int8"],
            constraints=[C("input", 1, dtype=["int32", "int64"],
                           reason="the axis is int32, or an int64 constant that fits in int32 "
                                  "(constness of an int64 axis is not checked)"),
                         C("output", 0, dtype=["int32"], reason="int32 indices only (output_type INT32)")])
    R["TOPK_V2"] = dict(
        versions="1-2", min_level=API29, dtypes=["float32", "int32", "uint8", "int8"],
        constraints=[C("input", 1, dtype=["int32"], reason="k must be an int32 constant"),
                     C("input", 1, constant=True, reason="k must be an int32 constant")])

    # --- quantisation helpers --------------------------------------------------------------
    # DEQUANTIZE: Validate takes uint8 / int8 at op versions 1-2 and, from API 30, a float16 input that
    # is computed (DENSIFY -> DEQUANTIZE -> CONV_2D). A float16 input that is constant never passes
    # Validate, but DoPrepare hands such graphs to FP16GraphPartitionHelper, which folds the node into
    # its consumers; it is listed as supported for that reason (see the notes). Converters write
    # float16 DEQUANTIZE as version 2 (older) or 3 (op_version.cc), so versions cannot tell uint8 /
    # int8 from float16 in every file.
    R["DEQUANTIZE"] = dict(
        versions="1-3", dtypes=["uint8", "int8", "float16"],
        constraints=[] if L >= API30 else [
            C("input", 0, constant=True, versions="3",
              reason="below API 30 a float16 input is taken only as a constant (folded by the float16 "
                     "weight handling); a computed one, e.g. a DENSIFY output, is rejected (op version 3 "
                     "is float16 or int16; int16 is excluded by dtypes)")],
        note="uint8 and int8 at op versions 1-2 (per-channel int8 is version 5: rejected); a constant "
             "float16 input is folded into the consumers by the float16 weight handling (fp16-partition) "
             "and counted as delegated here"
             + ("; a computed float16 input is accepted (DENSIFY -> DEQUANTIZE -> CONV_2D weights)"
                if L >= API30 else
                "; a computed float16 input is rejected at this level (checked for op version 3, which "
                "current converters write; a version-2 float16 DEQUANTIZE of a computed tensor is not "
                "caught), and an int8 input needs zero point 0 (not checked)"))
    if L >= API30:
        R["DENSIFY"] = dict(
            constraints=[C("input", 0, constant=True,
                           reason="only sparse constant weights are densified (folded into the CONV_2D "
                                  "that consumes them)")])
    else:
        R["DENSIFY"] = dict(min_level=API30)

    # --- embeddings, hashing, recurrent -----------------------------------------------------
    R["EMBEDDING_LOOKUP"] = dict(
        versions="1", constraints=[C("input", 1, dtype=["float32"], reason="float32 values only")])
    R["HASHTABLE_LOOKUP"] = dict(
        versions="1", constraints=[C("output", 0, dtype=["float32"], reason="float32 output only")])
    R["LSH_PROJECTION"] = dict(
        versions="1",
        note="SPARSE projection only with 2 inputs (no weight): not checked")
    R["RNN"] = dict(
        versions="1",
        constraints=[C("input", 4, present=True, reason="the 5-input form only (hidden state at input 4)"),
                     C("input", 1, dtype=["float32"], reason="float32 weights only")])
    R["SVDF"] = dict(
        versions="1", min_level=API28,
        constraints=[C("input", 4, present=True, reason="the 5-input form only (state at input 4)"),
                     C("input", 1, dtype=["float32"], reason="float32 weights only")])
    R["LSTM"] = dict(
        versions="1-3", min_level=API28,
        note="basic 5-input kernel: uint8 weights, fixed 1/128 input/output quantisation, "
                      "constant weights and biases; full 20/24-input kernel: weights float32 or uint8"
                      + (" or int8" if L >= API30 else "") + "; none of this is checked")
    R["UNIDIRECTIONAL_SEQUENCE_LSTM"] = dict(
        versions="1", min_level=API29,
        constraints=[C("input", 19, present=True,
                       reason="the 20- or 24-input forms only (cell state at input 19)")],
        note="the delegate caps the version at 2, but version 2 is the hybrid form (float "
                      "input, int8 weights), which it rejects; a float input with uint8 weights (version 1) "
                      "is rejected too: not checked")
    R["BIDIRECTIONAL_SEQUENCE_LSTM"] = dict(
        versions="1", min_level=API29,
        note="hybrid form rejected; it is op version 2 and above, outside the accepted versions")
    R["UNIDIRECTIONAL_SEQUENCE_RNN"] = dict(
        versions="1", min_level=API29,
        note="hybrid form rejected; it is op version 2, outside the accepted versions")
    return R


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(yaml_scalar(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(x)}" for k, x in v.items()) + "}"
    s = str(v)
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", s) is not None \
        and s.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n")
    return s if plain else json.dumps(s, ensure_ascii=False)


def wrap(text, indent, width=100):
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(indent) + len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return "".join(f"{indent}{l}\n" for l in lines)


def notes(L):
    parts = [
        f"Describes what the NNAPI delegate offers to NNAPI at target {LEVELS[L]['label']}, with the "
        "delegate's default options; derived from the delegate source, not measured (NNAPI runs only "
        "on Android).",
        "Which level applies: the delegate starts from the device's Android API level and, when it "
        "targets devices, lowers it to the highest feature level those devices report (a device "
        "reporting a lower level makes the matching lower-level file apply). The delegate does "
        "nothing below API 27 or without NNAPI.",
        "Devices: the default options disallow the NNAPI CPU reference implementation "
        "(disallow_nnapi_cpu), so from API 29 the delegate acts only when an accelerator is present, "
        "and for each candidate partition it then asks the vendor driver which operations it supports "
        "(ANeuralNetworksModel_getSupportedOperationsForDevices). That driver answer is device "
        "specific: these rules are an upper bound, a node they accept may still run on the CPU.",
        "Partitions: at most 3 (max_number_delegated_partitions); with more, the largest 3 by node "
        "count are delegated and the rest run on the CPU kernels.",
        "Float16 weights: when the graph has DEQUANTIZE nodes of constant float16 tensors, the "
        "delegate checks each consumer as if it read the float16 constant directly and converts "
        "those constants to float32 in the NNAPI model; the DEQUANTIZE nodes join the delegated "
        "graph only when every other node is delegated (otherwise they stay, unused by the delegate, "
        "on the CPU), and if the vendor driver then declines any node the delegate is not applied at "
        "all. Here such DEQUANTIZE nodes count as delegated and, through constant_through, their "
        "outputs as constants, so no tensor is reported crossing because of them. Not modelled: a "
        "consumer whose input 0 is such a constant is checked by the delegate with float16 (and "
        "mostly rejected) but here with float32; an int8 constant DEQUANTIZE also passes its "
        "output on as a constant here although the delegate computes it.",
        "`dtypes` checks input 0 (the delegate's type checks look at the first input unless a rule "
        "names another); 'quantised' in the delegate means an 8-bit integer type (uint8 or int8).",
    ]
    unchecked = [
        "ADD / MUL / SUB with int32 inputs need fused_activation_function NONE",
        "MAXIMUM / MINIMUM: a rank-0 operand must be constant",
        "ARG_MAX / ARG_MIN: an int64 axis must be a constant that fits in int32",
        "BATCH_MATMUL: both operands of one element type, equal batch dimensions (no broadcasting)",
        "SPLIT_V: every split size non-zero",
        "FILL: int64 dimensions and values must fit in int32",
        "QUANTIZE: input and output scale must be > 0",
        "hybrid LSTM forms (float input, 8-bit weights) where the op version does not already exclude them",
        "PAD / PADV2 / MIRROR_PAD on tensors with a zero-sized dimension",
        "sparse weights are densified only for CONV_2D: a DENSIFY feeding another op passes Validate "
        "but is not handled when the NNAPI model is built",
        "RESHAPE without a shape input to a scalar (empty new_shape) is rejected",
        "CONV_2D: the delegate counts input slots, so a bias slot of -1 passes its check; here an "
        "omitted bias counts as missing",
    ]
    if L < API30:
        unchecked += [
            "DEQUANTIZE of int8 needs zero point 0; a computed float16 DEQUANTIZE written as op version 2 "
            "is rejected",
        ]
    unchecked += ["UNPACK along axis rank - 1 (the last axis, written as a positive index) is rejected"]
    if L < FL6:
        unchecked += ["PACK with axis equal to the input rank (a new last axis) is rejected"]
    parts.append("Conditions this schema cannot state, not checked: " + "; ".join(unchecked) + ".")
    return parts


def emit(L):
    meta = LEVELS[L]
    R = rules(L)
    out = []
    w = out.append
    w(f"# Generated by scripts/gen-tflite-nnapi-opset.py {'fl7' if L == FL7 else L}; do not edit.\n")
    w(f"schema: 1\nid: {meta['id']}\n")
    short = {29: "Android 10, API 29", 30: "Android 11+, API 30", FL7: "feature level 7"}[L]
    w(f"name: TFLite NNAPI delegate ({short})\nformat: tflite\nkind: delegate\n")
    w("runtime:\n  name: LiteRT NNAPI delegate (StatefulNnApiDelegate), default options\n")
    w(f"  versions: {json.dumps('target ' + meta['label'] + '; delegate source at LiteRT ' + NNAPI_COMMIT[:8])}\n")
    w("accelerator: npu\nsources:\n")
    srcs = [
        ("nnapi-validate",
         "LiteRT NNAPI delegate — NNAPIDelegateKernel::Validate (per-node checks), DoPrepare and AddOpsAndTensors",
         f"{BLOB}/{NNAPI_COMMIT}/tflite/delegates/nnapi/nnapi_delegate.cc",
         f"google-ai-edge/LiteRT tflite/delegates/nnapi/nnapi_delegate.cc @ {NNAPI_COMMIT}"),
        ("nnapi-options",
         "LiteRT NNAPI delegate options and their defaults (StatefulNnApiDelegate::Options)",
         f"{BLOB}/{OPTIONS_COMMIT}/tflite/delegates/nnapi/nnapi_delegate.h",
         f"google-ai-edge/LiteRT tflite/delegates/nnapi/nnapi_delegate.h @ {OPTIONS_COMMIT}"),
        ("nnapi-levels",
         "NNAPI feature-level constants (kMinSdkVersionForNNAPI*, kNNAPIRuntimeFeatureLevel*)",
         f"{BLOB}/{KERNEL_H_COMMIT}/tflite/delegates/nnapi/nnapi_delegate_kernel.h",
         f"google-ai-edge/LiteRT tflite/delegates/nnapi/nnapi_delegate_kernel.h @ {KERNEL_H_COMMIT}; "
         f"feature levels per tflite/nnapi/NeuralNetworksTypes.h @ {OPTIONS_COMMIT}"),
        ("fp16-partition",
         "LiteRT delegate utilities — FP16GraphPartitionHelper (float16 DEQUANTIZE folding)",
         f"{BLOB}/{UTILS_COMMIT}/tflite/delegates/utils.cc",
         f"google-ai-edge/LiteRT tflite/delegates/utils.cc @ {UTILS_COMMIT}"),
    ]
    for sid, title, url, version in srcs:
        w(f"  - id: {sid}\n    title: {json.dumps(title, ensure_ascii=False)}\n    url: {url}\n")
        w(f"    version: {json.dumps(version)}\n    retrieved: {RETRIEVED}\n")
    w("default_source: nnapi-validate\nunsupported:\n  action: fallback\n  to: cpu\n")
    w("  reason: nodes the delegate's Validate rejects (or the vendor driver declines) stay with the TFLite CPU kernels\n")
    w("fallback_target: tflite-builtin\nconstant_through: [DEQUANTIZE]\n")
    w("partitioning:\n  min_nodes_per_partition: 1\n  max_partitions: 3\n  whole_graph_only: false\n")
    w("notes: >-\n")
    for p in notes(L):
        w(wrap(p, "  "))
    w("ops:\n")
    for op in sorted(R):
        r = R[op]
        min_level = r.get("min_level")
        if min_level and min_level > L:
            w(f"  {op}:\n    supported: false\n")
            w(f"    reason: {json.dumps(f'the delegate maps {op} only from NNAPI {level_name(min_level)}')}\n")
            continue
        body = []
        if "versions" in r:
            body.append(f"    versions: {yaml_scalar(r['versions']) if not isinstance(r['versions'], str) else json.dumps(r['versions'])}\n")
        if "dtypes" in r:
            body.append(f"    dtypes: {yaml_scalar(r['dtypes'])}\n")
        if "dtype_inputs" in r:
            body.append(f"    dtype_inputs: {yaml_scalar(r['dtype_inputs'])}\n")
        cons = list(r.get("constraints", []))
        if r.get("note"):
            body.append(f"    notes: {json.dumps(r['note'], ensure_ascii=False)}\n")
        if cons:
            body.append("    constraints:\n")
            for c in cons:
                body.append(f"      - {yaml_scalar(c)}\n")
        assert body, op
        w(f"  {op}:\n{''.join(body)}")
    return "".join(out)


def main(argv):
    if argv == ["--all"]:
        for L, meta in LEVELS.items():
            (ROOT / "opsets/tflite" / meta["file"]).write_text(emit(L))
        return 0
    if len(argv) != 1 or argv[0] not in ("29", "30", "fl7"):
        sys.stderr.write("usage: gen-tflite-nnapi-opset.py 29|30|fl7|--all\n")
        return 2
    sys.stdout.write(emit(FL7 if argv[0] == "fl7" else int(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
