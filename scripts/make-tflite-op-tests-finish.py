#!/usr/bin/env python3
"""Generates the integer-LSTM part of Lockstep's TFLite op-test suite (committed): the full-integer
(8x8->16) LSTM family, and wider int8 L2_NORMALIZATION / LOG_SOFTMAX and float GELU cases than the
base suite has. Cases are written next to the others in Tests/Fixtures/tflite-op-tests/, named
`fin_<op>_<options>_<scheme>` (the prefix keeps them apart from the `op_` / `model_` / `rec_` cases
of scripts/make-tflite-op-tests.py and make-tflite-op-tests-recurrent.py, whose helpers this
script imports; those scripts are not edited). Layout and case.json as the recurrent script writes
them (`stateful` cases: consecutive invocations of one LiteRT interpreter).

How each model is made:
  * LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM, integer (int8 input / output state / weights, int16
    cell state, int32 biases): the schema's object API (the converter reaches this kernel only
    from a Keras LSTM, which has no CIFG, peephole, projection, clipping or layer norm), with the
    five `intermediates` LiteRT's 8x8->16 kernel reads. Scales are chosen as a post-training
    quantiser would choose them: symmetric per-tensor int8 weights (max|w| / 127), int16 peephole
    and layer-norm weights (max|w| / 32767), gate biases at input scale x weight scale (layer norm:
    at the layer-norm weights' scale / 1024), cell state at 2^-11, hidden and output state from the
    expected range of h, layer-norm intermediates at 2^-12 (Q3.12); three invocations each.
  * UNIDIRECTIONAL_SEQUENCE_LSTM from tf-keras 2.21 LSTM layers through the TF 2.21 converter (int8:
    the 8x8->16 kernel), wider than the recurrent script's case.
  * hybrid TRANSPOSE_CONV (dynamic range: float input, int8 weights per channel or per tensor):
    batches, VALID / SAME, strides, with and without bias, fused activations.
  * L2_NORMALIZATION, LOG_SOFTMAX (int8) and GELU (float32) from tf.functions through the TF 2.21
    converter, on rows long enough and inputs wide enough to reach every branch (LOG_SOFTMAX: inputs
    below the minimum difference; GELU: the tails of erfc / tanh, and sizes that are not a multiple
    of four, whose last elements Eigen computes on its scalar path).
Goldens: ai_edge_litert 2.3.0 `Interpreter(..., experimental_op_resolver_type=BUILTIN_REF)`:
reference kernels, no XNNPACK (the resolver is recorded in case.json). Tolerances: integer outputs
bit-exact (rtol 0, atol 0); float outputs rtol 1e-5, atol 1e-6.

Usage: PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-tflite-op-tests-finish.py [OUT] [--only SUBSTRING]
(without --only, every `fin_*` folder of OUT is removed first and rewritten; other cases stay).
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
import tensorflow as tf  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "Fixtures", "tflite-op-tests")
PREFIX = "fin_"

_spec = importlib.util.spec_from_file_location("make_tflite_op_tests_recurrent",
                                               os.path.join(ROOT, "scripts", "make-tflite-op-tests-recurrent.py"))
rec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rec)
rec.GENERATOR = "scripts/make-tflite-op-tests-finish.py"  # recorded in each case.json by rec.write_case
base, sfb, rng = rec.base, rec.sfb, rec.rng
OBJECT_API = "schema object API (tensorflow.lite.python.schema_py_generated), integer scales as described in the generator"


# ---------------------------------------------------------------------------------------------
# Integer (8x8->16) LSTM built with the object API


def q8(w: np.ndarray):
    """Symmetric per-tensor int8 (max|w| / 127)."""
    scale = float(np.max(np.abs(w))) / 127.0 or 1.0
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def q16(w: np.ndarray):
    """Symmetric per-tensor int16 (max|w| / 32767)."""
    scale = float(np.max(np.abs(w))) / 32767.0 or 1.0
    return np.clip(np.round(w / scale), -32767, 32767).astype(np.int16), scale


def integer_lstm_model(kind, seed, batch=1, time=4, n_in=3, n_cell=4, n_out=None, cifg=False, peephole=False, layer_norm=False,
                       cell_clip=0.0, proj_clip=0.0, time_major=False, input_zp=3, state_zp=0):
    """One integer LSTM / UNIDIRECTIONAL_SEQUENCE_LSTM (24 inputs, 5 intermediates)."""
    r = rng(seed)
    g = rec.Graph()
    projection = n_out is not None
    n_out = n_out if projection else n_cell
    s_x = 3.0 / 127
    s_h = 1.0 / 128 if not projection else 1.5 / 127  # h = o * tanh(c) lies in (-1, 1); projected: wider
    seq = ([time, batch] if time_major else [batch, time]) if kind != "LSTM" else [batch]
    x = g.tensor("input", seq + [n_in], np.int8, scale=s_x, zero_point=input_zp)
    gates = ["input", "forget", "cell", "output"]
    w_in, w_rec, scales_in = {}, {}, {}
    for k in gates:
        if k == "input" and cifg:
            w_in[k] = w_rec[k] = -1
            continue
        qi, si = q8(r.uniform(-0.6, 0.6, (n_cell, n_in)).astype(np.float32))
        qr, sr = q8(r.uniform(-0.6, 0.6, (n_cell, n_out)).astype(np.float32))
        w_in[k] = g.tensor(f"input_to_{k}_weights", qi.shape, np.int8, qi, scale=si, zero_point=0)
        w_rec[k] = g.tensor(f"recurrent_to_{k}_weights", qr.shape, np.int8, qr, scale=sr, zero_point=0)
        scales_in[k] = si
    peep = {}
    for k in ["input", "forget", "output"]:
        if peephole and not (k == "input" and cifg):
            qp, sp = q16(r.uniform(-0.5, 0.5, n_cell).astype(np.float32))
            peep[k] = g.tensor(f"cell_to_{k}_weights", [n_cell], np.int16, qp, scale=sp, zero_point=0)
        else:
            peep[k] = -1
    ln, ln_scales = {}, {}
    for k in gates:
        if layer_norm and not (k == "input" and cifg):
            ql, sl = q16(r.uniform(0.5, 1.5, n_cell).astype(np.float32))
            ln[k] = g.tensor(f"{k}_layer_norm_coefficients", [n_cell], np.int16, ql, scale=sl, zero_point=0)
            ln_scales[k] = sl
        else:
            ln[k] = -1
    bias = {}
    for k in gates:
        if k == "input" and cifg:
            bias[k] = -1
            continue
        b = r.uniform(-0.3, 0.3, n_cell).astype(np.float32) + (1.0 if k == "forget" else 0.0)
        s_b = ln_scales[k] / 1024 if layer_norm else scales_in[k] * s_x
        bias[k] = g.tensor(f"{k}_gate_bias", [n_cell], np.int32, np.round(b / s_b), scale=s_b, zero_point=0)
    proj = projb = -1
    if projection:
        qp, sp = q8(r.uniform(-0.6, 0.6, (n_out, n_cell)).astype(np.float32))
        proj = g.tensor("projection_weights", qp.shape, np.int8, qp, scale=sp, zero_point=0)
        pb = r.uniform(-0.1, 0.1, n_out).astype(np.float32)
        projb = g.tensor("projection_bias", [n_out], np.int32, np.round(pb / (sp * s_h)), scale=sp * s_h, zero_point=0)
    s_out = s_h if not projection else 2.0 / 127
    out_zp = state_zp
    h = g.tensor("output_state", [batch, n_out], np.int8, scale=s_out, zero_point=out_zp, variable=True)
    c = g.tensor("cell_state", [batch, n_cell], np.int16, scale=2.0 ** -11, zero_point=0, variable=True)
    y = g.tensor("output", seq + [n_out], np.int8, scale=s_out, zero_point=out_zp)
    intermediates = [g.tensor(f"{k}_intermediate", [0], np.int16, scale=2.0 ** -12, zero_point=0) if layer_norm
                     else g.tensor(f"{k}_intermediate", [0]) for k in gates]
    intermediates.append(g.tensor("effective_hidden_scale_intermediate", [0], np.int8, scale=s_h,
                                  zero_point=0 if not projection else 5))
    inputs = ([x] + [w_in[k] for k in gates] + [w_rec[k] for k in gates] + [peep[k] for k in ["input", "forget", "output"]]
              + [bias[k] for k in gates] + [proj, projb, h, c] + [ln[k] for k in gates])
    if kind == "LSTM":
        o = sfb.LSTMOptionsT()
        o.fusedActivationFunction, o.cellClip, o.projClip = rec.ACT.TANH, cell_clip, proj_clip
        g.op(sfb.BuiltinOperator.LSTM, inputs, [y], sfb.BuiltinOptions.LSTMOptions, o, 1, intermediates=intermediates)
    else:
        o = sfb.UnidirectionalSequenceLSTMOptionsT()
        o.fusedActivationFunction, o.cellClip, o.projClip, o.timeMajor = rec.ACT.TANH, cell_clip, proj_clip, time_major
        g.op(sfb.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, inputs, [y], sfb.BuiltinOptions.UnidirectionalSequenceLSTMOptions, o, 1,
             intermediates=intermediates)
    g.inputs, g.outputs = [x], [y]
    return g.model()


def integer_lstm_cases():
    """(name, op, model): three invocations each."""
    L, U = "LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM"
    return [
        ("lstm", L, lambda s: integer_lstm_model(L, s, batch=2)),
        ("lstm_layer_norm", L, lambda s: integer_lstm_model(L, s, layer_norm=True, n_cell=8, n_in=5)),
        ("lstm_cifg_peephole_clip", L, lambda s: integer_lstm_model(L, s, cifg=True, peephole=True, cell_clip=0.6, batch=3, state_zp=-2)),
        ("lstm_projection_clip", L, lambda s: integer_lstm_model(L, s, n_out=3, n_cell=6, proj_clip=0.5, batch=2, state_zp=4)),
        ("unidirectional_sequence_lstm", U, lambda s: integer_lstm_model(U, s, batch=2, time=5, input_zp=-7)),
        ("unidirectional_sequence_lstm_time_major", U, lambda s: integer_lstm_model(U, s, time_major=True, batch=2, time=3, n_in=6)),
        ("unidirectional_sequence_lstm_layer_norm_peephole", U,
         lambda s: integer_lstm_model(U, s, layer_norm=True, peephole=True, n_cell=4, batch=2)),
        ("unidirectional_sequence_lstm_cifg_layer_norm_projection", U,
         lambda s: integer_lstm_model(U, s, cifg=True, layer_norm=True, n_out=2, n_cell=4, time_major=True, batch=2)),
    ]


def keras_int8_cases():
    """tf-keras LSTM layers converted to the integer UNIDIRECTIONAL_SEQUENCE_LSTM: (name, shape)."""
    return [
        ("unidirectional_sequence_lstm_keras_batch2", (2, 6, 5, 8)),
        ("unidirectional_sequence_lstm_keras_units12", (1, 4, 7, 12)),
    ]


# ---------------------------------------------------------------------------------------------
# Converter cases: (name, op, fn, input shape, scheme, input maker)


def transpose_conv_fn(seed, batch, size, padding, stride, bias, act, cin=16, cout=8):
    """tf.nn.conv2d_transpose (+ bias, activation) with weights large enough (>= 1024 values) for
    the dynamic-range quantiser: hybrid TRANSPOSE_CONV."""
    w = base.weights(seed, (3, 3, cout, cin), 0.5)
    b = base.weights(seed + 1, (cout,), 0.1)
    out = size * stride if padding == "SAME" else (size - 1) * stride + 3

    def f(x):
        y = tf.nn.conv2d_transpose(x, w, [batch, out, out, cout], stride, padding)
        if bias:
            y = y + b
        return base.activation(y, act)
    return f, (batch, size, size, cin)


def converter_cases():
    def wide(shape, scale):
        return lambda r: [(r.normal(0, 1, size=shape) * scale).astype(np.float32)]

    def tail(shape, scale):
        """Wide values whose last three (Eigen's scalar tail) need erfc's exp(-x^2) branch at
        arguments where the C library's expf and Eigen's pexp_float differ in the last bit."""
        def make(r):
            x = (r.normal(0, 1, size=shape) * scale).astype(np.float32)
            x.reshape(-1)[-3:] = np.array([-6.62587308883667, -4.121170997619629, -4.0931830406188965], np.float32)
            return [x]
        return make
    tc = [
        ("transpose_conv_hybrid_batch2_valid_relu", "dynamic", (2, 3, "VALID", 2, True, "relu")),
        ("transpose_conv_hybrid_same_s1", "dynamicpt", (1, 5, "SAME", 1, True, "none")),
        ("transpose_conv_hybrid_nobias_s2", "dynamic", (1, 5, "SAME", 2, False, "relu6")),
    ]
    cases = []
    for index, (name, scheme, args) in enumerate(tc):
        fn, shape = transpose_conv_fn(5300 + index, *args)
        cases.append((name, "TRANSPOSE_CONV", fn, shape, scheme, wide(shape, 1.5)))
    return cases + [
        ("l2_normalization_rows", "L2_NORMALIZATION", lambda x: tf.math.l2_normalize(x, axis=-1), (4, 33), "int8", wide((4, 33), 2.0)),
        ("l2_normalization_3d", "L2_NORMALIZATION", lambda x: tf.math.l2_normalize(x, axis=-1), (2, 3, 8), "int8", wide((2, 3, 8), 1.0)),
        ("log_softmax_long_rows", "LOG_SOFTMAX", lambda x: tf.nn.log_softmax(x * 6), (3, 64), "int8", wide((3, 64), 2.5)),
        ("log_softmax_3d", "LOG_SOFTMAX", lambda x: tf.nn.log_softmax(x), (2, 2, 10), "int8", wide((2, 2, 10), 3.0)),
        ("gelu_wide", "GELU", lambda x: tf.nn.gelu(x, approximate=False), (4, 64), "float32",
         lambda r: [np.linspace(-12, 12, 256, dtype=np.float32).reshape(4, 64)]),
        ("gelu_approximate_wide", "GELU", lambda x: tf.nn.gelu(x, approximate=True), (4, 64), "float32",
         lambda r: [np.linspace(-12, 12, 256, dtype=np.float32).reshape(4, 64)]),
        ("gelu_random", "GELU", lambda x: tf.nn.gelu(x, approximate=False), (8, 32), "float32", wide((8, 32), 3.0)),
        ("gelu_approximate_random", "GELU", lambda x: tf.nn.gelu(x, approximate=True), (8, 32), "float32", wide((8, 32), 3.0)),
        ("gelu_odd_size", "GELU", lambda x: tf.nn.gelu(x, approximate=False), (3, 7), "float32", tail((3, 7), 6.0)),
        ("gelu_approximate_odd_size", "GELU", lambda x: tf.nn.gelu(x, approximate=True), (3, 7), "float32", wide((3, 7), 6.0)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--only", help="only cases whose name contains this text (other fin_ cases are kept)")
    args = parser.parse_args()
    tf.random.set_seed(0)
    os.makedirs(args.out, exist_ok=True)
    if not args.only:
        for name in os.listdir(args.out):
            if name.startswith(PREFIX):
                shutil.rmtree(os.path.join(args.out, name))
    wanted = lambda case: not args.only or args.only in case  # noqa: E731
    written = 0
    for index, (name, op, make) in enumerate(integer_lstm_cases()):
        case = f"{PREFIX}{name}_int8"
        if wanted(case):
            seed = 5000 + index
            model = make(seed)
            print(case, rec.write_case(args.out, case, model, rec.steps_for(model, rng(seed + 7)), op, "int8", how=OBJECT_API))
            written += 1
    for index, (name, shape) in enumerate(keras_int8_cases()):
        case = f"{PREFIX}{name}_int8"
        if wanted(case):
            seed = 5100 + index
            model = rec.keras_lstm(seed, *shape, "int8")
            how = "converter: tf-keras 2.21 LSTM layer (Keras 2), fused by the TF 2.21 converter"
            print(case, rec.write_case(args.out, case, model, rec.steps_for(model, rng(seed + 7)), "UNIDIRECTIONAL_SEQUENCE_LSTM", "int8",
                                       how=how))
            written += 1
    for index, (name, op, fn, shape, scheme, make) in enumerate(converter_cases()):
        case = f"{PREFIX}{name}_{scheme}"
        if wanted(case):
            seed = 5200 + index
            specs = [tf.TensorSpec(shape, tf.float32)]
            model = base.convert(tf.function(fn, autograph=False), specs, scheme, seed,
                                 calibration=lambda r: [(r.normal(0, 1, size=shape) * 2).astype(np.float32)])
            how = "converter: tf.function, TF 2.21 converter"
            print(case, rec.write_case(args.out, case, model, [make(rng(seed + 7))], op, scheme, how=how))
            written += 1
    print(f"{written} cases written to {os.path.relpath(args.out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
