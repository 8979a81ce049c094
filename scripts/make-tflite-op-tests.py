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
    """Converts tf.function `fn` (input `specs`) in `scheme`."""
    concrete = fn.get_concrete_function(*specs)
    # Without a trackable object the converter freezes captured weights into constants (with
    # one, TF 2.21 keeps Keras variables as VAR_HANDLE/READ_VARIABLE resources).
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    if scheme == "float32":
        pass
    elif scheme == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif scheme == "dynamic":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif scheme in ("int8", "int8pt", "int8io", "int16x8"):
        def representative():
            r = rng(seed + 1000)
            for _ in range(16):
                if calibration is not None:
                    yield [calibration(r)]
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


def sample(spec: tf.TensorSpec, r: np.random.Generator) -> np.ndarray:
    return r.normal(0, 1, size=spec.shape).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Running LiteRT


# Cases whose golden comes from the optimised builtin kernels (still no XNNPACK), with the reason.
RESOLVER_OVERRIDES = {
    "op_sum_w_keepdims_int8": "LiteRT 2.3.0's reference SUM (BUILTIN_REF) returns -1 for most int8 outputs of this "
                              "case; the optimised kernel agrees with float math (sum, then requantise) and with Lockstep",
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
    interp.allocate_tensors()
    fed = []
    for detail, x in zip(interp.get_input_details(), float_inputs):
        dtype = detail["dtype"]
        if dtype != np.float32:
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
    integer = all(np.issubdtype(y.dtype, np.integer) for y in outputs)
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


def fc_case(act, bias=True, batch=2):
    def build(seed):
        w = weights(seed, (16, 8), 0.3)
        b = weights(seed + 1, (8,), 0.1)

        @tf.function
        def f(x):
            y = tf.matmul(x, w)
            if bias:
                y = y + b
            return activation(y, act)
        return f, [tf.TensorSpec((batch, 16), tf.float32)]
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
    add("fully_connected_hybrid", "FULLY_CONNECTED", fc_case("none"), ["dynamic"])
    add("batch_matmul_hybrid", "BATCH_MATMUL", batch_matmul_const_case(), ["dynamic"])
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
    calib = lambda r: x[r.integers(0, len(x), size=4)]  # noqa: E731
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
    calib = lambda r: x[r.integers(0, len(x), size=2)]  # noqa: E731
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
            fn, specs = build(seed)
            model = convert(fn, specs, scheme, seed)
            r = rng(seed + 7)
            inputs = [sample(s, r) * 2.0 for s in specs]
            ops = write_case(args.out, case, model, inputs, op, scheme)
            if op not in ops:
                print(f"warning: {case}: the converter produced {ops}, not {op}", file=sys.stderr)
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
