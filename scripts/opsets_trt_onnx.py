#!/usr/bin/env python3
"""Writes the TensorRT ONNX parser's operator support as two opsets/ targets (schema 1):

  opsets/tensorrt/onnx-parser-10.yaml   the parser alone (trtexec / IParser): an op it cannot
                                        import fails the build
  opsets/onnxruntime/tensorrt-ep.yaml   ONNX Runtime's TensorRT EP, which asks the same parser
                                        which nodes it takes and leaves the rest to the next EP

Input: a copy of onnx/onnx-tensorrt docs/operators.md (the revision for TensorRT 10.15: "supports
operators in the inclusive range of opset 9 to opset 24"); only its table columns Operator,
Supported and Supported Types are read. The copy is not committed. The restrictions column is
prose; what of it can be checked is written as constraints in RESTRICTIONS below (own wording,
cited), the rest as per-op notes.

Op versions: the parser handles models of opsets 9..24, so each op lists the schema versions
(onnx package schemas) that nodes of those opsets resolve to: `6-24` for Relu (Relu-6 serves
opsets 9-12, Relu-13 and Relu-14 the rest).

Regenerate (from the repository root):
  PY=~/.cache/lockstep/venv/bin/python
  $PY scripts/opsets_trt_onnx.py --operators-md operators.md --target parser > opsets/tensorrt/onnx-parser-10.yaml
  $PY scripts/opsets_trt_onnx.py --operators-md operators.md --target ort-ep > opsets/onnxruntime/tensorrt-ep.yaml
"""
from __future__ import annotations

import argparse
import re
import sys

TRT_TYPES = {
    "FP32": "float32", "FP16": "float16", "BF16": "bfloat16", "INT32": "int32", "INT64": "int64",
    "INT8": "int8", "UINT8": "uint8", "BOOL": "bool",
    "FP8": "float8e4m3fn",   # TensorRT's DataType::kFP8 is E4M3
    "FP4": "float4e2m1",     # DataType::kFP4 is E2M1
    "INT4": "int4",
}
ORDER = ["float32", "float16", "bfloat16", "float8e4m3fn", "float4e2m1", "int4", "int8", "uint8",
         "int32", "int64", "bool"]

# Which tensor the "Supported Types" column is about, where it is not input 0.
TYPED_SUBJECT = {
    "Constant": [("output", 0)], "ConstantOfShape": [("output", 0)], "EyeLike": [("output", 0)],
    "RandomNormal": [("output", 0)], "RandomUniform": [("output", 0)],
    "RandomNormalLike": [("output", 0)], "RandomUniformLike": [("output", 0)],
    "BlackmanWindow": [("output", 0)], "HammingWindow": [("output", 0)], "HannWindow": [("output", 0)],
    "Where": [("input", 1)], "OneHot": [("input", 2)],
    "Cast": [("input", 0), ("output", 0)], "CastLike": [("input", 0), ("output", 0)],
    # the types of If/Loop/Scan are those of the values they carry, not of one input
    "If": [], "Loop": [], "Scan": [],
}

DILATIONS_ONE = {"attribute": "dilations", "in": [1], "reason": "dilations other than 1 are not imported"}
SPATIAL_2D_3D = {"input": 0, "rank": {"min": 4, "max": 5}, "reason": "only 2D and 3D pooling (4D or 5D input)"}
AXES_CONSTANT = {"input": 1, "constant": True, "reason": "axes must be known when the engine is built"}

# Restrictions from the operators.md "Restrictions" column that a file can check.
RESTRICTIONS = {
    "Attention": [
        {"input": 0, "rank": 4, "reason": "Q must be 4D"},
        {"input": 1, "rank": 4, "reason": "K must be 4D"},
        {"input": 2, "rank": 4, "reason": "V must be 4D"},
        {"input": 3, "rank": 4, "reason": "attn_mask must be 4D"},
        {"input": 4, "present": False, "reason": "past_key is not imported"},
        {"input": 5, "present": False, "reason": "past_value is not imported"},
        {"input": 6, "present": False, "reason": "nonpad_kv_seqlen is not imported"},
        {"output": 1, "present": False, "reason": "present_key output is not produced"},
        {"output": 2, "present": False, "reason": "present_value output is not produced"},
        {"output": 3, "present": False, "reason": "qk_matmul_output is not produced"},
        {"attribute": "qk_matmul_output_mode", "equals": 0, "reason": "qk_matmul_output_mode is not imported"},
        {"attribute": "softcap", "equals": 0.0, "reason": "softcap is not imported"},
    ],
    "AveragePool": [SPATIAL_2D_3D, DILATIONS_ONE],
    "MaxPool": [SPATIAL_2D_3D, DILATIONS_ONE,
                {"output": 1, "present": False, "reason": "the Indices output is not produced"}],
    "LpPool": [DILATIONS_ONE],
    "Constant": [
        {"attribute": "sparse_value", "present": False, "reason": "sparse constants are not imported"},
        {"attribute": "value_string", "present": False, "reason": "string constants are not imported"},
        {"attribute": "value_strings", "present": False, "reason": "string constants are not imported"},
    ],
    "CumSum": [{"input": 1, "constant": True, "reason": "axis must be known when the engine is built"}],
    "DeformConv": [{"input": 0, "rank": {"min": 3, "max": 4}, "reason": "only 1D or 2D spatial input"}],
    "Dropout": [{"input": 2, "constant": True, "reason": "training_mode must be an initializer (and false)"}],
    "EyeLike": [{"input": 0, "static_shape": True, "reason": "the input must have static dimensions"}],
    "GridSample": [{"input": 0, "rank": 4, "reason": "only 4D input"}],
    "LayerNormalization": [
        {"output": 1, "present": False, "reason": "only the first output (Y) is produced"},
        {"output": 2, "present": False, "reason": "only the first output (Y) is produced"},
    ],
    "LSTM": [
        {"attribute": "input_forget", "equals": 0, "reason": "input_forget must be 0"},
        {"attribute": "layout", "equals": 0, "reason": "layout must be 0"},
    ],
    "OneHot": [{"input": 1, "constant": True, "reason": "depth must be known when the engine is built"}],
    "Resize": [
        {"attribute": "coordinate_transformation_mode",
         "in": ["half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn", "asymmetric", "align_corners"],
         "reason": "only these coordinate transformation modes are imported"},
        {"attribute": "mode", "in": ["nearest", "linear"], "reason": "only nearest and linear resize"},
        {"attribute": "nearest_mode", "in": ["floor", "ceil", "round_prefer_floor", "round_prefer_ceil"],
         "reason": "only these nearest rounding modes are imported"},
        {"attribute": "keep_aspect_ratio_policy", "equals": "stretch",
         "reason": "only the stretch aspect-ratio policy is imported"},
        {"attribute": "antialias", "equals": 0, "reason": "antialiasing is not imported"},
    ],
    "RotaryEmbedding": [{"input": 3, "dtype": ["int64"], "reason": "position_ids must be int64"}],
    "STFT": [
        {"input": 1, "constant": True, "reason": "frame_step must be an initializer"},
        {"input": 2, "constant": True, "reason": "window must be an initializer"},
        {"input": 0, "dim": {"axis": -1, "max": 1}, "reason": "only real-valued signals (last dimension 1)"},
    ],
    "ScatterND": [{"attribute": "reduction", "equals": "none", "reason": "reductions are not imported"}],
    "Squeeze": [AXES_CONSTANT],
    "Unsqueeze": [AXES_CONSTANT],
    "TensorScatter": [
        {"input": 0, "rank": 4, "reason": "past_cache must be 4D"},
        {"input": 1, "rank": 4, "reason": "update must be 4D"},
        {"attribute": "axis", "equals": -2, "reason": "axis must be -2"},
    ],
    "TopK": [{"attribute": "sorted", "equals": 1, "reason": "only sorted output"}],
}
for _op in ("ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean",
            "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare"):
    RESTRICTIONS[_op] = [{"input": 1, "constant": True,
                          "reason": "axes must be an initializer (opsets where axes is an input)"}]

# Restrictions the file format cannot check (values of tensors, relations between attributes).
NOTES = {
    "DeformConv": "pads must be equal at both ends of each spatial axis (not checked)",
    "DequantizeLinear": "x_zero_point must be zero (a value; not checked)",
    "QuantizeLinear": "y_zero_point must be zero (a value; not checked)",
    "Dropout": "training_mode must evaluate to false (a value; only its constness is checked)",
    "GRU": "bidirectional: both directions must use the same activations (not checked)",
    "RNN": "bidirectional: both directions must use the same activations (not checked)",
    "LSTM": "bidirectional: both directions must use the same activations (not checked)",
    "Hardmax": "the dimension along axis must be known when the engine is built (not checked)",
    "If": "both branches' outputs must have the same rank and different names (not checked)",
    "Loop": "scan outputs need a static length; loop-carried shapes must not change (not checked)",
    "Resize": "with a scales tensor, axes must be 0..rank-1 in order (not checked)",
    "TopK": "K must be below 3840 (a value; not checked)",
    "RandomNormal": "seed is ignored",
    "RandomNormalLike": "seed is ignored",
    "RandomUniform": "seed is ignored",
    "RandomUniformLike": "seed is ignored",
    "DynamicQuantizeLinear": "can be written as a model-local function that TensorRT maps to IDynamicQuantize",
}


def parse_operators_md(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"TensorRT ([0-9.]+) supports operators in the inclusive range of opset (\d+) to opset (\d+)", text)
    if not m:
        raise SystemExit(f"{path}: no 'TensorRT X supports operators in the inclusive range of opset A to opset B' line")
    version, lo, hi = m.group(1), int(m.group(2)), int(m.group(3))
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0] in ("Operator", "") or cells[0].startswith("-"):
            continue
        if cells[1] not in ("Y", "N"):
            continue
        types = []
        if cells[1] == "Y" and len(cells) > 2:
            for t in cells[2].split(","):
                t = t.strip()
                if not t:
                    continue
                if t not in TRT_TYPES:
                    raise SystemExit(f"{path}: {cells[0]}: unknown type {t!r}")
                types.append(TRT_TYPES[t])
        rows.append((cells[0], cells[1] == "Y", types))
    if not rows:
        raise SystemExit(f"{path}: no operator rows")
    return version, lo, hi, rows


def op_versions(op, lo, hi):
    """Schema since-versions that nodes of opsets lo..hi resolve to, as 'a-b' text; None if unknown."""
    import onnx.defs
    since = sorted({s.since_version for s in onnx.defs.get_all_schemas_with_history()
                    if s.domain == "" and s.name == op})
    if not since:
        return None
    effective = [v for i, v in enumerate(since)
                 if v <= hi and (i + 1 == len(since) or since[i + 1] > lo)]
    if not effective:
        return None
    return f"{effective[0]}-{hi}" if effective[0] != hi else str(hi)


def yval(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(yval(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {yval(x)}" for k, x in v.items()) + "}"
    return '"' + str(v).replace('"', '\\"') + '"'


def emit_constraint(w, c):
    keys = list(c)
    subject = next(k for k in keys if k in ("input", "output", "attribute"))
    w.append(f"      - {subject}: {yval(c[subject])}")
    for k in keys:
        if k != subject:
            w.append(f"        {k}: {yval(c[k])}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--operators-md", required=True)
    ap.add_argument("--target", choices=["parser", "ort-ep"], required=True)
    ap.add_argument("--retrieved", default=None)
    args = ap.parse_args()
    version, lo, hi, rows = parse_operators_md(args.operators_md)

    w = ["# Generated by scripts/opsets_trt_onnx.py; do not edit by hand (see the script for the command).",
         "schema: 1"]
    doc = dict(id="trt-operators", title=f"ONNX-TensorRT supported operators (docs/operators.md, TensorRT {version} "
               f"revision: opsets {lo} to {hi})",
               url="https://github.com/onnx/onnx-tensorrt/blob/main/docs/operators.md",
               version=f"onnx/onnx-tensorrt docs/operators.md as published for TensorRT {version}")
    if args.retrieved:
        doc["retrieved"] = args.retrieved
    sources = [doc]
    if args.target == "parser":
        w += ["id: trt-onnx-parser-10", f"name: TensorRT {version.split('.')[0]} ONNX parser",
              "format: onnx", "kind: parser", "runtime:", "  name: TensorRT ONNX parser (nvonnxparser)",
              f'  versions: "{version}"', "accelerator: gpu"]
    else:
        sources.append(dict(
            id="ort-trt-ep",
            title="ONNX Runtime TensorRT EP: GetCapability asks the TensorRT parser which nodes it supports; "
                  "defaults min_subgraph_size 1, op_types_to_exclude empty, max_partition_iterations 1000",
            url="https://github.com/microsoft/onnxruntime/blob/040bb4aa5e73fc5ebe66806f5943b0828ace0ef5/"
                "onnxruntime/core/providers/tensorrt/tensorrt_execution_provider_info.h",
            version="microsoft/onnxruntime@040bb4aa5e73"))
        w += ["id: ort-tensorrt", "name: ONNX Runtime TensorRT execution provider",
              "format: onnx", "kind: execution-provider", "runtime:",
              "  name: ONNX Runtime TensorrtExecutionProvider",
              f'  versions: "ONNX Runtime 1.2x-1.31 with TensorRT 10.x; op data of TensorRT {version}"',
              "accelerator: gpu"]
    w.append("sources:")
    for s in sources:
        w.append(f"  - id: {s['id']}")
        for k in ("title", "url", "version", "retrieved"):
            if k in s:
                w.append(f"    {k}: {yval(s[k])}")
    w.append("default_source: trt-operators")
    if args.target == "parser":
        w += ["unsupported:", "  action: error",
              '  reason: "the parser cannot import the node, so TensorRT builds no engine for the model"']
        notes = (f"TensorRT {version} parses ONNX models of opsets {lo} to {hi}; `versions` are the schema "
                 "versions nodes of those opsets resolve to. The dtype lists are the table's Supported Types "
                 "(FP8 is E4M3, FP4 is E2M1); INT8, INT4, FP8 and FP4 come only through Q/DQ quantisation, "
                 "UINT8 only as network input or output, and DOUBLE is cast down to FLOAT (float64 is not "
                 "listed). Restrictions that are values of tensors are in per-op notes, not checked.")
    else:
        w += ["unsupported:", "  action: fallback", "  to: gpu",
              '  reason: "nodes the TensorRT parser does not take are assigned to the next EP (CUDA, then CPU)"',
              "fallback_target: ort-cuda",
              "partitioning:", "  min_nodes_per_partition: 1", "  max_partitions: null",
              "  whole_graph_only: false"]
        notes = ("Which nodes the EP takes is decided by the TensorRT ONNX parser (supportsModel), so the ops "
                 f"are those of the parser data (TensorRT {version}, opsets {lo}-{hi}). Partitions smaller than "
                 "trt_min_subgraph_size (default 1) go back to the next EP; ops in trt_op_types_to_exclude "
                 "(default empty) are never taken; supported groups are merged into one subgraph when that "
                 "makes no cycle; If/Loop/Scan are taken only when all their subgraphs are. ONNX Runtime "
                 "releases are built against one TensorRT 10.x version each; the parser data here is "
                 f"TensorRT {version}'s, which can list more than an older TensorRT.")
    w.append(f"notes: {yval(notes)}")
    w.append("ops:")
    for op, supported, types in sorted(rows):
        w.append(f"  {op}:")
        if not supported:
            w.append("    supported: false")
            w.append('    reason: "listed as not supported by the ONNX-TensorRT parser"')
            if op in NOTES:
                w.append(f"    notes: {yval(NOTES[op])}")
            continue
        v = op_versions(op, lo, hi)
        if v:
            w.append(f'    versions: "{v}"')
        constraints = []
        ds = [d for d in ORDER if d in types]
        for kind, idx in TYPED_SUBJECT.get(op, [("input", 0)]):
            if ds:
                constraints.append({kind: idx, "dtype": ds, "reason": "types the parser imports for this op"})
        constraints += RESTRICTIONS.get(op, [])
        if op in NOTES:
            w.append(f"    notes: {yval(NOTES[op])}")
        if constraints:
            w.append("    constraints:")
            for c in constraints:
                emit_constraint(w, c)
    sys.stdout.write("\n".join(w) + "\n")


if __name__ == "__main__":
    main()
