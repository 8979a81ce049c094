#!/usr/bin/env bash
# Interpreter speed and memory: Lockstep's reference interpreter vs ONNX Runtime (CPU, one thread)
# vs the onnx Python reference evaluator on PP-OCRv4 det and rec, single-threaded, same inputs,
# same machine, one after the other. Prints JSON lines and a Markdown table for docs/benchmarks.md.
# Not part of the test suite. ITER (default 20) sets the timed runs; the reference evaluator runs
# REF_ITER (default 2) times.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ITER="${ITER:-20}"
REF_ITER="${REF_ITER:-2}"

bash scripts/bootstrap.sh >/dev/null
bash scripts/fetch-corpus.sh >/dev/null
swift build -c release --product lockstep >/dev/null
LOCKSTEP="$(swift build -c release --show-bin-path)/lockstep"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PY" - "$WORK" <<'PY'
import os, sys
import numpy as np
rng = np.random.default_rng(7)
for name, shape in {"det": (1, 3, 320, 320), "rec": (1, 3, 48, 320)}.items():
    os.makedirs(os.path.join(sys.argv[1], name))
    np.save(os.path.join(sys.argv[1], name, "x.npy"), rng.random(shape, dtype=np.float32))
PY

OUT="$WORK/results.jsonl"
for pair in "det:ch_PP-OCRv4_det_infer" "rec:ch_PP-OCRv4_rec_infer"; do
    input="${pair%%:*}"; model="$CORPUS/ppocr/${pair#*:}.onnx"
    "$LOCKSTEP" bench "$model" --inputs "$WORK/$input" --iterations "$ITER" --threads 1 --json \
        | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["runtime"]="lockstep"; print(json.dumps(d))' >>"$OUT"
    "$PY" scripts/bench_interpreter_py.py ort "$model" "$WORK/$input" "$ITER" >>"$OUT"
    "$PY" scripts/bench_interpreter_py.py reference "$model" "$WORK/$input" "$REF_ITER" >>"$OUT"
done
cat "$OUT"
"$PY" - "$OUT" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(os.path.basename(r["model"]), {})[r["runtime"]] = r
print("\n| model (input) | Lockstep P50 (ms) | ONNX Runtime P50 (ms) | onnx reference P50 (ms) | vs ORT | vs reference | RSS Lockstep / ORT (MiB) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for model, r in by.items():
    l, o, ref = r["lockstep"]["p50Ms"], r["ort"]["p50Ms"], r["reference"]["p50Ms"]
    rss_l, rss_o = r["lockstep"]["peakRSSBytes"] / 2**20, r["ort"]["peakRSSBytes"] / 2**20
    print(f"| {model} | {l:.1f} | {o:.1f} | {ref:.0f} | {l / o:.2f}× slower | {ref / l:.0f}× faster | {rss_l:.0f} / {rss_o:.0f} |")
PY
