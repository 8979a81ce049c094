#!/usr/bin/env python3
"""Generates the stateful TFLite models of Tests/Fixtures/tflite-models/ (committed) with LiteRT
goldens over several invocations of one interpreter, for TFLiteStatefulModelTests (the executor's
state across invocations, `lockstep run --steps`, and the recurrent ops).

Runs in the generator venv (`PY=$(bash scripts/generator-venv.sh)`: TensorFlow 2.21's converter;
ai-edge-litert 2.3.0 for the goldens, resolver BUILTIN_REF: reference kernels, no XNNPACK).

Cases (weights from numpy default_rng seeds, inputs uniform in [-1, 1)):
  lstm_float         Keras LSTM(4, return_sequences=True) over [1, 5, 3]: UNIDIRECTIONAL_SEQUENCE_LSTM
                     (float, no peephole / projection / layer norm) with variable state tensors.
  variable_streaming a tf.Module holding a tf.Variable state [1, 4]: y = x + 0.5 * state; state := y
                     (resource variables: CALL_ONCE, VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE).
Layout: <case>/model.tflite, <case>/step_<k>/input_<i>.npy and output_<j>.npy for k = 0..steps-1,
all invoked on ONE interpreter in order; <case>/case.json (ops, steps, tolerance, provenance).
Usage: $PY scripts/make-tflite-stateful-models.py [OUT_DIR]  (default Tests/Fixtures/tflite-models)
"""
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
    for index, (name, make) in enumerate([("lstm_float", lstm_float), ("variable_streaming", variable_streaming)]):
        folder = os.path.join(OUT, name)
        os.makedirs(folder)
        path = os.path.join(folder, "model.tflite")
        with open(path, "wb") as f:
            f.write(make())
        interp = litert.Interpreter(model_path=path, num_threads=1, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
        interp.allocate_tensors()
        rng = np.random.default_rng(100 + index)
        for step in range(STEPS):
            step_dir = os.path.join(folder, f"step_{step}")
            os.makedirs(step_dir)
            for i, d in enumerate(interp.get_input_details()):
                value = rng.uniform(-1, 1, d["shape"]).astype(d["dtype"])
                interp.set_tensor(d["index"], value)
                np.save(os.path.join(step_dir, f"input_{i}.npy"), value)
            interp.invoke()
            for j, d in enumerate(interp.get_output_details()):
                np.save(os.path.join(step_dir, f"output_{j}.npy"), np.array(interp.get_tensor(d["index"])))
        case = {
            "ops": ops_of(path),
            "steps": STEPS,
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
