#!/usr/bin/env python3
"""The null case of the accuracy demonstration: how often does `lockstep accuracy` raise a failing
finding when nothing is wrong? (docs/accuracy.md, "False-alarm rate")

For each seed, digits_cnn.onnx (examples/accuracy, made by scripts/make-accuracy-demo.py) is
quantised to int8 QDQ exactly as digits_cnn_int8.onnx is, but calibrated on a different random
draw of 100 training images (numpy default_rng(seed)). Every quantised model is then a candidate
in one `lockstep accuracy` run (each candidate is its own Benjamini-Hochberg family); a seed is a
false alarm when its candidate has any error-severity finding.

Writes (committed):
  examples/accuracy/null-case.json           per seed: aggregate delta, flips, smallest adjusted p,
                                             failing findings; the false-alarm rate
  examples/accuracy/null-case-captured.npz   the same models' predictions from onnxruntime
                                             (predictions int16 [seeds, 899]; reference int16 [899],
                                             the float model's) for the CI test that
                                             replays the statistics without the quantised models

Usage (generator venv, after `swift build`):
  PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/accuracy-null-case.py [--seeds 40] [--lockstep .build/debug/lockstep]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "accuracy")


def demo_module():
    spec = importlib.util.spec_from_file_location("demo", os.path.join(ROOT, "scripts", "make-accuracy-demo.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--lockstep", default=os.path.join(ROOT, ".build", "debug", "lockstep"))
    args = parser.parse_args()
    demo = demo_module()
    x_train, x_test, _, y_test = demo.split()
    float_path = os.path.join(EXAMPLES, "digits_cnn.onnx")
    captured = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for seed in range(args.seeds):
            pick = np.random.default_rng(seed).choice(len(x_train), demo.GOOD_CALIBRATION, replace=False)
            path = os.path.join(tmp, f"null_seed{seed:02d}.onnx")
            demo.quantize(float_path, path, x_train[pick])
            captured.append(demo.logits(path, x_test).argmax(1).astype(np.int16))
            paths.append(path)
        command = [args.lockstep, "accuracy", "--dataset", os.path.join(EXAMPLES, "digits-test.npz"),
                   "--reference", float_path, "--json"]
        for p in paths:
            command += ["--candidate", p]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode not in (0, 1):
            raise SystemExit(f"lockstep failed ({run.returncode}): {run.stderr}")
        report = json.loads(run.stdout)
    rows = []
    for seed, comparison in enumerate(report["accuracy"]["comparisons"]):
        candidate = comparison["candidate"]
        failing = [f["message"] for f in report["findings"]
                   if f["severity"] == "error" and f["message"].startswith(f"candidate {candidate}:")]
        adjusted = [c["adjustedPValue"] for c in comparison["classes"] if "adjustedPValue" in c]
        agg = comparison["aggregate"]
        rows.append({"seed": seed, "aggregateDelta": agg["delta"], "flips": agg["flips"],
                     "smallestAdjustedP": min(adjusted) if adjusted else None, "failingFindings": failing})
    alarms = sum(1 for r in rows if r["failingFindings"])
    summary = {
        "generator": "scripts/accuracy-null-case.py",
        "model": "examples/accuracy/digits_cnn.onnx",
        "calibration": f"{demo.GOOD_CALIBRATION} random training images per seed (numpy default_rng(seed))",
        "alpha": report["accuracy"]["statistics"]["alpha"],
        "maxDrop": report["accuracy"]["statistics"]["maxDrop"],
        "seeds": args.seeds,
        "falseAlarms": alarms,
        "falseAlarmRate": alarms / args.seeds,
        "runs": rows,
    }
    with open(os.path.join(EXAMPLES, "null-case.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    reference = demo.logits(float_path, x_test).argmax(1).astype(np.int16)
    np.savez_compressed(os.path.join(EXAMPLES, "null-case-captured.npz"), predictions=np.stack(captured), reference=reference)
    flips = [r["flips"] for r in rows]
    print(f"{alarms} false alarms in {args.seeds} seeds (rate {alarms / args.seeds:.3f}, alpha {summary['alpha']}); "
          f"flips per seed: min {min(flips)}, median {int(np.median(flips))}, max {max(flips)}")


if __name__ == "__main__":
    main()
