#!/usr/bin/env bash
# Records the golden cases of the examples/pairs network into golden/pairnet/ (committed), on the
# committed input examples/pairs/inputs/image.npy:
#   reference/    lockstep golden record (the reference interpreter on pairnet.onnx)
#   onnxruntime/  tools/capture_onnxruntime.py (ONNX Runtime, CPU EP)
#   litert/       tools/capture_litert.py (LiteRT on pairnet.tflite, outputs in the ONNX model's terms)
# SOURCE_DATE_EPOCH fixes the recorded time, so re-running gives the same files.
# Usage: bash scripts/make-pair-goldens.sh   (needs scripts/bootstrap.sh's venv and a debug build)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
export SOURCE_DATE_EPOCH=1767225600  # 2026-01-01T00:00:00Z
swift build --product lockstep >/dev/null
.build/debug/lockstep golden record golden/pairnet/reference --model examples/pairs/pairnet.onnx \
    --inputs examples/pairs/inputs --force
"$PY" tools/capture_onnxruntime.py examples/pairs/pairnet.onnx --inputs examples/pairs/inputs \
    --out golden/pairnet/onnxruntime --force
"$PY" tools/capture_litert.py examples/pairs/pairnet.tflite --source examples/pairs/pairnet.onnx \
    --inputs examples/pairs/inputs --out golden/pairnet/litert --force 2>&1 | grep -v '^INFO:'
.build/debug/lockstep golden verify golden/pairnet
