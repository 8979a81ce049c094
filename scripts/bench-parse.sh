#!/usr/bin/env bash
# Parse-speed benchmark: Lockstep's ONNX loader vs `onnx.load` on the same files, same machine.
# Models: the largest corpus model (PP-OCRv4 rec), a zoo model, and a generated ~120 MB model.
# Prints JSON lines and a Markdown table for docs/benchmarks.md. Not part of the test suite.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ITER="${ITER:-20}"

bash scripts/bootstrap.sh >/dev/null
bash scripts/fetch-corpus.sh >/dev/null
BIG="$LOCKSTEP_CACHE/bench/mlp-120mb.onnx"
if [[ ! -f "$BIG" ]]; then
    mkdir -p "$(dirname "$BIG")"
    "$PY" scripts/make_bench_model.py "$BIG" 120
fi
swift build -c release --product lockstep-bench >/dev/null
BENCH="$(swift build -c release --show-bin-path)/lockstep-bench"

MODELS=("$CORPUS/ppocr/ch_PP-OCRv4_rec_infer.onnx" "$CORPUS/ppocr/ch_PP-OCRv4_det_infer.onnx" "$CORPUS/light/light_densenet121.onnx" "$BIG")
OUT="$(mktemp)"
"$BENCH" --iterations "$ITER" "${MODELS[@]}" >>"$OUT"
"$PY" scripts/bench_parse_onnx.py --iterations "$ITER" "${MODELS[@]}" >>"$OUT"
cat "$OUT"
"$PY" - "$OUT" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(r["path"], {})[r["tool"]] = r
print("\n| model | size | Lockstep median (ms) | onnx.load median (ms) | speed-up |")
print("| --- | ---: | ---: | ---: | ---: |")
for path, r in by.items():
    size = os.path.getsize(path) / 1e6
    l, o = r["lockstep"]["medianMs"], r["onnx.load"]["medianMs"]
    print(f"| {os.path.basename(path)} | {size:.1f} MB | {l:.2f} | {o:.2f} | {o / l:.1f}× |")
PY
