#!/usr/bin/env bash
# Regenerates the committed compatibility matrix of the example models (reports/examples/matrix/):
# every model under examples/models against every target in opsets/ of its format.
#   bash scripts/make-example-matrix.sh
# Deterministic (no dates; paths as given). A test (CompatTests.testCommittedExampleMatrixIsCurrent)
# fails when the committed files differ from what the current code and opsets/ give.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
swift build --product lockstep >/dev/null
LOCKSTEP="$(swift build --show-bin-path)/lockstep"
mapfile -t models < <(find examples/models -name '*.onnx' -type f | LC_ALL=C sort)
"$LOCKSTEP" matrix "${models[@]}" --opsets opsets --out reports/examples/matrix
