#!/usr/bin/env python3
"""Generates the element-type coverage part of Lockstep's TFLite op-test suite (committed): `cov_*` cases
in Tests/Fixtures/tflite-op-tests/ beside the others (layout and case.json as
scripts/make-tflite-op-tests-builtins.py writes them; its one-op flatbuffer builder and LiteRT
runner are imported, that script is not otherwise changed). Two kinds of case:

  * sweeps: every input code (or a fixed stride of them) of the table-driven and requantising
    element paths, so that one wrong table entry fails a case: int8 / uint8 / int16 GELU (exact and
    approximate), int8 / int16 SQRT, float16 GELU over a stride of all finite half values, and
    LOCAL_RESPONSE_NORMALIZATION over wider rows than the `builtin_*` cases;
  * element-type probes of the builtins common converter output uses that the `builtin_dtype_*`
    probes do not cover (QUANTIZE / DEQUANTIZE / CAST type pairs, STRIDED_SLICE, SQUEEZE, SPLIT,
    SPLIT_V, UNPACK, PADV2, DEPTH_TO_SPACE, SPACE_TO_DEPTH, GATHER_ND in every type; quantised
    LEAKY_RELU, PRELU, SOFTMAX, LOG_SOFTMAX, RESIZE_*, MEAN, SUM …): a one-op model per
    (builtin, types); a combination becomes a case only when LiteRT 2.3.0 runs it, so each case is
    a type LiteRT's kernel accepts.

Goldens: ai_edge_litert 2.3.0, `OpResolverType.BUILTIN_REF` (reference kernels, no XNNPACK;
builtins that resolver lacks fall back to BUILTIN_WITHOUT_DEFAULT_DELEGATES, recorded in
case.json). Integer and bool outputs bit-exact; float outputs rtol 1e-5 / atol 1e-6 (and
bit-exact unless docs/conformance-tflite-inexact.txt lists the case).

Usage: PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-tflite-op-tests-coverage.py [OUT] [--only SUBSTRING]
(without --only, every `cov_*` folder of OUT is removed first and rewritten; other cases stay).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("make_tflite_op_tests_builtins",
                                               os.path.join(ROOT, "scripts", "make-tflite-op-tests-builtins.py"))
b = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(b)
b.GENERATOR = "scripts/make-tflite-op-tests-coverage.py"
S, single, probe_runs, probe_values, rng = b.S, b.single, b.probe_runs, b.probe_values, b.rng
PREFIX = "cov_"
CASES = []  # (name, op, model bytes, inputs(r) -> [arrays], scheme)


def add(name, op, model, inputs, scheme):
    CASES.append((name, op, model, inputs, scheme))


def add_probed(name, op, model, inputs, scheme):
    """A case only if LiteRT runs the model (the type combination is one its kernel accepts)."""
    if probe_runs(model):
        add(name, op, model, inputs, scheme)
        return True
    return False


# ---------------------------------------------------------------------------------------------
# Sweeps


def all_codes(dtype, lo=None, step=1):
    info = np.iinfo(dtype)
    codes = np.arange(info.min if lo is None else lo, info.max + 1, step, dtype=np.int64)
    if codes[-1] != info.max:
        codes = np.append(codes, info.max)
    return codes.astype(dtype)


def finite_halves(step):
    bits = np.arange(0, 1 << 16, step, dtype=np.uint32).astype(np.uint16)
    h = bits.view(np.float16)
    return h[np.isfinite(h)]


def define_sweeps():
    gelu_q = {"int8": (np.int8, (0.06, -5), (0.045, -100)), "uint8": (np.uint8, (0.06, 120), (0.045, 30)),
              "int16": (np.int16, (8.0 / 32768, 0), (8.0 / 32768, 0))}
    for scheme, (dtype, qi, qo) in gelu_q.items():
        codes = all_codes(dtype, step=1 if dtype != np.int16 else 16)
        for approximate in (False, True):
            model = single("GELU", [([len(codes)], dtype, None, ([qi[0]], [qi[1]]))], [([len(codes)], dtype, ([qo[0]], [qo[1]]))],
                           options=("GeluOptions", {"approximate": approximate}))
            add(f"gelu{'_approximate' if approximate else ''}_all_codes", "GELU", model, lambda r, codes=codes: [codes], scheme)
    halves = finite_halves(7)
    for approximate in (False, True):
        model = single("GELU", [([len(halves)], np.float16)], [([len(halves)], np.float16)],
                       options=("GeluOptions", {"approximate": approximate}))
        add(f"gelu{'_approximate' if approximate else ''}_half_sweep", "GELU", model, lambda r: [halves], "float16")
    for scheme, dtype, qi, qo, lo, step in (("int8", np.int8, (0.02, -100), (0.015, -128), -100, 1),
                                            ("int16", np.int16, (1.0 / 2048, 0), (1.0 / 8192, 0), 0, 7)):
        codes = all_codes(dtype, lo=lo, step=step)
        model = single("SQRT", [([len(codes)], dtype, None, ([qi[0]], [qi[1]]))], [([len(codes)], dtype, ([qo[0]], [qo[1]]))])
        add("sqrt_all_codes", "SQRT", model, lambda r, codes=codes: [codes], scheme)
    for radius, bias, alpha, beta in ((3, 1.5, 0.3, 0.75), (2, 0.5, 2e-3, 1.0), (5, 1.0, 1e-4, 0.6)):
        model = single("LOCAL_RESPONSE_NORMALIZATION", [([2, 3, 4, 16], np.float32)], [([2, 3, 4, 16], np.float32)],
                       options=("LocalResponseNormalizationOptions", {"radius": radius, "bias": bias, "alpha": alpha, "beta": beta}))
        add(f"local_response_normalization_r{radius}", "LOCAL_RESPONSE_NORMALIZATION", model,
            lambda r: [r.normal(0, 3, size=[2, 3, 4, 16]).astype(np.float32)], "float32")


# ---------------------------------------------------------------------------------------------
# Element-type probes

TYPES = {"float32": np.float32, "float16": np.float16, "float64": np.float64, "int8": np.int8, "uint8": np.uint8,
         "int16": np.int16, "int32": np.int32, "int64": np.int64, "bool": np.bool_, "uint16": np.uint16, "uint32": np.uint32}
Q = {"int8": ([0.1], [0]), "uint8": ([0.1], [128]), "int16": ([0.1], [0])}


def values(dtype, r, shape):
    """Inputs for a type: floats with fractions and both signs, integers across a wide range."""
    if dtype == np.bool_:
        return r.random(shape) < 0.5
    if np.dtype(dtype).kind == "f":
        return (r.normal(0, 40, size=shape)).astype(dtype)
    info = np.iinfo(dtype)
    return r.integers(max(info.min, -(1 << 20)), min(info.max, 1 << 20), size=shape, endpoint=True).astype(dtype)


def define_conversions():
    # QUANTIZE: float → integer, and requantisation between integer types (scales / zero points differ).
    quant = {"int8": (np.int8, ([0.07], [-3])), "uint8": (np.uint8, ([0.09], [131])), "int16": (np.int16, ([0.002], [0]))}
    for name, (dtype, q) in quant.items():
        add_probed("quantize_from_float32", "QUANTIZE", single("QUANTIZE", [([2, 7], np.float32)], [([2, 7], dtype, q)]),
                   lambda r: [r.normal(0, 4, size=[2, 7]).astype(np.float32)], name)
    for src, (sdtype, sq) in quant.items():
        for dst, (ddtype, _) in quant.items():
            dq = {"int8": ([0.05], [7]), "uint8": ([0.11], [120]), "int16": ([0.0031], [0])}[dst]
            add_probed(f"quantize_{src}_to", "QUANTIZE", single("QUANTIZE", [([2, 7], sdtype, None, sq)], [([2, 7], ddtype, dq)]),
                       lambda r, sdtype=sdtype: [probe_values(sdtype, r, [2, 7])], dst)
        add_probed("dequantize", "DEQUANTIZE", single("DEQUANTIZE", [([2, 7], sdtype, None, sq)], [([2, 7], np.float32)]),
                   lambda r, sdtype=sdtype: [probe_values(sdtype, r, [2, 7])], src)
    # CAST between every pair of element types LiteRT's kernel runs.
    for src, sdtype in TYPES.items():
        for dst, ddtype in TYPES.items():
            if src == dst:
                continue
            # Floats converted to an integer type stay inside its range (outside it C++ leaves the
            # conversion undefined); integers narrow by wrapping.
            def gen(r, sdtype=sdtype, ddtype=ddtype):
                x = values(sdtype, r, [3, 5])
                if np.dtype(sdtype).kind == "f" and np.dtype(ddtype).kind in "iu":
                    info = np.iinfo(ddtype)
                    x = np.clip(x, max(info.min, -1e6), min(info.max, 1e6)).astype(sdtype)
                return [x]
            add_probed(f"cast_{src}_to", "CAST", single("CAST", [([3, 5], sdtype)], [([3, 5], ddtype)]), gen, dst)


I32C = b.I32C
STRUCTURAL = [
    ("STRIDED_SLICE", [I32C([0, 3]), I32C([2, 0]), I32C([1, -1])], ("StridedSliceOptions", {"beginMask": 1, "endMask": 1}), [([2, 3], None)], 1),
    ("SQUEEZE", [], ("SqueezeOptions", {"squeezeDims": [1]}), [([2, 4], None)], 1),
    ("SPLIT", [], ("SplitOptions", {"numSplits": 2}), [([2, 2], None), ([2, 2], None)], "split"),
    ("SPLIT_V", [I32C([1, 3]), I32C([1], [])], ("SplitVOptions", {"numSplits": 2}), [([2, 1], None), ([2, 3], None)], 1),
    ("UNPACK", [], ("UnpackOptions", {"num": 2, "axis": 0}), [([4], None), ([4], None)], 1),
    ("PADV2", [I32C([1, 0, 0, 2], [2, 2])], None, [([3, 6], None)], "padv2"),
    ("DEPTH_TO_SPACE", [], ("DepthToSpaceOptions", {"blockSize": 2}), [([1, 2, 2, 1], None)], "4d"),
    ("SPACE_TO_DEPTH", [], ("SpaceToDepthOptions", {"blockSize": 2}), [([1, 1, 1, 4], None)], "4d"),
    ("GATHER_ND", [I32C([1, 3, 0, 0], [2, 2])], None, [([2], None)], 1),
]


def define_structural():
    for op, constants, options, outputs, kind in STRUCTURAL:
        for name, dtype in TYPES.items():
            if name == "float32":
                continue
            q = Q.get(name)
            if kind == "4d":
                shape = [1, 2, 2, 1] if op == "SPACE_TO_DEPTH" else [1, 1, 1, 4]
            else:
                shape = [2, 1, 4] if op == "SQUEEZE" else [2, 4]
            outs = [(s, out or dtype, q if out is None else None) for s, out in outputs]
            data = [(shape, dtype, None, q)]
            if kind == "split":
                data = [I32C([1], []) + (None,)] + data
            extra = [c + (None,) for c in constants]
            if kind == "padv2":
                extra.append(([], dtype, np.array(3 if name != "bool" else True, dtype), q))
            model = single(op, data + extra, outs, options=options)
            add_probed(op.lower(), op, model, lambda r, dtype=dtype, shape=shape: [probe_values(dtype, r, shape)], name)


def define_quantized_activations():
    for name in ("int8", "uint8", "int16"):
        dtype = TYPES[name]
        q = {"int8": ([0.05], [3]), "uint8": ([0.05], [120]), "int16": ([0.002], [0])}[name]
        qo = {"int8": ([0.04], [-10]), "uint8": ([0.04], [100]), "int16": ([0.0017], [0])}[name]
        gen = lambda r, dtype=dtype: [probe_values(dtype, r, [2, 8])]  # noqa: E731
        add_probed("leaky_relu", "LEAKY_RELU", single("LEAKY_RELU", [([2, 8], dtype, None, q)], [([2, 8], dtype, qo)],
                                                      options=("LeakyReluOptions", {"alpha": 0.2})), gen, name)
        # int16 PRELU is the 16x8 scheme: LiteRT 2.3.0 reads alpha as int8 (measured: an int16 alpha's
        # bytes are taken as int8 values), so alpha is int8 there.
        alpha_dtype = np.int8 if name == "int16" else dtype
        alpha = np.array([1, -2, 3, 4, -5, 6, 7, 8], alpha_dtype) if name != "uint8" else np.array([130, 126, 133, 134, 125, 136, 137, 128], dtype)
        add_probed("prelu", "PRELU", single("PRELU", [([2, 8], dtype, None, q), ([8], alpha_dtype, alpha, ([0.03], [q[1][0] if name == "uint8" else 0]))],
                                            [([2, 8], dtype, qo)]), gen, name)
        add_probed("hard_swish", "HARD_SWISH", single("HARD_SWISH", [([2, 8], dtype, None, q)], [([2, 8], dtype, qo)]), gen, name)
        softmax_out = {"int8": ([1 / 256], [-128]), "uint8": ([1 / 256], [0]), "int16": ([1 / 32768], [0])}
        for out_name, out_q in softmax_out.items():
            if name == "int16" and out_name != "int16":
                # LiteRT 2.3.0 runs it but writes the int16 result past the end of the 8-bit output
                # (an out-of-bounds write, not a result); Lockstep refuses it (TFLiteSoftmax).
                continue
            add_probed(f"softmax_to_{out_name}" if out_name != name else "softmax", "SOFTMAX",
                       single("SOFTMAX", [([2, 8], dtype, None, q)], [([2, 8], TYPES[out_name], out_q)],
                              options=("SoftmaxOptions", {"beta": 0.7})), gen, name)
        add_probed("log_softmax", "LOG_SOFTMAX", single("LOG_SOFTMAX", [([2, 8], dtype, None, q)],
                                                        [([2, 8], dtype, {"int8": ([16 / 256], [127]), "uint8": ([16 / 256], [255]),
                                                                          "int16": ([1 / 2048], [0])}[name])]), gen, name)
        for op in ("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"):
            opts = ("ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions", {"halfPixelCenters": True})
            add_probed(op.lower() + "_half_pixel", op, single(op, [([1, 2, 3, 2], dtype, None, q), ([2], np.int32, np.array([3, 5], np.int32))],
                                                              [([1, 3, 5, 2], dtype, q)], options=opts),
                       lambda r, dtype=dtype: [probe_values(dtype, r, [1, 2, 3, 2])], name)
    for name in ("int32", "int64", "float16"):
        dtype = TYPES[name]
        for op in ("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"):
            opts = ("ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions", {"alignCorners": False})
            add_probed(op.lower(), op, single(op, [([1, 2, 3, 2], dtype), ([2], np.int32, np.array([3, 5], np.int32))],
                                              [([1, 3, 5, 2], dtype)], options=opts),
                       lambda r, dtype=dtype: [values(dtype, r, [1, 2, 3, 2])], name)


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=b.DEFAULT_OUT)
    parser.add_argument("--only", help="only cases whose name contains this text")
    args = parser.parse_args()
    define_sweeps()
    define_conversions()
    define_structural()
    define_quantized_activations()
    os.makedirs(args.out, exist_ok=True)
    if not args.only:  # regenerate this script's cases from scratch, never touch the others
        for name in os.listdir(args.out):
            if name.startswith(PREFIX):
                shutil.rmtree(os.path.join(args.out, name))
    written, seen = 0, set()
    for index, (name, op, model, inputs, scheme) in enumerate(CASES):
        case_name = f"{PREFIX}{name}_{scheme}"
        assert case_name not in seen, case_name
        seen.add(case_name)
        if args.only and args.only not in case_name:
            continue
        ops = b.write_case(args.out, case_name, model, inputs(rng(7000 + index)), op, scheme, "flatbuffer")
        if op not in ops:
            print(f"warning: {case_name}: the model holds {ops}, not {op}", file=sys.stderr)
        written += 1
        print(f"{case_name}: {ops}")
    print(f"{written} cases in {os.path.relpath(args.out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
