#!/usr/bin/env python3
"""Generates Lockstep's TFLite op-test suite and model set (committed) with the real TFLite
converter, and their golden outputs with LiteRT's reference kernels.

Writes OUT (default Tests/Fixtures/tflite-op-tests/), one folder per case, in the layout of the
ONNX backend node tests:

  <case>/model.tflite
  <case>/test_data_set_0/input_<i>.npy    seeded inputs (int8/int16 models: already quantised)
  <case>/test_data_set_0/output_<i>.npy   LiteRT's outputs
  <case>/case.json                        {"op", "scheme", "ops", "tolerance": {"rtol", "atol"},
                                           "provenance": {...}}

Cases:
  * one single-op model per builtin × option combination the converter produces from a
    tf.function over one op (`op_<op>_<options>_<scheme>`), in the schemes float32, int8
    (full-integer, int8 I/O, per-channel weights), int8pt (per-tensor weights), int16x8
    (int16 activations, int8 weights, int16 I/O) where the converter supports the op;
  * quantize/dequantize models (float I/O around an int8 body), float16-weight models
    (DEQUANTIZE float16 → float32) and dynamic-range models (hybrid ops, float I/O);
  * `model_mlp_<scheme>` and `model_cnn_<scheme>`: a small MLP and CNN trained briefly on a
    seeded synthetic data set, converted in every post-training scheme: float32, float16,
    dynamic, int8, int8pt, int16x8.

Goldens: `ai_edge_litert.interpreter.Interpreter(model_path=…, experimental_op_resolver_type=
OpResolverType.BUILTIN_REF)` — TFLite's reference kernels, and no XNNPACK delegate (the
reference resolver applies no default delegate); builtins the reference resolver does not
register (ELU) run with BUILTIN_WITHOUT_DEFAULT_DELEGATES (optimised kernels, still no XNNPACK).
The resolver is recorded in every case.json.
Tolerances: integer outputs must match bit for bit (rtol 0, atol 0); float outputs rtol 1e-5,
atol 1e-6.

Deterministic: seeds are fixed; the converter's output for a given TensorFlow version is
stable. The folder is regenerated from scratch. Everything is small (a few hundred KB).

Usage: PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-tflite-op-tests.py [OUT] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
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
LITERT_VERSION = "2.3.0"

SCHEMES_INT = ["float32", "int8", "int16x8"]
SCHEMES_WEIGHTS = ["float32", "int8", "int8pt", "int16x8"]


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------------
# Conversion


def convert(fn, specs, scheme: str, seed: int, calibration=None) -> bytes:
    """Converts tf.function `fn` (input `specs`) in `scheme`; `calibration(r)` gives one list of
    inputs for the representative data set (default: `sample` per spec)."""
    concrete = fn.get_concrete_function(*specs)
    # Without a trackable object the converter freezes captured weights into constants (with
    # one, TF 2.21 keeps Keras variables as VAR_HANDLE/READ_VARIABLE resources).
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    if scheme in ("float32", "int32", "int64", "bool"):
        pass  # no optimisation: float, integer or bool tensors as the function has them
    elif scheme == "sparse":
        converter.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    elif scheme == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif scheme in ("dynamic", "dynamicpt"):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if scheme == "dynamicpt":
            converter._experimental_disable_per_channel = True
    elif scheme in ("int8", "int8pt", "int8io", "int16x8"):
        def representative():
            r = rng(seed + 1000)
            for _ in range(16):
                if calibration is not None:
                    yield calibration(r)
                else:
                    yield [sample(s, r) for s in specs]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        if scheme == "int16x8":
            converter.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            converter.inference_input_type = tf.int16
            converter.inference_output_type = tf.int16
        else:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            if scheme != "int8io":  # int8io: float I/O around the int8 body (QUANTIZE / DEQUANTIZE)
                converter.inference_input_type = tf.int8
                converter.inference_output_type = tf.int8
        if scheme == "int8pt":
            converter._experimental_disable_per_channel = True
    else:
        raise ValueError(scheme)
    return converter.convert()


def concrete_shape(spec: tf.TensorSpec) -> list[int]:
    """The spec's shape with unknown dimensions (None) as 2: the size the cases feed."""
    return [2 if d is None else int(d) for d in spec.shape]


def sample(spec: tf.TensorSpec, r: np.random.Generator) -> np.ndarray:
    """Seeded values for `spec`: float32 standard normal, integers in [0, 8), bools half true."""
    shape = concrete_shape(spec)
    if spec.dtype == tf.bool:
        return r.integers(0, 2, size=shape).astype(np.bool_)
    if spec.dtype.is_integer:
        return r.integers(0, 8, size=shape).astype(spec.dtype.as_numpy_dtype)
    return r.normal(0, 1, size=shape).astype(np.float32)


def scaled(x: np.ndarray) -> np.ndarray:
    """A test input: float samples doubled (wider than the calibration data), others as they are."""
    return x * np.float32(2.0) if x.dtype == np.float32 else x


# ---------------------------------------------------------------------------------------------
# Running LiteRT


# Cases whose golden comes from the optimised builtin kernels (still no XNNPACK), with the reason.
_SUM_REASON = ("LiteRT 2.3.0's reference SUM (BUILTIN_REF) reads int8 / int16 tensors as uint8 (reduce.cc passes "
               "GetTensorData<uint8_t> to reference_ops::QuantizedMeanOrSum), so its outputs are wrong (-1 for most int8 "
               "outputs); the optimised kernel agrees with float math (sum, then requantise) and with Lockstep")
RESOLVER_OVERRIDES = {
    "op_sum_w_keepdims_int8": _SUM_REASON,
    "op_sum_all_axes_int8": _SUM_REASON,
    "op_sum_all_axes_int16x8": _SUM_REASON,
}


def run_litert(path: str, float_inputs: list[np.ndarray], force_builtin: bool = False):
    """Runs the model with the reference resolver (BUILTIN_REF) — or, for the few builtins it
    does not register (ELU), the builtin resolver without default delegates (no XNNPACK); float
    inputs are quantised to the model's input type first. Returns (inputs as fed, outputs,
    op names, resolver name)."""
    resolver = "BUILTIN_REF"
    try:
        if force_builtin:
            raise ValueError("Didn't find op: overridden")
        interp = litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    except ValueError as error:
        if "Didn't find op" not in str(error):
            raise
        resolver = "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
        interp = litert.Interpreter(model_path=path,
                                    experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    details = interp.get_input_details()
    for detail, x in zip(details, float_inputs):
        if list(detail["shape"]) != list(x.shape):  # unknown dimensions (-1) take the fed size
            interp.resize_tensor_input(detail["index"], list(x.shape))
    interp.allocate_tensors()
    fed = []
    for detail, x in zip(details, float_inputs):
        dtype = detail["dtype"]
        if x.dtype == np.float32 and dtype != np.float32:
            scale, zero = detail["quantization"]
            info = np.iinfo(dtype)
            x = np.clip(np.round(x / scale) + zero, info.min, info.max).astype(dtype)
        interp.set_tensor(detail["index"], x)
        fed.append(x)
    interp.invoke()
    outputs = [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]
    ops = [op["op_name"] for op in interp._get_ops_details()]
    return fed, outputs, ops, resolver


def write_case(out_dir: str, name: str, model: bytes, float_inputs, op: str, scheme: str, note: str = ""):
    case_dir = os.path.join(out_dir, name)
    os.makedirs(os.path.join(case_dir, "test_data_set_0"))
    path = os.path.join(case_dir, "model.tflite")
    with open(path, "wb") as f:
        f.write(model)
    fed, outputs, ops, resolver = run_litert(path, float_inputs, force_builtin=name in RESOLVER_OVERRIDES)
    note = note or RESOLVER_OVERRIDES.get(name, "")
    for i, x in enumerate(fed):
        np.save(os.path.join(case_dir, "test_data_set_0", f"input_{i}.npy"), x)
    for i, y in enumerate(outputs):
        np.save(os.path.join(case_dir, "test_data_set_0", f"output_{i}.npy"), y)
    integer = all(y.dtype.kind in "iub" for y in outputs)  # integer and bool outputs: bit for bit
    meta = {
        "op": op,
        "scheme": scheme,
        "ops": ops,
        "tolerance": {"rtol": 0.0, "atol": 0.0} if integer else {"rtol": 1e-5, "atol": 1e-6},
        "provenance": {
            "generator": "scripts/make-tflite-op-tests.py",
            "tensorflow": tf.__version__,
            "ai_edge_litert": LITERT_VERSION,
            "resolver": resolver,
            "xnnpack": False,
        },
    }
    if note:
        meta["note"] = note
    with open(os.path.join(case_dir, "case.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
    return ops


# ---------------------------------------------------------------------------------------------
# Single-op cases: (name, op, builder(seed) -> (fn, specs), schemes)


def weights(seed: int, shape, scale=0.5) -> tf.Variable:
    return tf.constant(rng(seed).normal(0, scale, size=shape).astype(np.float32))


def conv_case(padding, stride, dilation, act, depthwise=False, multiplier=1, bias=True):
    def build(seed):
        cin = 3
        if depthwise:
            w = weights(seed, (3, 3, cin, multiplier))
            b = weights(seed + 1, (cin * multiplier,), 0.1)
        else:
            w = weights(seed, (3, 3, cin, 4))
            b = weights(seed + 1, (4,), 0.1)
        spec = tf.TensorSpec((1, 9, 9, cin), tf.float32)

        @tf.function
        def f(x):
            if depthwise:
                y = tf.nn.depthwise_conv2d(x, w, strides=[1, stride, stride, 1], padding=padding,
                                           dilations=[dilation, dilation])
            else:
                y = tf.nn.conv2d(x, w, strides=stride, padding=padding, dilations=dilation)
            if bias:
                y = y + b
            return activation(y, act)
        return f, [spec]
    return build


def activation(y, act):
    if act == "relu":
        return tf.nn.relu(y)
    if act == "relu6":
        return tf.nn.relu6(y)
    if act == "relu_n1_to_1":
        return tf.clip_by_value(y, -1.0, 1.0)
    return y


def fc_case(act, bias=True, batch=2, inputs=16, units=8, leading=()):
    """tf.matmul with constant weights [inputs, units] (+ bias, activation): FULLY_CONNECTED; a
    rank-3 input (`leading` dimensions before the batch) keeps its dimensions (`keep_num_dims`)."""
    def build(seed):
        w = weights(seed, (inputs, units), 0.3)
        b = weights(seed + 1, (units,), 0.1)

        @tf.function
        def f(x):
            y = tf.matmul(x, w)
            if bias:
                y = y + b
            return activation(y, act)
        return f, [tf.TensorSpec(tuple(leading) + (batch, inputs), tf.float32)]
    return build


def unary_case(fn, shape=(2, 4, 4, 3)):
    def build(seed):
        @tf.function
        def f(x):
            return fn(x)
        return f, [tf.TensorSpec(shape, tf.float32)]
    return build


def binary_case(fn, shape_a=(2, 4, 4, 3), shape_b=(2, 4, 4, 3), const_b=False):
    def build(seed):
        if const_b:
            b = weights(seed, shape_b, 1.0)

            @tf.function
            def f(x):
                return fn(x, b)
            return f, [tf.TensorSpec(shape_a, tf.float32)]

        @tf.function
        def g(x, y):
            return fn(x, y)
        return g, [tf.TensorSpec(shape_a, tf.float32), tf.TensorSpec(shape_b, tf.float32)]
    return build


def pool_case(kind, padding, stride, size=2, shape=(1, 7, 7, 3)):
    def build(seed):
        @tf.function
        def f(x):
            if kind == "avg":
                return tf.nn.avg_pool2d(x, size, stride, padding)
            return tf.nn.max_pool2d(x, size, stride, padding)
        return f, [tf.TensorSpec(shape, tf.float32)]
    return build


def prelu_case():
    def build(seed):
        alpha = rng(seed).uniform(0.05, 0.4, size=(3,)).astype(np.float32)
        # Keras' PReLU layer: the converter fuses its pattern into PRELU (hand-written
        # relu/neg/mul forms stay unfused).
        layer = tf.keras.layers.PReLU(alpha_initializer=tf.constant_initializer(alpha), shared_axes=[1, 2])
        layer.build((1, 4, 4, 3))

        @tf.function
        def f(x):
            return layer(x)
        return f, [tf.TensorSpec((1, 4, 4, 3), tf.float32)]
    return build


def concat_case(axis):
    def build(seed):
        @tf.function
        def f(x, y):
            return tf.concat([x, y * 2.0], axis=axis)
        return f, [tf.TensorSpec((1, 4, 4, 3), tf.float32), tf.TensorSpec((1, 4, 4, 3), tf.float32)]
    return build


def batch_matmul_case(adj_x=False, adj_y=False):
    def build(seed):
        a = (2, 5, 4) if adj_x else (2, 4, 5)
        b = (2, 6, 5) if adj_y else (2, 5, 6)

        @tf.function
        def f(x, y):
            return tf.matmul(x, y, adjoint_a=adj_x, adjoint_b=adj_y)
        return f, [tf.TensorSpec(a, tf.float32), tf.TensorSpec(b, tf.float32)]
    return build


def reduce_case(kind, axes, keepdims):
    def build(seed):
        @tf.function
        def f(x):
            if kind == "mean":
                return tf.reduce_mean(x, axis=axes, keepdims=keepdims)
            return tf.reduce_sum(x, axis=axes, keepdims=keepdims)
        return f, [tf.TensorSpec((2, 4, 5, 3), tf.float32)]
    return build


def single_op_cases():
    cases = []

    def add(name, op, build, schemes):
        cases.append((name, op, build, schemes))

    for padding in ("SAME", "VALID"):
        for stride in (1, 2):
            for act in ("none", "relu", "relu6"):
                add(f"conv_2d_{padding.lower()}_s{stride}_{act}", "CONV_2D", conv_case(padding, stride, 1, act), SCHEMES_WEIGHTS)
    add("conv_2d_same_dilation2_none", "CONV_2D", conv_case("SAME", 1, 2, "none"), SCHEMES_WEIGHTS)
    add("conv_2d_valid_nobias_relu_n1_to_1", "CONV_2D", conv_case("VALID", 1, 1, "relu_n1_to_1", bias=False), SCHEMES_WEIGHTS)
    for padding in ("SAME", "VALID"):
        for stride in (1, 2):
            add(f"depthwise_conv_2d_{padding.lower()}_s{stride}_m1_relu6", "DEPTHWISE_CONV_2D",
                conv_case(padding, stride, 1, "relu6", depthwise=True), SCHEMES_WEIGHTS)
    add("depthwise_conv_2d_same_s1_m2_none", "DEPTHWISE_CONV_2D", conv_case("SAME", 1, 1, "none", depthwise=True, multiplier=2), SCHEMES_WEIGHTS)
    add("depthwise_conv_2d_valid_dilation2_m1_none", "DEPTHWISE_CONV_2D", conv_case("VALID", 1, 2, "none", depthwise=True), SCHEMES_WEIGHTS)
    for act in ("none", "relu"):
        add(f"fully_connected_{act}", "FULLY_CONNECTED", fc_case(act), SCHEMES_WEIGHTS)
    add("fully_connected_nobias_none", "FULLY_CONNECTED", fc_case("none", bias=False), SCHEMES_WEIGHTS)
    add("batch_matmul", "BATCH_MATMUL", batch_matmul_case(), SCHEMES_INT)
    add("batch_matmul_adj_y", "BATCH_MATMUL", batch_matmul_case(adj_y=True), SCHEMES_INT)
    for padding in ("SAME", "VALID"):
        for stride in (1, 2):
            add(f"average_pool_2d_{padding.lower()}_s{stride}", "AVERAGE_POOL_2D", pool_case("avg", padding, stride), SCHEMES_INT)
            add(f"max_pool_2d_{padding.lower()}_s{stride}", "MAX_POOL_2D", pool_case("max", padding, stride), SCHEMES_INT)
    add("average_pool_2d_same_3x3_s2", "AVERAGE_POOL_2D", pool_case("avg", "SAME", 2, size=3), SCHEMES_INT)
    add("add", "ADD", binary_case(tf.add), SCHEMES_INT)
    add("add_broadcast", "ADD", binary_case(tf.add, shape_b=(1, 1, 1, 3)), SCHEMES_INT)
    add("add_relu", "ADD", binary_case(lambda a, b: tf.nn.relu(a + b)), SCHEMES_INT)
    add("sub", "SUB", binary_case(tf.subtract), SCHEMES_INT)
    add("sub_broadcast_const", "SUB", binary_case(tf.subtract, shape_b=(1, 1, 4, 3), const_b=True), SCHEMES_INT)
    add("mul", "MUL", binary_case(tf.multiply), SCHEMES_INT)
    add("mul_broadcast", "MUL", binary_case(tf.multiply, shape_b=(1, 4, 1, 1)), SCHEMES_INT)
    add("mean_hw_keepdims", "MEAN", reduce_case("mean", [1, 2], True), SCHEMES_INT)
    add("mean_c", "MEAN", reduce_case("mean", [3], False), SCHEMES_INT)
    add("sum_w_keepdims", "SUM", reduce_case("sum", [2], True), ["float32", "int8"])
    add("softmax", "SOFTMAX", unary_case(tf.nn.softmax, shape=(3, 10)), SCHEMES_INT)
    add("softmax_beta2", "SOFTMAX", unary_case(lambda x: tf.nn.softmax(2.0 * x), shape=(3, 10)), SCHEMES_INT)
    add("logistic", "LOGISTIC", unary_case(tf.math.sigmoid), SCHEMES_INT)
    add("tanh", "TANH", unary_case(tf.math.tanh), SCHEMES_INT)
    add("hard_swish", "HARD_SWISH", unary_case(lambda x: x * tf.nn.relu6(x + 3.0) / 6.0), ["float32", "int8"])
    add("leaky_relu", "LEAKY_RELU", unary_case(lambda x: tf.nn.leaky_relu(x, 0.2)), SCHEMES_INT)
    add("prelu", "PRELU", prelu_case(), ["float32", "int8"])
    add("relu", "RELU", unary_case(tf.nn.relu), SCHEMES_INT)
    add("relu6", "RELU6", unary_case(tf.nn.relu6), SCHEMES_INT)
    add("elu", "ELU", unary_case(tf.nn.elu), ["float32", "int8"])
    add("concatenation_axis3", "CONCATENATION", concat_case(3), SCHEMES_INT)
    add("concatenation_axis1", "CONCATENATION", concat_case(1), SCHEMES_INT)
    # QUANTIZE / DEQUANTIZE around an int8 body (float I/O), float16 weights, dynamic range.
    add("quantize_dequantize", "QUANTIZE", unary_case(tf.nn.relu), ["int8io"])
    add("fully_connected_float16_weights", "DEQUANTIZE", fc_case("none"), ["float16"])
    add("conv_2d_float16_weights", "DEQUANTIZE", conv_case("SAME", 1, 1, "none"), ["float16"])
    # Dynamic range quantises only weights of at least 1024 elements (smaller ones stay float).
    add("fully_connected_hybrid", "FULLY_CONNECTED", fc_case("none", inputs=64, units=32), ["dynamic", "dynamicpt"])
    add("batch_matmul_hybrid", "BATCH_MATMUL", batch_matmul_const_case(), ["dynamic"])
    coverage_cases(add)
    return cases


def batch_matmul_const_case():
    def build(seed):
        w = weights(seed, (2, 32, 40), 0.3)

        @tf.function
        def f(x):
            return tf.matmul(x, w)
        return f, [tf.TensorSpec((2, 3, 32), tf.float32)]
    return build


# ---------------------------------------------------------------------------------------------
# Coverage: a case for every other builtin the reference interpreter implements, one per option
# that changes the computation, in every scheme the converter emits the op in (TFLiteOpCoverage-
# Tests checks that every registered builtin has one). Builders return (fn, specs) or
# (fn, specs, make) where `make(r)` gives one list of inputs: used for the calibration data and
# for the test inputs alike (ops with a restricted domain, indices, conditions).

F32 = ["float32"]
F32_INT8 = ["float32", "int8"]
I32 = tf.int32


def spec(shape, dtype=tf.float32) -> tf.TensorSpec:
    return tf.TensorSpec(shape, dtype)


def fn_case(fn, specs, make=None):
    """A case over `fn(*inputs)` traced with `specs`."""
    def build(seed):
        f = tf.function(fn, autograph=False)
        return (f, specs, make) if make else (f, specs)
    return build


def positive(*shapes):
    """Inputs in [0.1, 3): for LOG, SQRT, RSQRT, POW."""
    return lambda r: [r.uniform(0.1, 3.0, size=s).astype(np.float32) for s in shapes]


def nonzero(*shapes):
    """Inputs of magnitude in [0.5, 3) with random signs: divisors."""
    return lambda r: [(r.uniform(0.5, 3.0, size=s) * r.choice([-1.0, 1.0], size=s)).astype(np.float32) for s in shapes]


def with_ints(float_shapes, int_specs):
    """Float inputs (normal) followed by integer inputs: (shape, low, high) each."""
    return lambda r: ([r.normal(0, 1, size=s).astype(np.float32) for s in float_shapes]
                      + [r.integers(lo, hi, size=s).astype(np.int32) for s, lo, hi in int_specs])


def bools_then_floats(bool_shapes, float_shapes):
    return lambda r: ([r.integers(0, 2, size=s).astype(np.bool_) for s in bool_shapes]
                      + [r.normal(0, 1, size=s).astype(np.float32) for s in float_shapes])


def ints(*shapes, low=-6, high=7):
    return lambda r: [r.integers(low, high, size=s).astype(np.int32) for s in shapes]


def transpose_conv_case(padding, stride, bias, act, cin=3, cout=4, size=4):
    """tf.nn.conv2d_transpose (+ bias, activation): TRANSPOSE_CONV with the bias and activation fused."""
    def build(seed):
        w = weights(seed, (3, 3, cout, cin), 0.5)
        b = weights(seed + 1, (cout,), 0.1)
        out = size * stride if padding == "SAME" else (size - 1) * stride + 3

        @tf.function
        def f(x):
            y = tf.nn.conv2d_transpose(x, w, [1, out, out, cout], stride, padding)
            if bias:
                y = y + b
            return activation(y, act)
        return f, [spec((1, size, size, cin))]
    return build


def grouped_conv_case():
    def build(seed):
        w = weights(seed, (3, 3, 2, 6))  # 4 input channels in 2 groups of 2
        b = weights(seed + 1, (6,), 0.1)

        @tf.function
        def f(x):
            return tf.nn.conv2d(x, w, 1, "SAME") + b
        return f, [spec((1, 5, 5, 4))]
    return build


def keras_layer_case(layer, shape, seed_offset=0):
    """One Keras layer with seeded uniform weights in [-0.5, 0.5), frozen into constants."""
    def build(seed):
        r = rng(seed + seed_offset)
        layer.build(shape)
        layer.set_weights([r.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in layer.get_weights()])

        @tf.function
        def f(x):
            return layer(x)
        return f, [spec(shape)], lambda r: [r.uniform(-1, 1, size=shape).astype(np.float32)]
    return build


def sparse_fc_case():
    """An FC whose weights are 80% zeros in 1x4 blocks: the converter's sparsity optimisation
    stores them compressed and densifies them (DENSIFY) before FULLY_CONNECTED."""
    def build(seed):
        r = rng(seed)
        w = r.normal(0, 0.5, size=(32, 16)).astype(np.float32)
        w[r.uniform(size=(32, 16)) < 0.8] = 0.0
        w = tf.constant(w)

        @tf.function
        def f(x):
            return tf.matmul(x, w)
        return f, [spec((2, 32))]
    return build


def coverage_cases(add):
    A = (2, 3, 4)
    # NN
    for padding in ("SAME", "VALID"):
        for stride in (1, 2):
            add(f"transpose_conv_{padding.lower()}_s{stride}_bias", "TRANSPOSE_CONV", transpose_conv_case(padding, stride, True, "none"),
                SCHEMES_WEIGHTS)
    add("transpose_conv_same_s2_nobias", "TRANSPOSE_CONV", transpose_conv_case("SAME", 2, False, "none"), SCHEMES_WEIGHTS)
    add("transpose_conv_same_s2_relu", "TRANSPOSE_CONV", transpose_conv_case("SAME", 2, True, "relu"), SCHEMES_WEIGHTS)
    add("transpose_conv_float16_weights", "TRANSPOSE_CONV", transpose_conv_case("SAME", 2, True, "none"), ["float16"])
    add("transpose_conv_hybrid", "TRANSPOSE_CONV", transpose_conv_case("SAME", 2, True, "none", cin=16, cout=8), ["dynamic"])
    add("conv_2d_groups2", "CONV_2D", grouped_conv_case(), SCHEMES_WEIGHTS)
    add("conv_2d_hybrid", "CONV_2D", keras_layer_case(tf.keras.layers.Conv2D(16, 3, padding="same"), (1, 6, 6, 8)), ["dynamic"])
    add("depthwise_conv_2d_hybrid_m4", "DEPTHWISE_CONV_2D",
        keras_layer_case(tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=4, padding="valid"), (1, 6, 6, 32)), ["dynamic"])
    add("depthwise_conv_2d_float16_weights", "DEPTHWISE_CONV_2D", conv_case("SAME", 1, 1, "none", depthwise=True, multiplier=2),
        ["float16"])
    add("fully_connected_keras_hybrid", "FULLY_CONNECTED", keras_layer_case(tf.keras.layers.Dense(48), (2, 40)), ["dynamic"])
    add("fully_connected_keep_num_dims", "FULLY_CONNECTED", fc_case("none", leading=(2,), batch=3), SCHEMES_WEIGHTS)
    add("fully_connected_keep_num_dims_hybrid", "FULLY_CONNECTED", fc_case("relu", leading=(2,), batch=3, inputs=64, units=32),
        ["dynamic"])
    add("fully_connected_relu6", "FULLY_CONNECTED", fc_case("relu6"), SCHEMES_WEIGHTS)
    add("fully_connected_sparse", "DENSIFY", sparse_fc_case(), ["sparse"])
    add("batch_matmul_adj_x", "BATCH_MATMUL", batch_matmul_case(adj_x=True), SCHEMES_INT)
    add("max_pool_2d_valid_s2_relu", "MAX_POOL_2D", fn_case(lambda x: tf.nn.relu(tf.nn.max_pool2d(x, 2, 2, "VALID")), [spec((1, 6, 6, 3))]),
        SCHEMES_INT)
    add("average_pool_2d_valid_s2_relu6", "AVERAGE_POOL_2D",
        fn_case(lambda x: tf.nn.relu6(tf.nn.avg_pool2d(x, 2, 2, "VALID")), [spec((1, 6, 6, 3))]), SCHEMES_INT)
    add("log_softmax", "LOG_SOFTMAX", fn_case(lambda x: tf.nn.log_softmax(x * 4), [spec((3, 5))]), F32_INT8)
    add("l2_normalization", "L2_NORMALIZATION", fn_case(lambda x: tf.math.l2_normalize(x, axis=-1), [spec((3, 4))]), F32_INT8)
    # Elementwise math
    add("div", "DIV", fn_case(lambda a, b: a / b, [spec(A), spec(A)], nonzero(A, A)), F32_INT8)
    add("div_broadcast_relu", "DIV", fn_case(lambda a, b: tf.nn.relu(a / b), [spec(A), spec((4,))], nonzero(A, (4,))), F32_INT8)
    add("mul_relu6", "MUL", fn_case(lambda a, b: tf.nn.relu6(a * b), [spec(A), spec(A)]), SCHEMES_INT)
    add("sub_relu_n1_to_1", "SUB", fn_case(lambda a, b: tf.clip_by_value(a - b, -1.0, 1.0), [spec(A), spec(A)]), ["float32"])
    for name, fn in (("add", tf.add), ("sub", tf.subtract), ("mul", tf.multiply)):
        add(f"{name}_broadcast", name.upper(), fn_case(fn, [spec(A, I32), spec((4,), I32)], ints(A, (4,))), ["int32"])
    add("relu_n1_to_1", "RELU_N1_TO_1", fn_case(lambda x: tf.clip_by_value(x, -1.0, 1.0), [spec(A)]), F32_INT8)
    add("relu_0_to_1", "RELU_0_TO_1", relu_0_to_1_case(), F32)
    add("gelu", "GELU", fn_case(lambda x: tf.nn.gelu(x, approximate=False), [spec((2, 8))]), SCHEMES_INT)
    add("gelu_approximate", "GELU", fn_case(lambda x: tf.nn.gelu(x, approximate=True), [spec((2, 8))]), SCHEMES_INT)
    add("squared_difference", "SQUARED_DIFFERENCE", fn_case(tf.math.squared_difference, [spec((2, 3)), spec((3,))]), F32_INT8)
    add("pow", "POW", fn_case(lambda a, b: tf.pow(a, b), [spec((2, 3)), spec((2, 3))], positive((2, 3), (2, 3))), F32)
    add("pow", "POW", fn_case(lambda a, b: tf.pow(a, b), [spec((2, 3), I32), spec((2, 3), I32)], ints((2, 3), (2, 3), low=0, high=4)),
        ["int32"])
    for name, fn in (("floor_div", tf.math.floordiv), ("floor_mod", tf.math.floormod)):
        add(name, name.upper(), fn_case(fn, [spec((2, 4)), spec((2, 4))],
                                        lambda r: [r.normal(0, 4, size=(2, 4)).astype(np.float32), nonzero((2, 4))(r)[0]]), F32)
        add(name, name.upper(), fn_case(fn, [spec((2, 4), I32), spec((2, 4), I32)],
                                        lambda r: [r.integers(-20, 20, size=(2, 4)).astype(np.int32),
                                                   (r.integers(1, 5, size=(2, 4)) * r.choice([-1, 1], size=(2, 4))).astype(np.int32)]),
            ["int32"])
    add("sign", "SIGN", fn_case(lambda x: tf.math.sign(x), [spec((2, 5))], lambda r: [np.round(r.normal(0, 1, size=(2, 5))).astype(np.float32)]), F32)
    add("sign", "SIGN", fn_case(lambda x: tf.math.sign(x), [spec((2, 5), I32)], ints((2, 5))), ["int32"])
    add("add_n", "ADD_N", fn_case(lambda a, b, c: tf.add_n([a, b, c]), [spec((2, 3))] * 3), F32)
    add("add_n", "ADD_N", fn_case(lambda a, b, c: tf.add_n([a, b, c]), [spec((2, 3), I32)] * 3, ints((2, 3), (2, 3), (2, 3))), ["int32"])
    for name, fn in (("maximum", tf.maximum), ("minimum", tf.minimum)):
        add(name, name.upper(), fn_case(fn, [spec(A), spec(A)]), SCHEMES_INT)
        add(f"{name}_broadcast", name.upper(), binary_case(fn, shape_a=A, shape_b=(4,), const_b=True), F32_INT8)
        add(name, name.upper(), fn_case(fn, [spec(A, I32), spec(A, I32)], ints(A, A)), ["int32"])
    for name, fn in (("less", tf.less), ("less_equal", tf.less_equal), ("greater", tf.greater),
                     ("greater_equal", tf.greater_equal), ("equal", tf.equal), ("not_equal", tf.not_equal)):
        # Rounded inputs, so that equal values occur.
        rounded = lambda r: [np.round(r.normal(0, 2, size=A)).astype(np.float32) / 2, np.round(r.normal(0, 2, size=A)).astype(np.float32) / 2]  # noqa: E731
        add(name, name.upper(), fn_case(fn, [spec(A), spec(A)], rounded), F32_INT8)
        add(name, name.upper(), fn_case(fn, [spec(A, I32), spec((4,), I32)], ints(A, (4,), low=-2, high=3)), ["int32"])
    bools = lambda *shapes: lambda r: [r.integers(0, 2, size=s).astype(np.bool_) for s in shapes]  # noqa: E731
    add("logical_and", "LOGICAL_AND", fn_case(tf.logical_and, [spec(A, tf.bool), spec((4,), tf.bool)], bools(A, (4,))), ["bool"])
    add("logical_or", "LOGICAL_OR", fn_case(tf.logical_or, [spec(A, tf.bool), spec(A, tf.bool)], bools(A, A)), ["bool"])
    add("logical_not", "LOGICAL_NOT", fn_case(tf.logical_not, [spec(A, tf.bool)], bools(A)), ["bool"])
    add("exp", "EXP", fn_case(tf.exp, [spec(A)]), F32_INT8)
    add("log", "LOG", fn_case(tf.math.log, [spec(A)], positive(A)), SCHEMES_INT)
    add("sqrt", "SQRT", fn_case(tf.sqrt, [spec(A)], positive(A)), F32_INT8)
    add("rsqrt", "RSQRT", fn_case(tf.math.rsqrt, [spec(A)], positive(A)), SCHEMES_INT)
    add("abs", "ABS", fn_case(tf.abs, [spec(A)]), SCHEMES_INT)
    add("abs", "ABS", fn_case(tf.abs, [spec(A, I32)], ints(A)), ["int32"])
    add("neg", "NEG", fn_case(tf.negative, [spec(A)]), F32)
    add("neg", "NEG", fn_case(tf.negative, [spec(A, I32)], ints(A)), ["int32"])
    add("square", "SQUARE", fn_case(tf.square, [spec(A)]), F32)
    add("floor", "FLOOR", fn_case(tf.floor, [spec(A)]), F32)
    add("sin", "SIN", fn_case(tf.sin, [spec(A)]), F32)
    add("cos", "COS", fn_case(tf.cos, [spec(A)]), F32)
    # Shapes and data movement
    add("reshape", "RESHAPE", fn_case(lambda x: tf.reshape(x, [3, 8]), [spec(A)]), SCHEMES_INT)
    add("reshape_dynamic", "RESHAPE", fn_case(lambda x: tf.reshape(x, [-1, 12]), [spec((None, 3, 4))]), F32)
    add("squeeze", "SQUEEZE", fn_case(lambda x: tf.squeeze(x, [1]), [spec((None, 1, None))]), F32)
    add("expand_dims", "EXPAND_DIMS", fn_case(lambda x: tf.expand_dims(x, 1), [spec((None, 4))]), F32)
    add("shape", "SHAPE", fn_case(lambda x: tf.shape(x), [spec((None, 3))]), F32)
    add("shape_int64", "SHAPE", fn_case(lambda x: tf.shape(x, out_type=tf.int64), [spec((None, 3))]), F32)
    add("fill", "FILL", fn_case(lambda x: tf.fill(tf.shape(x), 2.5), [spec((None, 3))]), F32)
    add("fill", "FILL", fn_case(lambda n: tf.fill(n, 7), [spec((2,), I32)], ints((2,), low=1, high=4)), ["int32"])
    add("zeros_like", "ZEROS_LIKE", fn_case(tf.zeros_like, [spec((None, 3))]), F32)
    add("zeros_like", "ZEROS_LIKE", fn_case(tf.zeros_like, [spec((None, 3), I32)], ints((2, 3))), ["int32"])
    add("pad", "PAD", fn_case(lambda x: tf.pad(x, [[0, 1], [1, 1], [2, 0]]), [spec(A)]), SCHEMES_INT)
    # PADV2 int16x8: the converter leaves the constant value float, which LiteRT refuses.
    add("padv2", "PADV2", fn_case(lambda x: tf.pad(x, [[0, 1], [1, 1], [2, 0]], constant_values=1.5), [spec(A)]), F32_INT8)
    add("mirror_pad_reflect", "MIRROR_PAD", fn_case(lambda x: tf.pad(x, [[1, 1], [2, 0]], "REFLECT"), [spec((3, 4))]), SCHEMES_INT)
    add("mirror_pad_symmetric", "MIRROR_PAD", fn_case(lambda x: tf.pad(x, [[0, 2], [1, 1]], "SYMMETRIC"), [spec((3, 4))]), SCHEMES_INT)
    B5 = (2, 4, 5)
    add("strided_slice", "STRIDED_SLICE", fn_case(lambda x: x[:, 1:3, ::2], [spec(B5)]), SCHEMES_INT)
    add("strided_slice_shrink", "STRIDED_SLICE", fn_case(lambda x: x[1, :, 2], [spec(B5)]), SCHEMES_INT)
    add("strided_slice_ellipsis", "STRIDED_SLICE", fn_case(lambda x: x[..., 1:4], [spec(B5)]), F32_INT8)
    add("strided_slice_negative_stride", "STRIDED_SLICE", fn_case(lambda x: x[:, ::-1, -2:0:-2], [spec(B5)]), F32_INT8)
    add("strided_slice_masks", "STRIDED_SLICE",
        fn_case(lambda x: tf.strided_slice(x, [1, 1, 1], [2, 3, 4], [1, 1, 2], begin_mask=0b101, end_mask=0b010), [spec(B5)]), F32)
    add("strided_slice_new_axis", "STRIDED_SLICE",
        fn_case(lambda x: tf.strided_slice(x, [0, 0, 1], [0, 3, 5], [1, 1, 1], new_axis_mask=0b001, begin_mask=0b110, end_mask=0b110),
                [spec((None, 5))]), F32)
    add("strided_slice_dynamic", "STRIDED_SLICE", fn_case(lambda x, b: tf.strided_slice(x, b, b + 2), [spec((5, 4)), spec((2,), I32)],
                                                          with_ints([(5, 4)], [((2,), 0, 3)])), F32)
    add("slice", "SLICE", fn_case(lambda x: tf.slice(x, [0, 1, 1], [2, 2, -1]), [spec(B5)]), SCHEMES_INT)
    add("transpose", "TRANSPOSE", fn_case(lambda x: tf.transpose(x, [2, 0, 1]), [spec(A)]), SCHEMES_INT)
    add("transpose_5d", "TRANSPOSE", fn_case(lambda x: tf.transpose(x, [0, 3, 1, 4, 2]), [spec((2, 1, 3, 2, 2))]), F32)
    add("gather_axis1", "GATHER", fn_case(lambda x: tf.gather(x, [2, 0, 2, 1], axis=1), [spec(A)]), SCHEMES_INT)
    add("gather_indices", "GATHER", fn_case(lambda x, i: tf.gather(x, i), [spec((5, 3)), spec((2, 2), I32)], with_ints([(5, 3)], [((2, 2), 0, 5)])),
        F32_INT8)
    add("gather_batch_dims1", "GATHER", fn_case(lambda x, i: tf.gather(x, i, axis=1, batch_dims=1), [spec((2, 4, 3)), spec((2, 3), I32)],
                                                with_ints([(2, 4, 3)], [((2, 3), 0, 4)])), F32_INT8)
    add("gather_nd", "GATHER_ND", fn_case(lambda x, i: tf.gather_nd(x, i), [spec((3, 3, 2)), spec((4, 2), I32)],
                                          with_ints([(3, 3, 2)], [((4, 2), 0, 3)])), SCHEMES_INT)
    add("depth_to_space", "DEPTH_TO_SPACE", fn_case(lambda x: tf.nn.depth_to_space(x, 2), [spec((1, 2, 3, 8))]), F32_INT8)
    add("space_to_depth", "SPACE_TO_DEPTH", fn_case(lambda x: tf.nn.space_to_depth(x, 2), [spec((1, 4, 6, 2))]), F32_INT8)
    add("pack_axis1", "PACK", fn_case(lambda x, y: tf.stack([x, y], axis=1), [spec((2, 3)), spec((2, 3))]), SCHEMES_INT)
    add("pack", "PACK", fn_case(lambda x, y: tf.stack([x, y]), [spec((2, 3), I32), spec((2, 3), I32)], ints((2, 3), (2, 3))), ["int32"])
    add("unpack_axis1", "UNPACK", fn_case(lambda x: tf.unstack(x, axis=1), [spec(A)]), SCHEMES_INT)
    add("split_axis1", "SPLIT", fn_case(lambda x: tf.split(x, 2, axis=1), [spec((2, 4, 3))]), SCHEMES_INT)
    add("split_axis_last", "SPLIT", fn_case(lambda x: tf.split(x, 3, axis=-1), [spec((2, 4, 3))]), F32_INT8)
    add("split_v", "SPLIT_V", fn_case(lambda x: tf.split(x, [1, -1, 2], axis=1), [spec((2, 6))]), SCHEMES_INT)
    add("cast_float_to_int32", "CAST", fn_case(lambda x: tf.cast(x * 4, tf.int32), [spec(A)]), F32)
    add("cast_int32_to_float", "CAST", fn_case(lambda x: tf.cast(x, tf.float32), [spec(A, I32)], ints(A)), ["int32"])
    add("cast_float_to_bool", "CAST", fn_case(lambda x: tf.cast(x, tf.bool), [spec(A)],
                                              lambda r: [np.round(r.normal(0, 1, size=A)).astype(np.float32)]), F32)
    for name, fn in (("arg_max", tf.argmax), ("arg_min", tf.argmin)):
        add(name, name.upper(), fn_case(lambda x, fn=fn: fn(x, axis=1), [spec(A)]), F32_INT8)
        add(f"{name}_int32_last", name.upper(), fn_case(lambda x, fn=fn: fn(x, axis=-1, output_type=tf.int32), [spec(A)]), F32)
    add("tile", "TILE", fn_case(lambda x: tf.tile(x, [2, 1, 3]), [spec((2, 3, 2))]), SCHEMES_INT)
    add("tile", "TILE", fn_case(lambda x: tf.tile(x, [1, 3]), [spec((2, 3), I32)], ints((2, 3))), ["int32"])
    add("broadcast_to", "BROADCAST_TO", fn_case(lambda x: tf.broadcast_to(x, [2, 3, 4]), [spec((3, 1))]), SCHEMES_INT)
    add("cumsum", "CUMSUM", fn_case(lambda x: tf.math.cumsum(x, axis=1), [spec((2, 5))]), F32)
    add("cumsum_exclusive_reverse", "CUMSUM", fn_case(lambda x: tf.math.cumsum(x, axis=0, exclusive=True, reverse=True), [spec((4, 3))]),
        F32)
    add("cumsum", "CUMSUM", fn_case(lambda x: tf.math.cumsum(x, axis=1), [spec((2, 5), I32)], ints((2, 5))), ["int32"])
    add("space_to_batch_nd", "SPACE_TO_BATCH_ND", fn_case(lambda x: tf.space_to_batch_nd(x, [2, 2], [[1, 1], [0, 2]]), [spec((1, 4, 4, 2))]),
        SCHEMES_INT)
    add("batch_to_space_nd", "BATCH_TO_SPACE_ND",
        fn_case(lambda x: tf.compat.v1.batch_to_space_nd(x, [2, 2], [[0, 1], [1, 0]]), [spec((4, 2, 2, 1))]), SCHEMES_INT)
    add("reverse_v2", "REVERSE_V2", fn_case(lambda x: tf.reverse(x, [1]), [spec(A)]), SCHEMES_INT)
    add("reverse_v2_two_axes", "REVERSE_V2", fn_case(lambda x: tf.reverse(x, [1, 2]), [spec(A)]), F32)
    add("topk_v2", "TOPK_V2", fn_case(lambda x: tf.math.top_k(x, k=3), [spec((2, 6))]), F32_INT8)
    add("topk_v2", "TOPK_V2", fn_case(lambda x: tf.math.top_k(x, k=2), [spec((3, 5), I32)], ints((3, 5), low=0, high=4)), ["int32"])
    add("one_hot", "ONE_HOT", fn_case(lambda i: tf.one_hot(i, depth=4, on_value=2.0, off_value=-1.0), [spec((5,), I32)], ints((5,), low=-1, high=5)),
        ["int32"])
    add("one_hot_axis0", "ONE_HOT", fn_case(lambda i: tf.one_hot(i, depth=3, axis=0, dtype=tf.int32), [spec((2, 2), I32)],
                                            ints((2, 2), low=0, high=3)), ["int32"])
    add("range", "RANGE", fn_case(lambda n: tf.range(0, n[0], 2), [spec((1,), I32)], ints((1,), low=3, high=12)), ["int32"])
    add("range", "RANGE", fn_case(lambda x: tf.range(x[0], x[0] + 3.0, 0.75), [spec((1,))]), F32)
    add("select", "SELECT", fn_case(lambda c, x, y: tf.compat.v1.where(c, x, y), [spec(A, tf.bool), spec(A), spec(A)],
                                    bools_then_floats([A], [A, A])), SCHEMES_INT)
    add("select_v2", "SELECT_V2", fn_case(lambda c, x, y: tf.where(c, x, y), [spec((2, 1, 4), tf.bool), spec(A), spec((3, 1))],
                                          bools_then_floats([(2, 1, 4)], [A, (3, 1)])), F32_INT8)
    for kind, fn in (("reduce_max", tf.reduce_max), ("reduce_min", tf.reduce_min), ("reduce_prod", tf.reduce_prod)):
        add(kind, kind.upper(), fn_case(lambda x, fn=fn: fn(x, axis=1), [spec((2, 4, 3))]), SCHEMES_INT)
        add(f"{kind}_keepdims_two_axes", kind.upper(), fn_case(lambda x, fn=fn: fn(x, axis=[0, 2], keepdims=True), [spec((2, 4, 3))]), F32)
        add(kind, kind.upper(), fn_case(lambda x, fn=fn: fn(x, axis=1), [spec((2, 4, 3), I32)], ints((2, 4, 3), low=-3, high=4)), ["int32"])
    add("sum_all_axes", "SUM", fn_case(lambda x: tf.reduce_sum(x, axis=[0, 1, 2]), [spec((2, 4, 3))]), SCHEMES_INT)
    add("sum", "SUM", fn_case(lambda x: tf.reduce_sum(x, axis=1), [spec((2, 4, 3), I32)], ints((2, 4, 3))), ["int32"])
    # Control flow: tf.cond and tf.while_loop over runtime values stay IF / WHILE with subgraphs.
    add("if", "IF", fn_case(lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0), [spec((2, 3))]), F32)
    add("while", "WHILE", fn_case(lambda x, n: tf.while_loop(lambda i, v: i < n[0], lambda i, v: (i + 1, v * 0.5 + 1.0), [tf.constant(0), x])[1],
                                  [spec((2, 3)), spec((1,), I32)], with_ints([(2, 3)], [((1,), 1, 5)])), F32)
    # Image
    R = (1, 4, 5, 3)
    add("resize_bilinear", "RESIZE_BILINEAR", fn_case(lambda x: tf.image.resize(x, [7, 9]), [spec(R)]), SCHEMES_INT)
    add("resize_bilinear_align_corners", "RESIZE_BILINEAR",
        fn_case(lambda x: tf.compat.v1.image.resize_bilinear(x, [7, 9], align_corners=True), [spec(R)]), SCHEMES_INT)
    add("resize_bilinear_legacy", "RESIZE_BILINEAR",
        fn_case(lambda x: tf.compat.v1.image.resize_bilinear(x, [7, 9], half_pixel_centers=False), [spec(R)]), SCHEMES_INT)
    add("resize_bilinear_down", "RESIZE_BILINEAR", fn_case(lambda x: tf.image.resize(x, [3, 2]), [spec(R)]), F32_INT8)
    add("resize_nearest_neighbor", "RESIZE_NEAREST_NEIGHBOR", fn_case(lambda x: tf.image.resize(x, [7, 9], "nearest"), [spec(R)]), SCHEMES_INT)
    add("resize_nearest_neighbor_align_corners", "RESIZE_NEAREST_NEIGHBOR",
        fn_case(lambda x: tf.compat.v1.image.resize_nearest_neighbor(x, [7, 9], align_corners=True), [spec(R)]), SCHEMES_INT)
    add("resize_nearest_neighbor_legacy", "RESIZE_NEAREST_NEIGHBOR",
        fn_case(lambda x: tf.compat.v1.image.resize_nearest_neighbor(x, [7, 9]), [spec(R)]), F32_INT8)
    add("resize_nearest_neighbor_down", "RESIZE_NEAREST_NEIGHBOR", fn_case(lambda x: tf.image.resize(x, [3, 2], "nearest"), [spec(R)]),
        F32)


def relu_0_to_1_case():
    """The TF 2.21 converter never emits RELU_0_TO_1 from TensorFlow ops (clip_by_value(x, 0, 1)
    stays MINIMUM(RELU(x), 1)), so this case is the converter's RELU model with its operator code
    rewritten to RELU_0_TO_1 (`Rewrite`); LiteRT's kernel computes the golden as for any case."""
    def build(seed):
        return tf.function(tf.nn.relu, autograph=False), [spec((2, 3, 4))], None, Rewrite("RELU", "RELU_0_TO_1")
    return build


class Rewrite:
    """Rewrites one builtin operator code of a converted model (schema object API of TF 2.21)."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def __call__(self, model: bytes) -> bytes:
        import flatbuffers
        from tensorflow.lite.python import schema_py_generated as schema
        m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
        old, new = getattr(schema.BuiltinOperator, self.old), getattr(schema.BuiltinOperator, self.new)
        hits = [c for c in m.operatorCodes if max(c.builtinCode, c.deprecatedBuiltinCode) == old]
        if len(hits) != 1:
            raise SystemExit(f"Rewrite: {len(hits)} operator codes {self.old}")
        hits[0].builtinCode = new
        hits[0].deprecatedBuiltinCode = min(new, schema.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES)
        builder = flatbuffers.Builder(len(model) + 1024)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


# ---------------------------------------------------------------------------------------------
# The model set: a small MLP and CNN trained briefly on seeded synthetic data.

MODEL_SCHEMES = ["float32", "float16", "dynamic", "int8", "int8pt", "int16x8"]


def synthetic_classification(seed: int, n: int, shape, classes: int):
    r = rng(seed)
    centers = r.normal(0, 1.5, size=(classes,) + shape).astype(np.float32)
    labels = r.integers(0, classes, size=n)
    x = centers[labels] + r.normal(0, 1, size=(n,) + shape).astype(np.float32)
    return x.astype(np.float32), labels


def train(initial, forward, x, y, steps=150, lr=0.05):
    """Plain gradient descent on softmax cross-entropy; returns the trained weights as constants."""
    params = [tf.Variable(p) for p in initial]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=forward(x, params)))
        for p, g in zip(params, tape.gradient(loss, params)):
            p.assign_sub(lr * g)
    return [tf.constant(p.numpy()) for p in params]


def mlp_model(seed: int):
    x, y = synthetic_classification(seed, 256, (20,), 4)
    r = rng(seed + 1)
    initial = [r.normal(0, 0.3, (20, 32)), np.zeros(32), r.normal(0, 0.3, (32, 16)), np.zeros(16),
               r.normal(0, 0.3, (16, 4)), np.zeros(4)]

    def logits(v, p):
        h = tf.nn.relu(tf.matmul(v, p[0]) + p[1])
        h = tf.nn.relu6(tf.matmul(h, p[2]) + p[3])
        return tf.matmul(h, p[4]) + p[5]
    trained = train([np.float32(a) for a in initial], logits, x, y)

    @tf.function
    def f(v):
        return tf.nn.softmax(logits(v, trained))
    calib = lambda r: [x[r.integers(0, len(x), size=4)]]  # noqa: E731
    return f, [tf.TensorSpec((4, 20), tf.float32)], calib, x[:4]


def cnn_model(seed: int):
    x, y = synthetic_classification(seed, 128, (12, 12, 1), 3)
    r = rng(seed + 1)
    initial = [r.normal(0, 0.3, (3, 3, 1, 8)), np.zeros(8), r.normal(0, 0.3, (3, 3, 8, 1)), np.zeros(8),
               r.normal(0, 0.3, (1, 1, 8, 12)), np.zeros(12), r.normal(0, 0.3, (12, 3)), np.zeros(3)]

    def logits(v, p):
        h = tf.nn.relu(tf.nn.conv2d(v, p[0], 1, "SAME") + p[1])
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.nn.relu6(tf.nn.depthwise_conv2d(h, p[2], [1, 1, 1, 1], "SAME") + p[3])
        h = tf.nn.conv2d(h, p[4], 1, "VALID") + p[5]
        h = tf.nn.leaky_relu(h, 0.1)
        h = tf.nn.avg_pool2d(h, 2, 2, "VALID")
        h = tf.reduce_mean(h, axis=[1, 2])
        return tf.matmul(h, p[6]) + p[7]
    trained = train([np.float32(a) for a in initial], logits, x, y, steps=80)

    @tf.function
    def f(v):
        return tf.nn.softmax(logits(v, trained))
    calib = lambda r: [x[r.integers(0, len(x), size=2)]]  # noqa: E731
    return f, [tf.TensorSpec((2, 12, 12, 1), tf.float32)], calib, x[:2]


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--only", help="only cases whose name contains this text (the folder is not cleared)")
    args = parser.parse_args()
    tf.random.set_seed(0)
    if not args.only and os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out, exist_ok=True)
    written = 0
    for index, (name, op, build, schemes) in enumerate(single_op_cases()):
        for scheme in schemes:
            case = f"op_{name}_{scheme}"
            if args.only and args.only not in case:
                continue
            if os.path.isdir(os.path.join(args.out, case)):
                shutil.rmtree(os.path.join(args.out, case))
            seed = 1000 + index
            fn, specs, *extra = build(seed)
            make = extra[0] if extra else None
            model = convert(fn, specs, scheme, seed, calibration=make)
            if len(extra) > 1:
                model = extra[1](model)  # a post-conversion rewrite (Rewrite)
            r = rng(seed + 7)
            inputs = make(r) if make else [scaled(sample(s, r)) for s in specs]
            ops = write_case(args.out, case, model, inputs, op, scheme)
            if op not in ops:
                raise SystemExit(f"{case}: the converter produced {ops}, not {op}")
            written += 1
            print(f"{case}: {ops}")
    for kind, make in (("mlp", mlp_model), ("cnn", cnn_model)):
        for scheme in MODEL_SCHEMES:
            case = f"model_{kind}_{scheme}"
            if args.only and args.only not in case:
                continue
            if os.path.isdir(os.path.join(args.out, case)):
                shutil.rmtree(os.path.join(args.out, case))
            fn, specs, calib, inputs = make(7 if kind == "mlp" else 11)
            model = convert(fn, specs, scheme, 3, calibration=calib)
            ops = write_case(args.out, case, model, [inputs], "MODEL", scheme)
            written += 1
            print(f"{case}: {ops}")
    print(f"{written} cases in {os.path.relpath(args.out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
