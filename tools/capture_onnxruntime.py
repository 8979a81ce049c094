#!/usr/bin/env python3
"""Runs an ONNX model in ONNX Runtime on golden inputs and writes a golden case (tools/README.md).

  python tools/capture_onnxruntime.py MODEL.onnx --inputs DIR --out golden/<suite>/<case>
         [--provider CPUExecutionProvider] [--force]

DIR holds one .npy per model input (`<name>.npy` or `input_<i>.npy`, e.g. a case's inputs/ folder).
Run in the venv of scripts/bootstrap.sh (onnxruntime pinned in scripts/requirements.txt).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lockstep_golden as golden  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--provider", default="CPUExecutionProvider")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(a.model, options, providers=[a.provider])
    names = [i.name for i in session.get_inputs()]
    feeds = golden.read_inputs(a.inputs, names)
    outputs = session.run(None, feeds)
    command = golden.command_line()
    given = {"runtime": "file", "version": "-", "command": f"--inputs {a.inputs}"}
    made = {"runtime": "onnxruntime", "version": ort.__version__, "command": command, "form": "onnx"}
    path = golden.write_case(a.out, [(n, feeds[n], given) for n in names],
                             [(o.name, v, made) for o, v in zip(session.get_outputs(), outputs)], a.model, a.force,
                             "tools/capture_onnxruntime.py")
    print(f"wrote {path}: {len(names)} inputs, {len(outputs)} outputs (onnxruntime {ort.__version__}, {a.provider})")


if __name__ == "__main__":
    main()
