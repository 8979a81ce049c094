#!/usr/bin/env python3
"""Generates the recurrent part of Lockstep's TFLite op-test suite (committed): recurrent,
audio/complex and 3-D builtins, with LiteRT goldens. Cases are written next to the others in
Tests/Fixtures/tflite-op-tests/, named `rec_<op>_<options>_<scheme>` (the prefix keeps them apart
from scripts/make-tflite-op-tests.py's `op_` / `model_` cases; that script is not edited).

Layout of a case (as scripts/make-tflite-op-tests.py, plus `stateful`):

  <case>/model.tflite
  <case>/test_data_set_<k>/input_<i>.npy   inputs as fed (int8/int16 models: already quantised)
  <case>/test_data_set_<k>/output_<i>.npy  LiteRT's outputs
  <case>/case.json                         {"op", "scheme", "ops", "tolerance", "provenance",
                                            "stateful", "note"?}

A `stateful` case holds several data sets that are consecutive invocations of ONE LiteRT
interpreter (the recurrent ops keep their state in variable tensors between invocations), so
`lockstep conformance` runs them in order on one execution state and `lockstep run --steps N`
must reproduce them; other cases hold one data set.

How each model is made (the converter where it emits the op, else the schema's object API):
  * RFFT2D, REAL, IMAG, COMPLEX_ABS, CONV_3D, CONV_3D_TRANSPOSE: the TF 2.21 converter from a
    tf.function (tf.signal.rfft2d, tf.math.real/imag/abs, tf.nn.conv3d/conv3d_transpose); float32
    only, the only type LiteRT computes these in.
  * RNN, UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN: the converter emits none of them
    (a Keras SimpleRNN becomes a WHILE loop), so the model is built with the schema's object API
    (`tensorflow.lite.python.schema_py_generated`, LiteRT's schema.fbs as TF ships it): seeded
    weights, float32 or hybrid (int8 weights, per-tensor symmetric scale max|w|/127 as LiteRT's
    dynamic-range quantiser makes them), variable state tensors; three invocations each.
  * SVDF (object API; no converter path emits it): float32, hybrid (int8 weights) and integer
    (int8 activations, int16 state and time weights; RELU, the only activation LiteRT's integer
    SVDF takes), three invocations each.
  * LSTM, BIDIRECTIONAL_SEQUENCE_LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM variants the converter does
    not produce (layer norm, peephole, projection, CIFG, clipping, time-major, aux inputs): the
    object API (the TF 2.21 converter crashes on the LSTMCellSimple / LayerNormalizedLstmCellSimple
    composite functions, and fuses no bidirectional LSTM); UNIDIRECTIONAL_SEQUENCE_LSTM also from a
    tf-keras 2.21 LSTM layer through the converter: float32, dynamic range (hybrid) and int8 (the
    full-integer 8x8->16 kernel).
  * rec_model_streaming_audio_{float32,dynamic}: a tf-keras model (tf.signal.stft front-end: RFFT2D
    and COMPLEX_ABS; log magnitude; fused LSTM; softmax head) run on four consecutive 256-sample
    chunks of one signal, invoking one interpreter four times (the LSTM state carries over).
Goldens: ai_edge_litert 2.3.0 `Interpreter(..., experimental_op_resolver_type=BUILTIN_REF)`:
reference kernels, no XNNPACK (the resolver is recorded in case.json).
Tolerances: integer outputs bit-exact (rtol 0, atol 0); float outputs rtol 1e-5, atol 1e-6.

Usage: PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-tflite-op-tests-recurrent.py [OUT] [--only SUBSTRING]
(without --only, every `rec_*` folder of OUT is removed first and rewritten; other cases stay).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from ai_edge_litert import interpreter as litert  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "Fixtures", "tflite-op-tests")
PREFIX = "rec_"
GENERATOR = "scripts/make-tflite-op-tests-recurrent.py"

_spec = importlib.util.spec_from_file_location("make_tflite_op_tests", os.path.join(ROOT, "scripts", "make-tflite-op-tests.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)
rng = base.rng


# ---------------------------------------------------------------------------------------------
# Running LiteRT over one or more invocations of one interpreter


def open_interpreter(path: str):
    """BUILTIN_REF (reference kernels, no XNNPACK); builtins it lacks fall back to the builtin
    resolver without default delegates."""
    try:
        return litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF), "BUILTIN_REF"
    except ValueError as error:
        if "Didn't find op" not in str(error):
            raise
        return (litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
                "BUILTIN_WITHOUT_DEFAULT_DELEGATES")


def quantise_for(detail, x: np.ndarray) -> np.ndarray:
    dtype = detail["dtype"]
    if dtype == np.float32 or x.dtype == dtype:
        return x.astype(dtype)
    scale, zero = detail["quantization"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale) + zero, info.min, info.max).astype(dtype)


def run_steps(path: str, steps):
    """Invokes one interpreter once per entry of `steps` (each a list of float inputs, quantised to
    the model's input types). Returns (fed per step, outputs per step, op names, resolver)."""
    interp, resolver = open_interpreter(path)
    interp.allocate_tensors()
    fed_steps, out_steps = [], []
    for inputs in steps:
        fed = []
        for detail, x in zip(interp.get_input_details(), inputs):
            q = quantise_for(detail, x)
            interp.set_tensor(detail["index"], q)
            fed.append(q)
        interp.invoke()
        fed_steps.append(fed)
        out_steps.append([interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()])
    ops = [op["op_name"] for op in interp._get_ops_details()]
    return fed_steps, out_steps, ops, resolver


def write_case(out_dir: str, name: str, model: bytes, steps, op: str, scheme: str, note: str = "", how: str = "converter"):
    """Writes case `name` (a `rec_` name); `steps` is a list of input lists (one per invocation)."""
    case_dir = os.path.join(out_dir, name)
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    path = os.path.join(case_dir, "model.tflite")
    with open(path, "wb") as f:
        f.write(model)
    fed_steps, out_steps, ops, resolver = run_steps(path, steps)
    for k, (fed, outputs) in enumerate(zip(fed_steps, out_steps)):
        data = os.path.join(case_dir, f"test_data_set_{k}")
        os.makedirs(data)
        for i, x in enumerate(fed):
            np.save(os.path.join(data, f"input_{i}.npy"), x)
        for i, y in enumerate(outputs):
            np.save(os.path.join(data, f"output_{i}.npy"), y)
    integer = all(np.issubdtype(y.dtype, np.integer) for y in out_steps[0])
    meta = {
        "op": op,
        "scheme": scheme,
        "ops": ops,
        "stateful": len(steps) > 1,
        "tolerance": {"rtol": 0.0, "atol": 0.0} if integer else {"rtol": 1e-5, "atol": 1e-6},
        "provenance": {
            "generator": GENERATOR,
            "model": how,
            "tensorflow": tf.__version__,
            "ai_edge_litert": base.LITERT_VERSION,
            "resolver": resolver,
            "xnnpack": False,
            "invocations": f"{len(steps)} on one interpreter, in data-set order",
        },
    }
    if note:
        meta["note"] = note
    with open(os.path.join(case_dir, "case.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    if op != "MODEL" and op not in ops:
        print(f"warning: {name}: the model holds {ops}, not {op}", file=sys.stderr)
    return ops


def convert_fn(fn, specs, scheme="float32", seed=0):
    return base.convert(fn, specs, scheme, seed)


# ---------------------------------------------------------------------------------------------
# Models the converter cannot emit: built with the schema's object API (tensorflow.lite.python.
# schema_py_generated, the generated code of LiteRT's schema.fbs that TensorFlow ships)


from tensorflow.lite.python import schema_py_generated as sfb  # noqa: E402
import flatbuffers  # noqa: E402

NUMPY_TO_TFLITE = {np.float32: sfb.TensorType.FLOAT32, np.int8: sfb.TensorType.INT8, np.int16: sfb.TensorType.INT16,
                   np.int32: sfb.TensorType.INT32, np.int64: sfb.TensorType.INT64, np.uint8: sfb.TensorType.UINT8}


class Graph:
    """One subgraph under construction: tensors (constants get buffers), operators, I/O."""

    def __init__(self):
        self.tensors, self.buffers, self.operators, self.codes = [], [sfb.BufferT()], [], []
        self.inputs, self.outputs = [], []

    def tensor(self, name, shape, dtype=np.float32, data=None, scale=None, zero_point=None, variable=False, axis=0):
        t = sfb.TensorT()
        t.name, t.shape, t.type = name.encode(), list(shape), NUMPY_TO_TFLITE[np.dtype(dtype).type]
        t.isVariable = variable
        if scale is not None:
            q = sfb.QuantizationParametersT()
            q.scale = list(np.atleast_1d(np.asarray(scale, np.float32)))
            q.zeroPoint = list(np.atleast_1d(np.asarray(zero_point if zero_point is not None else 0, np.int64)))
            if len(q.zeroPoint) != len(q.scale):
                q.zeroPoint = q.zeroPoint * len(q.scale)
            q.quantizedDimension = axis
            t.quantization = q
        if data is not None:
            b = sfb.BufferT()
            b.data = np.frombuffer(np.ascontiguousarray(np.asarray(data, dtype)).tobytes(), np.uint8)
            self.buffers.append(b)
            t.buffer = len(self.buffers) - 1
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options_type, options, version=1, intermediates=None):
        key = (code, version)
        if key not in self.codes:
            self.codes.append(key)
        o = sfb.OperatorT()
        o.opcodeIndex = self.codes.index(key)
        o.inputs, o.outputs = list(inputs), list(outputs)
        o.builtinOptionsType, o.builtinOptions = options_type, options
        if intermediates:
            o.intermediates = list(intermediates)
        self.operators.append(o)

    def model(self) -> bytes:
        sub = sfb.SubGraphT()
        sub.tensors, sub.operators, sub.inputs, sub.outputs, sub.name = self.tensors, self.operators, self.inputs, self.outputs, b"main"
        m = sfb.ModelT()
        m.version, m.description, m.subgraphs, m.buffers = 3, b"Lockstep make-tflite-op-tests-recurrent.py (schema object API)", [sub], self.buffers
        m.operatorCodes = []
        for code, version in self.codes:
            c = sfb.OperatorCodeT()
            c.builtinCode, c.deprecatedBuiltinCode, c.version = code, min(code, 127), version
            m.operatorCodes.append(c)
        builder = flatbuffers.Builder(1024)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


def symmetric_int8(w: np.ndarray):
    """Per-tensor symmetric int8 weights as LiteRT's dynamic-range quantiser stores them
    (scale max|w| / 127, round half away from zero)."""
    scale = float(np.max(np.abs(w))) / 127.0 or 1.0
    q = np.clip(np.sign(w) * np.floor(np.abs(w) / scale + 0.5), -127, 127).astype(np.int8)
    return q, scale


# ---------------------------------------------------------------------------------------------
# Audio / complex: RFFT2D, REAL, IMAG, COMPLEX_ABS


def complex_cases():
    """(name, op, fn, specs): converter-made float32 models."""
    def rfft(shape, length, outputs):
        @tf.function
        def f(x):
            y = tf.signal.rfft2d(x, fft_length=length)
            parts = {"real": tf.math.real(y), "imag": tf.math.imag(y), "abs": tf.math.abs(y), "complex": y}
            return [parts[o] for o in outputs]
        return f, [tf.TensorSpec(shape, tf.float32)]
    return [
        ("rfft2d_8x16_real_imag", "RFFT2D", *rfft((2, 8, 16), [8, 16], ["real", "imag"])),
        ("rfft2d_crop_pad_real_imag", "RFFT2D", *rfft((6, 20), [8, 16], ["real", "imag"])),
        ("rfft2d_1x32_complex64", "RFFT2D", *rfft((3, 1, 32), [1, 32], ["complex"])),
        ("rfft2d_4x4_rank4_complex64", "RFFT2D", *rfft((2, 2, 4, 4), [4, 4], ["complex"])),
        ("real_4x8", "REAL", *rfft((4, 8), [4, 8], ["real"])),
        ("imag_4x8", "IMAG", *rfft((4, 8), [4, 8], ["imag"])),
        ("complex_abs_16x16", "COMPLEX_ABS", *rfft((16, 16), [16, 16], ["abs"])),
    ]


# ---------------------------------------------------------------------------------------------
# 3-D convolutions


def conv3d_cases():
    def conv(padding, strides, dilations, act, bias, shape=(1, 5, 6, 7, 3), filt=(2, 3, 3, 3, 4)):
        def build(seed):
            w = base.weights(seed, filt)
            b = base.weights(seed + 1, (filt[4],), 0.1)

            @tf.function
            def f(x):
                y = tf.nn.conv3d(x, w, strides=[1, *strides, 1], padding=padding, dilations=[1, *dilations, 1])
                if bias:
                    y = y + b
                return base.activation(y, act)
            return f, [tf.TensorSpec(shape, tf.float32)]
        return build

    def transpose(padding, strides, act, bias, shape=(1, 3, 4, 4, 3), filt=(2, 3, 3, 4, 3)):
        def build(seed):
            w = base.weights(seed, filt)
            b = base.weights(seed + 1, (filt[3],), 0.1)
            out = [shape[0]] + [(n * s if padding == "SAME" else (n - 1) * s + k) for n, s, k in zip(shape[1:4], strides, filt[:3])] + [filt[3]]

            @tf.function
            def f(x):
                y = tf.nn.conv3d_transpose(x, w, output_shape=out, strides=[1, *strides, 1], padding=padding)
                if bias:
                    y = y + b
                return base.activation(y, act)
            return f, [tf.TensorSpec(shape, tf.float32)]
        return build

    return [
        ("conv_3d_same_s1_none", "CONV_3D", conv("SAME", (1, 1, 1), (1, 1, 1), "none", True)),
        ("conv_3d_valid_s1_relu", "CONV_3D", conv("VALID", (1, 1, 1), (1, 1, 1), "relu", True)),
        ("conv_3d_same_s2_relu6", "CONV_3D", conv("SAME", (2, 2, 2), (1, 1, 1), "relu6", True)),
        ("conv_3d_valid_s122_nobias", "CONV_3D", conv("VALID", (1, 2, 2), (1, 1, 1), "none", False)),
        ("conv_3d_same_dilation2_none", "CONV_3D", conv("SAME", (1, 1, 1), (1, 2, 2), "none", True)),
        ("conv_3d_transpose_same_s2_none", "CONV_3D_TRANSPOSE", transpose("SAME", (2, 2, 2), "none", True)),
        ("conv_3d_transpose_valid_s1_relu", "CONV_3D_TRANSPOSE", transpose("VALID", (1, 1, 1), "relu", True)),
        ("conv_3d_transpose_same_s122_nobias", "CONV_3D_TRANSPOSE", transpose("SAME", (1, 2, 2), "none", False)),
    ]


# ---------------------------------------------------------------------------------------------
# RNN, UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN (object API: the TF 2.21 converter
# emits none of them — a Keras SimpleRNN becomes a WHILE loop of builtins)

OBJECT_API = "schema object API (tensorflow.lite.python.schema_py_generated): the converter does not emit this op"
ACT = sfb.ActivationFunctionType


def add_weights(g, name, w, hybrid):
    """A constant weight tensor: float32, or per-tensor symmetric int8 (hybrid)."""
    if hybrid:
        q, scale = symmetric_int8(w)
        return g.tensor(name, w.shape, np.int8, q, scale=scale, zero_point=0)
    return g.tensor(name, w.shape, np.float32, w)


def rnn_cell(g, r, prefix, n_in, units, hybrid, aux=0):
    w = add_weights(g, prefix + "weights", r.uniform(-0.6, 0.6, (units, n_in)).astype(np.float32), hybrid)
    rw = add_weights(g, prefix + "recurrent_weights", r.uniform(-0.5, 0.5, (units, units)).astype(np.float32), hybrid)
    b = g.tensor(prefix + "bias", [units], np.float32, r.uniform(-0.3, 0.3, units).astype(np.float32))
    aw = add_weights(g, prefix + "aux_weights", r.uniform(-0.6, 0.6, (units, aux)).astype(np.float32), hybrid) if aux else -1
    return w, rw, b, aw


def rnn_model(kind, seed, act, hybrid=False, asymmetric=False, time_major=False, merge=True, aux=None,
              batch=2, time=4, n_in=3, units=5, bw_units=4):
    """One RNN-family op; aux: None, "weights" (aux input + aux weights) or "input" (aux input only)."""
    r = rng(seed)
    g = Graph()
    version = 3 if asymmetric else 2 if hybrid else 1
    seq = [time, batch] if time_major else [batch, time]
    if kind == "RNN":
        x = g.tensor("input", [batch, n_in])
        w, rw, b, _ = rnn_cell(g, r, "", n_in, units, hybrid)
        h = g.tensor("hidden_state", [batch, units], variable=True)
        y = g.tensor("output", [batch, units])
        o = sfb.RNNOptionsT()
        o.fusedActivationFunction, o.asymmetricQuantizeInputs = act, asymmetric
        g.op(sfb.BuiltinOperator.RNN, [x, w, rw, b, h], [y], sfb.BuiltinOptions.RNNOptions, o, version)
        g.inputs, g.outputs = [x], [y]
    elif kind == "UNIDIRECTIONAL_SEQUENCE_RNN":
        x = g.tensor("input", seq + [n_in])
        w, rw, b, _ = rnn_cell(g, r, "", n_in, units, hybrid)
        h = g.tensor("hidden_state", [batch, units], variable=True)
        y = g.tensor("output", seq + [units])
        o = sfb.SequenceRNNOptionsT()
        o.timeMajor, o.fusedActivationFunction, o.asymmetricQuantizeInputs = time_major, act, asymmetric
        g.op(sfb.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN, [x, w, rw, b, h], [y], sfb.BuiltinOptions.SequenceRNNOptions, o, version)
        g.inputs, g.outputs = [x], [y]
    else:
        x = g.tensor("input", seq + [n_in])
        aux_size = n_in if aux else 0
        fw = rnn_cell(g, r, "fw_", n_in, units, hybrid, aux_size if aux == "weights" else 0)
        hf = g.tensor("fw_hidden_state", [batch, units], variable=True)
        bw = rnn_cell(g, r, "bw_", n_in, bw_units, hybrid, aux_size if aux == "weights" else 0)
        hb = g.tensor("bw_hidden_state", [batch, bw_units], variable=True)
        a = g.tensor("aux_input", seq + [aux_size]) if aux else -1
        fy = g.tensor("fw_output", seq + [units + bw_units if merge else units])
        outs = [fy] if merge else [fy, g.tensor("bw_output", seq + [bw_units])]
        o = sfb.BidirectionalSequenceRNNOptionsT()
        o.timeMajor, o.fusedActivationFunction, o.mergeOutputs, o.asymmetricQuantizeInputs = time_major, act, merge, asymmetric
        g.op(sfb.BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN, [x, fw[0], fw[1], fw[2], hf, bw[0], bw[1], bw[2], hb, a, fw[3], bw[3]], outs,
             sfb.BuiltinOptions.BidirectionalSequenceRNNOptions, o, version)
        g.inputs, g.outputs = [x] + ([a] if aux else []), outs
    return g.model()


def rnn_cases():
    """(name, op, scheme, model): three invocations each (the state carries over)."""
    U, B, R = "UNIDIRECTIONAL_SEQUENCE_RNN", "BIDIRECTIONAL_SEQUENCE_RNN", "RNN"
    return [
        ("rnn_tanh", R, "float32", lambda s: rnn_model(R, s, ACT.TANH)),
        ("rnn_relu", R, "float32", lambda s: rnn_model(R, s, ACT.RELU)),
        ("rnn_tanh", R, "dynamic", lambda s: rnn_model(R, s, ACT.TANH, hybrid=True)),
        ("rnn_relu6_asymmetric", R, "dynamic", lambda s: rnn_model(R, s, ACT.RELU6, hybrid=True, asymmetric=True)),
        ("unidirectional_sequence_rnn_tanh", U, "float32", lambda s: rnn_model(U, s, ACT.TANH)),
        ("unidirectional_sequence_rnn_time_major_relu", U, "float32", lambda s: rnn_model(U, s, ACT.RELU, time_major=True)),
        ("unidirectional_sequence_rnn_tanh", U, "dynamic", lambda s: rnn_model(U, s, ACT.TANH, hybrid=True)),
        ("unidirectional_sequence_rnn_time_major_relu_n1_to_1_asymmetric", U, "dynamic",
         lambda s: rnn_model(U, s, ACT.RELU_N1_TO_1, hybrid=True, asymmetric=True, time_major=True)),
        ("bidirectional_sequence_rnn_merge_tanh", B, "float32", lambda s: rnn_model(B, s, ACT.TANH)),
        ("bidirectional_sequence_rnn_time_major_relu", B, "float32", lambda s: rnn_model(B, s, ACT.RELU, time_major=True, merge=False)),
        ("bidirectional_sequence_rnn_aux_weights_tanh", B, "float32", lambda s: rnn_model(B, s, ACT.TANH, aux="weights")),
        ("bidirectional_sequence_rnn_time_major_aux_input_relu", B, "float32",
         lambda s: rnn_model(B, s, ACT.RELU, time_major=True, merge=False, aux="input")),
        ("bidirectional_sequence_rnn_merge_tanh", B, "dynamic", lambda s: rnn_model(B, s, ACT.TANH, hybrid=True)),
        ("bidirectional_sequence_rnn_time_major_relu6_asymmetric", B, "dynamic",
         lambda s: rnn_model(B, s, ACT.RELU6, hybrid=True, asymmetric=True, time_major=True, merge=False)),
    ]


def input_specs(model: bytes):
    """(shape, dtype) of each graph input of a model."""
    path = "/tmp/lockstep-rec-probe.tflite"
    with open(path, "wb") as f:
        f.write(model)
    interp, _ = open_interpreter(path)
    return [(tuple(d["shape"]), d["dtype"]) for d in interp.get_input_details()]


def steps_for(model: bytes, r, steps=3, scale=1.0):
    return [[(r.normal(0, scale, shape)).astype(np.float32) for shape, _ in input_specs(model)] for _ in range(steps)]


# ---------------------------------------------------------------------------------------------
# LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, BIDIRECTIONAL_SEQUENCE_LSTM


def lstm_cell(g, r, prefix, n_in, n_cell, n_out, hybrid, cifg=False, peephole=False, layer_norm=False, projection=False, n_aux=0):
    """The weight tensors of one LSTM cell, in UNIDIRECTIONAL_SEQUENCE_LSTM input order 1-17
    (+ layer norm 20-23 and aux weights when asked)."""
    gates = ["input", "forget", "cell", "output"]
    t = {}
    for k in gates:
        if k == "input" and cifg:
            t["i2" + k] = t["r2" + k] = -1
            continue
        t["i2" + k] = add_weights(g, f"{prefix}input_to_{k}_weights", r.uniform(-0.5, 0.5, (n_cell, n_in)).astype(np.float32), hybrid)
        t["r2" + k] = add_weights(g, f"{prefix}recurrent_to_{k}_weights", r.uniform(-0.5, 0.5, (n_cell, n_out)).astype(np.float32), hybrid)
    for k in ["input", "forget", "output"]:
        t["p2" + k] = (add_weights(g, f"{prefix}cell_to_{k}_weights", r.uniform(-0.5, 0.5, n_cell).astype(np.float32), hybrid)
                       if peephole and not (k == "input" and cifg) else -1)
    for k in gates:
        t["b" + k] = -1 if (k == "input" and cifg) else g.tensor(f"{prefix}{k}_gate_bias", [n_cell], np.float32,
                                                                   r.uniform(-0.3, 0.3, n_cell).astype(np.float32) + (1.0 if k == "forget" else 0.0))
    t["proj"] = add_weights(g, prefix + "projection_weights", r.uniform(-0.5, 0.5, (n_out, n_cell)).astype(np.float32), hybrid) if projection else -1
    t["projb"] = g.tensor(prefix + "projection_bias", [n_out], np.float32, r.uniform(-0.1, 0.1, n_out).astype(np.float32)) if projection else -1
    for k in gates:
        t["ln" + k] = (g.tensor(f"{prefix}{k}_layer_norm_coefficients", [n_cell], np.float32, r.uniform(0.5, 1.5, n_cell).astype(np.float32))
                       if layer_norm and not (k == "input" and cifg) else -1)
        t["a2" + k] = (add_weights(g, f"{prefix}aux_input_to_{k}_weights", r.uniform(-0.5, 0.5, (n_cell, n_aux)).astype(np.float32), hybrid)
                       if n_aux and not (k == "input" and cifg) else -1)
    weights = [t["i2" + k] for k in gates] + [t["r2" + k] for k in gates] + [t["p2" + k] for k in ["input", "forget", "output"]]
    weights += [t["b" + k] for k in gates] + [t["proj"], t["projb"]]
    return weights, [t["ln" + k] for k in gates], [t["a2" + k] for k in gates]


def lstm_model(kind, seed, act=ACT.TANH, hybrid=False, asymmetric=False, time_major=False, batch=1, time=4, n_in=3, n_cell=5,
               n_out=None, cifg=False, peephole=False, layer_norm=False, cell_clip=0.0, proj_clip=0.0, merge=True, aux=None):
    """One LSTM-family op built with the object API; aux: None, "weights" or "input" (bidirectional)."""
    r = rng(seed)
    g = Graph()
    projection = n_out is not None
    n_out = n_out if projection else n_cell
    version = (3 if asymmetric else 2 if hybrid else 1)
    if kind == "LSTM":
        version = 4 if asymmetric else 3 if hybrid else 1
        x = g.tensor("input", [batch, n_in])
        w, ln, _ = lstm_cell(g, r, "", n_in, n_cell, n_out, hybrid, cifg, peephole, layer_norm, projection)
        h = g.tensor("output_state", [batch, n_out], variable=True)
        c = g.tensor("cell_state", [batch, n_cell], variable=True)
        y = g.tensor("output", [batch, n_out])
        o = sfb.LSTMOptionsT()
        o.fusedActivationFunction, o.cellClip, o.projClip, o.asymmetricQuantizeInputs = act, cell_clip, proj_clip, asymmetric
        g.op(sfb.BuiltinOperator.LSTM, [x] + w + [h, c] + (ln if layer_norm else []), [y], sfb.BuiltinOptions.LSTMOptions, o, version)
        g.inputs, g.outputs = [x], [y]
    elif kind == "UNIDIRECTIONAL_SEQUENCE_LSTM":
        seq = [time, batch] if time_major else [batch, time]
        x = g.tensor("input", seq + [n_in])
        w, ln, _ = lstm_cell(g, r, "", n_in, n_cell, n_out, hybrid, cifg, peephole, layer_norm, projection)
        h = g.tensor("output_state", [batch, n_out], variable=True)
        c = g.tensor("cell_state", [batch, n_cell], variable=True)
        y = g.tensor("output", seq + [n_out])
        o = sfb.UnidirectionalSequenceLSTMOptionsT()
        o.fusedActivationFunction, o.cellClip, o.projClip, o.timeMajor, o.asymmetricQuantizeInputs = act, cell_clip, proj_clip, time_major, asymmetric
        g.op(sfb.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, [x] + w + [h, c] + ln, [y], sfb.BuiltinOptions.UnidirectionalSequenceLSTMOptions, o, version)
        g.inputs, g.outputs = [x], [y]
    else:
        seq = [time, batch] if time_major else [batch, time]
        x = g.tensor("input", seq + [n_in])
        n_aux = n_in if aux == "weights" else 0
        fw, _, fa = lstm_cell(g, r, "fw_", n_in, n_cell, n_out, hybrid, cifg, peephole, False, projection, n_aux)
        bw, _, ba = lstm_cell(g, r, "bw_", n_in, n_cell, n_out, hybrid, cifg, peephole, False, projection, n_aux)
        states = [g.tensor("fw_output_state", [batch, n_out], variable=True), g.tensor("fw_cell_state", [batch, n_cell], variable=True),
                  g.tensor("bw_output_state", [batch, n_out], variable=True), g.tensor("bw_cell_state", [batch, n_cell], variable=True)]
        a = g.tensor("aux_input", seq + [n_in]) if aux else -1
        fy = g.tensor("fw_output", seq + [2 * n_out if merge else n_out])
        outs = [fy] if merge else [fy, g.tensor("bw_output", seq + [n_out])]
        o = sfb.BidirectionalSequenceLSTMOptionsT()
        o.fusedActivationFunction, o.cellClip, o.projClip, o.mergeOutputs, o.timeMajor, o.asymmetricQuantizeInputs = (
            act, cell_clip, proj_clip, merge, time_major, asymmetric)
        g.op(sfb.BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM, [x] + fw + bw + states + [a] + fa + ba, outs,
             sfb.BuiltinOptions.BidirectionalSequenceLSTMOptions, o, version)
        g.inputs, g.outputs = [x] + ([a] if aux else []), outs
    return g.model()


def lstm_cases():
    """(name, op, scheme, model): three invocations each."""
    L, U, B = "LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM", "BIDIRECTIONAL_SEQUENCE_LSTM"
    return [
        ("lstm", L, "float32", lambda s: lstm_model(L, s, batch=2)),
        ("lstm_layer_norm", L, "float32", lambda s: lstm_model(L, s, layer_norm=True, n_cell=6)),
        ("lstm_cifg_peephole_projection_clip", L, "float32",
         lambda s: lstm_model(L, s, cifg=True, peephole=True, n_out=3, cell_clip=1.5, proj_clip=0.4, batch=3)),
        ("lstm", L, "dynamic", lambda s: lstm_model(L, s, hybrid=True, batch=2)),
        ("lstm_layer_norm_peephole_asymmetric", L, "dynamic", lambda s: lstm_model(L, s, hybrid=True, asymmetric=True, layer_norm=True, peephole=True)),
        ("unidirectional_sequence_lstm_layer_norm", U, "float32", lambda s: lstm_model(U, s, layer_norm=True, n_cell=7)),
        ("unidirectional_sequence_lstm_time_major_projection", U, "float32", lambda s: lstm_model(U, s, time_major=True, batch=2, n_out=4, n_in=9)),
        ("unidirectional_sequence_lstm_time_major_gemm", U, "float32", lambda s: lstm_model(U, s, time_major=True, batch=3, n_in=8, n_cell=16)),
        ("unidirectional_sequence_lstm_cifg_peephole_clip", U, "float32",
         lambda s: lstm_model(U, s, cifg=True, peephole=True, cell_clip=0.8, batch=2, n_cell=6)),
        ("unidirectional_sequence_lstm_projection_peephole", U, "dynamic", lambda s: lstm_model(U, s, hybrid=True, peephole=True, n_out=3, n_in=10)),
        ("unidirectional_sequence_lstm_time_major_layer_norm_asymmetric", U, "dynamic",
         lambda s: lstm_model(U, s, hybrid=True, asymmetric=True, time_major=True, batch=2, layer_norm=True)),
        ("bidirectional_sequence_lstm_merge_time_major", B, "float32", lambda s: lstm_model(B, s, time_major=True, batch=2)),
        ("bidirectional_sequence_lstm_batch_major_projection", B, "float32",
         lambda s: lstm_model(B, s, merge=False, batch=2, n_out=3, peephole=True)),
        ("bidirectional_sequence_lstm_aux_weights", B, "float32", lambda s: lstm_model(B, s, time_major=True, aux="weights")),
        ("bidirectional_sequence_lstm_aux_input", B, "float32", lambda s: lstm_model(B, s, time_major=True, merge=False, aux="input")),
        ("bidirectional_sequence_lstm_merge_time_major", B, "dynamic", lambda s: lstm_model(B, s, hybrid=True, time_major=True, batch=2)),
        ("bidirectional_sequence_lstm_cifg_asymmetric", B, "dynamic",
         lambda s: lstm_model(B, s, hybrid=True, asymmetric=True, cifg=True, merge=False)),
    ]


KERAS_LSTM = """
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, tensorflow as tf, tf_keras
seed, batch, time, n_in, units, scheme, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
rng = np.random.default_rng(seed)
model = tf_keras.Sequential([tf_keras.Input(shape=(time, n_in), batch_size=batch), tf_keras.layers.LSTM(units, return_sequences=True)])
model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])
c = tf.lite.TFLiteConverter.from_keras_model(model)
if scheme != "float32":
    c.optimizations = [tf.lite.Optimize.DEFAULT]
if scheme == "int8":
    def rep():
        r = np.random.default_rng(seed + 1)
        for _ in range(16):
            yield [r.normal(0, 1, (batch, time, n_in)).astype(np.float32)]
    c.representative_dataset = rep
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    c.inference_input_type = tf.int8
    c.inference_output_type = tf.int8
open(path, "wb").write(c.convert())
"""


def keras_lstm(seed, batch, time, n_in, units, scheme):
    """A tf-keras (Keras 2) LSTM layer, which the converter fuses into UNIDIRECTIONAL_SEQUENCE_LSTM
    (float32; dynamic range: hybrid; int8: the full-integer 8x8->16 kernel). In a child process:
    TF_USE_LEGACY_KERAS must be set before TensorFlow is imported."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.tflite")
        subprocess.run([sys.executable, "-c", KERAS_LSTM, str(seed), str(batch), str(time), str(n_in), str(units), scheme, path],
                       check=True, capture_output=True)
        with open(path, "rb") as f:
            return f.read()


def keras_lstm_cases():
    U = "UNIDIRECTIONAL_SEQUENCE_LSTM"
    return [
        ("unidirectional_sequence_lstm_keras", U, "float32", (1, 5, 3, 4)),
        ("unidirectional_sequence_lstm_keras_batch2", U, "float32", (2, 3, 6, 5)),
        ("unidirectional_sequence_lstm_keras", U, "dynamic", (1, 5, 3, 4)),
        ("unidirectional_sequence_lstm_keras_batch2", U, "dynamic", (2, 3, 6, 5)),
        ("unidirectional_sequence_lstm_keras", U, "int8", (1, 5, 3, 4)),
    ]


# ---------------------------------------------------------------------------------------------
# SVDF (object API: the converter has no path to it)


def svdf_model(seed, act, rank=1, bias=True, scheme="float32", asymmetric=False, batch=2, n_in=6, units=3, memory=5):
    """One SVDF: float32, hybrid (int8 weights_feature and weights_time, float activations) or
    integer (int8 input/output and weights_feature, int16 weights_time and state, int32 bias, scales
    chosen as a post-training quantiser would: symmetric weights, the state and output ranges
    estimated from the float weights)."""
    r = rng(seed)
    g = Graph()
    filters = units * rank
    wf = r.uniform(-0.5, 0.5, (filters, n_in)).astype(np.float32)
    wt = r.uniform(-0.5, 0.5, (filters, memory)).astype(np.float32)
    bv = r.uniform(-0.2, 0.2, units).astype(np.float32)
    o = sfb.SVDFOptionsT()
    o.rank, o.fusedActivationFunction, o.asymmetricQuantizeInputs = rank, act, asymmetric
    if scheme == "int8":
        s_in, s_wf, s_wt = 3.0 / 127, float(np.abs(wf).max()) / 127, float(np.abs(wt).max()) / 32767
        s_state, s_out = 4.0 / 32767, 0.006
        x = g.tensor("input", [batch, n_in], np.int8, scale=s_in, zero_point=2)
        w1 = g.tensor("weights_feature", wf.shape, np.int8, np.clip(np.round(wf / s_wf), -127, 127), scale=s_wf, zero_point=0)
        w2 = g.tensor("weights_time", wt.shape, np.int16, np.clip(np.round(wt / s_wt), -32767, 32767), scale=s_wt, zero_point=0)
        b = g.tensor("bias", [units], np.int32, np.round(bv / (s_state * s_wt)), scale=s_state * s_wt, zero_point=0) if bias else -1
        st = g.tensor("activation_state", [batch, memory * filters], np.int16, scale=s_state, zero_point=0, variable=True)
        y = g.tensor("output", [batch, units], np.int8, scale=s_out, zero_point=-128)
        version = 3
    else:
        hybrid = scheme == "dynamic"
        x = g.tensor("input", [batch, n_in])
        w1 = add_weights(g, "weights_feature", wf, hybrid)
        w2 = add_weights(g, "weights_time", wt, hybrid)
        b = g.tensor("bias", [units], np.float32, bv) if bias else -1
        st = g.tensor("activation_state", [batch, memory * filters], variable=True)
        y = g.tensor("output", [batch, units])
        version = (4 if asymmetric else 2) if hybrid else 1
    g.op(sfb.BuiltinOperator.SVDF, [x, w1, w2, b, st], [y], sfb.BuiltinOptions.SVDFOptions, o, version)
    g.inputs, g.outputs = [x], [y]
    return g.model()


def svdf_cases():
    return [
        ("svdf_rank1_relu", "float32", lambda s: svdf_model(s, ACT.RELU)),
        ("svdf_rank2_nobias_none", "float32", lambda s: svdf_model(s, ACT.NONE, rank=2, bias=False)),
        ("svdf_rank5_tanh_memory9", "float32", lambda s: svdf_model(s, ACT.TANH, rank=5, memory=9, n_in=11)),
        ("svdf_rank2_relu", "dynamic", lambda s: svdf_model(s, ACT.RELU, rank=2, scheme="dynamic")),
        ("svdf_rank1_none_asymmetric", "dynamic", lambda s: svdf_model(s, ACT.NONE, scheme="dynamic", asymmetric=True, n_in=10)),
        ("svdf_rank1_relu", "int8", lambda s: svdf_model(s, ACT.RELU, scheme="int8")),
        ("svdf_rank2_relu_nobias", "int8", lambda s: svdf_model(s, ACT.RELU, rank=2, bias=False, scheme="int8")),
    ]


# ---------------------------------------------------------------------------------------------
# A streaming audio model: each invocation takes the next 256-sample chunk; an STFT front-end
# (tf.signal.stft: frames, Hann window, RFFT2D, COMPLEX_ABS), log magnitude, a fused tf-keras LSTM
# whose state lives in variable tensors (so it carries from chunk to chunk), and a softmax head.

KERAS_STREAMING = """
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, tensorflow as tf, tf_keras
seed, scheme, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = np.random.default_rng(seed)
audio = tf_keras.Input(shape=(256,), batch_size=1)
spectrum = tf_keras.layers.Lambda(lambda a: tf.math.log(tf.abs(tf.signal.stft(a, frame_length=64, frame_step=32, fft_length=64)) + 1e-3))(audio)
hidden = tf_keras.layers.LSTM(12, return_sequences=False)(spectrum)
scores = tf_keras.layers.Dense(4, activation="softmax")(hidden)
model = tf_keras.Model(audio, scores)
model.set_weights([rng.uniform(-0.3, 0.3, w.shape).astype(np.float32) for w in model.get_weights()])
c = tf.lite.TFLiteConverter.from_keras_model(model)
if scheme == "dynamic":
    c.optimizations = [tf.lite.Optimize.DEFAULT]
open(path, "wb").write(c.convert())
"""


def streaming_audio(seed, scheme):
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.tflite")
        subprocess.run([sys.executable, "-c", KERAS_STREAMING, str(seed), scheme, path], check=True, capture_output=True)
        with open(path, "rb") as f:
            return f.read()


def audio_chunks(r, steps=4):
    """Consecutive 256-sample chunks of one seeded signal: two tones and noise."""
    t = np.arange(256 * steps) / 8000.0
    signal = 0.6 * np.sin(2 * np.pi * 440 * t) + 0.3 * np.sin(2 * np.pi * 1250 * t * (1 + t)) + 0.05 * r.normal(size=t.size)
    return [[signal[k * 256:(k + 1) * 256].reshape(1, 256).astype(np.float32)] for k in range(steps)]


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--only", help="only cases whose name contains this text (other rec_ cases are kept)")
    args = parser.parse_args()
    tf.random.set_seed(0)
    os.makedirs(args.out, exist_ok=True)
    if not args.only:
        for name in os.listdir(args.out):
            if name.startswith(PREFIX):
                shutil.rmtree(os.path.join(args.out, name))
    wanted = lambda case: not args.only or args.only in case  # noqa: E731
    written = 0
    for index, (name, op, fn, specs) in enumerate(complex_cases()):
        case = f"{PREFIX}{name}_float32"
        if wanted(case):
            r = rng(3000 + index)
            model = convert_fn(fn, specs)
            print(case, write_case(args.out, case, model, [[base.sample(s, r) * 2.0 for s in specs]], op, "float32"))
            written += 1
    for index, (name, op, build) in enumerate(conv3d_cases()):
        case = f"{PREFIX}{name}_float32"
        if wanted(case):
            seed = 3100 + index
            fn, specs = build(seed)
            r = rng(seed + 7)
            print(case, write_case(args.out, case, convert_fn(fn, specs), [[base.sample(s, r) for s in specs]], op, "float32"))
            written += 1
    for index, (name, op, scheme, make) in enumerate(rnn_cases()):
        case = f"{PREFIX}{name}_{scheme}"
        if wanted(case):
            seed = 3200 + index
            model = make(seed)
            print(case, write_case(args.out, case, model, steps_for(model, rng(seed + 7)), op, scheme, how=OBJECT_API))
            written += 1
    for index, (name, op, scheme, make) in enumerate(lstm_cases()):
        case = f"{PREFIX}{name}_{scheme}"
        if wanted(case):
            seed = 3300 + index
            model = make(seed)
            print(case, write_case(args.out, case, model, steps_for(model, rng(seed + 7)), op, scheme, how=OBJECT_API))
            written += 1
    for index, (name, op, scheme, shape) in enumerate(keras_lstm_cases()):
        case = f"{PREFIX}{name}_{scheme}"
        if wanted(case):
            seed = 3400 + index
            model = keras_lstm(seed, *shape, scheme)
            how = "converter: tf-keras 2.21 LSTM layer (Keras 2), fused by the TF 2.21 converter"
            print(case, write_case(args.out, case, model, steps_for(model, rng(seed + 7)), op, scheme, how=how))
            written += 1
    for index, (name, scheme, make) in enumerate(svdf_cases()):
        case = f"{PREFIX}{name}_{scheme}"
        if wanted(case):
            seed = 3600 + index
            model = make(seed)
            print(case, write_case(args.out, case, model, steps_for(model, rng(seed + 7)), "SVDF", scheme, how=OBJECT_API))
            written += 1
    for scheme in ("float32", "dynamic"):
        case = f"{PREFIX}model_streaming_audio_{scheme}"
        if wanted(case):
            how = "converter: tf-keras 2.21 model (tf.signal.stft front-end, LSTM, Dense), TF 2.21 converter"
            print(case, write_case(args.out, case, streaming_audio(3500, scheme), audio_chunks(rng(3507)), "MODEL", scheme, how=how))
            written += 1
    print(f"{written} cases written to {os.path.relpath(args.out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
