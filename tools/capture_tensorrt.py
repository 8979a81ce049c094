#!/usr/bin/env python3
"""Captures TensorRT outputs on golden inputs and writes a golden case (tools/README.md).

On a GPU host with TensorRT and Polygraphy installed:

  python tools/capture_tensorrt.py MODEL.onnx --inputs DIR --out golden/<suite>/<case>
         [--fp16] [--int8] [--save-engine model.plan] [--force]

builds an engine from the ONNX model with Polygraphy's TensorRT backend, runs it on the inputs and
records the outputs with TensorRT's version. From results Polygraphy already saved
(`polygraphy run … --save-inputs in.json --save-outputs out.json`):

  python tools/capture_tensorrt.py --from-polygraphy-json out.json [--polygraphy-inputs in.json]
         [--inputs DIR] --out golden/<suite>/<case> --runtime-version 10.4.0 [--model MODEL.onnx]

`--backend onnxruntime` runs the same capture path on ONNX Runtime instead of TensorRT, so that
the file-writing path is exercised on machines without a GPU (the test suite does this).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lockstep_golden as golden  # noqa: E402


def decode_polygraphy_array(obj) -> np.ndarray:
    """A Polygraphy-serialised array: {"array": base64 .npy, "polygraphy_class": "ndarray"}, or a
    LazyNumpyArray {"values": …}."""
    if isinstance(obj, dict) and obj.get("polygraphy_class") == "LazyNumpyArray":
        obj = obj["values"]
    if not (isinstance(obj, dict) and obj.get("polygraphy_class") == "ndarray" and "array" in obj):
        raise SystemExit(f"not a Polygraphy array: {str(obj)[:80]}")
    return np.load(io.BytesIO(base64.b64decode(obj["array"])), allow_pickle=False)


def read_polygraphy_outputs(path: str) -> tuple[str, dict[str, np.ndarray]]:
    """The first runner's first iteration of a RunResults JSON: (runner name, outputs)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("polygraphy_class") != "RunResults" or not data.get("lst"):
        raise SystemExit(f"{path}: not a Polygraphy RunResults file (polygraphy run --save-outputs)")
    runner, iterations = data["lst"][0]
    if not iterations:
        raise SystemExit(f"{path}: runner {runner} has no iterations")
    return runner, {k: decode_polygraphy_array(v) for k, v in iterations[0]["outputs"].items()}


def read_polygraphy_inputs(path: str) -> dict[str, np.ndarray]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list) or not data:
        raise SystemExit(f"{path}: not a Polygraphy inputs file (polygraphy run --save-inputs)")
    return {k: decode_polygraphy_array(v) for k, v in data[0].items()}


def run_tensorrt(model: str, feeds: dict[str, np.ndarray], fp16: bool, int8: bool, save_engine: str | None):
    import tensorrt as trt  # noqa: F401  (GPU host only)
    from polygraphy.backend.trt import CreateConfig, EngineFromNetwork, NetworkFromOnnxPath, SaveEngine, TrtRunner
    build = EngineFromNetwork(NetworkFromOnnxPath(model), config=CreateConfig(fp16=fp16, int8=int8))
    if save_engine:
        build = SaveEngine(build, save_engine)
    with TrtRunner(build) as runner:
        outputs = runner.infer(feed_dict=feeds)
    return {k: np.asarray(v) for k, v in outputs.items()}, "tensorrt", trt.__version__


def run_onnxruntime(model: str, feeds: dict[str, np.ndarray]):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    values = session.run(None, feeds)
    return {o.name: v for o, v in zip(session.get_outputs(), values)}, "onnxruntime", ort.__version__


def model_io(model: str | None):
    if not model:
        return None, None
    import onnx
    m = onnx.load(model, load_external_data=False)
    init = {i.name for i in m.graph.initializer}
    return [i.name for i in m.graph.input if i.name not in init], [o.name for o in m.graph.output]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?")
    ap.add_argument("--model", dest="model_option")
    ap.add_argument("--inputs")
    ap.add_argument("--out", required=True)
    ap.add_argument("--backend", choices=["tensorrt", "onnxruntime"], default="tensorrt")
    ap.add_argument("--fp16", action="store_true")
    ap.add_argument("--int8", action="store_true")
    ap.add_argument("--save-engine")
    ap.add_argument("--from-polygraphy-json")
    ap.add_argument("--polygraphy-inputs")
    ap.add_argument("--runtime-version", help="TensorRT version, with --from-polygraphy-json")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    model = a.model or a.model_option
    input_names, output_names = model_io(model)
    command = golden.command_line()

    if a.from_polygraphy_json:
        if not a.runtime_version:
            raise SystemExit("--from-polygraphy-json needs --runtime-version (the TensorRT version that produced it)")
        runner, outputs = read_polygraphy_outputs(a.from_polygraphy_json)
        if a.polygraphy_inputs:
            feeds = read_polygraphy_inputs(a.polygraphy_inputs)
            given = {"runtime": "polygraphy", "version": a.runtime_version, "command": f"--save-inputs ({a.polygraphy_inputs})"}
        elif a.inputs:
            feeds = golden.read_inputs(a.inputs, input_names or [])
            given = {"runtime": "file", "version": "-", "command": f"--inputs {a.inputs}"}
        else:
            raise SystemExit("pass --polygraphy-inputs or --inputs: a golden case holds the inputs its outputs were computed on")
        runtime, version = "tensorrt", a.runtime_version
        made = {"runtime": runtime, "version": version, "command": f"{command} (Polygraphy runner {runner})", "form": "tensorrt"}
    else:
        if not model or not a.inputs:
            raise SystemExit("pass MODEL.onnx and --inputs DIR (or --from-polygraphy-json)")
        feeds = golden.read_inputs(a.inputs, input_names)
        if a.backend == "tensorrt":
            outputs, runtime, version = run_tensorrt(model, feeds, a.fp16, a.int8, a.save_engine)
        else:
            outputs, runtime, version = run_onnxruntime(model, feeds)
        given = {"runtime": "file", "version": "-", "command": f"--inputs {a.inputs}"}
        made = {"runtime": runtime, "version": version, "command": command, "form": "tensorrt" if runtime == "tensorrt" else "onnx"}
    order = output_names or list(outputs)
    missing = [n for n in order if n not in outputs]
    if missing:
        raise SystemExit(f"the captured outputs lack {missing} (they have {list(outputs)})")
    path = golden.write_case(a.out, [(n, v, given) for n, v in feeds.items()], [(n, outputs[n], made) for n in order], model, a.force,
                             "tools/capture_tensorrt.py")
    print(f"wrote {path}: {len(feeds)} inputs, {len(order)} outputs ({runtime} {version})")


if __name__ == "__main__":
    main()
