#!/usr/bin/env bash
# Regenerates the committed example gate report (reports/examples/gate/): the bundled example suite
# (lockstep.yaml) run by `lockstep gate`, with the clock pinned (SOURCE_DATE_EPOCH), and screenshots
# of its index.html in headless Chromium (desktop 1280 px and phone 390 px wide).
#   bash scripts/make-example-report.sh
# The suite fails on purpose (examples/README.md), so `lockstep gate` exiting 1 is expected here.
# A test (GateTests.testTheExampleSuiteShowsItsDeliberateRegressions) fails when a fresh run, with
# the committed report.json as its baseline, has a new, worse or fixed finding.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh >/dev/null
swift build --product lockstep >/dev/null
LOCKSTEP="$(swift build --show-bin-path)/lockstep"
OUT=reports/examples/gate
mkdir -p "$OUT"

rc=0
SOURCE_DATE_EPOCH=1767323045 "$LOCKSTEP" gate lockstep.yaml --report-dir "$OUT" --quiet || rc=$?
if ((rc != 1)); then
    echo "make-example-report: error: lockstep gate exited $rc; the example suite should fail (exit 1)" >&2
    exit 1
fi

CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$CHROMIUM" ]] || { echo "make-example-report: error: chromium not found (scripts/bootstrap.sh installs it)" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
shoot() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile" \
        --virtual-time-budget=3000 --window-size="$1" --screenshot="$ROOT/$OUT/$2" "file://$ROOT/$OUT/index.html" >/dev/null 2>&1
    [[ -s "$OUT/$2" ]] || { echo "make-example-report: error: no screenshot $OUT/$2" >&2; exit 1; }
}
shoot 1280,2600 screenshot-desktop.png
shoot 390,2600 screenshot-narrow.png
echo "wrote $OUT: report.json junit.xml summary.md index.html screenshot-desktop.png screenshot-narrow.png"
