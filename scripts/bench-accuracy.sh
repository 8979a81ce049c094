#!/usr/bin/env bash
# Speed of `lockstep accuracy` (release build): 10,000 samples through a small CNN in the reference
# interpreter, float reference + int8 QDQ candidate (20,000 inferences), with 1 and with all worker
# threads. Two models:
#   tiny_cnn       examples/models/tiny_cnn.onnx / tiny_cnn_qdq.onnx: [batch, 3, 32, 32], Conv 3x3 (8) +
#                  MaxPool, Conv 3x3 (16) + MaxPool, Gemm 1024->10, Softmax; random inputs and labels
#   digits_cnn     examples/accuracy/digits_cnn.onnx / digits_cnn_int8.onnx: the 899 test digits tiled
#                  to 10,000 samples; and the TFLite forms (batch 1, so 10,000 runs each, NHWC: the
#                  samples are transposed)
# Prints one line per run (wall seconds per form, from the text summary). Not part of the test suite.
# Results: docs/benchmarks.md, "Accuracy audit". N (default 10000) sets the samples.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
N="${N:-10000}"
swift build -c release --product lockstep >/dev/null
LOCKSTEP="$(swift build -c release --show-bin-path)/lockstep"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PY" - "$WORK" "$N" <<'PY'
import sys
import numpy as np
work, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(3)
np.savez(f"{work}/tiny.npz", inputs=rng.uniform(-1, 1, size=(n, 3, 32, 32)).astype(np.float32),
         labels=rng.integers(0, 10, size=n))
d = np.load("examples/accuracy/digits-test.npz")
reps = -(-n // len(d["labels"]))
np.savez(f"{work}/digits.npz", inputs=np.tile(d["inputs"], (reps, 1, 1, 1))[:n], labels=np.tile(d["labels"], reps)[:n])
PY
cores="$(nproc)"
for spec in "tiny:examples/models/tiny_cnn.onnx:examples/models/tiny_cnn_qdq.onnx" \
            "digits:examples/accuracy/digits_cnn.onnx:examples/accuracy/digits_cnn_int8.onnx" \
            "digits:examples/accuracy/digits_cnn.tflite:examples/accuracy/digits_cnn_int8.tflite"; do
    IFS=: read -r name ref cand <<<"$spec"
    for threads in 1 "$cores"; do
        start=$(date +%s.%N)
        "$LOCKSTEP" accuracy --dataset "$WORK/$name.npz" --reference "$ref" --candidate "$cand" --threads "$threads" \
            --min-support 1 >"$WORK/out.txt" || true
        end=$(date +%s.%N)
        forms=$(grep -E '^(reference|candidate) ' "$WORK/out.txt" | sed -E 's/^(reference|candidate) +([^ ]+).*, ([0-9.]+) s\)$/\2 \3 s/' | paste -sd ';' -)
        printf '%s  samples %s  threads %s  total %.1f s  (%s)\n' "$name" "$N" "$threads" "$(echo "$end - $start" | bc)" "$forms"
    done
done
