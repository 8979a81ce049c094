#!/usr/bin/env python3
"""Generates the stateful TFLite models of Tests/Fixtures/tflite-models/ (committed) with LiteRT
goldens over several invocations of one interpreter, for TFLiteStatefulModelTests (the executor's
state across invocations, `lockstep run --steps`, and the recurrent ops).

Runs in the generator venv (`PY=$(bash scripts/generator-venv.sh)`: TensorFlow 2.21's converter;
ai-edge-litert 2.3.0 for the goldens, resolver BUILTIN_REF: reference kernels, no XNNPACK).

Cases (weights from numpy default_rng seeds; inputs seeded from the case name, float uniform in
[-1, 1), int32 in [0, 7)):
  lstm_float         Keras LSTM(4, return_sequences=True) over [1, 5, 3]: UNIDIRECTIONAL_SEQUENCE_LSTM
                     (float, no peephole / projection / layer norm) with variable state tensors.
  fused_lstm         the same layer from tf-keras (Keras 2), fused by the converter into
                     UNIDIRECTIONAL_SEQUENCE_LSTM with variable state tensors.
  variable_streaming a tf.Module holding a tf.Variable state [1, 4]: y = x + 0.5 * state; state := y
                     (resource variables: CALL_ONCE, VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE).
Single-op cases (including the hybrid kernels) live in Tests/Fixtures/tflite-op-tests, written by
scripts/make-tflite-op-tests.py.
Layout: <case>/model.tflite, <case>/step_<k>/input_<i>.npy and output_<j>.npy for k = 0..steps-1,
all invoked on ONE interpreter in order; <case>/case.json (ops, steps, tolerance, provenance).
Usage: $PY scripts/make-tflite-stateful-models.py [OUT_DIR]  (default Tests/Fixtures/tflite-models)
"""
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import tensorflow as tf
from ai_edge_litert import interpreter as litert

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Tests", "Fixtures", "tflite-models")
STEPS = 3


def lstm_float():
    rng = np.random.default_rng(11)
    model = tf.keras.Sequential([tf.keras.Input(shape=(5, 3), batch_size=1), tf.keras.layers.LSTM(4, return_sequences=True)])
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    return converter.convert()


FUSED_LSTM = """
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np, tensorflow as tf, tf_keras
rng = np.random.default_rng(12)
model = tf_keras.Sequential([tf_keras.Input(shape=(5, 3), batch_size=1), tf_keras.layers.LSTM(4, return_sequences=True)])
model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])
open(sys.argv[1], "wb").write(tf.lite.TFLiteConverter.from_keras_model(model).convert())
"""


def fused_lstm():
    """A Keras 2 (tf-keras) LSTM, which the converter fuses into UNIDIRECTIONAL_SEQUENCE_LSTM; in a
    child process because TF_USE_LEGACY_KERAS must be set before TensorFlow is imported."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.tflite")
        subprocess.run([sys.executable, "-c", FUSED_LSTM, path], check=True, capture_output=True)
        with open(path, "rb") as f:
            return f.read()


def variable_streaming():
    class Streaming(tf.Module):
        def __init__(self):
            super().__init__()
            self.state = tf.Variable(tf.zeros([1, 4]))

        @tf.function(input_signature=[tf.TensorSpec([1, 4], tf.float32)])
        def __call__(self, x):
            y = x + 0.5 * self.state
            self.state.assign(y)
            return y

    module = Streaming()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    converter.experimental_enable_resource_variables = True
    return converter.convert()


def ops_of(path):
    interp = litert.Interpreter(model_path=path)
    return sorted({op["op_name"] for op in interp._get_ops_details()})


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    models = [("lstm_float", lstm_float, STEPS), ("fused_lstm", fused_lstm, STEPS), ("variable_streaming", variable_streaming, STEPS)]
    for index, (name, make, steps) in enumerate(models):
        folder = os.path.join(OUT, name)
        os.makedirs(folder)
        path = os.path.join(folder, "model.tflite")
        with open(path, "wb") as f:
            f.write(make())
        interp = litert.Interpreter(model_path=path, num_threads=1, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
        interp.allocate_tensors()
        rng = np.random.default_rng(int(hashlib.sha256(name.encode()).hexdigest()[:8], 16))  # stable per case
        for step in range(steps):
            step_dir = os.path.join(folder, f"step_{step}")
            os.makedirs(step_dir)
            for i, d in enumerate(interp.get_input_details()):
                shape = [int(v) if v > 0 else 2 for v in d["shape_signature"]]
                if shape != list(d["shape"]):
                    interp.resize_tensor_input(d["index"], shape)
                    interp.allocate_tensors()
                if np.dtype(d["dtype"]).kind == "f":
                    value = rng.uniform(-1, 1, shape).astype(d["dtype"])
                else:
                    value = rng.integers(0, 7, shape).astype(d["dtype"])
                interp.set_tensor(d["index"], value)
                np.save(os.path.join(step_dir, f"input_{i}.npy"), value)
            interp.invoke()
            for j, d in enumerate(interp.get_output_details()):
                np.save(os.path.join(step_dir, f"output_{j}.npy"), np.array(interp.get_tensor(d["index"])))
        case = {
            "ops": ops_of(path),
            "steps": steps,
            "tolerance": {"rtol": 1e-5, "atol": 1e-6},
            "provenance": {"generator": "scripts/make-tflite-stateful-models.py", "tensorflow": tf.__version__,
                           "ai_edge_litert": "2.3.0", "resolver": "BUILTIN_REF", "xnnpack": False,
                           "invocations": "one interpreter, steps in order"},
        }
        with open(os.path.join(folder, "case.json"), "w") as f:
            json.dump(case, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"{name}: {case['ops']}")


if __name__ == "__main__":
    main()
