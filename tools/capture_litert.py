#!/usr/bin/env python3
"""Runs a TFLite model in LiteRT on golden inputs and writes a golden case in the source model's
terms (tools/README.md).

  python tools/capture_litert.py MODEL.tflite --inputs DIR --out golden/<suite>/<case>
         [--source MODEL.onnx] [--delegate LIB.so] [--force]

DIR holds the inputs in the source (ONNX) model's terms, as a golden case's inputs/ do. Each is
matched to the TFLite input by name (also `serving_default_<name>:0`) or position, transposed when
the layouts differ (NCHW -> NHWC), and quantised with the input's scale and zero point when the
model takes integers. Outputs are dequantised to float32 when quantised, named and laid out as the
source's outputs when --source is given (by position), and recorded with LiteRT's version.
Run in the venv of scripts/bootstrap.sh (ai-edge-litert pinned in scripts/requirements.txt).
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import metadata

import numpy as np
from ai_edge_litert.interpreter import Interpreter, load_delegate

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lockstep_golden as golden  # noqa: E402


def source_io(path: str | None):
    if not path:
        return None, None
    import onnx
    m = onnx.load(path, load_external_data=False)
    init = {i.name for i in m.graph.initializer}
    def dims(v):
        return [d.dim_value if d.HasField("dim_value") else -1 for d in v.type.tensor_type.shape.dim]
    return ([(i.name, dims(i)) for i in m.graph.input if i.name not in init], [(o.name, dims(o)) for o in m.graph.output])


def plain(name: str) -> str:
    if name.startswith("serving_default_"):
        name = name[len("serving_default_"):]
    head, _, tail = name.rpartition(":")
    return head if head and tail.isdigit() else name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", help="the ONNX model the case is for (names and layouts of inputs and outputs)")
    ap.add_argument("--delegate", help="a delegate library to load (e.g. a GPU delegate on the device host)")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    delegates = [load_delegate(a.delegate)] if a.delegate else None
    interpreter = Interpreter(model_path=a.model, experimental_delegates=delegates, num_threads=1)
    interpreter.allocate_tensors()
    details = interpreter.get_input_details()
    src_inputs, src_outputs = source_io(a.source)
    names = [n for n, _ in src_inputs] if src_inputs else [plain(d["name"]) for d in details]
    values = golden.read_inputs(a.inputs, names)
    for i, d in enumerate(details):
        name = next((n for n in names if n in (d["name"], plain(d["name"]))), names[i])
        x = values[name]
        shape = list(d["shape"])
        if list(x.shape) != shape and x.ndim == len(shape) and x.ndim >= 3:
            r = x.ndim
            perm = [0] + list(range(2, r)) + [1]
            if [x.shape[p] for p in perm] == shape:
                x = x.transpose(perm)
        if d["dtype"] in (np.int8, np.uint8, np.int16) and x.dtype.kind == "f":
            scale, zero = d["quantization"]
            info = np.iinfo(d["dtype"])
            x = np.clip(np.round(x / scale) + zero, info.min, info.max)
        interpreter.set_tensor(d["index"], np.ascontiguousarray(x.astype(d["dtype"])))
    interpreter.invoke()
    version = metadata.version("ai-edge-litert")
    command = golden.command_line()
    outputs = []
    for i, d in enumerate(interpreter.get_output_details()):
        y = interpreter.get_tensor(d["index"])
        note = ""
        if d["dtype"] in (np.int8, np.uint8, np.int16) and d["quantization"][0] > 0:
            scale, zero = d["quantization"]
            y = ((y.astype(np.float64) - zero) * scale).astype(np.float32)
            note = f"; dequantised (scale {scale}, zero point {zero})"
        name = src_outputs[i][0] if src_outputs and i < len(src_outputs) else plain(d["name"])
        y, moved = golden.layout_back(y, src_outputs[i][1] if src_outputs and i < len(src_outputs) else None)
        if moved:
            note += f"; {moved}"
        outputs.append((name, y, {"runtime": "litert", "version": version, "command": command + note, "form": "tflite"}))
    given = {"runtime": "file", "version": "-", "command": f"--inputs {a.inputs}"}
    path = golden.write_case(a.out, [(n, values[n], given) for n in names], outputs, a.model, a.force, "tools/capture_litert.py")
    print(f"wrote {path}: {len(names)} inputs, {len(outputs)} outputs (ai-edge-litert {version})")


if __name__ == "__main__":
    main()
