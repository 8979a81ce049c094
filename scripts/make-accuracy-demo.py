#!/usr/bin/env python3
"""Generates the per-class accuracy demonstration in examples/accuracy/ (committed; see
docs/accuracy.md, "The demonstration"):

  digits-test.npz               899 held-out scikit-learn digits (50% stratified split, random_state 0):
                                inputs float32 [899, 1, 8, 8] (pixel / 16), labels int64 [899],
                                meta_ink int64 [899] (ink tercile 0 light / 1 medium / 2 heavy, a slice column)
  classes.txt                   zero … nine
  digits_cnn.onnx               small CNN trained with Keras on the other 898 digits (seed 2), written
                                with onnx.helper from the trained weights: Conv 3x3 (8) + Relu, Conv 3x3
                                (16) + Relu, MaxPool 2x2, Flatten, Gemm 256->32 + Relu, Gemm 32->10 (logits)
  digits_cnn_int8.onnx          int8 QDQ (onnxruntime.quantization.quantize_static, per-channel weights,
                                MinMax) calibrated on 100 random training images: the good conversion
  digits_cnn.tflite             the Keras model through TensorFlow's TFLite converter (input NHWC [1, 8, 8, 1])
  digits_cnn_int8.tflite        full-integer int8 (float input/output), representative data = the good
                                calibration images
  digits_cnn_int8_skewed.onnx   the same, calibrated on the 180 training images the float model is least
                                sure of (smallest top logit): the logits' calibrated range tops out near
                                14, confident logits saturate there and tie, argmax breaks ties towards
                                the lower class, and class 4 loses to class 0-3 look-alikes while the
                                aggregate hardly moves

Each quantised model is run in onnxruntime here and its per-class accuracy printed, so a
regeneration shows at once whether the demonstration still holds.

Run in the generator venv:  PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/make-accuracy-demo.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples", "accuracy")
CLASS_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TRAIN_SEED = 2
SKEWED_CALIBRATION = 180
GOOD_CALIBRATION = 100


def split():
    """The digits, scaled to [0, 1], NCHW, split 50/50 stratified (random_state 0)."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    return train_test_split(x, digits.target.astype(np.int64), test_size=0.5, stratify=digits.target, random_state=0)


def train(x_train: np.ndarray, y_train: np.ndarray):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(TRAIN_SEED)
    tf.config.experimental.enable_op_determinism()
    model = tf.keras.Sequential([
        tf.keras.layers.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(32, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-2),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x_train.transpose(0, 2, 3, 1), y_train, epochs=30, batch_size=32, verbose=0)
    return model


def to_onnx(weights) -> onnx.ModelProto:
    """The Keras network as ONNX (NCHW): kernels HWIO -> OIHW; the first Dense layer's rows reordered
    from Keras' (h, w, c) flattening to ONNX's (c, h, w)."""
    k1, b1, k2, b2, d1, c1, d2, c2 = weights
    d1 = d1.reshape(4, 4, 16, -1).transpose(2, 0, 1, 3).reshape(256, -1)
    inits = [numpy_helper.from_array(np.ascontiguousarray(a, dtype=np.float32), n) for a, n in [
        (k1.transpose(3, 2, 0, 1), "conv1.weight"), (b1, "conv1.bias"), (k2.transpose(3, 2, 0, 1), "conv2.weight"),
        (b2, "conv2.bias"), (d1, "fc1.weight"), (c1, "fc1.bias"), (d2, "fc2.weight"), (c2, "fc2.bias")]]
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight", "conv1.bias"], ["conv1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv1"], ["relu1"], name="relu1"),
        helper.make_node("Conv", ["relu1", "conv2.weight", "conv2.bias"], ["conv2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv2"], ["relu2"], name="relu2"),
        helper.make_node("MaxPool", ["relu2"], ["pool"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pool"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc1.weight", "fc1.bias"], ["fc1"], name="fc1"),
        helper.make_node("Relu", ["fc1"], ["relu3"], name="relu3"),
        helper.make_node("Gemm", ["relu3", "fc2.weight", "fc2.bias"], ["logits"], name="fc2"),
    ]
    graph = helper.make_graph(nodes, "digits_cnn",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lockstep-examples",
                              producer_version="1", doc_string="scikit-learn digits CNN (scripts/make-accuracy-demo.py)")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


class Reader(CalibrationDataReader):
    def __init__(self, x: np.ndarray):
        self.items = iter([{"image": x[i:i + 1]} for i in range(len(x))])

    def get_next(self):
        return next(self.items, None)


def quantize(float_path: str, out_path: str, calibration: np.ndarray) -> None:
    quantize_static(float_path, out_path, Reader(calibration), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8, per_channel=True)
    model = onnx.load(out_path)
    model.producer_name, model.producer_version = "lockstep-examples", "1"
    onnx.save(model, out_path)


def to_tflite(model, calibration: np.ndarray) -> None:
    """The same Keras model through TensorFlow's TFLite converter (NHWC input [1, 8, 8, 1], batch 1): float32,
    and full-integer int8 with float input/output, calibrated on the good calibration images."""
    import tensorflow as tf

    # A fixed batch of 1 (as on a device): the same layers on an Input of batch size 1, so Flatten
    # becomes one RESHAPE with a constant shape.
    fixed = tf.keras.Sequential([tf.keras.layers.Input((8, 8, 1), batch_size=1)] + list(model.layers))
    fixed.set_weights(model.get_weights())

    def converter_():
        return tf.lite.TFLiteConverter.from_keras_model(fixed)

    converter = converter_()
    with open(os.path.join(OUT, "digits_cnn.tflite"), "wb") as f:
        f.write(converter.convert())
    converter = converter_()
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    nhwc = calibration.transpose(0, 2, 3, 1)
    converter.representative_dataset = lambda: ([nhwc[i:i + 1]] for i in range(len(nhwc)))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with open(os.path.join(OUT, "digits_cnn_int8.tflite"), "wb") as f:
        f.write(converter.convert())


def tflite_logits(path: str, x: np.ndarray) -> np.ndarray:
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=path)
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    rows = []
    for i in range(len(x)):
        interpreter.set_tensor(inp["index"], x[i:i + 1].transpose(0, 2, 3, 1))
        interpreter.invoke()
        rows.append(interpreter.get_tensor(out["index"])[0].copy())
    return np.array(rows)


def logits(path: str, x: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"]).run(None, {"image": x})[0]


def per_class(pred: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.array([(pred[y == c] == c).mean() for c in range(10)])


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    x_train, x_test, y_train, y_test = split()
    ink = x_test.reshape(len(x_test), -1).sum(1)
    terciles = np.quantile(ink, [1 / 3, 2 / 3])
    meta_ink = np.digitize(ink, terciles).astype(np.int64)
    np.savez_compressed(os.path.join(OUT, "digits-test.npz"), inputs=x_test, labels=y_test, meta_ink=meta_ink)
    with open(os.path.join(OUT, "classes.txt"), "w") as f:
        f.write("\n".join(CLASS_NAMES) + "\n")

    float_path = os.path.join(OUT, "digits_cnn.onnx")
    keras_model = train(x_train, y_train)
    onnx.save(to_onnx(keras_model.get_weights()), float_path)
    train_logits = logits(float_path, x_train)
    least_sure = np.argsort(train_logits.max(1), kind="stable")[:SKEWED_CALIBRATION]
    good = np.random.default_rng(0).choice(len(x_train), GOOD_CALIBRATION, replace=False)
    quantize(float_path, os.path.join(OUT, "digits_cnn_int8.onnx"), x_train[good])
    quantize(float_path, os.path.join(OUT, "digits_cnn_int8_skewed.onnx"), x_train[least_sure])

    to_tflite(keras_model, x_train[good])

    ref = logits(float_path, x_test).argmax(1)
    print(f"float       accuracy {(ref == y_test).mean():.4f}")
    for name in ["digits_cnn_int8.onnx", "digits_cnn_int8_skewed.onnx"]:
        pred = logits(os.path.join(OUT, name), x_test).argmax(1)
        delta = (per_class(pred, y_test) - per_class(ref, y_test)) * 100
        print(f"{name:28s} accuracy {(pred == y_test).mean():.4f}  per-class delta (pt) {np.round(delta, 1).tolist()}")
    for name in ["digits_cnn.tflite", "digits_cnn_int8.tflite"]:
        pred = tflite_logits(os.path.join(OUT, name), x_test).argmax(1)
        delta = (per_class(pred, y_test) - per_class(ref, y_test)) * 100
        print(f"{name:28s} accuracy {(pred == y_test).mean():.4f}  per-class delta (pt) {np.round(delta, 1).tolist()}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
