#!/usr/bin/env bash
# The main job (README): builds the release `lockstep` and runs the bundled example suite
# (lockstep.yaml) with `lockstep gate`, which writes reports/report.json, junit.xml, summary.md and
# index.html. The suite holds deliberate regressions (examples/README.md), so the gate must FAIL
# (exit 1). Then it shows baseline semantics: the same suite against the report just written has
# nothing new or worse and must PASS (exit 0), writing reports/with-baseline/.
# Exits non-zero if the build fails or either run does not end as expected.
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

echo "=== lockstep gate   (the bundled example suite: lockstep.yaml)"
rc=0
"$LOCKSTEP" gate || rc=$?
if ((rc != 1)); then
    echo "run-examples: FAILED: lockstep gate exited $rc; the example suite fails on purpose (exit 1 expected)" >&2
    exit 1
fi
echo "run-examples: the gate failed as it should (deliberate regressions); open reports/index.html"
echo
echo "=== lockstep gate --baseline reports/report.json --report-dir reports/with-baseline"
rc=0
"$LOCKSTEP" gate --baseline reports/report.json --report-dir reports/with-baseline || rc=$?
if ((rc != 0)); then
    echo "run-examples: FAILED: against its own report as baseline the gate exited $rc (0 expected: nothing new or worse)" >&2
    exit 1
fi
echo "run-examples: against the baseline nothing is new or worse: the gate passes"
