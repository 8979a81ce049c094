#!/usr/bin/env bash
# The main job: builds the release `lockstep` and runs `lockstep inspect` on every example model in
# examples/models (see examples/README.md). Exits non-zero if the build or any inspect fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash scripts/bootstrap.sh >/dev/null

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! swift build -c release --product lockstep >"$log" 2>&1; then
    cat "$log" >&2
    echo "run-examples: error: swift build -c release --product lockstep failed" >&2
    exit 1
fi
LOCKSTEP="$(swift build -c release --show-bin-path)/lockstep"

mapfile -t models < <(find examples/models -name '*.onnx' -type f | LC_ALL=C sort)
if ((${#models[@]} == 0)); then
    echo "run-examples: error: no models in examples/models (run scripts/make-examples.py)" >&2
    exit 1
fi

passed=0
failed=0
for model in "${models[@]}"; do
    echo "=== lockstep inspect $model"
    if "$LOCKSTEP" inspect "$model"; then
        passed=$((passed + 1))
    else
        rc=$?
        echo "run-examples: FAILED (exit $rc): lockstep inspect $model" >&2
        failed=$((failed + 1))
    fi
    echo
done
echo "examples: $passed passed, $failed failed"
((failed == 0))
