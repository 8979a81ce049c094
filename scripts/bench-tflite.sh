#!/usr/bin/env bash
# TFLite interpreter speed: Lockstep's reference interpreter (release build, --threads 1) vs LiteRT
# single-threaded with its optimised kernels and no delegate (BUILTIN_WITHOUT_DEFAULT_DELEGATES:
# XNNPACK off) and with its reference kernels (BUILTIN_REF), on the mediapipe models LiteRT can run
# (the LiteRT golden folders: same inputs for all three) and Lockstep's own CNN and MLP in each
# quantisation scheme (Tests/Fixtures/tflite-op-tests/model_*), one after the other on one machine.
# Prints JSON lines and a Markdown table for docs/benchmarks.md. Not part of the test suite.
# ITER (default 20) sets the timed runs; REF_ITER (default 3) those of LiteRT's reference kernels.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ITER="${ITER:-20}"
REF_ITER="${REF_ITER:-3}"

bash scripts/bootstrap.sh >/dev/null
bash scripts/fetch-corpus.sh >/dev/null
swift build -c release --product lockstep >/dev/null
LOCKSTEP="$(swift build -c release --show-bin-path)/lockstep"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/results.jsonl"
# bench_one LABEL MODEL INPUT_DIR: the three runtimes on one model, each line tagged with LABEL.
bench_one() {
    local tag=(-c 'import json,sys; [print(json.dumps({**json.loads(l), "label": sys.argv[1]})) for l in sys.stdin if l.strip()]' "$1")
    "$LOCKSTEP" bench "$2" --inputs "$3" --iterations "$ITER" --threads 1 --json \
        | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["runtime"]="lockstep"; print(json.dumps(d))' \
        | "$PY" "${tag[@]}" >>"$OUT"
    "$PY" scripts/bench_tflite_py.py optimized "$2" "$3" "$ITER" | "$PY" "${tag[@]}" >>"$OUT"
    "$PY" scripts/bench_tflite_py.py reference "$2" "$3" "$REF_ITER" | "$PY" "${tag[@]}" >>"$OUT"
}
for dir in "$CORPUS"/goldens/litert/*/; do
    model="$CORPUS/$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["model"])' "$dir/manifest.json")"
    bench_one "$(basename "$model" .tflite)" "$model" "$dir"
done
# Lockstep's own CNN and MLP in every post-training quantisation scheme (scripts/make-tflite-op-tests.py).
for dir in Tests/Fixtures/tflite-op-tests/model_cnn_*/ Tests/Fixtures/tflite-op-tests/model_mlp_*/; do
    bench_one "$(basename "$dir")" "$dir/model.tflite" "$dir/test_data_set_0"
done
cat "$OUT"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "$OUT" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(r["label"], {})[r["runtime"]] = r
print("\n| model | Lockstep P50 (ms) | LiteRT optimised P50 (ms) | LiteRT reference P50 (ms) | Lockstep vs optimised | Lockstep vs reference |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for model, r in sorted(by.items()):
    l, o, ref = r["lockstep"]["p50Ms"], r["litert-optimized"]["p50Ms"], r["litert-reference"]["p50Ms"]
    ms = lambda v: f"{v:.1f}" if v >= 1 else f"{v:.3f}"
    versus = lambda r: f"{r:.1f}× faster" if r >= 1 else f"{1 / r:.1f}× slower"
    print(f"| {model} | {ms(l)} | {ms(o)} | {ms(ref)} | {l / o:.2f}× | {versus(ref / l)} |")
PY
