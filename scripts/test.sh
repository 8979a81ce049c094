#!/usr/bin/env bash
# The whole test suite: set-up, corpus, then `swift build` and `swift test` with the corpus required.
# Extra arguments go to `swift test` (e.g. --filter ONNXFormatTests). Exits with swift test's code.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash scripts/bootstrap.sh
bash scripts/fetch-corpus.sh

export LOCKSTEP_CORPUS="$CORPUS" LOCKSTEP_REQUIRE_CORPUS=1
swift build
exec swift test --no-parallel "$@"
