#!/usr/bin/env bash
# Makes (idempotently) the venv the committed generators run in: TensorFlow's TFLite converter,
# scikit-learn, ONNX Runtime's quantisation tools (scripts/generator-requirements.txt). The build
# and the test suite never need it; the files the generators write are committed.
# Prints the venv's python on stdout:  PY="$(bash scripts/generator-venv.sh)"
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GEN_VENV="$LOCKSTEP_CACHE/gen-venv"
REQ="$ROOT/scripts/generator-requirements.txt"
STAMP="$GEN_VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if ! [[ -x "$GEN_VENV/bin/python" ]]; then
    mkdir -p "$LOCKSTEP_CACHE"
    "${LOCKSTEP_PYTHON:-python3}" -m venv "$GEN_VENV" >&2
fi
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]]; then
    echo "generator-venv: installing scripts/generator-requirements.txt into $GEN_VENV" >&2
    "$GEN_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" >&2
    echo "$want" >"$STAMP"
fi
echo "$GEN_VENV/bin/python"
