#!/usr/bin/env bash
# Interpreter speed and memory: Lockstep's reference interpreter vs ONNX Runtime (CPU, one thread)
# vs the onnx Python reference evaluator on PP-OCRv4 det and rec, single-threaded, same inputs,
# same machine, one after the other. Prints JSON lines and a Markdown table for docs/benchmarks.md,
# with ratios of wall-time P50s and of CPU-time P50s (process CPU time per run, which other load on
# the machine inflates much less), and the load average before and after. Not part of the test
# suite. ITER (default 20) sets the timed runs; the reference evaluator runs REF_ITER (default 2)
# times. ROUNDS (default 1) repeats the whole comparison.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ITER="${ITER:-20}"
REF_ITER="${REF_ITER:-2}"
ROUNDS="${ROUNDS:-1}"
# Single-threaded everywhere: numpy's BLAS (used by the reference evaluator) and OpenMP too.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

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
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc --all) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
for round in $(seq "$ROUNDS"); do
    for pair in "det:ch_PP-OCRv4_det_infer" "rec:ch_PP-OCRv4_rec_infer"; do
        input="${pair%%:*}"; model="$CORPUS/ppocr/${pair#*:}.onnx"
        "$LOCKSTEP" bench "$model" --inputs "$WORK/$input" --iterations "$ITER" --threads 1 --json \
            | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["runtime"]="lockstep"; d["round"]='"$round"'; print(json.dumps(d))' >>"$OUT"
        "$PY" scripts/bench_interpreter_py.py ort "$model" "$WORK/$input" "$ITER" \
            | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["round"]='"$round"'; print(json.dumps(d))' >>"$OUT"
        "$PY" scripts/bench_interpreter_py.py reference "$model" "$WORK/$input" "$REF_ITER" \
            | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["round"]='"$round"'; print(json.dumps(d))' >>"$OUT"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$OUT"
"$PY" - "$OUT" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault((r["round"], os.path.basename(r["model"])), {})[r["runtime"]] = r
print("\n| round | model | Lockstep P50 (ms) wall / CPU | ONNX Runtime P50 (ms) wall / CPU | onnx reference P50 (ms) wall / CPU"
      " | vs ORT wall / CPU | vs reference wall / CPU | RSS Lockstep / ORT (MiB) |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for (rnd, model), r in sorted(by.items()):
    l, o, ref = r["lockstep"], r["ort"], r["reference"]
    rss_l, rss_o = l["peakRSSBytes"] / 2**20, o["peakRSSBytes"] / 2**20
    print(f"| {rnd} | {model} | {l['p50Ms']:.1f} / {l['cpuP50Ms']:.1f} | {o['p50Ms']:.1f} / {o['cpuP50Ms']:.1f}"
          f" | {ref['p50Ms']:.0f} / {ref['cpuP50Ms']:.0f}"
          f" | {l['p50Ms'] / o['p50Ms']:.2f}× / {l['cpuP50Ms'] / o['cpuP50Ms']:.2f}× slower"
          f" | {ref['p50Ms'] / l['p50Ms']:.0f}× / {ref['cpuP50Ms'] / l['cpuP50Ms']:.0f}× faster | {rss_l:.0f} / {rss_o:.0f} |")
PY
